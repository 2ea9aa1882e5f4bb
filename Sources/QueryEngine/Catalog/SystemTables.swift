import ColumnStore

/// The `tsdb_*` system tables: the catalog and storage layout as queryable rows.
enum SystemTables {
    static var all: [VirtualTable] { [tables, columns] }

    /// `tsdb_tables`: one row per table with its settings.
    static let tables = VirtualTable(name: "tsdb_tables", columns: [
        ColumnDef(name: "table_name", type: .string),
        ColumnDef(name: "columns", type: .int64),
        ColumnDef(name: "retention_days", type: .int64),
        ColumnDef(name: "compression", type: .string),
        ColumnDef(name: "sort_key", type: .string),
    ]) { engine in
        let db = engine.database
        var name = ColumnVector(type: .string), cols = ColumnVector(type: .int64), retention = ColumnVector(type: .int64)
        var compression = ColumnVector(type: .string), sortKey = ColumnVector(type: .string)
        for t in db.tableNames() {
            guard let schema = db.schema(of: t), let o = db.tableOptions(of: t) else { continue }  // dropped meanwhile
            name.append(string: t)
            cols.append(int64: Int64(schema.count))
            if let d = o.retentionDays { retention.append(int64: Int64(d)) } else { retention.appendNulls(1) }
            compression.append(string: o.compression.name)
            sortKey.append(string: o.sortKey.joined(separator: ", "))
        }
        return [name, cols, retention, compression, sortKey]
    }

    /// `tsdb_columns`: one row per column of every table.
    static let columns = VirtualTable(name: "tsdb_columns", columns: [
        ColumnDef(name: "table_name", type: .string),
        ColumnDef(name: "column_name", type: .string),
        ColumnDef(name: "position", type: .int64),
        ColumnDef(name: "data_type", type: .string),
        ColumnDef(name: "kind", type: .string),
    ]) { engine in
        let db = engine.database
        var table = ColumnVector(type: .string), name = ColumnVector(type: .string), position = ColumnVector(type: .int64)
        var type = ColumnVector(type: .string), kind = ColumnVector(type: .string)
        for t in db.tableNames() {
            guard let schema = db.schema(of: t) else { continue }
            for (i, c) in schema.columns.enumerated() {
                table.append(string: t)
                name.append(string: c.name)
                position.append(int64: Int64(i + 1))
                type.append(string: SQLColumnType.name(c.type))
                kind.append(string: SQLColumnType.kind(c.type))
            }
        }
        return [table, name, position, type, kind]
    }
}
