import ColumnStore

/// Dispatches one parsed statement: SELECT, EXPLAIN, SHOW TABLES, DESCRIBE.
struct StatementRunner {
    let engine: QueryEngine
    let now: Int64
    let control: QueryControl?

    /// A SELECT: its operator tree, run.
    func runQuery(_ s: SelectStatement) throws -> QueryResult {
        let root = try QueryPlanner(engine: engine, now: now, control: control).plan(s)
        let batch = try root.run(ExecutionContext(engine: engine, now: now, control: control))
        // A scan leaf enforces the row cap itself; other roots (set operations) are checked here.
        if !(root is ScanAggregate), let c = control, let m = c.maxRows, batch.rowCount > m {
            throw c.tooManyRows(batch.rowCount, exact: true)
        }
        return QueryResult(columns: zip(root.columns, batch.columns).map { ResultColumn(name: $0.name, vector: $1) })
    }

    func run(_ sql: String) throws -> QueryResult {
        let statement: Statement
        do { statement = try SQLParser.parse(sql) } catch { throw QueryError(error) }
        switch statement {
        case let .select(s):
            return try runQuery(s)
        case let .explain(s):
            return try Explain(engine: engine, now: now, control: control).run(s)
        case .showTables:
            var names = ColumnVector(type: .string)
            for t in engine.database.tableNames() { names.append(string: t) }
            return QueryResult(columns: [ResultColumn(name: "name", vector: names)])
        case let .describe(t):
            guard let schema = engine.database.schema(of: t.name) else {
                throw QueryError("unknown table '\(t.name)'", at: t.position)
            }
            var names = ColumnVector(type: .string), types = ColumnVector(type: .string), kinds = ColumnVector(type: .string)
            for c in schema.columns {
                names.append(string: c.name)
                types.append(string: ValueType(c.type).description)
                kinds.append(string: c.type == .time ? "time" : c.type == .symbol ? "tag" : "field")
            }
            return QueryResult(columns: [ResultColumn(name: "column_name", vector: names),
                                         ResultColumn(name: "column_type", vector: types),
                                         ResultColumn(name: "kind", vector: kinds)])
        }
    }
}

/// EXPLAIN: the operator tree, and how much of each table the time range and block statistics pruned.
/// Nothing runs: subqueries are nodes of the tree.
struct Explain {
    let engine: QueryEngine
    let now: Int64
    let control: QueryControl?

    func run(_ s: SelectStatement) throws -> QueryResult {
        let root = try QueryPlanner(engine: engine, now: now, control: control).plan(s)
        var col = ColumnVector(type: .string)
        for l in PlanPrinter.lines(root) + ["PARALLEL \(engine.threads) thread(s)"] { col.append(string: l) }
        return QueryResult(columns: [ResultColumn(name: "plan", vector: col)])
    }
}
