import ColumnStore

/// Answers an aggregate query on a raw table from a materialized view of that table, when the view holds
/// exactly what the answer needs (ClickHouse does this with projections). The rewritten query reads
/// `FROM v`, so pending buckets still come from raw and the answer stays exact.
///
/// A view answers a query when:
/// - the query is one SELECT over the table (no join, WITH, set operation, DISTINCT, window function,
///   subquery expression or `*`) that aggregates;
/// - it groups by view keys (or expressions of them) and by time buckets as coarse as the view's or
///   coarser, aligned with it (a daily view answers months and weeks, not 36-hour buckets);
/// - its WHERE holds the view's own WHERE conditions, and otherwise names only view keys, buckets, and raw
///   `time` bounded by `>=`/`<` constants that start a view bucket;
/// - each aggregate is derivable: `count` as the sum of a count column, `sum` of integers as a sum of
///   sums, `min`/`max` of mins/maxes, `avg` of integers as sum over count; any other aggregate (exact
///   distinct counts, quantiles, float sums) only at the view's own grain, where a query group is one view row
///   (grouped by the view's bucket and every key, or with a key pinned by `key = constant`).
/// The view's HAVING, if any, rules it out (it drops groups a rollup would need).
struct ViewRewrite {
    let engine: QueryEngine
    let now: Int64

    /// `s` answered from the best view (the coarsest bucket), and that view's name; nil when none answers it.
    func rewrite(_ s: SelectStatement) -> (SelectStatement, view: String)? {
        guard s.with.isEmpty, s.setOperations.isEmpty, !s.distinct, s.distinctOn.isEmpty, s.qualify == nil,
              let from = s.from, case let .table(t) = from.source, from.columnAliases.isEmpty,
              let schema = engine.database.schema(of: t.name) else { return nil }
        let catalog = ViewCatalog.of(engine.database)
        let candidates = catalog.views(reading: t.name)
        guard !candidates.isEmpty, Self.simple(s) else { return nil }
        let aggregates = s.items.contains { if case let .expr(e, _) = $0 { SelectPlanner.containsAggregate(e) } else { false } }
        guard aggregates || !s.groupBy.isEmpty else { return nil }
        let raw = Set(schema.columns.map(\.name))
        var best: (SelectStatement, String, Int64)?
        for name in candidates {
            guard let d = catalog.definition(name), d.query.having == nil,
                  let stored = engine.database.schema(of: name), ViewColumns(d, schema: stored) != nil,
                  let q = Candidate(view: d, stored: stored, engine: engine, now: now, rawColumns: raw).rewrite(Self.local(s, from)) else { continue }
            let width = d.bucket.approximateWidth
            if best == nil || width > best!.2 { best = (q, name, width) }
        }
        return best.map { ($0.0, $0.1) }
    }

    /// No `*`, window function or subquery anywhere.
    static func simple(_ s: SelectStatement) -> Bool {
        var ok = true
        func visit(_ e: Expr) {
            switch e.kind {
            case .subquery, .exists, .inSubquery, .window: ok = false
            default: e.kind.forEachChild(visit)
            }
        }
        for item in s.items {
            guard case let .expr(e, _) = item else { return false }
            visit(e)
        }
        s.where.map(visit)
        s.groupBy.forEach(visit)
        s.having.map(visit)
        s.orderBy.forEach { visit($0.expr) }
        return ok
    }

    /// `s` with qualifiers naming its one table dropped; a different qualifier is left (and rules the view out).
    static func local(_ s: SelectStatement, _ from: TableRef) -> SelectStatement {
        guard case let .table(t) = from.source else { return s }
        let own: Set<String> = [t.name, from.alias].reduce(into: []) { if let n = $1 { $0.insert(n) } }
        func strip(_ e: Expr) -> Expr {
            if case let .column(q?, n) = e.kind, own.contains(q) { return Expr(.column(table: nil, name: n), at: e.position) }
            if case var .function(call) = e.kind, let f = call.filter {
                call.filter = strip(f)
                call.arguments = call.arguments.map(strip)
                return Expr(.function(call), at: e.position)
            }
            return Expr(e.kind.mapChildren(strip), at: e.position)
        }
        var out = s
        out.items = s.items.map { if case let .expr(e, a) = $0 { .expr(strip(e), alias: a) } else { $0 } }
        out.where = s.where.map(strip)
        out.groupBy = s.groupBy.map(strip)
        out.having = s.having.map(strip)
        out.orderBy = s.orderBy.map { var o = $0; o.expr = strip(o.expr); return o }
        return out
    }

