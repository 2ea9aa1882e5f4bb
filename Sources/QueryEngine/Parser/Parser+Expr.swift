/// Expressions by precedence climbing, with PostgreSQL's operator order (see `Precedence`).
///
/// Frames on the recursive paths are kept small — each step dispatches to an `@inline(never)` helper
/// that does the work — so `SQLParser.maxDepth` levels fit in a small thread stack, even in debug builds.
extension Parser {
    /// An expression whose infix operators all bind at least as tightly as `minimum`.
    mutating func parseExpr(_ minimum: Int = Precedence.lowest) throws(SQLError) -> Expr {
        try enter()
        defer { depth -= 1 }
        var left = try parsePrefix()
        var compared = false
        while let step = infixStep(minimum) {
            left = try parseInfix(step, left, compared: &compared)
        }
        return left
    }

    /// What continues an expression at the current token, if it binds at least as tightly as `minimum`.
    private enum InfixStep {
        case binary(BinaryOperator)
        case cast
        case `is`
        case predicate(negated: Bool)
        /// `x AT TIME ZONE zone`.
        case atTimeZone
        /// `x ~ pattern`, `x !~ pattern` (and `~*`, `!~*`).
        case regex
        /// `x OPERATOR(pg_catalog.op) y`: PostgreSQL's spelled-out operator, as psql writes it.
        case spelledOperator
        /// `x COLLATE name`: accepted and ignored (tsdb compares strings by their bytes).
        case collate
        /// `array[index]`.
        case `subscript`
    }

    @inline(never)
    private func infixStep(_ minimum: Int) -> InfixStep? {
        let token = current
        if let op = binaryOperator(token) {
            return op.precedence >= minimum ? .binary(op) : nil
        }
        if token.kind == .doubleColon { return Precedence.cast >= minimum ? .cast : nil }
        if token.kind == .leftBracket { return Precedence.cast >= minimum ? .subscript : nil }
        if token.kind == .tilde || token.kind == .notTilde { return Precedence.inBetweenLike >= minimum ? .regex : nil }
        if token.kind == .word, name(token) == "operator", peek().kind == .leftParen {
            return Precedence.inBetweenLike >= minimum ? .spelledOperator : nil
        }
        if token.kind == .word, name(token) == "collate" { return Precedence.cast >= minimum ? .collate : nil }
        if token.is(.is) { return Precedence.is >= minimum ? .is : nil }
        // AT TIME ZONE binds tighter than * and /, looser than unary minus (PostgreSQL's order).
        if token.isIdentifier, name(token) == "at", peek().isIdentifier, name(peek()) == "time" {
            return Precedence.unary >= minimum ? .atTimeZone : nil
        }
        // [NOT] IN / BETWEEN / LIKE / ILIKE
        let negated = token.is(.not)
        let word = negated ? peek() : token
        guard word.is(.in) || word.is(.between) || word.is(.like) || word.is(.ilike),
              Precedence.inBetweenLike >= minimum else { return nil }
        return .predicate(negated: negated)
    }

    @inline(never)
    private mutating func parseInfix(_ step: InfixStep, _ left: Expr, compared: inout Bool) throws(SQLError) -> Expr {
        switch step {
        case .binary(let op): return try parseBinary(op, left, compared: &compared)
        case .cast: return try parseCastSuffix(left)
        case .is: return try parseIsSuffix(left)
        case .predicate(let negated): return try parsePredicate(left, negated: negated)
        case .atTimeZone: return try parseAtTimeZone(left)
        case .regex: return try parseRegex(left)
        case .spelledOperator: return try parseSpelledOperator(left, compared: &compared)
        case .collate: return try parseCollate(left)
        case .subscript: return try parseSubscript(left)
        }
    }

    /// `x ~ p` as `regexp_matches(x, p)`, `~*` with the `'i'` flag, `!~` negated (PostgreSQL's
    /// operators, DuckDB's function).
    @inline(never)
    private mutating func parseRegex(_ left: Expr) throws(SQLError) -> Expr {
        let token = current
        advance()
        return try regexMatch(left, token, at: token.position)
    }

    private mutating func regexMatch(_ left: Expr, _ token: Token, at position: SourcePosition) throws(SQLError) -> Expr {
        let ignoreCase = token.end - token.start == (token.kind == .tilde ? 2 : 3)
        let pattern = try parseExpr(Precedence.inBetweenLike + 1)
        var arguments = [left, pattern]
        if ignoreCase { arguments.append(try node(.literal(.string("i")), at: position)) }
        let match = try node(.function(FunctionCall(name: "regexp_matches", arguments: arguments)), at: position)
        return token.kind == .notTilde ? try node(.unary(.not, match), at: position) : match
    }

