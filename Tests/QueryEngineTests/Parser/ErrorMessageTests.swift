@testable import QueryEngine
import Testing

/// Bad queries and the exact message a person gets: position of the offending token, the text near it,
/// what was expected there, and a hint when the token is a near-miss or an unsupported feature.
@Suite struct ErrorMessageTests {
    @Test(arguments: [
        ("", "syntax error at 1:1 (end of query): expected SELECT, WITH, EXPLAIN, SHOW TABLES, DESCRIBE, CREATE TABLE, INSERT, ALTER TABLE, COPY, DELETE, VACUUM, TRUNCATE or DROP TABLE"),
        ("  -- only a comment", "syntax error at 1:20 (end of query): expected SELECT, WITH, EXPLAIN, SHOW TABLES, DESCRIBE, CREATE TABLE, INSERT, ALTER TABLE, COPY, DELETE, VACUUM, TRUNCATE or DROP TABLE"),
        ("SELEC 1", "syntax error at 1:1 near 'SELEC': expected SELECT, WITH, EXPLAIN, SHOW TABLES, DESCRIBE, CREATE TABLE, INSERT, ALTER TABLE, COPY, DELETE, VACUUM, TRUNCATE or DROP TABLE (did you mean SELECT?)"),
        ("UPSERT INTO t VALUES (1)", "syntax error at 1:1 near 'UPSERT': expected SELECT, WITH, EXPLAIN, SHOW TABLES, DESCRIBE, CREATE TABLE, INSERT, ALTER TABLE, COPY, DELETE, VACUUM, TRUNCATE or DROP TABLE"),
        ("SELECT", "syntax error at 1:7 (end of query): expected an expression"),
        ("SELECT FROM plays", "syntax error at 1:8 near 'FROM': expected an expression"),
        ("SELECT count(*) FROM", "syntax error at 1:21 (end of query): expected a table name or '('"),
        ("SELECT count(*) FROM plays GROUPBY platform",
         "syntax error at 1:28 near 'GROUPBY': expected JOIN, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET, UNION, INTERSECT, EXCEPT or end of query (did you mean GROUP BY?)"),
        ("SELECT platform, count(*) FORM plays",
         "syntax error at 1:27 near 'FORM': expected ',', FROM, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET, UNION, INTERSECT, EXCEPT or end of query (did you mean FROM?)"),
        ("SELECT a FROM plays WHER x = 1",
         "syntax error at 1:21 near 'WHER': expected JOIN, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET, UNION, INTERSECT, EXCEPT or end of query (did you mean WHERE?)"),
        ("SELECT a FROM plays LIMT 10",
         "syntax error at 1:21 near 'LIMT': expected JOIN, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET, UNION, INTERSECT, EXCEPT or end of query (did you mean LIMIT?)"),
        ("SELECT a FROM plays WHERE x = ", "syntax error at 1:31 (end of query): expected an expression"),
        ("SELECT a\nFROM t\nWHERE a =\n  GROUP BY a", "syntax error at 4:3 near 'GROUP': expected an expression"),
        ("SELECT a FROM plays GROUP platform", "syntax error at 1:27 near 'platform': expected BY"),
        ("SELECT a FROM plays ORDER BY", "syntax error at 1:29 (end of query): expected an expression"),
        ("SELECT a FROM t ORDER BY a DESC NULLS", "syntax error at 1:38 (end of query): expected FIRST or LAST"),
        ("SELECT a FROM plays LIMIT", "syntax error at 1:26 (end of query): expected a number of rows"),
        ("SELECT a FROM plays LIMIT -1", "syntax error at 1:27 near '-': LIMIT takes a non-negative integer"),
        ("SELECT a FROM plays OFFSET 1.5", "syntax error at 1:28 near '1.5': OFFSET takes a non-negative integer"),
        ("SELECT a FROM plays LIMIT 10 LIMIT 5", "syntax error at 1:30 near 'LIMIT': expected OFFSET or end of query"),
        ("SELECT a,, b FROM t", "syntax error at 1:10 near ',': expected an expression"),
        ("SELECT (a FROM t", "syntax error at 1:11 near 'FROM': expected ')'"),
        ("SELECT a) FROM t",
         "syntax error at 1:9 near ')': expected ',', FROM, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET, UNION, INTERSECT, EXCEPT or end of query"),
        ("SELECT count(* FROM t", "syntax error at 1:16 near 'FROM': expected ')'"),
        ("SELECT f(a b) FROM t", "syntax error at 1:12 near 'b': expected ',' or ')'"),
        ("SELECT 1 +* 2", "syntax error at 1:11 near '*': expected an expression"),
        ("SELECT CASE WHEN a THEN 1 FROM t", "syntax error at 1:27 near 'FROM': expected WHEN, ELSE or END"),
        ("SELECT CASE a END", "syntax error at 1:15 near 'END': expected WHEN"),
        ("SELECT CASE WHEN a 1 END", "syntax error at 1:20 near '1': expected THEN"),
        ("SELECT CAST(a BIGINT)", "syntax error at 1:15 near 'BIGINT': expected AS"),
        ("SELECT a IN 1, 2", "syntax error at 1:13 near '1': expected '(' and a list of values"),
        ("SELECT a BETWEEN 1 OR 2", "syntax error at 1:20 near 'OR': expected AND"),
        ("SELECT a IS 5", "syntax error at 1:13 near '5': expected NULL, NOT NULL, TRUE or FALSE"),
        ("SELECT * FROM (SELECT 1",
         "syntax error at 1:24 (end of query): expected ',', FROM, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET, UNION, INTERSECT, EXCEPT or ')'"),
        ("SELECT * FROM a JOIN b", "syntax error at 1:23 (end of query): expected ON or USING"),
        ("SELECT * FROM a LEFT JOIN b USING x", "syntax error at 1:35 near 'x': expected '('"),
        ("SELECT * FROM a NATURAL JOIN b", "syntax error at 1:17 near 'NATURAL': NATURAL joins are not supported: write USING (…) or ON …"),
        ("SELECT 1 UNION 2", "syntax error at 1:16 near '2': expected SELECT"),
        ("SELECT count(*) OVER (ROWS 1) FROM t", "syntax error at 1:29 near ')': expected PRECEDING or FOLLOWING"),
        ("WITH x AS SELECT 1", "syntax error at 1:11 near 'SELECT': expected '('"),
        ("SELECT a IN (SELECT b FROM t", "syntax error at 1:29 (end of query): expected JOIN, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET, UNION, INTERSECT, EXCEPT or ')'"),
        ("SELECT t.* FROM t", "syntax error at 1:10 near '*': 't.*' is not supported: write * or name the columns"),
        ("SELECT x FROM main.", "syntax error at 1:20 (end of query): expected a table name after the schema"),
        ("SELECT 1; SELECT 2", "syntax error at 1:11 near 'SELECT': expected end of query (one statement at a time)"),
        ("DESCRIBE", "syntax error at 1:9 (end of query): expected a table name"),
        ("EXPLAIN SHOW TABLES", "syntax error at 1:9 near 'SHOW': expected SELECT, WITH or ANALYZE"),
        ("SELECT x < y < z FROM t", "syntax error at 1:14 near '<': chained comparisons are not supported: combine them with AND"),
        ("select * from plays where time > now() - interval '7 dayz'",
         "invalid literal at 1:51 near ''7 dayz'': bad interval: unknown unit 'dayz'"),
        ("SELECT 'tab\there", "syntax error at 1:8 near ''tab\there': unterminated string literal"),
    ])
    func message(sql: String, expected: String) throws {
        let error = try #require(parseError(sql), "\(sql) parsed")
        #expect(error.description == expected)
        // The position is that of the text quoted.
        let bytes = Array(sql.utf8)
        #expect(error.position.offset <= bytes.count)
        if let near = error.near {
            let tail = String(decoding: bytes[error.position.offset...], as: UTF8.self)
            #expect(tail.hasPrefix(near.hasSuffix("…") ? String(near.dropLast()) : near))
        } else {
            #expect(error.position.offset == bytes.count)
        }
    }

    @Test func fieldsAreExposed() throws {
        let error = try #require(parseError("SELECT a\n  FROM plays GROUPBY a"))
        #expect(error.kind == .syntax)
        #expect(error.position == SourcePosition(line: 2, column: 14, offset: 22))
        #expect(error.near == "GROUPBY")
        #expect(error.message.hasPrefix("expected JOIN, WHERE, GROUP BY"))
    }
}
