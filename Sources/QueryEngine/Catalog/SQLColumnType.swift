import ColumnStore

/// SQL names of stored column types, as `tsdb_columns`, `DESCRIBE` and `CREATE TABLE` spell them.
enum SQLColumnType {
    /// The SQL type name of a stored column type; tags are `SYMBOL` (QuestDB's name for a dictionary-encoded string).
    static func name(_ type: ColumnType) -> String {
        switch type {
        case .time: "TIMESTAMP"
        case .int64: "BIGINT"
        case .uint64: "UBIGINT"
        case .float64: "DOUBLE"
        case .bool: "BOOLEAN"
        case .string: "VARCHAR"
        case .symbol: "SYMBOL"
        case .date: "DATE"
        }
    }

    /// What role a column plays: the designated timestamp, a tag or a field.
    static func kind(_ type: ColumnType) -> String {
        type == .time ? "time" : type == .symbol ? "tag" : "field"
    }
}