    /// `OPERATOR([schema.]op)` followed by the right operand: the operator `op` (a comparison,
    /// arithmetic, `||` or a regular-expression match).
    @inline(never)
    private mutating func parseSpelledOperator(_ left: Expr, compared: inout Bool) throws(SQLError) -> Expr {
        let position = current.position
        advance()  // OPERATOR
        advance()  // (
        if current.isIdentifier, peek().kind == .dot {
            guard name(current) == "pg_catalog" else { throw error(.syntax, at: current, "unknown operator schema '\(name(current))'") }
            advance()
            advance()
        }
        let token = current
        if token.kind == .tilde || token.kind == .notTilde {
            advance()
            try expect(.rightParen, ["')'"])
            return try regexMatch(left, token, at: position)
        }
        guard let op = binaryOperator(token), token.kind != .word else { throw unexpected(["an operator such as = or ~"]) }
        advance()
        try expect(.rightParen, ["')'"])
        let right = try parseExpr(op.precedence + 1)
        return try node(.binary(op, left, right), at: position)
    }

    /// `COLLATE [schema.]name` after an expression: accepted, and the expression is unchanged.
    @inline(never)
    private mutating func parseCollate(_ left: Expr) throws(SQLError) -> Expr {
        advance()
        guard current.isIdentifier else { throw unexpected(["a collation name"]) }
        advance()
        if accept(.dot) {
            guard current.isIdentifier else { throw unexpected(["a collation name"]) }
            advance()
        }
        return left
    }

    /// `array[index]`.
    @inline(never)
    private mutating func parseSubscript(_ left: Expr) throws(SQLError) -> Expr {
        let position = current.position
        advance()
        let index = try parseExpr()
        try expect(.rightBracket, ["']'"])
        return try node(.subscript(left, index), at: position)
    }

    /// `x AT TIME ZONE zone`, read as DuckDB does: `timezone(zone, x)`.
    @inline(never)
    private mutating func parseAtTimeZone(_ left: Expr) throws(SQLError) -> Expr {
        let position = current.position
        advance()  // AT
        advance()  // TIME
        guard current.isIdentifier, name(current) == "zone" else { throw unexpected(["ZONE"]) }
        advance()
        let zone = try parseExpr(Precedence.unary + 1)
        return try node(.function(FunctionCall(name: "timezone", arguments: [zone, left])), at: position)
    }

    @inline(never)
    private mutating func parseBinary(_ op: BinaryOperator, _ left: Expr, compared: inout Bool) throws(SQLError) -> Expr {
        let position = current.position
        if op.isComparison {
            if compared {
                throw error(.syntax, at: current, "chained comparisons are not supported: combine them with AND")
            }
            compared = true
        }
        advance()
        if op.isComparison, current.is(.all) || (current.kind == .word && (name(current) == "any" || name(current) == "some")),
           peek().kind == .leftParen {
            return try parseQuantified(op, left, at: position)
        }
        let right = try parseExpr(op.precedence + 1)
        return try node(.binary(op, left, right), at: position)
    }

    /// `x op ANY|SOME|ALL (array)`, or `(SELECT …)`: `= ANY (SELECT …)` is `IN (SELECT …)` and
    /// `<> ALL (SELECT …)` is `NOT IN (SELECT …)`, as in PostgreSQL.
    @inline(never)
    private mutating func parseQuantified(_ op: BinaryOperator, _ left: Expr, at position: SourcePosition) throws(SQLError) -> Expr {
        let all = current.is(.all)
        let word = current
        advance()
        advance()  // (
        if current.is(.select) || current.is(.with) {
            let query = try parseQuery()
            try expect(.rightParen, followers + ["')'"])
            guard (op == .equal && !all) || (op == .notEqual && all) else {
                throw error(.syntax, at: word, "only = ANY (SELECT …) and <> ALL (SELECT …) are supported with a subquery; use an array")
            }
            return try node(.inSubquery(left, query, negated: all), at: position)
        }
        let array = try parseExpr()
        try expect(.rightParen, ["')'"])
        return try node(.quantified(op, left, array, all: all), at: position)
    }

