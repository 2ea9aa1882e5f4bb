import ColumnStore

/// The type of a value during planning and execution.
public indirect enum ValueType: Sendable, Hashable, CustomStringConvertible {
    /// `int` is BIGINT; `int32` is INTEGER, held in the same 64-bit storage but range-checked to 32 bits
    /// by casts and arithmetic (as DuckDB's INTEGER).
    case bool, int, int32, uint, double, string, time, interval, null
    /// A calendar day: days since 1970-01-01 in 64-bit integer storage (as INTEGER's), printed `YYYY-MM-DD`.
    case date
    /// A one-dimensional array of the element type (a scalar type), `ArrayValue`s held in a string
    /// vector as `ArrayCoding` lays them out.
    case array(ValueType)
    /// A composite of named fields (`RecordValue`), held in a string vector as `RecordCoding` lays it out.
    case record(RecordType)

    public var description: String {
        switch self {
        case .bool: "BOOLEAN"
        case .int: "BIGINT"
        case .int32: "INTEGER"
        case .uint: "UBIGINT"
        case .double: "DOUBLE"
        case .string: "VARCHAR"
        case .time: "TIMESTAMP"
        case .interval: "INTERVAL"
        case .date: "DATE"
        case .null: "NULL"
        case let .array(e): "\(e)[]"
        case let .record(r): "STRUCT(" + zip(r.names, r.types).map { "\($0) \($1)" }.joined(separator: ", ") + ")"
        }
    }

    var isArray: Bool { if case .array = self { true } else { false } }

    var isNumeric: Bool { self == .int || self == .int32 || self == .uint || self == .double }

    /// BIGINT or INTEGER.
    var isSignedInteger: Bool { self == .int || self == .int32 }

    /// The column type a vector of this type is stored as (strings may also be `.symbol`).
    var columnType: ColumnType {
        switch self {
        case .bool: .bool
        case .int, .int32, .null, .interval, .date: .int64
        case .uint: .uint64
        case .double: .float64
        case .string, .array, .record: .string
        case .time: .time
        }
    }

    init(_ c: ColumnType) {
        switch c {
        case .time: self = .time
        case .int64: self = .int
        case .uint64: self = .uint
        case .float64: self = .double
        case .bool: self = .bool
        case .string, .symbol: self = .string
        case .date: self = .date
        }
    }
}

/// One constant value.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case time(Int64)
    case interval(SQLInterval)
    /// Days since 1970-01-01.
    case date(Int64)
    case array(ArrayValue)
    case record(RecordValue)

    var type: ValueType {
        switch self {
        case .null: .null
        case .bool: .bool
        case .int: .int
        case .uint: .uint
        case .double: .double
        case .string: .string
        case .time: .time
        case .interval: .interval
        case .date: .date
        case let .array(a): .array(a.element)
        case let .record(r): .record(r.type)
        }
    }

    public var description: String {
        switch self {
        case .null: "NULL"
        case let .bool(b): b ? "true" : "false"
        case let .int(v): "\(v)"
        case let .uint(v): "\(v)"
        case let .double(v): "\(v)"
        case let .string(s): "'\(s)'"
        case let .time(t): "TIMESTAMP '\(SQLTimestamp.format(t))'"
        case let .interval(i): "INTERVAL '\(i)'"
        case let .date(d): "DATE '\(SQLDate.format(d))'"
        case let .array(a): "'\(ArrayText.postgres(a).replacingOccurrences(of: "'", with: "''"))'::\(a.element)[]"
        case let .record(r): "ROW(" + r.items.map(\.description).joined(separator: ", ") + ")"
        }
    }

    var asDouble: Double? {
        switch self {
        case let .int(v): Double(v)
        case let .uint(v): Double(v)
        case let .double(v): v
        case let .time(v): Double(v)
        default: nil
        }
    }
}
