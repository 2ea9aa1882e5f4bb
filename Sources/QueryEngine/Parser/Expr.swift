/// An expression node: what it is (`kind`) and where it starts in the query text.
///
/// Equality and hashing compare structure only, never positions, so the planner can match
/// `GROUP BY date_trunc('week', time)` against the same expression in the select list.
/// `description` prints it back as SQL that parses to an equal expression.
public struct Expr: Sendable, Hashable {
    public let kind: Kind
    /// The token that identifies the node: a column's name, a literal, an operator, a function's name,
    /// `CASE`, `CAST` or `::`.
    public var position: SourcePosition
    /// Levels below and including this node; the parser refuses trees taller than `SQLParser.maxDepth`
    /// so recursive passes over them can't exhaust the stack.
    public let height: Int

    public init(_ kind: Kind, at position: SourcePosition) {
        self.kind = kind
        self.position = position
        var tallest = 0
        kind.forEachChild { tallest = max(tallest, $0.height) }
        self.height = tallest + 1
    }

    public static func == (lhs: Expr, rhs: Expr) -> Bool { lhs.kind == rhs.kind }
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }

    /// The shapes an expression can take.
    public indirect enum Kind: Sendable, Hashable {
        /// `name` or `qualifier.name`; unquoted names are folded to lower case.
        case column(table: String?, name: String)
        case literal(Literal)
        case unary(UnaryOperator, Expr)
        case binary(BinaryOperator, Expr, Expr)
        /// `name(args)`, `name(*)`, `name(DISTINCT args)`; aggregates too — the planner decides which is which.
        case function(FunctionCall)
        /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
        case caseWhen(CaseExpr)
        /// `x [NOT] IN (a, b, …)`.
        case inList(Expr, [Expr], negated: Bool)
        /// `x [NOT] BETWEEN low AND high` (inclusive).
        case between(Expr, low: Expr, high: Expr, negated: Bool)
        /// `x [NOT] LIKE pattern` or `ILIKE` (case-insensitive).
        case like(Expr, pattern: Expr, caseInsensitive: Bool, negated: Bool)
        /// `x IS [NOT] NULL`.
        case isNull(Expr, negated: Bool)
        /// `x IS [NOT] TRUE` / `x IS [NOT] FALSE` (never NULL itself).
        case isBool(Expr, Bool, negated: Bool)
        /// `CAST(x AS type)` or `x::type`.
        case cast(Expr, SQLType)
        /// `(SELECT …)`: a scalar subquery, one column and at most one row.
        case subquery(SelectStatement)
        /// `[NOT] EXISTS (SELECT …)`.
        case exists(SelectStatement, negated: Bool)
        /// `x [NOT] IN (SELECT …)`.
        case inSubquery(Expr, SelectStatement, negated: Bool)
        /// `f(args) OVER (PARTITION BY … ORDER BY … [frame])`.
        case window(FunctionCall, WindowSpec)
        /// `ARRAY[a, b, …]`: an array of the elements' common type.
        case array([Expr])
        /// `ARRAY(SELECT x …)`: the subquery's one column as an array, in its rows' order (`{}` without rows).
        case arraySubquery(SelectStatement)
        /// `x op ANY|SOME (array)` or `x op ALL (array)`, op a comparison.
        case quantified(BinaryOperator, Expr, Expr, all: Bool)
        /// `array[index]`, PostgreSQL's 1-based subscript (NULL out of range).
        case `subscript`(Expr, Expr)
        /// `CAST(x AS type[])` or `x::type[]`.
        case arrayCast(Expr, SQLType)
        /// `(record).field`: a field of a composite value (`(information_schema._pg_expandarray(a)).n`).
        case field(Expr, String)

        /// Calls `body` on each direct child, in source order.
        public func forEachChild(_ body: (Expr) throws -> Void) rethrows {
            switch self {
            case .column, .literal: break
            case .unary(_, let operand): try body(operand)
            case .binary(_, let left, let right):
                try body(left)
                try body(right)
            case .function(let call):
                try call.arguments.forEach(body)
                if let filter = call.filter { try body(filter) }
            case .caseWhen(let caseExpr):
                if let operand = caseExpr.operand { try body(operand) }
                for branch in caseExpr.branches {
                    try body(branch.when)
                    try body(branch.then)
                }
                if let otherwise = caseExpr.otherwise { try body(otherwise) }
            case .inList(let value, let list, _):
                try body(value)
                try list.forEach(body)
            case .between(let value, let low, let high, _):
                try body(value)
                try body(low)
                try body(high)
            case .like(let value, let pattern, _, _):
                try body(value)
                try body(pattern)
            case .isNull(let value, _), .isBool(let value, _, _), .cast(let value, _):
                try body(value)
            // A subquery is its own scope: its expressions are not this one's children.
            case .subquery, .exists: break
            case .inSubquery(let value, _, _): try body(value)
            case .array(let items): try items.forEach(body)
            case .arraySubquery: break
            case .quantified(_, let value, let array, _), .subscript(let value, let array):
                try body(value)
                try body(array)
            case .arrayCast(let value, _), .field(let value, _): try body(value)
            case .window(let call, let spec):
                try call.arguments.forEach(body)
                try spec.partitionBy.forEach(body)
                try spec.orderBy.forEach { try body($0.expr) }
            }
        }
    }
}

