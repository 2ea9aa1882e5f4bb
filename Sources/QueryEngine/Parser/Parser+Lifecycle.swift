/// Statements that remove data: DELETE, VACUUM, TRUNCATE, DROP TABLE. Their words are contextual (not in
/// `Keyword`), so they stay usable as column names.
extension Parser {
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
