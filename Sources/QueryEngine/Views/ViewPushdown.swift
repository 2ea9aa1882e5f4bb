import ColumnStore

/// The real-time form of `FROM v` when some buckets are not materialized: the stored rows outside them
/// UNION ALL the defining query on raw within them, reading only the columns the outer query uses and
/// with its WHERE pushed into both sides (see docs/materialized-views.md).
extension ViewDefinition {
    /// `conjuncts`: AND-ed parts of the outer WHERE that name only this view's columns (no subqueries, no
    /// aggregates). Pushing never decides a row alone: the outer query still applies its whole WHERE over
    /// the union, so each side only needs conditions the outer WHERE implies.
    ///
    /// - The stored side takes every such conjunct (its columns are the view's, the bucket under its alias).
    /// - The raw side takes a conjunct on group keys and the bucket as a WHERE over raw rows, each view
    ///   column replaced by its defining expression: all rows of a group share those values, so a group
    ///   is kept or dropped whole and its aggregates do not change. Bounds on the bucket also become bounds
    ///   on raw `time`, which prune partitions and blocks. A conjunct on aggregates alone becomes HAVING.
    func realTimeQuery(pending: BucketRanges, used: Set<String>?, conjuncts: [Expr], rawColumns: Set<String>, now: Int64) -> SelectStatement {
        let p = query.position
        var keep = columnNames.indices.filter { i in used.map { $0.contains(columnNames[i]) || $0.contains(columnNames[i].lowercased()) } ?? true }
        if keep.isEmpty { keep = [bucketItem] }
        let local = conjuncts.map(Self.unqualified)

        var stored = SelectStatement(items: keep.map { .expr(Expr(.column(table: nil, name: columnNames[$0]), at: p), alias: nil) },
                                     from: TableRef(.table(TableName(name, at: p))), position: p)
        // A bucket start in a pending range means the whole bucket is pending.
        let notPending = Self.predicate(pending, column: bucketName, at: p).map { Expr(.unary(.not, $0), at: p) }
            ?? Expr(.literal(.bool(false)), at: p)
        stored.where = local.reduce(notPending) { Self.and($0, $1) }

        var raw = query
        // GROUP BY ordinals and aliases name select items: group by the expressions, so items can be left out.
        raw.groupBy = query.groupBy.map { g in
            if case let .literal(.int(k)) = g.kind, k >= 1, Int(k) <= query.items.count, case let .expr(e, _) = query.items[Int(k) - 1] { return e }
            if case let .column(nil, n) = g.kind, !rawColumns.contains(n), let i = columnNames.firstIndex(of: n), case let .expr(e, _) = query.items[i] { return e }
            return g
        }
        if query.having == nil { raw.items = keep.map { query.items[$0] } }  // HAVING may name any item
        raw.where = Self.and(query.where, Self.predicate(pending, column: TableSchema.timeColumn, at: p))
        for c in local {
            guard let (e, aggregate) = rawForm(c) else { continue }
            if aggregate { raw.having = Self.and(raw.having, e) } else {
                raw.where = Self.and(raw.where, e)
                for b in timeBounds(c, now: now) { raw.where = Self.and(raw.where, b) }
            }
        }
        stored.setOperations = [SetOperand(.union, all: true, raw)]
        return stored
    }

    /// `x` without table qualifiers on its columns (the union's sides read their own tables).
    static func unqualified(_ x: Expr) -> Expr {
        if case let .column(_?, n) = x.kind { return Expr(.column(table: nil, name: n), at: x.position) }
        return Expr(x.kind.mapChildren(unqualified), at: x.position)
    }

    /// The select item defining view column `name`.
    func item(named name: String) -> Expr? {
        guard let i = columnNames.firstIndex(of: name) ?? columnNames.firstIndex(where: { $0.lowercased() == name }),
              case let .expr(e, _) = query.items[i] else { return nil }
        return e
    }

    /// Conjunct `c` over raw rows (view columns replaced by their defining expressions) and whether it
    /// names aggregates (then it belongs in HAVING); nil when it mixes keys and aggregates or names
    /// something else.
    func rawForm(_ c: Expr) -> (Expr, aggregate: Bool)? {
        var keys = false, aggregates = false, ok = true
        func swap(_ x: Expr) -> Expr {
            switch x.kind {
            case let .column(_, n):
                guard let e = item(named: n) else { ok = false; return x }
                if SelectPlanner.containsAggregate(e) { aggregates = true } else { keys = true }
                return e
            case .subquery, .exists, .inSubquery, .window:
                ok = false
                return x
            default:
                return Expr(x.kind.mapChildren(swap), at: x.position)
            }
        }
        let e = swap(c)
        guard ok, !(keys && aggregates) else { return nil }
        return (e, aggregates)
    }

    /// Bounds on raw `time` implied by `c` when it compares the bucket with a constant: the bucket is a
    /// non-decreasing function of time, so `bucket >= X` holds exactly for times from the first bucket
    /// starting at or after X, and `bucket <= X` for times before the end of the bucket holding X.
    func timeBounds(_ c: Expr, now: Int64) -> [Expr] {
        let p = c.position
        func isBucket(_ x: Expr) -> Bool {
            if case let .column(_, n) = x.kind { return n == bucketName || n.lowercased() == bucketName }
            return false
        }
        func constant(_ x: Expr) -> Int64? {
            let binder = Binder(resolveColumn: { n, at in throw QueryError("not a constant", at: at) }, hook: nil, now: now)
            switch (try? binder.bind(x))?.constantValue {
            case let .time(t)?: return t
            case let .string(s)?: return try? SQLTimestamp.parse(s)
            default: return nil
            }
        }
        // The first bucket start at or after `t`, and the end of the bucket holding `t`.
        func ceil(_ t: Int64) -> Int64 { let s = bucketStart(t); return s == t ? t : bucketEnd(s) }
        func end(_ t: Int64) -> Int64 { bucketEnd(bucketStart(t)) }
        var lo: Int64?, hi: Int64?  // time >= lo, time < hi
        func bound(_ op: BinaryOperator, _ t: Int64) {
            guard t != .min, t != .max, bucketStart(t) != .min else { return }
            switch op {
            case .greaterEqual: lo = ceil(t)
            case .greater: lo = end(t)
            case .less: hi = ceil(t)
            case .lessEqual: hi = end(t)
            case .equal: lo = ceil(t); hi = end(t)
            default: break
            }
        }
        switch c.kind {
        case let .binary(op, a, b) where isBucket(a):
            if let t = constant(b) { bound(op, t) }
        case let .binary(op, a, b) where isBucket(b):
            let flipped: [BinaryOperator: BinaryOperator] = [.less: .greater, .lessEqual: .greaterEqual, .greater: .less, .greaterEqual: .lessEqual, .equal: .equal]
            if let t = constant(a), let f = flipped[op] { bound(f, t) }
        case let .between(x, low, high, false) where isBucket(x):
            if let l = constant(low) { bound(.greaterEqual, l) }
            if let h = constant(high) { bound(.lessEqual, h) }
        default: break
        }
        let time = Expr(.column(table: nil, name: TableSchema.timeColumn), at: p)
        var out: [Expr] = []
        if let lo, lo != .min { out.append(Expr(.binary(.greaterEqual, time, Expr(.literal(.timestamp(lo)), at: p)), at: p)) }
        if let hi, hi != .max { out.append(Expr(.binary(.less, time, Expr(.literal(.timestamp(hi)), at: p)), at: p)) }
        return out
    }
}
