/// A type named in `CAST(x AS type)` or `x::type`. Spellings follow DuckDB; the planner decides which
/// casts it supports.
public enum SQLType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case boolean = "BOOLEAN"
    /// 32-bit signed (DuckDB INTEGER).
    case integer = "INTEGER"
    /// 64-bit signed.
    case bigint = "BIGINT"
    /// 64-bit unsigned.
    case ubigint = "UBIGINT"
    /// 32-bit float (DuckDB REAL = FLOAT = FLOAT4).
    case real = "REAL"
    /// 64-bit float.
    case double = "DOUBLE"
    case varchar = "VARCHAR"
    case timestamp = "TIMESTAMP"
    case date = "DATE"
    case interval = "INTERVAL"
    /// PostgreSQL's `oid` (an object's number: a BIGINT here), and `regclass`/`regtype`, which turn a
    /// relation's name into its OID and a type's OID into its name (catalog queries of psql and JDBC).
    case oid = "OID", regclass = "REGCLASS", regtype = "REGTYPE"
    /// `regnamespace`: a schema's OID printed as its name.
    case regnamespace = "REGNAMESPACE"

    public var description: String { rawValue }

    /// The type for a lower-case single-word type name, accepting DuckDB's aliases.
    /// (`DOUBLE PRECISION` is handled by the parser.)
    static func named(_ name: String) -> SQLType? {
        switch name {
        case "boolean", "bool", "logical": return .boolean
        case "integer", "int", "int4", "int32", "signed": return .integer
        case "bigint", "int8", "int64", "long": return .bigint
        case "ubigint", "uint64": return .ubigint
        case "real", "float", "float4": return .real
        case "double", "float8": return .double
        case "varchar", "text", "string", "char", "bpchar": return .varchar
        case "timestamp", "datetime": return .timestamp
        case "date": return .date
        case "interval": return .interval
        case "name": return .varchar
        case "oid": return .oid
        case "regclass": return .regclass
        case "regtype": return .regtype
        case "regnamespace": return .regnamespace
        // PostgreSQL's 16-bit integer, held as an INTEGER.
        case "smallint", "int2": return .integer
        default: return nil
        }
    }
}