    /// One view tried against one query.
    struct Candidate {
        let view: ViewDefinition
        let stored: TableSchema
        let engine: QueryEngine
        let now: Int64
        let rawColumns: Set<String>

        private var p: SourcePosition { view.query.position }
        private func column(_ name: String, at p: SourcePosition) -> Expr { Expr(.column(table: nil, name: name), at: p) }
        private func call(_ name: String, _ args: [Expr], at p: SourcePosition) -> Expr {
            Expr(.function(FunctionCall(name: name, arguments: args)), at: p)
        }

        /// The view column defined by exactly `e`, with whether it is an aggregate.
        private func viewColumn(_ e: Expr) -> (name: String, aggregate: Bool)? {
            for (i, item) in view.query.items.enumerated() where i != view.bucketItem {
                if case let .expr(x, _) = item, x == e { return (view.columnNames[i], SelectPlanner.containsAggregate(x)) }
            }
            return nil
        }

        /// Whether every view bucket lies inside one bucket of `q` (then `q` of the view's bucket start is
        /// `q` of every raw time in it).
        private func coarser(_ q: TimeBucket) -> Bool {
            func mod(_ a: Int64, _ m: Int64) -> Int64 { ((a % m) + m) % m }
            switch (view.bucket, q) {
            case let (.fixed(w, o), .fixed(w2, o2)): return w2 % w == 0 && mod(o2 - o, w) == 0
            case let (.fixed(w, o), .months): return TimeBucket.nanosPerDay % w == 0 && mod(o, w) == 0
            case let (.months(m, o), .months(m2, o2)): return m2 % m == 0 && mod(o2 - o, m) == 0
            case (.months, .fixed): return false
            }
        }

        private func same(_ q: TimeBucket) -> Bool {
            if q == view.bucket { return true }
            switch (view.bucket, q) {
            case let (.fixed(w, _), .fixed(w2, _)): return w == w2 && coarser(q)
            case let (.months(m, _), .months(m2, _)): return m == m2 && coarser(q)
            default: return false
            }
        }

        /// `e` over the view's rows, outside aggregates: view keys become their columns, time buckets at
        /// least as coarse as the view's apply to its bucket column; nil when `e` needs another raw column.
        func scalar(_ e: Expr) -> Expr? {
            if let (n, aggregate) = viewColumn(e) { return aggregate ? nil : column(n, at: e.position) }
            if case let .function(c) = e.kind, ["time_bucket", "date_trunc", "datetrunc"].contains(c.name),
               let b = try? ViewDefinition.bucket(of: e, engine: engine) {
                guard coarser(b) else { return nil }
                if same(b) { return column(view.bucketName, at: e.position) }
                var c2 = c
                c2.arguments[1] = column(view.bucketName, at: c.arguments[1].position)
                return Expr(.function(c2), at: e.position)
            }
            switch e.kind {
            case .column, .subquery, .exists, .inSubquery, .window: return nil
            case let .function(c) where AggregateKind(name: c.name) != nil: return nil
            default:
                var ok = true
                let out = e.kind.mapChildren { x in
                    guard ok, let y = scalar(x) else { ok = false; return x }
                    return y
                }
                return ok ? Expr(out, at: e.position) : nil
            }
        }

        /// `e` in the grouped part of the query (select list, HAVING, ORDER BY): aggregates rolled up.
        func grouped(_ e: Expr, sameGrain: Bool, global: Bool) -> Expr? {
            if case let .function(c) = e.kind, AggregateKind(name: c.name) != nil {
                return aggregate(c, at: e.position, sameGrain: sameGrain, global: global)
            }
            if let s = scalar(e) { return s }
            switch e.kind {
            case .column, .subquery, .exists, .inSubquery, .window: return nil
            default:
                var ok = true
                let out = e.kind.mapChildren { x in
                    guard ok, let y = grouped(x, sameGrain: sameGrain, global: global) else { ok = false; return x }
                    return y
                }
                return ok ? Expr(out, at: e.position) : nil
            }
        }

