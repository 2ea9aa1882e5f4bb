import ColumnStore

/// A materialized view's defining query, checked and taken apart: the raw table, the one time bucket, and
/// the queries maintenance and real-time answers are built from.
///
/// The view is stored as a table of the same name whose designated `time` column holds the bucket's start;
/// queries see the bucket under its alias.
struct ViewDefinition: Sendable {
    let name: String
    let query: SelectStatement
    /// The raw table the view summarizes.
    let source: String
    /// The select-list index of the bucket expression.
    let bucketItem: Int
    /// The bucket's alias in the view (`day`); stored as `time`.
    let bucketName: String
    let bucket: TimeBucket
    /// The output columns in order, the bucket's under `bucketName`.
    let columnNames: [String]

    /// Checks `query` as a view definition: one raw table, no joins, WITH, set operations, DISTINCT, ORDER BY,
    /// LIMIT or window functions; exactly one `time_bucket(INTERVAL, time)` or `date_trunc(unit, time)` in
    /// the select list and GROUP BY; every other expression a key or an aggregate, named.
    init(name: String, query: SelectStatement, engine: QueryEngine, checkingSource: Bool = true) throws {
        let at = query.position
        func refuse(_ what: String) -> QueryError { QueryError("a materialized view's query cannot have \(what)", at: at) }
        guard query.with.isEmpty else { throw refuse("WITH") }
        guard query.setOperations.isEmpty else { throw refuse("UNION, INTERSECT or EXCEPT") }
        guard !query.distinct, query.distinctOn.isEmpty else { throw refuse("DISTINCT") }
        guard query.orderBy.isEmpty else { throw refuse("ORDER BY (order the view's rows when querying it)") }
        guard query.limit == nil, query.offset == nil else { throw refuse("LIMIT or OFFSET") }
        guard query.qualify == nil else { throw refuse("QUALIFY") }
        guard case let .table(t)? = query.from?.source else {
            throw QueryError("a materialized view reads one stored table: FROM table (joins and subqueries are not supported)", at: at)
        }
        if checkingSource {
            guard engine.virtualTables.table(named: t.name) == nil else { throw QueryError("'\(t.name)' is a system table: a view reads a stored table", at: t.position) }
            guard engine.database.schema(of: t.name) != nil else { throw QueryError("unknown table '\(t.name)'", at: t.position) }
            if ViewCatalog.of(engine.database).definition(t.name) != nil {
                throw QueryError("'\(t.name)' is a materialized view: a view reads a stored table, not another view", at: t.position)
            }
        }
        if let a = query.from?.alias, a != t.name { throw QueryError("a materialized view's table takes no alias", at: t.position) }
        var bucketAt: Int?
        var bucket: TimeBucket?
        var names: [String] = []
        for (i, item) in query.items.enumerated() {
            guard case let .expr(e, alias) = item else { throw QueryError("a materialized view names its columns: no SELECT *", at: at) }
            if e.kind.containsWindow { throw QueryError("a materialized view cannot have window functions", at: e.position) }
            if let b = try Self.bucket(of: e, engine: engine) {
                if bucketAt != nil { throw QueryError("a materialized view groups by exactly one time bucket; this is a second", at: e.position) }
                bucketAt = i
                bucket = b
            } else if Self.mentionsTime(e), !Self.isAggregate(e) {
                throw QueryError("a materialized view's only time key is its bucket: group by time_bucket(…) or date_trunc(…) of time, not by time itself", at: e.position)
            }
            let n: String
            if let alias { n = alias } else if case let .column(_, c) = e.kind { n = c } else {
                throw QueryError("name this column of the materialized view (… AS name)", at: e.position)
            }
            guard !names.contains(n) else { throw QueryError("the view names column '\(n)' twice", at: e.position) }
            names.append(n)
        }
        guard let bucketAt, let bucket else {
            throw QueryError("a materialized view needs exactly one time bucket, such as time_bucket(INTERVAL '1 day', time) AS day or date_trunc('month', time) AS month, selected and grouped by", at: at)
        }
        if names.contains(TableSchema.timeColumn), names[bucketAt] != TableSchema.timeColumn {
            throw QueryError("the view's column 'time' would clash with its bucket, which is stored as time: rename it", at: at)
        }
        let bucketExpr: Expr = { if case let .expr(e, _) = query.items[bucketAt] { return e }; fatalError() }()
        let grouped = query.groupBy.contains { g in
            if g == bucketExpr { return true }
            if case let .column(nil, n) = g.kind, n == names[bucketAt] { return true }
            if case let .literal(.int(k)) = g.kind, k == bucketAt + 1 { return true }
            return false
        }
        guard grouped else { throw QueryError("a materialized view must GROUP BY its time bucket '\(names[bucketAt])'", at: bucketExpr.position) }
        self.name = name
        self.query = query
        self.source = t.name
        self.bucketItem = bucketAt
        self.bucketName = names[bucketAt]
        self.bucket = bucket
        self.columnNames = names
    }