    /// `x::type`.
    @inline(never)
    private mutating func parseCastSuffix(_ left: Expr) throws(SQLError) -> Expr {
        let position = current.position
        advance()
        let type = try parseType()
        return try node(parseArraySuffix() ? .arrayCast(left, type) : .cast(left, type), at: position)
    }

    /// Whether `[]` follows a type name (an array type: `text[]`), consuming it.
    mutating func parseArraySuffix() -> Bool {
        guard current.kind == .leftBracket, peek().kind == .rightBracket else { return false }
        advance()
        advance()
        return true
    }

    /// `x IS [NOT] NULL | TRUE | FALSE`.
    @inline(never)
    private mutating func parseIsSuffix(_ left: Expr) throws(SQLError) -> Expr {
        let position = current.position
        advance()
        let negated = accept(.not)
        let kind: Expr.Kind
        if accept(.null) {
            kind = .isNull(left, negated: negated)
        } else if accept(.true) {
            kind = .isBool(left, true, negated: negated)
        } else if accept(.false) {
            kind = .isBool(left, false, negated: negated)
        } else {
            throw unexpected(negated ? ["NULL", "TRUE", "FALSE"] : ["NULL", "NOT NULL", "TRUE", "FALSE"])
        }
        return try node(kind, at: position)
    }

    /// `x [NOT] IN (…)`, `BETWEEN a AND b`, `LIKE p`, `ILIKE p`; the current token is NOT or the keyword.
    @inline(never)
    private mutating func parsePredicate(_ value: Expr, negated: Bool) throws(SQLError) -> Expr {
        let position = current.position
        if negated { advance() }
        let word = current.keyword
        advance()
        let operand = Precedence.inBetweenLike + 1
        switch word {
        case .in?:
            try expect(.leftParen, ["'(' and a list of values"])
            if current.is(.select) || current.is(.with) {
                let query = try parseQuery()
                try expect(.rightParen, followers + ["')'"])
                return try node(.inSubquery(value, query, negated: negated), at: position)
            }
            var list: [Expr] = []
            repeat {
                list.append(try parseExpr())
            } while accept(.comma)
            try expect(.rightParen, ["','", "')'"])
            return try node(.inList(value, list, negated: negated), at: position)
        case .between?:
            let low = try parseExpr(operand)
            try expect(.and, ["AND"])
            let high = try parseExpr(operand)
            return try node(.between(value, low: low, high: high, negated: negated), at: position)
        default:
            let pattern = try parseExpr(operand)
            return try node(.like(value, pattern: pattern, caseInsensitive: word == .ilike, negated: negated), at: position)
        }
    }

    /// The binary operator the token spells, if any.
    private func binaryOperator(_ token: Token) -> BinaryOperator? {
        switch token.kind {
        case .plus: return .add
        case .minus: return .subtract
        case .star: return .multiply
        case .slash: return .divide
        case .slashSlash: return .integerDivide
        case .percent: return .modulo
        case .concat: return .concat
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        case .word: return token.is(.and) ? .and : token.is(.or) ? .or : nil
        default: return nil
        }
    }

    // MARK: Prefix operators and primaries

    /// A prefix operator and its operand, or a primary expression.
    @inline(never)
    private mutating func parsePrefix() throws(SQLError) -> Expr {
        switch current.kind {
        case .minus, .plus: return try parseSigned()
        case .word where current.keyword == .not: return try parseNot()
        default: return try parsePrimary()
        }
    }

    @inline(never)
    private mutating func parseNot() throws(SQLError) -> Expr {
        let position = current.position
        advance()
        return try node(.unary(.not, try parseExpr(Precedence.not)), at: position)
    }

    /// `-x` or `+x`; a sign in front of a number literal becomes part of the literal.
    @inline(never)
    private mutating func parseSigned() throws(SQLError) -> Expr {
        let position = current.position
        let negate = current.kind == .minus
        advance()
        // `-9223372036854775808` is in range only with its sign, so read sign and digits together.
        if current.kind == .integer, peek().kind != .doubleColon {
            let digits = current
            advance()
            return try node(.literal(.int(try integerValue(digits, negative: negate))), at: position)
        }
        let operand = try parseExpr(Precedence.unary)
        switch operand.kind {
        case .literal(.double(let value)):
            return try node(.literal(.double(negate ? -value : value)), at: position)
        case .literal(.int(let value)) where !negate || value != Int64.min:
            return try node(.literal(.int(negate ? -value : value)), at: position)
        default:
            return try node(.unary(negate ? .negate : .plus, operand), at: position)
        }
    }

