/// Expressions by precedence climbing, with PostgreSQL's operator order (see `Precedence`).
extension Parser {
    /// An expression whose infix operators all bind at least as tightly as `minimum`.
    mutating func parseExpr(_ minimum: Int = Precedence.lowest) throws(SQLError) -> Expr {
        try enter()
        defer { depth -= 1 }
        var left = try parsePrefix()
        var comparedAlready = false
        while true {
            let token = current
            if let op = binaryOperator(token) {
                guard op.precedence >= minimum else { break }
                if op.isComparison {
                    if comparedAlready {
                        throw error(.syntax, at: token, "chained comparisons are not supported: combine them with AND")
                    }
                    comparedAlready = true
                }
                advance()
                let right = try parseExpr(op.precedence + 1)
                left = try node(.binary(op, left, right), at: token.position)
                continue
            }
            if token.kind == .doubleColon {
                guard Precedence.cast >= minimum else { break }
                advance()
                left = try node(.cast(left, try parseType()), at: token.position)
                continue
            }
            if token.is(.is) {
                guard Precedence.is >= minimum else { break }
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
                left = try node(kind, at: token.position)
                continue
            }
            // [NOT] IN / BETWEEN / LIKE / ILIKE
            let negated = token.is(.not)
            let word = negated ? peek() : token
            guard word.is(.in) || word.is(.between) || word.is(.like) || word.is(.ilike),
                  Precedence.inBetweenLike >= minimum else { break }
            advance()
            if negated { advance() }
            left = try node(try parsePredicate(word, left, negated: negated), at: token.position)
        }
        return left
    }

