import ColumnStore

/// Runs CREATE TABLE, ALTER TABLE and SHOW PARTITIONS. Each answers one row: what it did.
struct DDLRunner {
    let engine: QueryEngine
    let now: Int64
    let control: QueryControl?

    var database: Database { engine.database }

    func createTable(_ c: CreateTableStatement) throws -> QueryResult {
        let name = c.table.name
        if engine.virtualTables.table(named: name) != nil {
            throw QueryError("'\(name)' is a system table", at: c.table.position)
        }
        if c.ifNotExists, database.schema(of: name) != nil {
            return status("table \(name) exists")
        }
        var options = database.options.tableDefaults
        try TableSettings.apply(c.settings, to: &options)
        options.declaredSchema = true
        options.dedupKeys = c.dedupKeys
        var columns: [ColumnDef]
        var source: QueryResult?
        if let select = c.asSelect {
            let r = try SelectRunner(engine: engine, now: now, control: control, capsRows: false).run(select)
            columns = try Self.columns(of: r, select: select, engine: engine, at: c.table.position)
            source = r
        } else {
            columns = try Self.checked(c.columns)
        }
        if let keys = c.dedupKeys {
            var seen: Set<String> = []
            for k in keys where !seen.insert(k).inserted { throw QueryError("dedup key '\(k)' is listed twice", at: c.table.position) }
        }
        let schema = TableSchema(table: name, columns: columns)
        let created: Bool
        do {
            created = try database.createTable(schema, options: options, ifNotExists: c.ifNotExists, creating: source != nil)
        } catch let e as SchemaError {
            throw QueryError(e.message, at: c.table.position)
        }
        guard created else { return status("table \(name) exists") }
        guard let source else { return status("created table \(name)") }
        // All or nothing: the table stays marked as being created until its rows are in segments; a failure
        // drops it here, a crash makes the next open drop it.
        let n: Int
        do {
            n = try Inserter(engine: engine, now: now).insert(source, into: name, columns: source.columns.map(\.name), at: c.table.position)
            try database.finishCreating(name)
        } catch {
            _ = try? database.dropTable(name)
            throw Self.withoutPartialNote(error)
        }
        return status("created table \(name) with \(n) rows")
    }

    /// An INSERT error, without its note that earlier rows were inserted: the table they went to is dropped.
    static func withoutPartialNote(_ error: Error) -> Error {
        guard var q = error as? QueryError else { return error }
        if let r = q.message.range(of: "; the first ") { q.message = String(q.message[..<r.lowerBound]) }
        q.message += "; the table was not created"
        return q
    }

    /// Declared columns: `time` must be a TIMESTAMP and the only one; names once each. A table without a
    /// `time` column gets one (the designated timestamp every table has).
    static func checked(_ specs: [ColumnSpec]) throws -> [ColumnDef] {
        var seen: Set<String> = []
        for s in specs {
            guard seen.insert(s.name).inserted else { throw QueryError("column '\(s.name)' is declared twice", at: s.position) }
            if s.name == TableSchema.timeColumn, s.type != .time {
                throw QueryError("column 'time' is the designated timestamp: declare it TIMESTAMP, not \(SQLColumnType.name(s.type))", at: s.position)
            }
            if s.name != TableSchema.timeColumn, s.type == .time {
                throw QueryError("only 'time', the designated timestamp, may be a TIMESTAMP (store other times as BIGINT nanoseconds, or name this column time)", at: s.position)
            }
        }
        return specs.map { ColumnDef(name: $0.name, type: $0.type) }
    }

