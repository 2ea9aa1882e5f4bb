import ColumnStore

/// Dispatches one parsed statement: SELECT, EXPLAIN, SHOW TABLES, DESCRIBE, SHOW PARTITIONS, CREATE TABLE,
/// ALTER TABLE, INSERT, COPY, DELETE, VACUUM, TRUNCATE, DROP TABLE.
struct StatementRunner {
    let engine: QueryEngine
    let now: Int64
    let control: QueryControl?
    var session = QuerySession()

    func run(_ sql: String) throws -> QueryResult {
        let statement: Statement
        do { statement = try SQLParser.parse(sql) } catch { throw QueryError(error) }
        switch statement {
        case let .select(s):
            return try SelectRunner(engine: engine, now: now, control: control, session: session).run(s)
        case let .copy(c):
            return try CopyRunner(engine: engine, now: now, control: control).run(c)
        case let .explain(s):
            return try Explain(engine: engine, now: now, control: control, session: session).run(s)
        case let .delete(d):
            return try DeleteRunner(engine: engine, now: now, control: control).delete(d)
        case let .vacuum(t):
            return try DeleteRunner(engine: engine, now: now, control: control).vacuum(t)
        case let .truncate(t):
            return try DeleteRunner(engine: engine, now: now, control: control).truncate(t)
        case let .alterDedup(t, keys):
            return try DeleteRunner(engine: engine, now: now, control: control).alterDedup(t, keys: keys)
        case let .dropTable(t, ifExists):
            return try DeleteRunner(engine: engine, now: now, control: control).drop(t, ifExists: ifExists)
        case .showTables:
            var names = ColumnVector(type: .string)
            for t in engine.database.tableNames() { names.append(string: t) }
            return QueryResult(columns: [ResultColumn(name: "name", vector: names)])
        case let .describe(t):
            guard let schema = engine.virtualTables.table(named: t.name)?.schema ?? engine.database.schema(of: t.name) else {
                throw QueryError("unknown table '\(t.name)'", at: t.position)
            }
            var names = ColumnVector(type: .string), types = ColumnVector(type: .string), kinds = ColumnVector(type: .string)
            for c in schema.columns {
                names.append(string: c.name)
                types.append(string: ValueType(c.type).description)
                kinds.append(string: SQLColumnType.kind(c.type))
            }
            return QueryResult(columns: [ResultColumn(name: "column_name", vector: names),
                                         ResultColumn(name: "column_type", vector: types),
                                         ResultColumn(name: "kind", vector: kinds)])
        case let .showPartitions(t):
            return try DDLRunner(engine: engine, now: now, control: control).showPartitions(t)
        case let .createTable(c):
            return try DDLRunner(engine: engine, now: now, control: control).createTable(c)
        case let .alterTable(a):
            return try DDLRunner(engine: engine, now: now, control: control).alterTable(a)
        case let .insert(i):
            return try Inserter(engine: engine, now: now).run(i, control: control)
        }
    }
}

extension StatementRunner {
    /// The result columns of one statement, without running it.
    func describe(_ sql: String) throws -> [(name: String, type: ColumnType)] {
        let statement: Statement
        do { statement = try SQLParser.parse(sql) } catch { throw QueryError(error) }
        switch statement {
        case let .select(s):
            let plan = try SelectPlanner(engine: engine, now: now, control: control, session: session).plan(s)
            return zip(plan.outputNames, plan.outputs).map { ($0, $1.type.columnType) }
        case .explain: return [("plan", .string)]
        case .showTables: return [("name", .string)]
        case .describe: return [("column_name", .string), ("column_type", .string), ("kind", .string)]
        case .showPartitions: return SystemTables.partitionColumns.map { ($0.name, $0.type) }
        case .createTable, .alterTable: return [("status", .string)]
        case .insert: return [("rows", .int64)]
        case .copy, .delete, .truncate, .dropTable, .alterDedup: return [("count", .int64)]
        case .vacuum: return [("rows_purged", .int64), ("segments_rewritten", .int64), ("symbols_erased", .int64)]
        }
    }
}

