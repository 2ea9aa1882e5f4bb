/// The entry point: SQL text in, a `Statement` (or an `SQLError` with a position) out.
///
/// ```swift
/// let statement = try SQLParser.parse("SELECT platform, count(*) FROM plays GROUP BY platform")
/// ```
public enum SQLParser {
    /// The deepest nesting accepted: parentheses, subqueries, prefix operators, function calls and
    /// operator chains (`a OR b OR …` is as deep as it is long; `x IN (…)` is not). Deeper input gets
    /// `SQLError.Kind.tooDeep` instead of exhausting the stack of the parser or of the recursive passes
    /// over the tree after it. At this depth the parser needs under 1 MB of stack in a release build.
    public static let maxDepth = 256

    /// Parses one statement, optionally followed by `;`.
    public static func parse(_ sql: String) throws(SQLError) -> Statement {
        try withParser(sql) { (parser: inout Parser) throws(SQLError) -> Statement in
            let statement = try parser.parseStatement()
            try parser.expectEnd()
            return statement
        }
    }

    /// Parses a lone expression, such as `count(*) > 50`; for tests and tools.
    public static func parseExpression(_ sql: String) throws(SQLError) -> Expr {
        try withParser(sql) { (parser: inout Parser) throws(SQLError) -> Expr in
            let expr = try parser.parseExpr()
            parser.followers = ["an operator"]
            try parser.expectEnd()
            return expr
        }
    }

    private static func withParser<R>(
        _ sql: String, _ body: (inout Parser) throws(SQLError) -> R
    ) throws(SQLError) -> R {
        let bytes = Array(sql.utf8)
        let result = bytes.withUnsafeBufferPointer { buffer -> Result<R, SQLError> in
            do throws(SQLError) {
                var parser = Parser(buffer, tokens: try Lexer.tokenize(buffer))
                return .success(try body(&parser))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
