/// Statements that remove data: DELETE, VACUUM, TRUNCATE, DROP TABLE. Their words are contextual (not in
/// `Keyword`), so they stay usable as column names.
extension Parser {
    /// Whether the current token is the unquoted word `word` (lower case).
    func isWord(_ word: String) -> Bool {
        current.kind == .word && current.keyword == nil && name(current) == word
    }

    mutating func acceptWord(_ word: String) -> Bool {
        guard isWord(word) else { return false }
        advance()
        return true
    }

    mutating func expectWord(_ word: String) throws(SQLError) {
        guard acceptWord(word) else { throw unexpected([word.uppercased()]) }
    }

    mutating func parseTableName() throws(SQLError) -> TableName {
        guard current.isIdentifier else { throw unexpected(["a table name"]) }
        let t = TableName(name(current), at: current.position)
        advance()
        return t
    }

    /// One of the lifecycle statements when the current word starts one; nil otherwise.
    mutating func parseLifecycleStatement() throws(SQLError) -> Statement? {
        if acceptWord("delete") {
            try expect(.from)
            let table = try parseTableName()
            followers = ["WHERE"]
            var condition: Expr?
            if accept(.where) {
                condition = try parseExpr()
                followers = []
            }
            return .delete(DeleteStatement(table: table, where: condition))
        }
        if acceptWord("vacuum") {
            if current.kind == .end || current.kind == .semicolon { return .vacuum(nil) }
            return .vacuum(try parseTableName())
        }
        if acceptWord("truncate") {
            _ = acceptWord("table")
            return .truncate(try parseTableName())
        }
        if acceptWord("drop") {
            try expectWord("table")
            var ifExists = false
            if acceptWord("if") {
                try expectWord("exists")
                ifExists = true
            }
            return .dropTable(try parseTableName(), ifExists: ifExists)
        }
        if acceptWord("alter") {
            try expectWord("table")
            let table = try parseTableName()
            if let s = try parseAlterDedup(table) { return s }
            throw unexpected(["DEDUP"])
        }
        return nil
    }
}

extension Parser {
    /// `ALTER TABLE t DEDUP ENABLE UPSERT KEYS (c, …)` or `ALTER TABLE t DEDUP DISABLE`; nil when the
    /// statement after `ALTER TABLE t` is not about dedup (the caller tries its other forms).
    mutating func parseAlterDedup(_ table: TableName) throws(SQLError) -> Statement? {
        guard acceptWord("dedup") else { return nil }
        if acceptWord("disable") { return .alterDedup(table, keys: nil) }
        try expectWord("enable")
        try expectWord("upsert")
        try expectWord("keys")
        try expect(.leftParen)
        var keys: [String] = []
        repeat {
            guard current.isIdentifier else { throw unexpected(["a column name"]) }
            keys.append(name(current))
            advance()
        } while accept(.comma)
        try expect(.rightParen)
        return .alterDedup(table, keys: keys)
    }
}
