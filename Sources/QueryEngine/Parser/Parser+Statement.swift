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
            if isWord("partitions") { return try parseShowPartitions() }
            try expect(.tables, ["TABLES", "PARTITIONS"])
            return .showTables
        }
        if token.is(.describe) {
            advance()
            guard current.isIdentifier else { throw unexpected(["a table name"]) }
            return .describe(try parseTableName())
        }
        if let ddl = try parseDDLStatement() { return ddl }
        if isWord("copy") { return .copy(try parseCopy()) }
        if let s = try parseLifecycleStatement() { return s }
        throw unexpected(["SELECT", "EXPLAIN", "SHOW TABLES", "DESCRIBE", "CREATE TABLE", "INSERT", "ALTER TABLE", "COPY",
                          "DELETE", "VACUUM", "TRUNCATE", "DROP TABLE"])
    }

    /// `SELECT …` up to the first token that can't continue it; sets `followers`.
    /// Each clause is its own function so this frame, which stays on the stack across nested
    /// subqueries, stays small.
    @inline(never)
    mutating func parseSelect() throws(SQLError) -> SelectStatement {
        try enter()
        defer { depth -= 1 }
        var select = SelectStatement(items: [], position: current.position)
        try parseSelectList(&select)
        if current.is(.from) { try parseFrom(&select) }
        try parseFilterAndGrouping(&select)
        try parseOrderAndLimit(&select)
        return select
    }

    @inline(never)
    private mutating func parseSelectList(_ select: inout SelectStatement) throws(SQLError) {
        try expect(.select)
        if accept(.distinct) {
            select.distinct = true
        } else {
            _ = accept(.all)
        }
        repeat {
            select.items.append(try parseSelectItem())
        } while accept(.comma)
        followers = ["','", "FROM", "WHERE", "GROUP BY", "HAVING", "ORDER BY", "LIMIT", "OFFSET"]
    }

    @inline(never)
    private mutating func parseFrom(_ select: inout SelectStatement) throws(SQLError) {
        advance()
        select.from = try parseTableRef()
        followers = ["WHERE", "GROUP BY", "HAVING", "ORDER BY", "LIMIT", "OFFSET"]
    }

    /// `WHERE`, `GROUP BY`, `HAVING`.
    @inline(never)
    private mutating func parseFilterAndGrouping(_ select: inout SelectStatement) throws(SQLError) {
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
    }

    /// `ORDER BY`, then `LIMIT` and `OFFSET`, each at most once, in either order (as PostgreSQL allows).
    @inline(never)
    private mutating func parseOrderAndLimit(_ select: inout SelectStatement) throws(SQLError) {
        if current.is(.order) {
            advance()
            try expect(.by, ["BY"])
            repeat {
                select.orderBy.append(try parseOrderItem())
            } while accept(.comma)
            followers = ["','", "LIMIT", "OFFSET"]
        }
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

    /// `table [[AS] alias]` or `(SELECT …) [[AS] alias]`; only one source (no joins).
    @inline(never)
    private mutating func parseTableRef() throws(SQLError) -> TableRef {
        var ref: TableRef
        if current.kind == .leftParen {
            ref = TableRef(.subquery(try parseSubquery()))
        } else {
            guard current.isIdentifier else { throw unexpected(["a table name", "'('"]) }
            ref = TableRef(.table(try parseTableName()))
        }
        ref.alias = try parseAlias(endsItem: false)
        if current.kind == .comma {
            throw error(.syntax, at: current, "joins are not supported: FROM takes one table or subquery")
        }
        return ref
    }

    /// `name` or `schema.name` (as `information_schema.tables`): the parts joined by a dot, each folded to
    /// lower case unless double-quoted. The catalog decides which schemas exist.
    mutating func parseTableName() throws(SQLError) -> TableName {
        guard current.isIdentifier else { throw unexpected(["a table name"]) }
        let position = current.position
        var text = name(current)
        advance()
        if current.kind == .dot {
            advance()
            guard current.isIdentifier else { throw unexpected(["a table name after the schema"]) }
            text += "." + name(current)
            advance()
        }
        return TableName(text, at: position)
    }

    /// `(SELECT …)`.
    @inline(never)
    private mutating func parseSubquery() throws(SQLError) -> SelectStatement {
        advance()
        guard current.is(.select) else { throw unexpected(["SELECT"]) }
        let subquery = try parseSelect()
        try expect(.rightParen, followers + ["')'"])
        return subquery
    }

    /// `expr [ASC | DESC] [NULLS FIRST | NULLS LAST]`.
    private mutating func parseOrderItem() throws(SQLError) -> OrderItem {
        var item = OrderItem(try parseExpr())
        if accept(.desc) {
            item.descending = true
        } else {
            _ = accept(.asc)
        }
        if accept(.nulls) {
            guard current.is(.first) || current.is(.last) else { throw unexpected(["FIRST", "LAST"]) }
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
