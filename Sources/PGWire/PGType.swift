/// A PostgreSQL data type as the protocol names it: its OID (`pg_type.oid`) and fixed size.
public struct PGType: Sendable, Hashable, CustomStringConvertible {
    public var oid: UInt32
    /// `pg_type.typlen`: bytes of a fixed-size value; -1 variable length, -2 NUL-terminated.
    public var size: Int16
    /// `pg_type.typname`.
    public var name: String

    public init(oid: UInt32, size: Int16, name: String) {
        self.oid = oid
        self.size = size
        self.name = name
    }

    public var description: String { name }

    public static let bool = PGType(oid: 16, size: 1, name: "bool")
    public static let bytea = PGType(oid: 17, size: -1, name: "bytea")
    public static let char = PGType(oid: 18, size: 1, name: "char")
    public static let name = PGType(oid: 19, size: 64, name: "name")
    public static let int8 = PGType(oid: 20, size: 8, name: "int8")
    public static let int2 = PGType(oid: 21, size: 2, name: "int2")
    public static let int4 = PGType(oid: 23, size: 4, name: "int4")
    public static let text = PGType(oid: 25, size: -1, name: "text")
    public static let oidType = PGType(oid: 26, size: 4, name: "oid")
    public static let float4 = PGType(oid: 700, size: 4, name: "float4")
    public static let float8 = PGType(oid: 701, size: 8, name: "float8")
    public static let unknown = PGType(oid: 705, size: -2, name: "unknown")
    public static let bpchar = PGType(oid: 1042, size: -1, name: "bpchar")
    public static let varchar = PGType(oid: 1043, size: -1, name: "varchar")
    public static let date = PGType(oid: 1082, size: 4, name: "date")
    public static let timestamp = PGType(oid: 1114, size: 8, name: "timestamp")
    public static let timestamptz = PGType(oid: 1184, size: 8, name: "timestamptz")
    public static let interval = PGType(oid: 1186, size: 16, name: "interval")
    public static let numeric = PGType(oid: 1700, size: -1, name: "numeric")
    /// An anonymous composite value (`(10,1)`), as a row-returning function gives.
    public static let record = PGType(oid: 2249, size: -1, name: "record")

    /// Every type the server knows, for lookups by OID (`pg_type`'s rows too).
    public static let all: [PGType] = [.bool, .bytea, .char, .name, .int8, .int2, .int4, .text, .oidType, .float4, .float8,
                                       .unknown, .bpchar, .varchar, .date, .timestamp, .timestamptz, .interval, .numeric, .record]

    /// The type with this OID; nil for one the server does not know.
    public init?(oid: UInt32) {
        guard let t = Self.all.first(where: { $0.oid == oid }) else { return nil }
        self = t
    }
}