    /// Literals, names, function calls, CASE, CAST and parenthesized expressions.
    @inline(never)
    private mutating func parsePrimary() throws(SQLError) -> Expr {
        switch current.kind {
        case .integer, .decimal, .string: return try parseLiteralToken()
        case .leftParen: return try parseParenthesized()
        case .quotedIdentifier: return try parseName()
        case .word: return try parseWord()
        default: throw unexpected(["an expression"])
        }
    }

    @inline(never)
    private mutating func parseLiteralToken() throws(SQLError) -> Expr {
        let token = current
        advance()
        switch token.kind {
        case .integer:
            return try node(.literal(.int(try integerValue(token))), at: token.position)
        case .decimal:
            guard let value = Double(text(token)), value.isFinite else {
                throw error(.invalidLiteral, at: token, "number is out of range for DOUBLE")
            }
            return try node(.literal(.double(value)), at: token.position)
        default:
            return try node(.literal(.string(unquote(token, quote: UInt8(ascii: "'")))), at: token.position)
        }
    }

    @inline(never)
    private mutating func parseParenthesized() throws(SQLError) -> Expr {
        let position = current.position
        advance()
        if current.is(.select) || current.is(.with) {
            let query = try parseQuery()
            try expect(.rightParen, followers + ["')'"])
            return try node(.subquery(query), at: position)
        }
        let inner = try parseExpr()
        try expect(.rightParen, ["')'"])
        // `(record).field`
        if current.kind == .dot, peek().isIdentifier {
            advance()
            let field = name(current)
            let at = current.position
            advance()
            return try node(.field(inner, field), at: at)
        }
        return inner
    }

    /// A word: a keyword that starts an expression, or a name.
    @inline(never)
    private mutating func parseWord() throws(SQLError) -> Expr {
        switch current.keyword {
        case .null?, .true?, .false?:
            return try parseConstant()
        case .case?:
            return try parseCase()
        case .cast?:
            return try parseCast()
        case .interval? where peek().kind == .string || peek().kind == .integer || peek().kind == .decimal:
            return try parseInterval()
        case .timestamp? where peek().kind == .string:
            return try parseTimestamp()
        default:
            break
        }
        guard current.isIdentifier else { throw unexpected(["an expression"]) }
        if name(current) == "array", peek().kind == .leftBracket || (peek().kind == .leftParen && (peek(2).is(.select) || peek(2).is(.with))) {
            return try parseArray()
        }
        if name(current) == "exists", peek().kind == .leftParen, peek(2).is(.select) || peek(2).is(.with) {
            let position = current.position
            advance()
            advance()
            let query = try parseQuery()
            try expect(.rightParen, followers + ["')'"])
            return try node(.exists(query, negated: false), at: position)
        }
        // DuckDB's `DATE '2026-09-01'` is a cast of the string.
        if peek().kind == .string, name(current) == "date" { return try parseDate() }
        return try parseName()
    }

    /// `ARRAY[a, b, …]` (possibly empty) or `ARRAY(SELECT …)`.
    @inline(never)
    private mutating func parseArray() throws(SQLError) -> Expr {
        let position = current.position
        advance()
        if accept(.leftParen) {
            let query = try parseQuery()
            try expect(.rightParen, followers + ["')'"])
            return try node(.arraySubquery(query), at: position)
        }
        advance()  // [
        var items: [Expr] = []
        if current.kind != .rightBracket {
            repeat {
                items.append(try parseExpr())
            } while accept(.comma)
        }
        try expect(.rightBracket, ["','", "']'"])
        return try node(.array(items), at: position)
    }

    /// `NULL`, `TRUE`, `FALSE`.
    @inline(never)
    private mutating func parseConstant() throws(SQLError) -> Expr {
        let token = current
        advance()
        let value: Literal = token.keyword == .null ? .null : .bool(token.keyword == .true)
        return try node(.literal(value), at: token.position)
    }

    /// `TIMESTAMP '…'`.
    @inline(never)
    private mutating func parseTimestamp() throws(SQLError) -> Expr {
        let position = current.position
        advance()
        let literal = current
        advance()
        let value: Int64
        do throws(SQLTimestamp.ParseError) {
            value = try SQLTimestamp.parse(unquote(literal, quote: UInt8(ascii: "'")))
        } catch {
            throw self.error(.invalidLiteral, at: literal, error.message)
        }
        return try node(.literal(.timestamp(value)), at: position)
    }

