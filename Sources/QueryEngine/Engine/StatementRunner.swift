import ColumnStore
import Foundation

/// Dispatches one parsed statement: SELECT, EXPLAIN, SHOW TABLES, DESCRIBE, SHOW PARTITIONS, CREATE TABLE,
/// ALTER TABLE, INSERT, COPY, DELETE, VACUUM, TRUNCATE, DROP TABLE.
struct StatementRunner {
    let engine: QueryEngine
    let now: Int64
    let control: QueryControl?
    var session = QuerySession()

    /// A SELECT: its operator tree, run.
    func runQuery(_ s: SelectStatement) throws -> QueryResult {
        try SelectRunner(engine: engine, now: now, control: control, session: session).run(s)
    }

    func run(_ sql: String) throws -> QueryResult {
        // `SET view_rewrite = off; SELECT …`: the settings hold for the rest of this text.
        switch try engine.splitSession(sql, session) {
        case let .answered(r): return r
        case let .run(rest, s) where rest != sql:
            var runner = self
            runner.session = s
            return try runner.run(rest)
        case .run: break
        }
        let statement: Statement
        do { statement = try SQLParser.parse(sql) } catch { throw QueryError(error) }
        try ViewTables.refuseOnView(statement, engine)
        switch statement {
        case let .select(s):
            return try runQuery(s)
        case let .materializedView(v):
            return try ViewRunner(engine: engine, now: now).run(v)
        case let .copy(c):
            return try CopyRunner(engine: engine, now: now, control: control).run(c)
        case let .explain(s):
            return try Explain(engine: engine, now: now, control: control, session: session).run(s)
        case let .explainAnalyze(s):
            return try Explain(engine: engine, now: now, control: control, session: session).analyze(s)
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
            // A materialized view shows its columns as queries see them: the bucket under its alias, in its order.
            guard let columns = engine.virtualTables.table(named: t.name)?.schema.columns ?? engine.queryColumns(of: t.name) else {
                throw QueryError("unknown table '\(t.name)'", at: t.position)
            }
            var names = ColumnVector(type: .string), types = ColumnVector(type: .string), kinds = ColumnVector(type: .string)
            for c in columns {
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
    /// The result columns of `sql` (after any leading SET of session settings), without running it; an
    /// array column with its element type.
    func describeColumns(_ sql: String) throws -> [(name: String, type: ColumnType, arrayElement: ValueType?, record: Bool, date: Bool)] {
        if case let .run(rest, s) = try engine.splitSession(sql, session), rest != sql {
            var runner = self
            runner.session = s
            return try runner.describeColumns(rest)
        }
        let statement: Statement
        do { statement = try SQLParser.parse(sql) } catch { throw QueryError(error) }
        if case let .select(s) = statement {
            let root = try QueryPlanner(engine: engine, now: now, control: control, session: session).plan(s)
            return root.columns.map { c in
                if case let .array(e) = c.type { return (c.name, .string, e, false, false) }
                if case .record = c.type { return (c.name, .string, nil, true, false) }
                // An INTERVAL leaves as its text, a DATE as its text beside its days (`ResultColumn`).
                return (c.name, c.type == .interval || c.type == .date ? .string : c.type.columnType, nil, false, c.type == .date)
            }
        }
        return try describe(sql).map { ($0.name, $0.type, nil, false, false) }
    }

    func describe(_ sql: String) throws -> [(name: String, type: ColumnType)] {
        switch try engine.splitSession(sql, session) {
        case let .answered(r): return r.columns.map { ($0.name, $0.vector.type) }
        case let .run(rest, s) where rest != sql:
            var runner = self
            runner.session = s
            return try runner.describe(rest)
        case .run: break
        }
        let statement: Statement
        do { statement = try SQLParser.parse(sql) } catch { throw QueryError(error) }
        switch statement {
        case let .select(s):
            // Planning runs nothing (subqueries are plan nodes): the tree's columns are the answer's.
            let root = try QueryPlanner(engine: engine, now: now, control: control, session: session).plan(s)
            return root.columns.map { ($0.name, $0.type == .interval || $0.type == .date ? .string : $0.type.columnType) }
        case .explain, .explainAnalyze: return [("plan", .string)]
        case .showTables: return [("name", .string)]
        case .describe: return [("column_name", .string), ("column_type", .string), ("kind", .string)]
        case .showPartitions: return SystemTables.partitionColumns.map { ($0.name, $0.type) }
        case .createTable, .alterTable: return [("status", .string)]
        case .insert: return [("rows", .int64)]
        case .copy, .delete, .truncate, .dropTable, .alterDedup: return [("count", .int64)]
        case .vacuum: return [("rows_purged", .int64), ("segments_rewritten", .int64), ("symbols_erased", .int64)]
        case .materializedView(.show): return ViewTables.columns.map { ($0.name, $0.type) }
        case .materializedView: return [("status", .string)]
        }
    }
}

/// EXPLAIN: the operator tree, and how much of each table the time range and block statistics pruned.
/// Nothing runs: subqueries are nodes of the tree.
struct Explain {
    let engine: QueryEngine
    let now: Int64
    let control: QueryControl?
    var session = QuerySession()

    func run(_ s: SelectStatement) throws -> QueryResult {
        let root = try QueryPlanner(engine: engine, now: now, control: control, session: session).plan(s)
        var col = ColumnVector(type: .string)
        for l in PlanPrinter.lines(root) + ["PARALLEL \(engine.threads) thread(s)"] { col.append(string: l) }
        return QueryResult(columns: [ResultColumn(name: "plan", vector: col)])
    }

    /// EXPLAIN ANALYZE: the query runs (its rows are counted, not returned) with every operator
    /// instrumented, then the tree is drawn with each one's rows and own time.
    func analyze(_ s: SelectStatement) throws -> QueryResult {
        var planner = QueryPlanner(engine: engine, now: now, control: control, session: session)
        planner.analyze = true
        // Not the result: its rows are counted, so the caller's row cap does not apply.
        let root = try planner.plan(s, root: false)
        let start = DispatchTime.now().uptimeNanoseconds
        let batch = try root.run(ExecutionContext(engine: engine, now: now, control: control))
        let total = DispatchTime.now().uptimeNanoseconds &- start
        var col = ColumnVector(type: .string)
        let lines = PlanPrinter.lines(root) + ["PARALLEL \(engine.threads) thread(s)",
                                               "RESULT \(batch.rowCount) row(s) in \(PlanPrinter.milliseconds(total)) ms"]
        for l in lines { col.append(string: l) }
        return QueryResult(columns: [ResultColumn(name: "plan", vector: col)])
    }
}