        private func integer(_ column: String) -> Bool {
            guard let c = stored.column(column) else { return false }
            return c.type == .int64 || c.type == .uint64
        }

        /// The aggregate `c` over the view's rows; nil when the view cannot give it exactly.
        func aggregate(_ c: FunctionCall, at p: SourcePosition, sameGrain: Bool, global: Bool) -> Expr? {
            guard let kind = AggregateKind(name: c.name) else { return nil }
            if let (n, isAggregate) = viewColumn(Expr(.function(c), at: p)), isAggregate {
                // At the view's grain a query group is one view row: its value, whatever the aggregate.
                if sameGrain { return call("min", [column(n, at: p)], at: p) }
                guard !c.distinct else { return nil }
                switch kind {
                case .count:
                    let total = call("sum", [column(n, at: p)], at: p)
                    // Over no rows at all, count is 0 where sum is NULL.
                    return global ? call("coalesce", [total, Expr(.literal(.int(0)), at: p)], at: p) : total
                case .sum: return integer(n) ? call("sum", [column(n, at: p)], at: p) : nil
                case .min, .max: return call(kind.rawValue, [column(n, at: p)], at: p)
                default: return nil
                }
            }
            // avg of integers: the view's sum over its count of the same argument and FILTER.
            guard kind == .avg, !c.distinct else { return nil }
            var sum = c, count = c
            sum.name = "sum"
            count.name = "count"
            guard let (s, sa) = viewColumn(Expr(.function(sum), at: p)), sa, integer(s),
                  let (n, na) = viewColumn(Expr(.function(count), at: p)), na else { return nil }
            let total = call("sum", [column(s, at: p)], at: p), rows = call("sum", [column(n, at: p)], at: p)
            let zero = Expr(.binary(.equal, rows, Expr(.literal(.int(0)), at: p)), at: p)
            let ratio = Expr(.binary(.divide, total, rows), at: p)
            return Expr(.caseWhen(CaseExpr(operand: nil, branches: [CaseExpr.Branch(when: zero, then: Expr(.literal(.null), at: p))], otherwise: ratio)), at: p)
        }

        /// A WHERE conjunct over raw rows as one over the view's rows; nil when it is not expressible.
        func condition(_ c: Expr) -> Expr? {
            // time >= X / time < X with X a view bucket start: whole buckets, so the same on the bucket column.
            if case let .binary(op, a, b) = c.kind {
                var op = op, value: Expr?
                if case let .column(_, n) = a.kind, n == TableSchema.timeColumn { value = b }
                else if case let .column(_, n) = b.kind, n == TableSchema.timeColumn {
                    value = a
                    op = op == .less ? .greater : op == .greaterEqual ? .lessEqual : op == .lessEqual ? .greaterEqual : op == .greater ? .less : op
                }
                if let value {
                    guard op == .greaterEqual || op == .less, let t = constantTime(value), t != .min, view.bucketStart(t) == t else { return nil }
                    return Expr(.binary(op, column(view.bucketName, at: c.position), Expr(.literal(.timestamp(t)), at: value.position)), at: c.position)
                }
            }
            return scalar(c)
        }

        private func constantTime(_ x: Expr) -> Int64? {
            let binder = Binder(resolveColumn: { _, at in throw QueryError("not a constant", at: at) }, hook: nil, now: now)
            switch (try? binder.bind(x))?.constantValue {
            case let .time(t)?: return t
            case let .string(s)?: return try? SQLTimestamp.parse(s)
            default: return nil
            }
        }

        /// Whether the view groups by its bucket and key columns only (then each view row is one group of
        /// them; a view grouping by something it does not show has several rows per bucket and keys).
        private var groupsByItsColumns: Bool {
            let items = view.query.items
            return view.query.groupBy.allSatisfy { g in
                var e = g
                if case let .literal(.int(k)) = g.kind, k >= 1, Int(k) <= items.count, case let .expr(x, _) = items[Int(k) - 1] { e = x }
                else if case let .column(nil, n) = g.kind, !rawColumns.contains(n), let i = view.columnNames.firstIndex(of: n),
                        case let .expr(x, _) = items[i] { e = x }
                return items.contains { if case let .expr(x, _) = $0 { x == e && !SelectPlanner.containsAggregate(x) } else { false } }
            }
        }

