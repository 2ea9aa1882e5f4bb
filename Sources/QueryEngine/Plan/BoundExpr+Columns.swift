/// Renumbering the columns an expression reads, for moving it between batches (a join's sides).
extension BoundExpr {
    /// The expression with each column `i` read from column `map(i)` instead.
    func mapColumns(_ map: (Int) -> Int) -> BoundExpr {
        switch self {
        case let .column(i, t): return .column(map(i), t)
        case .constant: return self
        case let .negate(e, t): return .negate(e.mapColumns(map), t)
        case let .not(e): return .not(e.mapColumns(map))
        case let .arithmetic(op, a, b, t): return .arithmetic(op, a.mapColumns(map), b.mapColumns(map), t)
        case let .compare(op, a, b): return .compare(op, a.mapColumns(map), b.mapColumns(map))
        case let .and(a, b): return .and(a.mapColumns(map), b.mapColumns(map))
        case let .or(a, b): return .or(a.mapColumns(map), b.mapColumns(map))
        case let .shiftTime(e, i, n): return .shiftTime(e.mapColumns(map), i, negate: n)
        case let .cast(e, t): return .cast(e.mapColumns(map), t)
        case let .caseWhen(branches, e, t):
            return .caseWhen(branches.map { ($0.0.mapColumns(map), $0.1.mapColumns(map)) }, e.mapColumns(map), t)
        case let .inList(e, values, n): return .inList(e.mapColumns(map), values, negated: n)
        case let .like(e, p, n): return .like(e.mapColumns(map), p, negated: n)
        case let .isNull(e, n): return .isNull(e.mapColumns(map), negated: n)
        case let .isBool(e, b, n): return .isBool(e.mapColumns(map), b, negated: n)
        case let .timeBucket(b, e): return .timeBucket(b, e.mapColumns(map))
        case let .scalar(f, args, t): return .scalar(f, args.map { $0.mapColumns(map) }, t)
        case let .symbolPredicate(e, set): return .symbolPredicate(e.mapColumns(map), set)
        case let .subquery(q, keys): return .subquery(q, keys: keys.map { $0.mapColumns(map) })
        }
    }

    /// The subqueries this expression holds, outermost first.
    func subqueries(into out: inout [SubqueryExpr]) {
        switch self {
        case .column, .constant: break
        case let .negate(e, _), let .not(e), let .shiftTime(e, _, _), let .cast(e, _), let .inList(e, _, _),
             let .like(e, _, _), let .isNull(e, _), let .isBool(e, _, _), let .timeBucket(_, e), let .symbolPredicate(e, _):
            e.subqueries(into: &out)
        case let .arithmetic(_, a, b, _), let .compare(_, a, b), let .and(a, b), let .or(a, b):
            a.subqueries(into: &out); b.subqueries(into: &out)
        case let .caseWhen(branches, e, _):
            for (w, t) in branches { w.subqueries(into: &out); t.subqueries(into: &out) }
            e.subqueries(into: &out)
        case let .scalar(_, args, _):
            for a in args { a.subqueries(into: &out) }
        case let .subquery(q, keys):
            out.append(q)
            for a in keys { a.subqueries(into: &out) }
        }
    }

    /// The columns this expression reads, as a set.
    var columnSet: Set<Int> {
        var s = Set<Int>()
        columns(into: &s)
        return s
    }
}
