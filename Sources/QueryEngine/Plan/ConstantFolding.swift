/// Constant folding of predicates: a comparison operand that reads no column and runs no subquery
/// (`TIMESTAMP '2026-11-21' - INTERVAL '2 hours'`, `now() - INTERVAL '7 days'`) is evaluated once at plan
/// time, so time-range and statistics pruning see a literal, and rows do not recompute it.
extension BoundExpr {
    /// The predicate with each constant comparison operand evaluated (through AND, OR and NOT).
    func foldingConstantOperands() -> BoundExpr {
        switch self {
        case let .and(a, b): return .and(a.foldingConstantOperands(), b.foldingConstantOperands())
        case let .or(a, b): return .or(a.foldingConstantOperands(), b.foldingConstantOperands())
        case let .not(e): return .not(e.foldingConstantOperands())
        case let .compare(op, a, b): return .compare(op, a.folded, b.folded)
        default: return self
        }
    }

    /// This expression as a constant when it reads nothing per row; itself otherwise, or when evaluating
    /// it fails (the error then comes when rows are evaluated, as without folding).
    private var folded: BoundExpr {
        if case .constant = self { return self }
        var inner: [SubqueryExpr] = []
        subqueries(into: &inner)
        guard columnSet.isEmpty, inner.isEmpty,
              let v = try? Evaluator.eval(self, RowGroupColumns(rows: [], range: 0..<1, types: [])).value(0)
        else { return self }
        return .constant(v)
    }
}