/// A function call; aggregates (`count`, `sum`, …) are function calls too.
public struct FunctionCall: Sendable, Hashable {
    /// Lower case unless it was double-quoted.
    public var name: String
    public var arguments: [Expr]
    /// `f(DISTINCT x)`.
    public var distinct: Bool
    /// `f(*)`, as in `count(*)`; then `arguments` is empty.
    public var star: Bool
    /// `f(…) FILTER (WHERE condition)` on an aggregate.
    public var filter: Expr?

    public init(name: String, arguments: [Expr], distinct: Bool = false, star: Bool = false, filter: Expr? = nil) {
        self.name = name
        self.arguments = arguments
        self.distinct = distinct
        self.star = star
        self.filter = filter
    }
}

/// `CASE [operand] WHEN … THEN … [ELSE otherwise] END`. With an operand, each `when` is a value compared
/// with `=` to the operand; without, each is a condition.
public struct CaseExpr: Sendable, Hashable {
    /// One `WHEN when THEN then`.
    public struct Branch: Sendable, Hashable {
        public var when: Expr
        public var then: Expr

        public init(when: Expr, then: Expr) {
            self.when = when
            self.then = then
        }
    }

    public var operand: Expr?
    public var branches: [Branch]
    /// The `ELSE` value; NULL when absent.
    public var otherwise: Expr?

    public init(operand: Expr?, branches: [Branch], otherwise: Expr?) {
        self.operand = operand
        self.branches = branches
        self.otherwise = otherwise
    }
}

/// The `OVER (…)` of a window function.
public struct WindowSpec: Sendable, Hashable {
    public var partitionBy: [Expr]
    public var orderBy: [OrderItem]
    /// Nil: DuckDB's default — RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW with ORDER BY, the
    /// whole partition without.
    public var frame: WindowFrame?

    public init(partitionBy: [Expr] = [], orderBy: [OrderItem] = [], frame: WindowFrame? = nil) {
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame
    }
}

/// `ROWS|RANGE BETWEEN start AND end` (or just `start`, ending at the current row).
public struct WindowFrame: Sendable, Hashable {
    public enum Unit: String, Sendable, Hashable { case rows = "ROWS", range = "RANGE" }
    public enum Bound: Sendable, Hashable {
        case unboundedPreceding, preceding(Int64), currentRow, following(Int64), unboundedFollowing
        /// `INTERVAL '…' PRECEDING|FOLLOWING`: a RANGE frame's offset over a timestamp ORDER BY key.
        case precedingInterval(SQLInterval), followingInterval(SQLInterval)
    }

    public var unit: Unit
    public var start: Bound
    public var end: Bound

    public init(unit: Unit, start: Bound, end: Bound) {
        self.unit = unit
        self.start = start
        self.end = end
    }
}
