extension Database {
    /// Creates an empty table with a declared schema (`CREATE TABLE`) and persists it in the MANIFEST
    /// before returning: after a crash the table exists, or (the save never renamed) it does not.
    /// Returns false when the table exists and `ifNotExists` is set; throws `SchemaError` for a bad
    /// definition or an existing table.
    ///
    /// `creating` marks the table in the MANIFEST as being filled (`CREATE TABLE … AS SELECT`): until
    /// `finishCreating` clears the mark, a crash leaves no table (open drops it, and its rows in the WAL).
    @discardableResult
    public func createTable(_ schema: TableSchema, options: TableOptions, ifNotExists: Bool = false, creating: Bool = false) throws -> Bool {
        let name = schema.table
        if let problem = FileNames.newTableNameProblem(name) { throw SchemaError("table name '\(name)' \(problem)") }
        var seen: Set<String> = []
        for c in schema.columns {
            if c.name == TableSchema.timeColumn {
                guard c.type == .time else { throw SchemaError("column 'time' is the designated timestamp: declare it TIMESTAMP") }
            } else {
                if let problem = FileNames.columnNameProblem(c.name) { throw SchemaError("column name '\(c.name)' \(problem)") }
                if c.type == .time { throw SchemaError("column '\(c.name)': only 'time', the designated timestamp, is a TIMESTAMP; store other times as BIGINT nanoseconds") }
            }
            guard seen.insert(c.name).inserted else { throw SchemaError("column '\(c.name)' is declared twice") }
        }
        for k in options.dedupKeys ?? [] where schema.column(k) == nil {
            throw SchemaError("dedup key '\(k)' is not a column of table '\(name)'")
        }
        if let keys = options.dedupKeys, !keys.contains(TableSchema.timeColumn) {
            throw SchemaError("dedup keys must include the designated timestamp 'time'")
        }
        try checkNotDamaged(name)
        return try maintenance.withLock {
            let created: Bool = try state.withLock {
                if tables[name] != nil {
                    if ifNotExists { return false }
                    throw SchemaError("table '\(name)' already exists")
                }
                if tables.count >= self.options.maxTables {
                    throw SchemaError("table '\(name)' not created: the database holds \(tables.count) tables, the most allowed (maxTables)")
                }
                let t = Table(schema: schema, options: options)
                try loadSymbols(t, name: name)
                tables[name] = t
                return true
            }
            guard created else { return false }
            do {
                try saveManifest { m in if creating { m.tables[name]?.creating = true } }
            } catch {
                // Not persisted: take the table back unless a write already put rows in it.
                state.withLock {
                    let hasRows = ([active] + flushing).contains { $0.tables[name] != nil }
                    if !hasRows { tables[name] = nil }
                }
                throw error
            }
            return true
        }
    }

    /// Ends a `createTable(…, creating: true)`: flushes the rows written into it to segments (so none of them
    /// is left only in the WAL), then saves the MANIFEST without the mark. A crash before that save leaves
    /// no table; after it, the whole table.
    public func finishCreating(_ table: String) throws {
        try maintenance.withLock {
            try flushHoldingMaintenance()
            guard state.withLock({ tables[table] != nil }) else { throw StorageError.unknownTable(table) }
            try saveManifest { m in m.tables[table]?.creating = nil }
        }
    }

    /// Tables a crash left half-created (`creating` in the MANIFEST), which open leaves out.
    static func unfinishedCreates(_ m: Manifest) -> Set<String> {
        Set(m.tables.filter { $0.value.creating == true }.keys)
    }

    /// Drops, during open, the tables a crash left half-created: their rows were kept out of the replay, a
    /// flush moves the WAL checkpoint past them (so no later open replays them into a new table of that
    /// name), then a manifest without the tables is saved and their folders go. A crash in between leaves
    /// them marked, to be dropped by the next open.
    func dropUnfinishedCreates(_ names: Set<String>) throws {
        guard !names.isEmpty else { return }
        try maintenance.withLock {
            try flushHoldingMaintenance(evenIfEmpty: true)
            try saveManifest { m in
                m.retired = []
                for name in names {
                    m.tables[name] = nil
                    if !(m.droppedTables ?? []).contains(name) { m.droppedTables = (m.droppedTables ?? []) + [name] }
                }
            }
        }
        for name in names.sorted() {
            FileIO.removeTree(path + "/" + name)
            logBackground("dropped table '\(name)': a CREATE TABLE … AS SELECT did not finish before the process stopped")
        }
        try FileIO.fsyncDirectory(path)
    }

    /// Appends a column to a table's schema (`ALTER TABLE … ADD COLUMN`) and persists the schema in the
    /// MANIFEST. Existing rows read NULL there. Returns false when the column exists and `ifNotExists`.
    @discardableResult
    public func addColumn(_ table: String, _ column: ColumnDef, ifNotExists: Bool = false) throws -> Bool {
        if let problem = FileNames.columnNameProblem(column.name) { throw SchemaError("column name '\(column.name)' \(problem)") }
        if column.type == .time { throw SchemaError("only 'time', the designated timestamp, is a TIMESTAMP; store other times as BIGINT nanoseconds") }
        try checkNotDamaged(table)
        return try maintenance.withLock {
            let added: Bool = try state.withLock {
                guard let t = tables[table] else { throw StorageError.unknownTable(table) }
                if let have = t.schema.column(column.name) {
                    if ifNotExists && have.type == column.type { return false }
                    throw SchemaError("column '\(column.name)' of table '\(table)' already exists (\(have.type))")
                }
                t.schema.add(column)
                if column.type == .symbol { try loadSymbols(t, name: table) }
                return true
            }
            // Like a column a write adds, it stays in memory if the save fails; the next save persists it.
            if added { try saveManifest { _ in } }
            return added
        }
    }

    /// Makes every write acknowledged so far durable (fsyncs the WAL), whatever `options.durability` says.
    public func syncWAL() throws {
        try wal.syncAll()
    }

}

/// A table or column definition the catalog refuses: exists already, bad name, bad type.
public struct SchemaError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
