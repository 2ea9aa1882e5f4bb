/// The type of a stored column. Raw values are persisted in schemas and segment footers: never reuse one.
public enum ColumnType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// The designated timestamp: Int64 nanoseconds since the Unix epoch, UTC.
    case time = 0
    case int64 = 1
    case uint64 = 2
    case float64 = 3
    case bool = 4
    /// A free-form string field.
    case string = 5
    /// A tag: a string stored as a UInt32 code into the table's per-column symbol dictionary.
    case symbol = 6
    /// A calendar day: Int64 days since 1970-01-01 (stored and encoded as `.int64` is). Only SQL
    /// creates one (`CREATE TABLE … (d DATE)`, a DATE expression of `CREATE TABLE … AS`): line protocol has no DATE.
    case date = 7

    public var description: String {
        switch self {
        case .time: "timestamp"
        case .int64: "integer"
        case .uint64: "unsigned"
        case .float64: "float"
        case .bool: "boolean"
        case .string: "string"
        case .symbol: "tag"
        case .date: "date"
        }
    }

    /// Parses the name written by `description`.
    public init?(name: String) {
        guard let t = ColumnType.allCases.first(where: { $0.description == name }) else { return nil }
        self = t
    }
}
