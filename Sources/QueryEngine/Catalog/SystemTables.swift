import ColumnStore

/// The `tsdb_*` system tables: the catalog and storage layout as queryable rows.
enum SystemTables {
    static var all: [VirtualTable] { [tables, columns, partitions, segments, ViewTables.views] }

    /// `tsdb_tables`: one row per table with its settings and size.
    static let tables = VirtualTable(name: "tsdb_tables", columns: tableColumns) { engine in
        let db = engine.database
        var v = tableColumns.map { ColumnVector(type: $0.type) }
        var sizes: [String: (rows: Int, partitions: Int, segments: Int, bytes: Int)] = [:]
        for p in db.partitions() {
            var s = sizes[p.table] ?? (0, 0, 0, 0)
            s.rows += p.rows; s.partitions += 1; s.segments += p.segments; s.bytes += p.bytes
            sizes[p.table] = s
        }
        for t in db.tableNames() {
            guard let schema = db.schema(of: t), let o = db.tableOptions(of: t) else { continue }  // dropped meanwhile
            let size = sizes[t] ?? (0, 0, 0, 0)
            v[0].append(string: t)
            v[1].append(int64: Int64(schema.count))
            v[2].append(int64: Int64(size.rows))
            v[3].append(int64: Int64(size.partitions))
            v[4].append(int64: Int64(size.segments))
            v[5].append(int64: Int64(size.bytes))
            if let d = o.retentionDays { v[6].append(int64: Int64(d)) } else { v[6].appendNulls(1) }
            v[7].append(string: o.compression.name)
            v[8].append(string: o.sortKey.joined(separator: ", "))
            v[9].append(bool: o.declaredSchema == true)
            if let k = o.dedupKeys { v[10].append(string: k.joined(separator: ", ")) } else { v[10].appendNulls(1) }
        }
        return v
    }

    static let tableColumns: [ColumnDef] = [
        ColumnDef(name: "table_name", type: .string),
        ColumnDef(name: "columns", type: .int64),
        ColumnDef(name: "rows", type: .int64),
        ColumnDef(name: "partitions", type: .int64),
        ColumnDef(name: "segments", type: .int64),
        ColumnDef(name: "bytes", type: .int64),
        ColumnDef(name: "retention_days", type: .int64),
        ColumnDef(name: "compression", type: .string),
        ColumnDef(name: "sort_key", type: .string),
        ColumnDef(name: "declared_schema", type: .bool),
        ColumnDef(name: "dedup_keys", type: .string),
    ]

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
            guard let columns = engine.queryColumns(of: t) else { continue }
            for (i, c) in columns.enumerated() {
                table.append(string: t)
                name.append(string: c.name)
                position.append(int64: Int64(i + 1))
                type.append(string: SQLColumnType.name(c.type))
                kind.append(string: SQLColumnType.kind(c.type))
            }
        }
        return [table, name, position, type, kind]
    }

    /// The columns of `tsdb_partitions` after `table_name`; also `SHOW PARTITIONS`'s.
    static let partitionColumns: [ColumnDef] = [
        ColumnDef(name: "day", type: .time),
        ColumnDef(name: "rows", type: .int64),
        ColumnDef(name: "memtable_rows", type: .int64),
        ColumnDef(name: "bytes", type: .int64),
        ColumnDef(name: "segments", type: .int64),
        ColumnDef(name: "min_time", type: .time),
        ColumnDef(name: "max_time", type: .time),
        ColumnDef(name: "deleted_rows", type: .int64),
    ]

    /// The vectors of `partitionColumns` for `infos`.
    static func partitionRows(_ infos: [PartitionInfo]) -> [ColumnVector] {
        var v = partitionColumns.map { ColumnVector(type: $0.type, capacity: infos.count) }
        for p in infos {
            v[0].append(int64: Day.start(p.day))
            v[1].append(int64: Int64(p.rows))
            v[2].append(int64: Int64(p.memtableRows))
            v[3].append(int64: Int64(p.bytes))
            v[4].append(int64: Int64(p.segments))
            v[5].append(int64: p.minTime)
            v[6].append(int64: p.maxTime)
            v[7].append(int64: Int64(p.deletedRows))
        }
        return v
    }

    /// `tsdb_partitions`: one row per table and UTC day holding rows (in segments or the memtable).
    static let partitions = VirtualTable(
        name: "tsdb_partitions", columns: [ColumnDef(name: "table_name", type: .string)] + partitionColumns
    ) { engine in
        let infos = engine.database.partitions()
        var table = ColumnVector(type: .string)
        for p in infos { table.append(string: p.table) }
        return [table] + partitionRows(infos)
    }

    /// `tsdb_segments`: one row per live segment file.
    static let segments = VirtualTable(name: "tsdb_segments", columns: segmentColumns) { engine in
        var v = segmentColumns.map { ColumnVector(type: $0.type) }
        for s in engine.database.segmentInfos() {
            v[0].append(string: s.table)
            v[1].append(int64: Day.start(s.day))
            v[2].append(string: s.file)
            v[3].append(int64: Int64(s.rows))
            v[4].append(int64: Int64(s.bytes))
            v[5].append(int64: Int64(s.blocks))
            v[6].append(int64: Int64(s.columns))
            v[7].append(int64: s.minTime)
            v[8].append(int64: s.maxTime)
        }
        return v
    }

    static let segmentColumns: [ColumnDef] = [
        ColumnDef(name: "table_name", type: .string),
        ColumnDef(name: "day", type: .time),
        ColumnDef(name: "file", type: .string),
        ColumnDef(name: "rows", type: .int64),
        ColumnDef(name: "bytes", type: .int64),
        ColumnDef(name: "blocks", type: .int64),
        ColumnDef(name: "columns", type: .int64),
        ColumnDef(name: "min_time", type: .time),
        ColumnDef(name: "max_time", type: .time),
    ]
}
