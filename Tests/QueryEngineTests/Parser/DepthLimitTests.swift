@testable import QueryEngine
import Testing

/// Deep nesting gets a clear error instead of a stack overflow, and nesting just under the limit works —
/// parsing, printing, comparing and hashing included.
@Suite struct DepthLimitTests {
    private static let hostile: [(String, String)] = [
        ("parentheses", "SELECT " + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)),
        ("unclosed parentheses", "SELECT " + String(repeating: "(", count: 10_000)),
        ("NOT", "SELECT " + String(repeating: "NOT ", count: 10_000) + "x"),
        ("minus", "SELECT " + String(repeating: "- ", count: 10_000) + "x"),
        ("operator chain", "SELECT 1" + String(repeating: " + 1", count: 10_000)),
        ("AND chain", "SELECT * FROM t WHERE a" + String(repeating: " AND a", count: 10_000)),
        ("subqueries", "SELECT * FROM " + String(repeating: "(SELECT * FROM ", count: 10_000) + "t"),
        ("function calls", "SELECT " + String(repeating: "f(", count: 10_000)),
        ("CASE", "SELECT " + String(repeating: "CASE WHEN ", count: 10_000)),
        ("IN lists", "SELECT " + String(repeating: "x IN (", count: 10_000)),
        ("casts", "SELECT x" + String(repeating: "::INT", count: 10_000)),
    ]

    @Test func hostileNestingIsRefused() throws {
        for (name, sql) in Self.hostile {
            let error = try #require(parseError(sql), "\(name) parsed")
            #expect(error.kind == .tooDeep, "\(name): \(error)")
            #expect(error.description.contains("more than \(SQLParser.maxDepth) levels"), "\(name)")
        }
    }

    @Test func nestingUnderTheLimitWorks() throws {
        let depth = SQLParser.maxDepth - 10
        let cases = [
            "SELECT " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth),
            "SELECT " + String(repeating: "NOT ", count: depth) + "x",
            "SELECT " + String(repeating: "- ", count: depth) + "x",
            "SELECT 1" + String(repeating: " + 1", count: depth),
            "SELECT " + String(repeating: "f(", count: depth) + String(repeating: ")", count: depth),
            "SELECT * FROM " + String(repeating: "(SELECT * FROM ", count: depth) + "t" + String(repeating: ")", count: depth),
        ]
        for sql in cases {
            let statement = try SQLParser.parse(sql)
            let again = try SQLParser.parse(statement.description)
            #expect(again == statement)
            #expect(Set([statement, again]).count == 1)
        }
    }

    @Test func chainJustOverTheLimitIsRefused() {
        let ok = "SELECT 1" + String(repeating: " + 1", count: SQLParser.maxDepth - 1)
        let over = "SELECT 1" + String(repeating: " + 1", count: SQLParser.maxDepth)
        #expect(parseError(ok) == nil)
        #expect(parseError(over)?.kind == .tooDeep)
    }
}