        static func conjuncts(_ e: Expr?) -> [Expr] {
            guard let e else { return [] }
            if case let .binary(.and, a, b) = e.kind { return conjuncts(a) + conjuncts(b) }
            return [e]
        }

        func rewrite(_ s: SelectStatement) -> SelectStatement? {
            // The view's own WHERE must be part of the query's; the rest must be about keys and buckets.
            var rest = Self.conjuncts(s.where)
            for v in Self.conjuncts(view.query.where) {
                guard let i = rest.firstIndex(of: v) else { return nil }
                rest.remove(at: i)
            }
            var filter: Expr?
            // Keys the WHERE pins to one value (`key = constant`): as good as grouped by, for the view's grain.
            var pinned: Set<String> = []
            for c in rest {
                guard let x = condition(c) else { return nil }
                filter = ViewDefinition.and(filter, x)
                if case let .binary(.equal, a, b) = x.kind {
                    if case let .column(nil, n) = a.kind, case .literal = b.kind { pinned.insert(n) }
                    if case let .column(nil, n) = b.kind, case .literal = a.kind { pinned.insert(n) }
                }
            }
            // Output names and what GROUP BY ordinals and aliases name.
            var items: [(Expr, String)] = []
            for item in s.items {
                guard case let .expr(e, alias) = item else { return nil }
                items.append((e, alias ?? SelectPlanner.name(of: e)))
            }
            func named(_ g: Expr) -> Expr {
                if case let .literal(.int(k)) = g.kind, k >= 1, Int(k) <= items.count { return items[Int(k) - 1].0 }
                if case let .column(nil, n) = g.kind, !rawColumns.contains(n), let it = items.first(where: { $0.1 == n }) { return it.0 }
                return g
            }
            var groups: [Expr] = []
            for g in s.groupBy {
                guard let x = scalar(named(g)) else { return nil }
                groups.append(x)
            }
            // The view's grain: the bucket and every key among the groups.
            let keyNames = view.columnNames.enumerated().filter { i, _ in
                guard i != view.bucketItem, case let .expr(x, _) = view.query.items[i] else { return false }
                return !SelectPlanner.containsAggregate(x)
            }.map(\.element)
            let plain = Set(groups.compactMap { if case let .column(nil, n) = $0.kind { n } else { nil } })
            let sameGrain = plain.contains(view.bucketName) && keyNames.allSatisfy { plain.contains($0) || pinned.contains($0) } && groupsByItsColumns
            let global = s.groupBy.isEmpty
            var out = SelectStatement(items: [], from: TableRef(.table(TableName(view.name, at: s.position))), position: s.position)
            for (e, name) in items {
                guard let x = grouped(e, sameGrain: sameGrain, global: global) else { return nil }
                out.items.append(.expr(x, alias: name))
            }
            out.where = filter
            out.groupBy = groups
            if let h = s.having {
                // HAVING may name select-list aliases that are no raw column: their expressions.
                func expand(_ e: Expr) -> Expr {
                    if case let .column(nil, n) = e.kind, !rawColumns.contains(n), let it = items.first(where: { $0.1 == n }) { return it.0 }
                    return Expr(e.kind.mapChildren(expand), at: e.position)
                }
                guard let x = grouped(expand(h), sameGrain: sameGrain, global: global) else { return nil }
                out.having = x
            }
            for o in s.orderBy {
                var o2 = o
                if case .literal(.int) = o.expr.kind {} else if case let .column(nil, n) = o.expr.kind, items.contains(where: { $0.1 == n }) {} else {
                    guard let x = grouped(o.expr, sameGrain: sameGrain, global: global) else { return nil }
                    o2.expr = x
                }
                out.orderBy.append(o2)
            }
            out.limit = s.limit
            out.offset = s.offset
            return out
        }
    }
}

extension TimeBucket {
    /// Roughly how long one bucket is (months as 30 days), to prefer the coarsest view.
    var approximateWidth: Int64 {
        switch self {
        case let .fixed(w, _): return w
        case let .months(m, _): return m.multipliedReportingOverflow(by: 30 * TimeBucket.nanosPerDay).partialValue
        }
    }
}