    /// `DATE '…'`, read as `CAST('…' AS DATE)`.
    @inline(never)
    private mutating func parseDate() throws(SQLError) -> Expr {
        let position = current.position
        advance()
        let literal = current
        advance()
        let value = try node(.literal(.string(unquote(literal, quote: UInt8(ascii: "'")))), at: literal.position)
        return try node(.cast(value, .date), at: position)
    }

    /// `CAST(x AS type)`.
    @inline(never)
    private mutating func parseCast() throws(SQLError) -> Expr {
        let position = current.position
        advance()
        try expect(.leftParen)
        let value = try parseExpr()
        try expect(.as, ["AS"])
        let type = try parseType()
        let array = parseArraySuffix()
        try expect(.rightParen)
        return try node(array ? .arrayCast(value, type) : .cast(value, type), at: position)
    }

    /// A column (`name`, `table.name`) or a function call (`name(…)`).
    @inline(never)
    private mutating func parseName() throws(SQLError) -> Expr {
        let position = current.position
        let firstName = name(current)
        advance()
        if accept(.leftParen) {
            let call = try parseCall(firstName, at: position)
            guard current.kind == .word, name(current) == "over", peek().kind == .leftParen,
                  case let .function(f) = call.kind else { return call }
            return try node(.window(f, try parseWindowSpec()), at: position)
        }
        guard accept(.dot) else {
            // SQL's `current_date` and `current_timestamp` are written without parentheses.
            if firstName == "current_date" || firstName == "current_timestamp" {
                return try node(.function(FunctionCall(name: firstName, arguments: [])), at: position)
            }
            return try node(.column(table: nil, name: firstName), at: position)
        }
        guard current.isIdentifier else {
            if current.kind == .star {
                throw error(.syntax, at: current, "'\(firstName).*' is not supported: write * or name the columns")
            }
            throw unexpected(["a column name"])
        }
        let column = name(current)
        advance()
        // `pg_catalog.fn(…)`: PostgreSQL's schema of built-in functions, as catalog queries spell them.
        // `information_schema._pg_expandarray(…)`, as JDBC's metadata queries call it.
        if firstName == "pg_catalog" || firstName == "information_schema", accept(.leftParen) { return try parseCall(column, at: position) }
        return try node(.column(table: firstName, name: column), at: position)
    }

    /// `OVER ([PARTITION BY e, …] [ORDER BY …] [ROWS|RANGE BETWEEN … AND …])`.
    @inline(never)
    private mutating func parseWindowSpec() throws(SQLError) -> WindowSpec {
        advance()
        advance()
        var spec = WindowSpec()
        if current.kind == .word, name(current) == "partition" {
            advance()
            try expect(.by, ["BY"])
            repeat { spec.partitionBy.append(try parseExpr()) } while accept(.comma)
        }
        if accept(.order) {
            try expect(.by, ["BY"])
            repeat {
                var item = OrderItem(try parseExpr())
                if accept(.desc) { item.descending = true } else { _ = accept(.asc) }
                if accept(.nulls) {
                    guard current.is(.first) || current.is(.last) else { throw unexpected(["FIRST", "LAST"]) }
                    item.nulls = current.is(.first) ? .first : .last
                    advance()
                }
                spec.orderBy.append(item)
            } while accept(.comma)
        }
        if current.kind == .word, ["rows", "range"].contains(name(current)) {
            let unit: WindowFrame.Unit = name(current) == "rows" ? .rows : .range
            advance()
            if accept(.between) {
                let start = try parseFrameBound()
                try expect(.and, ["AND"])
                spec.frame = WindowFrame(unit: unit, start: start, end: try parseFrameBound())
            } else {
                spec.frame = WindowFrame(unit: unit, start: try parseFrameBound(), end: .currentRow)
            }
        }
        try expect(.rightParen, ["PARTITION BY", "ORDER BY", "ROWS", "RANGE", "')'"])
        return spec
    }