    /// The rest of `x [NOT] IN (…)`, `BETWEEN a AND b`, `LIKE p`, `ILIKE p` after the keyword.
    private mutating func parsePredicate(_ word: Token, _ value: Expr, negated: Bool) throws(SQLError) -> Expr.Kind {
        let operand = Precedence.inBetweenLike + 1
        if word.is(.in) {
            try expect(.leftParen, ["'(' and a list of values"])
            if current.is(.select) {
                throw error(.syntax, at: current, "subqueries in IN are not supported: list the values")
            }
            var list: [Expr] = []
            repeat {
                list.append(try parseExpr())
            } while accept(.comma)
            try expect(.rightParen, ["','", "')'"])
            return .inList(value, list, negated: negated)
        }
        if word.is(.between) {
            let low = try parseExpr(operand)
            try expect(.and, ["AND"])
            let high = try parseExpr(operand)
            return .between(value, low: low, high: high, negated: negated)
        }
        let pattern = try parseExpr(operand)
        return .like(value, pattern: pattern, caseInsensitive: word.is(.ilike), negated: negated)
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

    /// A prefix operator and its operand, or a primary expression.
    private mutating func parsePrefix() throws(SQLError) -> Expr {
        let token = current
        if token.is(.not) {
            advance()
            return try node(.unary(.not, try parseExpr(Precedence.not)), at: token.position)
        }
        guard token.kind == .minus || token.kind == .plus else { return try parsePrimary() }
        advance()
        let negate = token.kind == .minus
        // `-9223372036854775808` is in range only with its sign, so read sign and digits together.
        if current.kind == .integer, peek().kind != .doubleColon {
            let digits = current
            advance()
            let value = try integerValue(digits, negative: negate)
            return try node(.literal(.int(value)), at: token.position)
        }
        let operand = try parseExpr(Precedence.unary)
        // A sign in front of a number literal is part of the literal.
        switch operand.kind {
        case .literal(.double(let value)):
            return try node(.literal(.double(negate ? -value : value)), at: token.position)
        case .literal(.int(let value)) where !negate || value != Int64.min:
            return try node(.literal(.int(negate ? -value : value)), at: token.position)
        default:
            return try node(.unary(negate ? .negate : .plus, operand), at: token.position)
        }
    }

    /// Literals, names, function calls, CASE, CAST and parenthesized expressions.
    private mutating func parsePrimary() throws(SQLError) -> Expr {
        let token = current
        switch token.kind {
        case .integer:
            advance()
            return try node(.literal(.int(try integerValue(token))), at: token.position)
        case .decimal:
            advance()
            guard let value = Double(text(token)), value.isFinite else {
                throw error(.invalidLiteral, at: token, "number is out of range for DOUBLE")
            }
            return try node(.literal(.double(value)), at: token.position)
        case .string:
            advance()
            return try node(.literal(.string(unquote(token, quote: UInt8(ascii: "'")))), at: token.position)
        case .leftParen:
            advance()
            if current.is(.select) {
                throw error(.syntax, at: current, "subqueries are supported only in FROM")
            }
            let inner = try parseExpr()
            try expect(.rightParen, ["')'"])
            return inner
        case .quotedIdentifier:
            return try parseName()
        case .word:
            break
        default:
            throw unexpected(["an expression"])
        }
        switch token.keyword {
        case .null?:
            advance()
            return try node(.literal(.null), at: token.position)
        case .true?, .false?:
            advance()
            return try node(.literal(.bool(token.keyword == .true)), at: token.position)
        case .case?:
            return try parseCase()
        case .cast?:
            advance()
            try expect(.leftParen)
            let value = try parseExpr()
            try expect(.as, ["AS"])
            let type = try parseType()
            try expect(.rightParen)
            return try node(.cast(value, type), at: token.position)
        case .interval? where [.string, .integer, .decimal].contains(peek().kind):
            return try parseInterval()
        case .timestamp? where peek().kind == .string:
            advance()
            let literal = current
            advance()
            let value: Int64
            do throws(SQLTimestamp.ParseError) {
                value = try SQLTimestamp.parse(unquote(literal, quote: UInt8(ascii: "'")))
            } catch {
                throw self.error(.invalidLiteral, at: literal, error.message)
            }
            return try node(.literal(.timestamp(value)), at: token.position)
        default:
            break
        }
        guard token.isIdentifier else { throw unexpected(["an expression"]) }
        // DuckDB's `DATE '2026-09-01'` is a cast of the string.
        if name(token) == "date", peek().kind == .string {
            advance()
            let literal = current
            advance()
            let value = try node(.literal(.string(unquote(literal, quote: UInt8(ascii: "'")))), at: literal.position)
            return try node(.cast(value, .date), at: token.position)
        }
        return try parseName()
    }

    /// A column (`name`, `table.name`) or a function call (`name(…)`).
    private mutating func parseName() throws(SQLError) -> Expr {
        let first = current
        let firstName = name(first)
        advance()
        if accept(.leftParen) {
            return try parseCall(firstName, at: first.position)
        }
        guard accept(.dot) else { return try node(.column(table: nil, name: firstName), at: first.position) }
        guard current.isIdentifier else {
            if current.kind == .star {
                throw error(.syntax, at: current, "'\(firstName).*' is not supported: write * or name the columns")
            }
            throw unexpected(["a column name"])
        }
        let column = name(current)
        advance()
        return try node(.column(table: firstName, name: column), at: first.position)
    }

    /// After `name(`: `*)`, `)`, or `[DISTINCT] arg, …)`.
    private mutating func parseCall(_ name: String, at position: SourcePosition) throws(SQLError) -> Expr {
        var call = FunctionCall(name: name, arguments: [])
        if accept(.star) {
            call.star = true
        } else if current.kind != .rightParen {
            call.distinct = accept(.distinct)
            repeat {
                call.arguments.append(try parseExpr())
            } while accept(.comma)
        }
        try expect(.rightParen, call.star ? ["')'"] : ["','", "')'"])
        return try node(.function(call), at: position)
    }

    /// `CASE [operand] WHEN … THEN … [WHEN …] [ELSE …] END`.
    private mutating func parseCase() throws(SQLError) -> Expr {
        let position = current.position
        advance()
        let operand = current.is(.when) ? nil : try parseExpr()
        var branches: [CaseExpr.Branch] = []
        while accept(.when) {
            let when = try parseExpr()
            try expect(.then, ["THEN"])
            branches.append(CaseExpr.Branch(when: when, then: try parseExpr()))
        }
        if branches.isEmpty { throw unexpected(["WHEN"]) }
        let otherwise = accept(.else) ? try parseExpr() : nil
        try expect(Keyword.end, otherwise == nil ? ["WHEN", "ELSE", "END"] : ["END"])
        return try node(.caseWhen(CaseExpr(operand: operand, branches: branches, otherwise: otherwise)), at: position)
    }

    /// Builds a node, refusing trees taller than `SQLParser.maxDepth` (long operator chains grow tall
    /// without deep recursion in the parser, but later recursive passes would still descend them).
    func node(_ kind: Expr.Kind, at position: SourcePosition) throws(SQLError) -> Expr {
        let expr = Expr(kind, at: position)
        if expr.height > SQLParser.maxDepth {
            throw SQLError(.tooDeep, at: position, near: nil,
                           message: "more than \(SQLParser.maxDepth) levels of parentheses, subqueries or operators")
        }
        return expr
    }
}
