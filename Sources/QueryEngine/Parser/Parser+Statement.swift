/// Statements and the clauses of SELECT.
extension Parser {
    mutating func parseStatement() throws(SQLError) -> Statement {
        let token = current
        if token.is(.select) { return .select(try parseSelect()) }
        if token.is(.explain) {
            advance()
            guard current.is(.select) else { throw unexpected(["SELECT"]) }
            return .explain(try parseSelect())
        }
        if token.is(.show) {
            advance()
            try expect(.tables)
            return .showTables
        }
        if token.is(.describe) {
            advance()
            guard current.isIdentifier else { throw unexpected(["a table name"]) }
            let table = TableName(name(current), at: current.position)
            advance()
            return .describe(table)
        }
        throw unexpected(["SELECT", "EXPLAIN", "SHOW TABLES", "DESCRIBE"])
    }

    /// `SELECT …` up to the first token that can't continue it; sets `followers`.
    mutating func parseSelect() throws(SQLError) -> SelectStatement {
        try enter()
        defer { depth -= 1 }
        let position = current.position
        try expect(.select)
        var select = SelectStatement(items: [], position: position)
        if accept(.distinct) {
            select.distinct = true
        } else {
            _ = accept(.all)
        }

        repeat {
            select.items.append(try parseSelectItem())
        } while accept(.comma)
        followers = ["','", "FROM", "WHERE", "GROUP BY", "HAVING", "ORDER BY", "LIMIT", "OFFSET"]

        if accept(.from) {
            select.from = try parseTableRef()
            followers = ["WHERE", "GROUP BY", "HAVING", "ORDER BY", "LIMIT", "OFFSET"]
        }
        if accept(.where) {
            select.where = try parseExpr()
            followers = ["GROUP BY", "HAVING", "ORDER BY", "LIMIT", "OFFSET"]
        }
        if current.is(.group) {
            advance()
            try expect(.by, ["BY"])
            repeat {
                select.groupBy.append(try parseExpr())
            } while accept(.comma)
            followers = ["','", "HAVING", "ORDER BY", "LIMIT", "OFFSET"]
        }
        if accept(.having) {
            select.having = try parseExpr()
            followers = ["ORDER BY", "LIMIT", "OFFSET"]
        }
        if current.is(.order) {
            advance()
            try expect(.by, ["BY"])
            repeat {
                select.orderBy.append(try parseOrderItem())
            } while accept(.comma)
            followers = ["','", "LIMIT", "OFFSET"]
        }
        // LIMIT and OFFSET, each at most once, in either order (as PostgreSQL allows).
        while true {
            if select.limit == nil, accept(.limit) {
                select.limit = try parseCount("LIMIT")
            } else if select.offset == nil, accept(.offset) {
                select.offset = try parseCount("OFFSET")
            } else {
                break
            }
            followers = select.limit == nil ? ["LIMIT"] : select.offset == nil ? ["OFFSET"] : []
        }
        return select
    }

    /// `*` or `expr [[AS] alias]`.
    private mutating func parseSelectItem() throws(SQLError) -> SelectItem {
        if accept(.star) { return .wildcard }
        let expr = try parseExpr()
        return .expr(expr, alias: try parseAlias(endsItem: true))
    }

    /// `AS name`, or a bare name when the token after it could follow an alias — so a typo like
    /// `FROM plays GROUPBY x` is reported at `GROUPBY`, not taken as an alias and reported at `x`.
    private mutating func parseAlias(endsItem selectItem: Bool) throws(SQLError) -> String? {
        if accept(.as) {
            guard current.isIdentifier else { throw unexpected(["an alias"]) }
            defer { advance() }
            return name(current)
        }
        guard current.isIdentifier else { return nil }
        let next = peek()
        var fits = [.rightParen, .semicolon, .end].contains(next.kind)
            || [Keyword.where, .group, .having, .order, .limit, .offset].contains(where: next.is)
        if selectItem { fits = fits || next.kind == .comma || next.is(.from) }
        guard fits else { return nil }
        defer { advance() }
        return name(current)
    }

    /// `table [[AS] alias]` or `(SELECT …) [[AS] alias]`.
    private mutating func parseTableRef() throws(SQLError) -> TableRef {
        if current.kind == .leftParen {
            advance()
            guard current.is(.select) else { throw unexpected(["SELECT"]) }
            let subquery = try parseSelect()
            try expect(.rightParen, followers + ["')'"])
            return TableRef(.subquery(subquery), alias: try parseAlias(endsItem: false))
        }
        guard current.isIdentifier else { throw unexpected(["a table name", "'('"]) }
        let table = TableName(name(current), at: current.position)
        advance()
        if current.kind == .dot {
            throw error(.syntax, at: current, "table names have no schema part: write just the table name")
        }
        return TableRef(.table(table), alias: try parseAlias(endsItem: false))
    }

    /// `expr [ASC | DESC] [NULLS FIRST | NULLS LAST]`.
    private mutating func parseOrderItem() throws(SQLError) -> OrderItem {
        var item = OrderItem(try parseExpr())
        if accept(.desc) {
            item.descending = true
        } else {
            _ = accept(.asc)
        }
        if current.is(.nulls), peek().is(.first) || peek().is(.last) {
            advance()
            item.nulls = current.is(.first) ? .first : .last
            advance()
        }
        return item
    }

    /// The non-negative integer after LIMIT or OFFSET.
    private mutating func parseCount(_ clause: String) throws(SQLError) -> Int64 {
        let token = current
        guard token.kind == .integer else {
            if token.kind == .minus || token.kind == .decimal {
                throw error(.syntax, at: token, "\(clause) takes a non-negative integer")
            }
            throw unexpected(["a number of rows"])
        }
        advance()
        return try integerValue(token)
    }
}