    /// `UNBOUNDED PRECEDING|FOLLOWING`, `CURRENT ROW`, `n PRECEDING|FOLLOWING`, `INTERVAL '…' PRECEDING|FOLLOWING`.
    private mutating func parseFrameBound() throws(SQLError) -> WindowFrame.Bound {
        if current.kind == .word, name(current) == "unbounded" {
            advance()
            guard current.kind == .word, ["preceding", "following"].contains(name(current)) else { throw unexpected(["PRECEDING", "FOLLOWING"]) }
            defer { advance() }
            return name(current) == "preceding" ? .unboundedPreceding : .unboundedFollowing
        }
        if current.kind == .word, name(current) == "current" {
            advance()
            guard current.kind == .word, name(current) == "row" else { throw unexpected(["ROW"]) }
            advance()
            return .currentRow
        }
        if current.is(.interval), peek().kind == .string || peek().kind == .integer {
            let e = try parseInterval()
            guard case let .literal(.interval(i)) = e.kind else { throw unexpected(["an interval"]) }
            guard current.kind == .word, ["preceding", "following"].contains(name(current)) else { throw unexpected(["PRECEDING", "FOLLOWING"]) }
            defer { advance() }
            return name(current) == "preceding" ? .precedingInterval(i) : .followingInterval(i)
        }
        guard current.kind == .integer else { throw unexpected(["UNBOUNDED", "CURRENT ROW", "a number of rows", "INTERVAL"]) }
        let n = try integerValue(current)
        advance()
        guard current.kind == .word, ["preceding", "following"].contains(name(current)) else { throw unexpected(["PRECEDING", "FOLLOWING"]) }
        defer { advance() }
        return name(current) == "preceding" ? .preceding(n) : .following(n)
    }

    /// After `name(`: `*)`, `)`, or `[DISTINCT] arg, …)`.
    @inline(never)
    private mutating func parseCall(_ name: String, at position: SourcePosition) throws(SQLError) -> Expr {
        var call = FunctionCall(name: name, arguments: [])
        // `extract(field FROM x)` is DuckDB's `date_part('field', x)`.
        if name == "extract", current.isIdentifier, peek().is(.from) {
            let field = try node(.literal(.string(self.name(current).lowercased())), at: current.position)
            advance()
            advance()
            let value = try parseExpr()
            try expect(.rightParen, ["')'"])
            return try node(.function(FunctionCall(name: "date_part", arguments: [field, value])), at: position)
        }
        if accept(.star) {
            call.star = true
        } else if current.kind != .rightParen {
            call.distinct = accept(.distinct)
            repeat {
                call.arguments.append(try parseExpr())
            } while accept(.comma)
        }
        try expect(.rightParen, call.star ? ["')'"] : ["','", "')'"])
        // `FILTER (WHERE condition)` after an aggregate (DuckDB also takes `FILTER (condition)`).
        if current.isIdentifier, self.name(current) == "filter", peek().kind == .leftParen {
            advance()
            advance()
            _ = accept(.where)
            call.filter = try parseExpr()
            try expect(.rightParen, ["')'"])
        }
        return try node(.function(call), at: position)
    }

    /// `CASE [operand] WHEN … THEN … [WHEN …] [ELSE …] END`.
    @inline(never)
    private mutating func parseCase() throws(SQLError) -> Expr {
        let position = current.position
        advance()
        var caseExpr = CaseExpr(operand: nil, branches: [], otherwise: nil)
        if !current.is(.when) { caseExpr.operand = try parseExpr() }
        while accept(.when) {
            caseExpr.branches.append(try parseWhenBranch())
        }
        if caseExpr.branches.isEmpty { throw unexpected(["WHEN"]) }
        if accept(.else) { caseExpr.otherwise = try parseExpr() }
        try expect(Keyword.end, caseExpr.otherwise == nil ? ["WHEN", "ELSE", "END"] : ["END"])
        return try node(.caseWhen(caseExpr), at: position)
    }

    /// `condition THEN value`, after WHEN.
    @inline(never)
    private mutating func parseWhenBranch() throws(SQLError) -> CaseExpr.Branch {
        let when = try parseExpr()
        try expect(.then, ["THEN"])
        return CaseExpr.Branch(when: when, then: try parseExpr())
    }

    /// Builds a node, refusing trees taller than `SQLParser.maxDepth` (long operator chains grow tall
    /// without deep recursion in the parser, but later recursive passes would still descend them).
    @inline(never)
    func node(_ kind: Expr.Kind, at position: SourcePosition) throws(SQLError) -> Expr {
        let expr = Expr(kind, at: position)
        if expr.height > SQLParser.maxDepth {
            throw SQLError(.tooDeep, at: position, near: nil,
                           message: "more than \(SQLParser.maxDepth) levels of parentheses, subqueries or operators")
        }
        return expr
    }
}
