import QueryEngine

/// Whether a SQL text changes data or the schema (or writes a file), which only tokens with admin and
/// write rights may run. The one place the rule lives, for every front end.
enum StatementAccess {
    /// Decided from the parsed statement (`Statement.hasEffects`), with the parser the engine runs, so
    /// comments, parentheses or odd spacing cannot hide a DELETE and a SELECT is never taken for one.
    /// Text that does not parse is not refused: it runs nothing, and the client gets its syntax error
    /// rather than a 403 that would hide it.
    static func changesData(_ sql: String) -> Bool {
        guard let statement = try? SQLParser.parse(SessionStatement.statementText(sql)) else { return false }
        return statement.hasEffects
    }
}
