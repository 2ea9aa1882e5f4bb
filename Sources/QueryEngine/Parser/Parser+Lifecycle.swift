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
        return nil
    }
}
