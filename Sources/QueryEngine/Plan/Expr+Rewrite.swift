/// Rebuilding an expression with its children replaced, for the planner's rewrites (window functions).
extension Expr.Kind {
    /// This node with each direct child `c` replaced by `transform(c)`; subqueries are left alone.
    func mapChildren(_ transform: (Expr) throws -> Expr) rethrows -> Expr.Kind {
        switch self {
        case .column, .literal, .subquery, .exists, .arraySubquery: return self
        case let .array(items): return .array(try items.map(transform))
        case let .quantified(op, x, a, all): return .quantified(op, try transform(x), try transform(a), all: all)
        case let .subscript(a, i): return .subscript(try transform(a), try transform(i))
        case let .arrayCast(x, t): return .arrayCast(try transform(x), t)
        case let .field(x, name): return .field(try transform(x), name)
        case let .unary(op, x): return .unary(op, try transform(x))
        case let .binary(op, a, b): return .binary(op, try transform(a), try transform(b))
        case var .function(call):
            call.arguments = try call.arguments.map(transform)
            return .function(call)
        case var .caseWhen(c):
            c.operand = try c.operand.map(transform)
            c.branches = try c.branches.map { CaseExpr.Branch(when: try transform($0.when), then: try transform($0.then)) }
            c.otherwise = try c.otherwise.map(transform)
            return .caseWhen(c)
        case let .inList(x, list, negated): return .inList(try transform(x), try list.map(transform), negated: negated)
        case let .between(x, lo, hi, negated):
            return .between(try transform(x), low: try transform(lo), high: try transform(hi), negated: negated)
        case let .like(x, p, ci, negated): return .like(try transform(x), pattern: try transform(p), caseInsensitive: ci, negated: negated)
        case let .isNull(x, negated): return .isNull(try transform(x), negated: negated)
        case let .isBool(x, v, negated): return .isBool(try transform(x), v, negated: negated)
        case let .cast(x, t): return .cast(try transform(x), t)
        case let .inSubquery(x, q, negated): return .inSubquery(try transform(x), q, negated: negated)
        case var .window(call, spec):
            call.arguments = try call.arguments.map(transform)
            spec.partitionBy = try spec.partitionBy.map(transform)
            spec.orderBy = try spec.orderBy.map { var o = $0; o.expr = try transform(o.expr); return o }
            return .window(call, spec)
        }
    }

    /// Whether this node or one below it (not inside a subquery) is a window function.
    var containsWindow: Bool {
        if case .window = self { return true }
        var found = false
        forEachChild { if !found && $0.kind.containsWindow { found = true } }
        return found
    }
}
