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
        }
    }

    /// The columns this expression reads, as a set.
    var columnSet: Set<Int> {
        var s = Set<Int>()
        columns(into: &s)
        return s
    }
}