/// EXPLAIN: the plan, and how much of the table the time range and block statistics pruned.
struct Explain {
    let engine: QueryEngine
    let now: Int64
    let control: QueryControl?
    var session = QuerySession()

    func run(_ s: SelectStatement) throws -> QueryResult {
        let plan = try SelectPlanner(engine: engine, now: now, control: control, session: session).plan(s)
        var lines: [String] = []
        func fmt(_ t: Int64) -> String { t == .min ? "-inf" : t == .max ? "+inf" : SQLTimestamp.format(t) }
        switch plan.source {
        case let .table(snap):
            let st = snap.stats
            lines.append("SCAN \(snap.schema.table)  time range [\(fmt(plan.timeRange.lowerBound)), \(fmt(plan.timeRange.upperBound))]")
            lines.append("  partitions: \(st.partitions - st.partitionsPruned) of \(st.partitions) read (\(st.partitionsPruned) pruned by time)")
            lines.append("  segments: \(st.segments - st.segmentsPruned) of \(st.segments) read (\(st.segmentsPruned) pruned by time)")
            let blocks = snap.rowGroups.filter(\.isSegment)
            let prunedBlocks = blocks.filter { SelectRunner.pruned($0, plan.prune, plan.timeRange) }.count
            let mem = snap.rowGroups.filter { !$0.isSegment }
            let prunedMem = mem.filter { SelectRunner.pruned($0, plan.prune, plan.timeRange) }.count
            lines.append("  blocks: \(blocks.count - prunedBlocks) of \(blocks.count) read (\(prunedBlocks) pruned by statistics)")
            lines.append("  memtable chunks: \(mem.count - prunedMem) of \(mem.count + st.memtableChunksPruned) read (\(st.memtableChunksPruned + prunedMem) pruned)")
            var cols = Set<Int>()
            plan.filter?.columns(into: &cols)
            for k in plan.keys { k.columns(into: &cols) }
            for a in plan.aggregates { for case let e? in a.inputs { e.columns(into: &cols) } }
            if !plan.isAggregate { for o in plan.outputs { o.columns(into: &cols) }; for k in plan.order { k.expr.columns(into: &cols) } }
            lines.append("  columns read: \(cols.sorted().map { snap.schema.columns[$0].name }.joined(separator: ", "))")
            if !plan.prune.isEmpty { lines.append("  pruning predicates: \(plan.prune.count)") }
        case .rows(_, let n):
            lines.append("SCAN subquery (\(n) rows)")
        case .none:
            lines.append("ONE ROW (no FROM)")
        }
        if let w = s.where { lines.append("FILTER \(w)") }
        if plan.isAggregate {
            let keys = s.groupBy.map(\.description).joined(separator: ", ")
            lines.append("AGGREGATE \(plan.aggregates.count) aggregate(s)" + (keys.isEmpty ? "" : " GROUP BY \(keys)")
                + (plan.keys.count == 1 ? " (direct-indexed when the key is a tag or boolean)" : plan.keys.isEmpty ? "" : " (hash table)"))
            if let h = s.having { lines.append("HAVING \(h)") }
        }
        if !s.orderBy.isEmpty { lines.append("SORT \(s.orderBy.map { $0.expr.description + ($0.descending ? " DESC" : "") }.joined(separator: ", "))" + (s.limit != nil ? " (top-N)" : "")) }
        if let l = s.limit { lines.append("LIMIT \(l)" + (s.offset.map { " OFFSET \($0)" } ?? "")) }
        lines.append("PARALLEL \(engine.threads) thread(s)")
        var col = ColumnVector(type: .string)
        for l in lines { col.append(string: l) }
        return QueryResult(columns: [ResultColumn(name: "plan", vector: col)])
    }
}
