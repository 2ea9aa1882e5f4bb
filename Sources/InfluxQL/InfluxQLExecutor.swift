import ColumnStore
import Foundation
import QueryEngine

/// Runs parsed InfluxQL statements: SELECTs through tsdb's SQL engine, meta queries from the catalog.
public struct InfluxQLExecutor: Sendable {
    public let catalog: any InfluxQLCatalog
    /// The database of `db=`, for statements that do not name one.
    public let database: String?
    /// The instant `now()` means, the same for every statement of a request.
    public let now: Int64
    public let control: QueryControl?

    public init(catalog: any InfluxQLCatalog, database: String?, now: Int64, control: QueryControl? = nil) {
        self.catalog = catalog
        self.database = database
        self.now = now
        self.control = control
    }

    /// Answers each statement in order; an error answers its own statement only.
    public func run(_ statements: [InfluxStatement]) -> [InfluxStatementResult] {
        statements.enumerated().map { i, s in
            do throws(InfluxQLError) {
                return InfluxStatementResult(statementID: i, series: try run(s))
            } catch {
                return InfluxStatementResult(statementID: i, error: error.message)
            }
        }
    }

    func run(_ s: InfluxStatement) throws(InfluxQLError) -> [InfluxSeries] {
        switch s {
        case .select(let select):
            return try self.select(select)
        case .showDatabases:
            return [InfluxSeries(name: "databases", columns: ["name"], values: catalog.databaseNames().sorted().map { [.string($0)] })]
        case .createDatabase(let name):
            do { _ = try catalog.engine(name, create: true) } catch { throw InfluxQLError("\(error)") }
            return []
        case .dropDatabase(let name):
            do { _ = try catalog.dropDatabase(name) } catch { throw InfluxQLError("\(error)") }
            return []
        case .showRetentionPolicies(let db):
            let name = db ?? database
            guard let name, !name.isEmpty else { throw InfluxQLError("database name required") }
            guard catalog.databaseNames().contains(name) else { throw InfluxQLError("database not found: \(name)") }
            return [InfluxSeries(name: nil, columns: ["name", "duration", "shardGroupDuration", "replicaN", "default"],
                                 values: [[.string("autogen"), .string("0s"), .string("168h0m0s"), .int(1), .bool(true)]])]
        default:
            return try MetaQueries(executor: self, engine: try engine()).run(s)
        }
    }

    /// The engine of the request's database.
    func engine() throws(InfluxQLError) -> QueryEngine {
        guard let name = database, !name.isEmpty else { throw InfluxQLError("database name required") }
        let e: QueryEngine?
        do { e = try catalog.engine(name, create: false) } catch { throw InfluxQLError("\(error)") }
        guard let e else { throw InfluxQLError("database not found: \(name)") }
        return e
    }

    /// Runs SQL on the engine, with InfluxQL's error wording.
    func sql(_ engine: QueryEngine, _ text: String) throws(InfluxQLError) -> QueryResult {
        do { return try engine.execute(text, now: now, control: control) } catch {
            throw InfluxQLError("\(error)")
        }
    }

    /// Measurements named by FROM, in name order (regexes matched against every table).
    func measurements(_ sources: [InfluxSource], _ engine: QueryEngine) throws(InfluxQLError) -> [String] {
        let tables = engine.database.tableNames()
        if sources.isEmpty { return tables.sorted() }
        var out = Set<String>()
        for s in sources {
            switch s {
            case .measurement(let m): if tables.contains(m) { out.insert(m) }
            case .regex(let r):
                let re: NSRegularExpression
                do { re = try NSRegularExpression(pattern: r) } catch { throw InfluxQLError("invalid regular expression /\(r)/") }
                for t in tables where WhereTranslator.matches(re, t) { out.insert(t) }
            case .subquery: throw InfluxQLError("a subquery is not allowed here")
            }
        }
        return out.sorted()
    }

    // MARK: SELECT

    func select(_ s: InfluxSelect) throws(InfluxQLError) -> [InfluxSeries] {
        let engine = try engine()
        var series: [InfluxSeries] = []
        for source in s.sources {
            switch source {
            case .subquery(let inner):
                guard let relation = try subqueryRelation(inner, engine) else { continue }
                series += try selectOne(s, relation, engine)
            default:
                for m in try measurements([source], engine) {
                    guard let relation = Relation.table(engine.database, m) else { continue }
                    series += try selectOne(s, relation, engine)
                }
            }
        }
        // Series by measurement, then tags; SLIMIT/SOFFSET count series, which InfluxDB then orders by
        // series key, where a missing tag is absent rather than empty.
        if s.slimit > 0 || s.soffset > 0 {
            series.sort { ($0.name ?? "", $0.presentTagKey) < ($1.name ?? "", $1.presentTagKey) }
        } else {
            series.sort { ($0.name ?? "", $0.tagKey) < ($1.name ?? "", $1.tagKey) }
        }
        if s.soffset > 0 { series = Array(series.dropFirst(s.soffset)) }
        if s.slimit > 0 { series = Array(series.prefix(s.slimit)) }
        return series
    }

    private func selectOne(_ s: InfluxSelect, _ relation: Relation, _ engine: QueryEngine) throws(InfluxQLError) -> [InfluxSeries] {
        guard let plan = try SelectTranslator(select: s, relation: relation, now: now).plan() else { return [] }
        let result = try sql(engine, plan.sql)
        return try SeriesShaper(plan: plan, maxRows: control?.maxRows).series(result)
    }

    /// A subquery in FROM as a relation the outer SELECT reads: its SQL (with `time` in nanoseconds,
    /// its GROUP BY tags as tags and its columns as fields).
    private func subqueryRelation(_ inner: InfluxSelect, _ engine: QueryEngine) throws(InfluxQLError) -> Relation? {
        guard inner.sources.count == 1, case .measurement(let m) = inner.sources[0],
              let base = Relation.table(engine.database, m) else {
            if inner.sources.count == 1, case .measurement = inner.sources[0] { return nil }
            throw InfluxQLError("a subquery must read one measurement")
        }
        guard let plan = try SelectTranslator(select: inner, relation: base, now: now).plan() else { return nil }
        var columns = ["\"__t\" AS \"time\""] + plan.knownTags.map(SQLText.ident)
        for (i, c) in plan.columns.enumerated() { columns.append("\"__v\(i)\" AS \(SQLText.ident(c))") }
        // The inner fill() and per-series LIMIT/OFFSET shape the rows the outer query reads.
        let rows = try SubqueryRows(plan: plan).sql { () throws(InfluxQLError) -> Int64? in
            let first = try self.sql(engine, "SELECT min(\"__t\") FROM (\(plan.sql)) AS \"__a\" WHERE \"__n\" > 0")
            guard first.rowCount == 1, !first.columns[0].vector.isNull(0) else { return nil }
            return first.columns[0].vector.int64s[0]
        }
        guard let rows else { return nil }
        let sql = "SELECT " + columns.joined(separator: ", ") + " FROM (\(rows)) AS \"__inner\""
        let types: [(name: String, type: ColumnType)]
        do { types = try engine.describe(sql) } catch { throw InfluxQLError("\(error)") }
        var fields: [String: ColumnType] = [:]
        for (name, type) in types.dropFirst(1 + plan.knownTags.count) { fields[name] = type }
        return Relation(name: m, from: "(\(sql)) AS \"__sub\"", tags: Set(plan.knownTags), fields: fields,
                        timeIsNanoseconds: true, tagValues: base.tagValues)
    }
}