    /// The columns of `CREATE TABLE … AS SELECT`: the result's names and types; text that is a tag of the
    /// source table selected as is stays a tag (SYMBOL), other text is VARCHAR.
    static func columns(of r: QueryResult, select: SelectStatement, engine: QueryEngine, at position: SourcePosition) throws -> [ColumnDef] {
        var tags: Set<String> = []
        if case let .table(t)? = select.from?.source, let schema = engine.database.schema(of: t.name) {
            for item in select.items {
                switch item {
                case .wildcard:
                    for c in schema.columns where c.type == .symbol { tags.insert(c.name) }
                case let .expr(e, alias):
                    if case let .column(_, col) = e.kind, schema.column(col)?.type == .symbol { tags.insert(alias ?? col) }
                }
            }
        }
        var defs: [ColumnDef] = []
        var seen: Set<String> = []
        for c in r.columns {
            guard seen.insert(c.name).inserted else { throw QueryError("the query names column '\(c.name)' twice: give each an alias", at: position) }
            var type = c.vector.type
            if type == .string && tags.contains(c.name) { type = .symbol }
            if c.dates != nil { type = .date }  // a DATE expression makes a DATE column
            if c.name == TableSchema.timeColumn, type != .time {
                throw QueryError("column 'time' of the query is \(SQLColumnType.name(type)), but it is the designated timestamp: it must be a TIMESTAMP", at: position)
            }
            if c.name != TableSchema.timeColumn, type == .time {
                throw QueryError("the query's column '\(c.name)' is a TIMESTAMP: name the designated timestamp time (AS time), or cast other times to BIGINT", at: position)
            }
            defs.append(ColumnDef(name: c.name, type: type))
        }
        guard seen.contains(TableSchema.timeColumn) else {
            throw QueryError("CREATE TABLE … AS SELECT needs the designated timestamp: a TIMESTAMP column named time (alias one AS time)", at: position)
        }
        return defs
    }

    func alterTable(_ a: AlterTableStatement) throws -> QueryResult {
        let name = a.table.name
        if engine.virtualTables.table(named: name) != nil { throw QueryError("'\(name)' is a system table: it cannot be altered", at: a.table.position) }
        try database.checkNotDamaged(name)
        guard database.schema(of: name) != nil else { throw QueryError("unknown table '\(name)'", at: a.table.position) }
        switch a.action {
        case let .addColumn(spec, ifNotExists):
            if spec.type == .time {
                throw QueryError("only 'time', the designated timestamp, may be a TIMESTAMP (store other times as BIGINT nanoseconds)", at: spec.position)
            }
            do {
                let added = try database.addColumn(name, ColumnDef(name: spec.name, type: spec.type), ifNotExists: ifNotExists)
                return status(added ? "added column \(spec.name) to \(name)" : "column \(spec.name) exists")
            } catch let e as SchemaError {
                throw QueryError(e.message, at: spec.position)
            }
        case let .set(settings):
            var options = database.tableOptions(of: name) ?? ColumnStore.TableOptions()
            try TableSettings.apply(settings, to: &options)  // validates before anything changes
            let final = options
            try database.setTableOptions(name) { o in
                o.retentionDays = final.retentionDays
                o.compression = final.compression
                o.compactedCompression = final.compactedCompression
                o.zstdLevel = final.zstdLevel
            }
            // A shorter retention takes effect now: expired day partitions go before the statement returns.
            let dropped = settings.contains { $0.name == "retention" } ? try database.applyRetention(now: now) : 0
            return status("altered table \(name)" + (dropped > 0 ? "; retention dropped \(dropped) partitions" : ""))
        }
    }

    func showPartitions(_ t: TableName) throws -> QueryResult {
        if engine.virtualTables.table(named: t.name) != nil { throw QueryError("'\(t.name)' is a system table: it has no partitions", at: t.position) }
        try database.checkNotDamaged(t.name)
        guard database.schema(of: t.name) != nil else { throw QueryError("unknown table '\(t.name)'", at: t.position) }
        let vectors = SystemTables.partitionRows(database.partitions(of: t.name))
        return QueryResult(columns: zip(SystemTables.partitionColumns, vectors).map { ResultColumn(name: $0.name, vector: $1) })
    }

    func status(_ text: String) -> QueryResult {
        var v = ColumnVector(type: .string)
        v.append(string: text)
        return QueryResult(columns: [ResultColumn(name: "status", vector: v)])
    }
}