    /// The bucket of `time_bucket(INTERVAL, time)` or `date_trunc('unit', time)`; nil for other expressions.
    static func bucket(of e: Expr, engine: QueryEngine) throws -> TimeBucket? {
        guard case let .function(call) = e.kind, ["time_bucket", "date_trunc", "datetrunc"].contains(call.name) else { return nil }
        guard call.arguments.count == 2, case let .column(_, c) = call.arguments[1].kind, c == TableSchema.timeColumn else {
            throw QueryError("a materialized view's bucket is \(call.name)(…, time) of the raw table's time column, in UTC (no time zone argument)", at: e.position)
        }
        let binder = Binder(resolveColumn: { n, p in throw QueryError("unknown column '\(n)' (the bucket's width is a constant)", at: p) }, hook: nil, now: 0)
        let v = try binder.bind(call.arguments[0]).constantValue
        switch (call.name, v) {
        case let ("time_bucket", .interval(i)?):
            guard let b = TimeBucket.timeBucket(i) else { throw QueryError("time_bucket() needs a positive interval of months, or of days and time", at: e.position) }
            return b
        case let (_, .string(unit)?) where call.name != "time_bucket":
            guard let b = TimeBucket.dateTrunc(unit) else { throw QueryError("unknown date_trunc unit '\(unit)'", at: e.position) }
            return b
        default:
            throw QueryError("a materialized view's bucket needs a constant width: time_bucket(INTERVAL '1 day', time) or date_trunc('day', time)", at: e.position)
        }
    }

    private static func mentionsTime(_ e: Expr) -> Bool {
        if case let .column(_, c) = e.kind { return c == TableSchema.timeColumn }
        var found = false
        e.kind.forEachChild { if mentionsTime($0) { found = true } }
        return found
    }

    private static func isAggregate(_ e: Expr) -> Bool {
        if case let .function(call) = e.kind, AggregateKind.names.contains(call.name) { return true }
        var found = false
        e.kind.forEachChild { if isAggregate($0) { found = true } }
        return found
    }

    // MARK: bucket arithmetic

    /// The start of the bucket holding `t` (clamped to the earliest timestamp).
    func bucketStart(_ t: Int64) -> Int64 { bucket.apply(t) ?? .min }

    /// The start of the bucket after the one starting at `start`.
    func bucketEnd(_ start: Int64) -> Int64 {
        switch bucket {
        case let .fixed(w, _):
            let (r, o) = start.addingReportingOverflow(w)
            return o ? .max : r
        case let .months(m, _):
            return (try? TimeArithmetic.add(start, SQLInterval(months: Int32(m)), negate: false)) ?? .max
        }
    }

    /// The buckets that raw UTC days `days` fall in, as `[first bucket's start, last bucket's end)`.
    func buckets(coveringDays days: ClosedRange<Int32>) -> (Int64, Int64) {
        let dayNs = TimeBucket.nanosPerDay
        let lo = days.lowerBound == .min ? Int64.min : Int64(days.lowerBound) * dayNs
        let hi = days.upperBound == .max ? Int64.max : (Int64(days.upperBound) + 1) * dayNs
        return (lo == .min ? .min : bucketStart(lo), hi == .max ? .max : bucketEnd(bucketStart(hi - 1)))
    }

    // MARK: queries

    /// `time >= lo AND time < hi OR …` over `column`; nil when the ranges cover everything.
    static func predicate(_ ranges: BucketRanges, column: String, at p: SourcePosition) -> Expr? {
        var terms: [Expr] = []
        let col = Expr(.column(table: nil, name: column), at: p)
        for i in ranges.intervals {
            var parts: [Expr] = []
            if i.lo != .min { parts.append(Expr(.binary(.greaterEqual, col, Expr(.literal(.timestamp(i.lo)), at: p)), at: p)) }
            if i.hi != .max { parts.append(Expr(.binary(.less, col, Expr(.literal(.timestamp(i.hi)), at: p)), at: p)) }
            if parts.isEmpty { return nil }
            terms.append(parts.dropFirst().reduce(parts[0]) { Expr(.binary(.and, $0, $1), at: p) })
        }
        if terms.isEmpty { return Expr(.literal(.bool(false)), at: p) }
        return terms.dropFirst().reduce(terms[0]) { Expr(.binary(.or, $0, $1), at: p) }
    }

    static func and(_ a: Expr?, _ b: Expr?) -> Expr? {
        guard let a else { return b }
        guard let b else { return a }
        return Expr(.binary(.and, a, b), at: a.position)
    }

    /// The defining query over the raw rows of `ranges` only (whole buckets, as the ranges are bucket-aligned).
    func rawQuery(_ ranges: BucketRanges, bucketAs alias: String? = nil) -> SelectStatement {
        var q = query
        q.where = Self.and(query.where, Self.predicate(ranges, column: TableSchema.timeColumn, at: query.position))
        if let alias, alias != bucketName, case let .expr(e, _) = q.items[bucketItem] {
            q.items[bucketItem] = .expr(e, alias: alias)
            // GROUP BY the old alias: group by the bucket expression itself (a name `time` would mean the raw column).
            q.groupBy = q.groupBy.map { g in
                if case let .column(nil, n) = g.kind, n == bucketName { return e }
                return g
            }
        }
        return q
    }

    /// The query that computes the stored rows of `ranges`: the bucket named `time`.
    func materializeQuery(_ ranges: BucketRanges) -> SelectStatement { rawQuery(ranges, bucketAs: TableSchema.timeColumn) }
}
