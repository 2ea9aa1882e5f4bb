@testable import QueryEngine
import Testing

/// Joins, set operations, WITH and table functions: the trees the parser builds, and print → parse round trips.
@Suite struct QueryShapeTests {
    @Test(arguments: [
        "SELECT p.artist, a.country FROM plays AS p JOIN artists AS a ON p.artist = a.artist",
        "SELECT * FROM plays p LEFT OUTER JOIN artists a ON p.artist = a.artist AND a.fans > 10 WHERE p.liked",
        "SELECT * FROM plays RIGHT JOIN artists USING (artist)",
        "SELECT * FROM a FULL JOIN b USING (x, y) CROSS JOIN c",
        "SELECT * FROM a, b, c WHERE a.x = b.x",
        "SELECT x FROM a UNION SELECT x FROM b UNION ALL SELECT y FROM c ORDER BY 1 LIMIT 3",
        "SELECT x FROM a INTERSECT ALL SELECT x FROM b EXCEPT SELECT x FROM c",
        "WITH t AS (SELECT 1 AS v), u AS (SELECT v FROM t) SELECT * FROM t JOIN u USING (v)",
        "SELECT * FROM generate_series(1, 10, 2) AS s(n)",
        "SELECT d.day FROM range(TIMESTAMP '2026-01-01', TIMESTAMP '2026-02-01', INTERVAL '1 day') d(day)",
        "SELECT * FROM (WITH t AS (SELECT 1) SELECT * FROM t) sub",
        "SELECT left(s, 2), right(s, 1) FROM t",
        "EXPLAIN WITH t AS (SELECT 1) SELECT * FROM t",
        "SELECT DISTINCT ON (artist, day) artist, day, n FROM t ORDER BY artist, day, n DESC LIMIT 5",
    ])
    func roundTrips(_ sql: String) { expectRoundTrip(sql) }

    @Test func joinTree() throws {
        let s = try parseSelect("SELECT 1 FROM a x LEFT JOIN b y ON x.k = y.k JOIN c USING (k)")
        guard case let .join(inner, .inner, c, .using(names))? = s.from?.source,
              case let .join(a, .left, b, .on(on)) = inner.source else {
            Issue.record("not two joins: \(String(describing: s.from))")
            return
        }
        #expect(a.alias == "x" && b.alias == "y" && c.alias == nil && names == ["k"])
        #expect(on.description == "x.k = y.k")
    }

    @Test func setOperationsKeepOrderForTheWhole() throws {
        let s = try parseSelect("SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY a LIMIT 2")
        #expect(s.setOperations.count == 1)
        #expect(s.setOperations[0].operation == .union && s.setOperations[0].all)
        #expect(s.setOperations[0].query.orderBy.isEmpty && s.orderBy.count == 1 && s.limit == 2)
    }

    @Test func joinWordsAreNotAliases() throws {
        let s = try parseSelect("SELECT 1 FROM a LEFT JOIN b ON true")
        #expect(s.from?.alias == nil)
        guard case let .join(a, .left, _, _)? = s.from?.source else { Issue.record("no join"); return }
        #expect(a.alias == nil)
    }
}

/// Subquery expressions print back to SQL that parses to the same tree.
@Suite struct SubqueryShapeTests {
    @Test(arguments: [
        "SELECT (SELECT max(x) FROM t) + 1 FROM u",
        "SELECT * FROM t WHERE x IN (SELECT y FROM u WHERE u.k = 1) AND z NOT IN (SELECT 1)",
        "SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.k = t.k)",
        "SELECT * FROM t WHERE NOT EXISTS (SELECT * FROM u WHERE u.k = t.k) OR t.x > 0",
        "SELECT exists FROM t",
        "SELECT row_number() OVER (PARTITION BY a, b ORDER BY t DESC NULLS FIRST) AS n FROM t QUALIFY n <= 3",
        "SELECT sum(x) OVER (ORDER BY t ROWS BETWEEN 3 PRECEDING AND 1 FOLLOWING), lag(x, 2, 0) OVER (ORDER BY t) FROM t",
        "SELECT avg(x) OVER (RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), count(*) OVER () FROM t",
    ])
    func roundTrips(_ sql: String) { expectRoundTrip(sql) }
}
