import ColumnStore

/// DELETE, VACUUM, TRUNCATE and DROP TABLE: the engine finds the rows (WHERE evaluated exactly as a
/// SELECT's, with the same pruning), the store marks, purges or drops them.
struct DeleteRunner {
    let engine: QueryEngine
    let now: Int64
    let control: QueryControl?

    /// `DELETE FROM t [WHERE …]`: answers `count`, the rows deleted.
    func delete(_ d: DeleteStatement) throws -> QueryResult {
        let db = engine.database
        try knownTable(d.table)
        // Bind WHERE as the filter of `SELECT * FROM t WHERE …`: same names, types, time range and pruning.
        let select = SelectStatement(items: [.wildcard], from: TableRef(.table(d.table)), where: d.where, position: d.table.position)
        let plan = try SelectPlanner(engine: engine, now: now, control: control).plan(select)
        guard case let .table(snap) = plan.source else { throw QueryError("DELETE needs a table", at: d.table.position) }
        let storage = snap.schema.columns.map(\.type)
        let dicts = (0..<snap.schema.count).map { snap.dictionary($0) }
        let types = plan.sourceTypes
        let n = try db.delete(from: d.table.name, timeRange: plan.timeRange, threads: engine.threads) { g in
            if SelectRunner.pruned(g, plan.prune, plan.timeRange) { return [] }
            guard let f = Worker.residualFilter(plan, g) else { return nil }
            let src = RowGroupColumns(group: g, types: types, storage: storage, dicts: dicts,
                                      scratch: [ColumnVector?](repeating: nil, count: types.count))
            let sel = Worker.selection(try Evaluator.eval(f, src), g.rowCount)
            control?.didScan(g.rowCount, bytes: src.bytesRead)
            return sel
        }
        return Self.count("count", n)
    }

    /// `VACUUM [t]`: answers what the purge removed.
    func vacuum(_ table: TableName?) throws -> QueryResult {
        if let table { try knownTable(table) }
        let r = try engine.database.vacuum(table: table?.name)
        var rows = ColumnVector(type: .int64), segs = ColumnVector(type: .int64), syms = ColumnVector(type: .int64)
        rows.append(int64: Int64(r.rowsPurged))
        segs.append(int64: Int64(r.segmentsRewritten))
        syms.append(int64: Int64(r.symbolsErased))
        return QueryResult(columns: [ResultColumn(name: "rows_purged", vector: rows), ResultColumn(name: "segments_rewritten", vector: segs),
                                     ResultColumn(name: "symbols_erased", vector: syms)])
    }

    /// `TRUNCATE [TABLE] t`: answers `count`, the rows removed.
    func truncate(_ table: TableName) throws -> QueryResult {
        try knownTable(table)
        return Self.count("count", try engine.database.truncate(table: table.name))
    }

    /// `DROP TABLE [IF EXISTS] t`: answers `count`, the rows the table held (0 when IF EXISTS found none).
    func drop(_ table: TableName, ifExists: Bool) throws -> QueryResult {
        let db = engine.database
        guard db.schema(of: table.name) != nil else {
            if ifExists { return Self.count("count", 0) }
            try knownTable(table)
            return Self.count("count", 0)
        }
        let rows = db.snapshot(table: table.name)?.rowGroups.reduce(0) { $0 + $1.rowCount } ?? 0
        guard try db.dropTable(table.name) else {
            if ifExists { return Self.count("count", 0) }
            throw QueryError("unknown table '\(table.name)'", at: table.position)
        }
        return Self.count("count", rows)
    }

    /// `ALTER TABLE t DEDUP ENABLE UPSERT KEYS (…)` / `DEDUP DISABLE`: answers `count`, the rows the
    /// table holds afterwards (enabling keeps one row of each key).
    func alterDedup(_ table: TableName, keys: [String]?) throws -> QueryResult {
        try knownTable(table)
        do {
            try engine.database.setDedupKeys(table.name, keys)
        } catch let e as StorageError {
            if case .invalidDedupKeys = e { throw QueryError(e.description, at: table.position) }
            throw e
        }
        return Self.count("count", engine.database.snapshot(table: table.name)?.rowGroups.reduce(0) { $0 + $1.rowCount } ?? 0)
    }

    private func knownTable(_ t: TableName) throws {
        try engine.database.checkNotDamaged(t.name)
        guard engine.database.schema(of: t.name) != nil else {
            let known = engine.database.tableNames()
            throw QueryError("unknown table '\(t.name)'" + (known.isEmpty ? "" : " (tables: \(known.joined(separator: ", ")))"), at: t.position)
        }
    }

    static func count(_ name: String, _ n: Int) -> QueryResult {
        var v = ColumnVector(type: .int64)
        v.append(int64: Int64(n))
        return QueryResult(columns: [ResultColumn(name: name, vector: v)])
    }
}
