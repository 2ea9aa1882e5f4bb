/// Statements and the clauses of SELECT.
extension Parser {
    mutating func parseStatement() throws(SQLError) -> Statement {
        let token = current
        if let view = try parseMaterializedViewStatement() { return view }
        if token.is(.select) || token.is(.with) { return .select(try parseQuery()) }
        if token.is(.explain) {
            advance()
            let analyze = isWord("analyze")
            if analyze { advance() }
            guard current.is(.select) || current.is(.with) else { throw unexpected(analyze ? ["SELECT", "WITH"] : ["SELECT", "WITH", "ANALYZE"]) }
            let query = try parseQuery()
            return analyze ? .explainAnalyze(query) : .explain(query)
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
        throw unexpected(["SELECT", "WITH", "EXPLAIN", "SHOW TABLES", "DESCRIBE", "CREATE TABLE", "INSERT", "ALTER TABLE", "COPY",
                          "DELETE", "VACUUM", "TRUNCATE", "DROP TABLE"])
    }

    /// `[WITH name AS (…), …] SELECT …`.
    @inline(never)
    mutating func parseQuery() throws(SQLError) -> SelectStatement {
        guard accept(.with) else { return try parseSelect() }
        var ctes: [CommonTableExpr] = []
        repeat {
            guard current.isIdentifier else { throw unexpected(["a name for the WITH query"]) }
            let cteName = name(current)
            advance()
            try expect(.as, ["AS"])
            guard current.kind == .leftParen else { throw unexpected(["'('"]) }
            ctes.append(CommonTableExpr(name: cteName, query: try parseSubquery()))
        } while accept(.comma)
        guard current.is(.select) else { throw unexpected(["','", "SELECT"]) }
        var select = try parseSelect()
        select.with = ctes
        return select
    }

    /// `SELECT …` up to the first token that can't continue it; sets `followers`.
    /// Each clause is its own function so this frame, which stays on the stack across nested
    /// subqueries, stays small.
    @inline(never)
    mutating func parseSelect() throws(SQLError) -> SelectStatement {
        try enter()
        defer { depth -= 1 }
        var select = try parseSelectCore()
        while let op: SetOperand.Operation = current.is(.union) ? .union : current.is(.intersect) ? .intersect
            : current.is(.except) ? .except : nil {
            advance()
            let all = accept(.all)
            if !all { _ = accept(.distinct) }
            guard current.is(.select) else { throw unexpected(["SELECT"]) }
            select.setOperations.append(SetOperand(op, all: all, try parseSelectCore()))
        }
        try parseOrderAndLimit(&select)
        return select
    }

    /// One SELECT without ORDER BY and LIMIT (an operand of UNION and the like).
    @inline(never)
    private mutating func parseSelectCore() throws(SQLError) -> SelectStatement {
        var select = SelectStatement(items: [], position: current.position)
        try parseSelectList(&select)
        if current.is(.from) { try parseFrom(&select) }
        try parseFilterAndGrouping(&select)
        followers += ["UNION", "INTERSECT", "EXCEPT"]
        return select
    }

    @inline(never)
    private mutating func parseSelectList(_ select: inout SelectStatement) throws(SQLError) {
        try expect(.select)
        if accept(.distinct) {
            if accept(.on) {
                try expect(.leftParen, ["'('"])
                repeat { select.distinctOn.append(try parseExpr()) } while accept(.comma)
                try expect(.rightParen, ["','", "')'"])
            } else {
                select.distinct = true
            }
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
        var from = try parseTableRef()
        while true {
            followers = ["JOIN", "','", "WHERE", "GROUP BY", "HAVING", "ORDER BY", "LIMIT", "OFFSET"]
            if accept(.comma) {
                from = TableRef(.join(from, .cross, try parseTableRef(), .none))
                continue
            }
            guard let kind = try parseJoinKind() else { break }
            let right = try parseTableRef()
            var condition = JoinCondition.none
            if kind != .cross {
                if accept(.on) {
                    condition = .on(try parseExpr())
                } else if accept(.using) {
                    try expect(.leftParen, ["'('"])
                    var names: [String] = []
                    repeat {
                        guard current.isIdentifier else { throw unexpected(["a column name"]) }
                        names.append(name(current))
                        advance()
                    } while accept(.comma)
                    try expect(.rightParen, ["','", "')'"])
                    condition = .using(names)
                } else {
                    throw unexpected(["ON", "USING"])
                }
            }
            from = TableRef(.join(from, kind, right, condition))
        }
        select.from = from
        followers = ["JOIN", "WHERE", "GROUP BY", "HAVING", "ORDER BY", "LIMIT", "OFFSET"]
    }

    /// `[INNER] JOIN`, `LEFT|RIGHT|FULL [OUTER] JOIN`, `CROSS JOIN`; nil when no join follows.
    private mutating func parseJoinKind() throws(SQLError) -> JoinKind? {
        let kind: JoinKind
        if current.is(.join) { advance(); return .inner }
        if current.is(.natural) { throw error(.syntax, at: current, "NATURAL joins are not supported: write USING (…) or ON …") }
        if current.is(.inner) { kind = .inner }
        else if current.is(.left) { kind = .left }
        else if current.is(.right) { kind = .right }
        else if current.is(.full) { kind = .full }
        else if current.is(.cross) { kind = .cross }
        else { return nil }
        // `left` and `right` are names too: only a join when JOIN or OUTER follows.
        guard peek().is(.join) || (peek().is(.outer) && kind != .inner && kind != .cross) else { return nil }
        advance()
        if kind != .inner && kind != .cross { _ = accept(.outer) }
        try expect(.join, ["JOIN"])
        return kind
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
        if current.kind == .word, name(current) == "qualify" {
            advance()
            select.qualify = try parseExpr()
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
        if [Keyword.join, .inner, .left, .right, .full, .cross, .natural, .using, .outer].contains(where: current.is) {
            return nil
        }
        var fits = [.rightParen, .semicolon, .end].contains(next.kind)
            || [Keyword.where, .group, .having, .order, .limit, .offset, .union, .intersect, .except].contains(where: next.is)
        if !selectItem {
            fits = fits || next.kind == .comma || next.kind == .leftParen
                || [Keyword.on, .using, .join, .inner, .left, .right, .full, .cross, .natural].contains(where: next.is)
        }
        if selectItem { fits = fits || next.kind == .comma || next.is(.from) }
        guard fits else { return nil }
        defer { advance() }
        return name(current)
    }

    /// `table`, `(SELECT …)` or `function(args)`, then `[[AS] alias [(column, …)]]`.
    @inline(never)
    private mutating func parseTableRef() throws(SQLError) -> TableRef {
        var ref: TableRef
        if current.kind == .leftParen {
            ref = TableRef(.subquery(try parseSubquery()))
        } else {
            guard current.isIdentifier else { throw unexpected(["a table name", "'('"]) }
            let position = current.position
            // `pg_catalog.generate_series(…)`: PostgreSQL's schema of built-in functions, as psql spells it.
            if name(current) == "pg_catalog", peek().kind == .dot, peek(2).isIdentifier, peek(3).kind == .leftParen {
                advance()
                advance()
            }
            if peek().kind == .leftParen {  // a table function: generate_series(…), range(…)
                let functionName = name(current)
                advance()
                advance()  // (
                var call = FunctionCall(name: functionName, arguments: [])
                if current.kind != .rightParen {
                    repeat { call.arguments.append(try parseExpr()) } while accept(.comma)
                }
                try expect(.rightParen, ["','", "')'"])
                ref = TableRef(.function(call, at: position))
            } else {
                ref = TableRef(.table(try parseTableName()))
            }
        }
        ref.alias = try parseAlias(endsItem: false)
        if ref.alias != nil, accept(.leftParen) {
            repeat {
                guard current.isIdentifier else { throw unexpected(["a column name"]) }
                ref.columnAliases.append(name(current))
                advance()
            } while accept(.comma)
            try expect(.rightParen, ["','", "')'"])
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

    /// `(SELECT …)` or `(WITH … SELECT …)`.
    @inline(never)
    mutating func parseSubquery() throws(SQLError) -> SelectStatement {
        advance()
        guard current.is(.select) || current.is(.with) else { throw unexpected(["SELECT"]) }
        let subquery = try parseQuery()
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
