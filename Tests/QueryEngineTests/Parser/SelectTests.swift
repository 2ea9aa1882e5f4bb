@testable import QueryEngine
import Testing

@Suite struct SelectTests {
    @Test func everyClause() throws {
        let select = try parseSelect("""
            select distinct platform AS p, count(*) plays
            from plays
            where artist = 'Artist 0001' and time >= '2026-03-01'
            group by 1, p
            having count(*) > 50
            order by plays desc nulls first, p asc, 3 nulls last
            limit 10 offset 5;
            """)
        #expect(select.distinct)
        #expect(select.items == [.expr(col("platform"), alias: "p"), .expr(call("count", star: true), alias: "plays")])
        #expect(select.from == TableRef(.table(TableName("plays", at: nowhere))))
        #expect(select.where == bin(.and, bin(.equal, col("artist"), str("Artist 0001")),
                                    bin(.greaterEqual, col("time"), str("2026-03-01"))))
        #expect(select.groupBy == [int(1), col("p")])
        #expect(select.having == bin(.greater, call("count", star: true), int(50)))
        #expect(select.orderBy == [OrderItem(col("plays"), descending: true, nulls: .first), OrderItem(col("p")),
                                   OrderItem(int(3), nulls: .last)])
        #expect(select.limit == 10)
        #expect(select.offset == 5)
        #expect(select.position.description == "1:1")
    }

    @Test func minimalForms() throws {
        let bare = try parseSelect("SELECT 1")
        #expect(bare == SelectStatement(items: [.expr(int(1), alias: nil)], position: nowhere))
        #expect(try parseSelect("SELECT * FROM plays").items == [.wildcard])
        #expect(try parseSelect("SELECT *, time FROM plays").items == [.wildcard, .expr(col("time"), alias: nil)])
        #expect(try parseSelect("SELECT ALL x FROM t").distinct == false)
        #expect(try parseSelect("SELECT now()").from == nil)
    }

    @Test func limitAndOffsetInEitherOrder() throws {
        let a = try parseSelect("SELECT x FROM t LIMIT 3 OFFSET 4")
        let b = try parseSelect("SELECT x FROM t OFFSET 4 LIMIT 3")
        #expect(a == b && a.limit == 3 && a.offset == 4)
        let offsetOnly = try parseSelect("SELECT x FROM t OFFSET 7")
        #expect(offsetOnly.limit == nil && offsetOnly.offset == 7)
        #expect(try parseSelect("SELECT x FROM t LIMIT 0").limit == 0)
    }

    @Test func aliases() throws {
        let select = try parseSelect(#"SELECT a AS "Total Plays", b c, d AS e FROM t AS u"#)
        #expect(select.items == [.expr(col("a"), alias: "Total Plays"), .expr(col("b"), alias: "c"),
                                 .expr(col("d"), alias: "e")])
        #expect(select.from?.alias == "u")
        #expect(try parseSelect("SELECT x FROM t u WHERE u.x = 1").from?.alias == "u")
        // A contextual keyword works as an alias, as `day` does in the benchmark queries.
        #expect(try parseSelect("SELECT 1 AS day, 2 AS interval").items ==
                [.expr(int(1), alias: "day"), .expr(int(2), alias: "interval")])
        #expect(parseError("SELECT 1 AS from")?.description == "syntax error at 1:13 near 'from': expected an alias")
        #expect(try parseSelect(#"SELECT 1 AS "from""#).items == [.expr(int(1), alias: "from")])
    }

    @Test func subqueries() throws {
        let outer = try parseSelect("SELECT avg(n) FROM (SELECT platform, count(*) AS n FROM plays GROUP BY platform) AS s")
        guard case .subquery(let inner)? = outer.from?.source else {
            Issue.record("no subquery")
            return
        }
        #expect(outer.from?.alias == "s")
        #expect(inner.groupBy == [col("platform")])
        #expect(inner.position.description == "1:21")
        #expect(outer.from?.position.description == "1:21")
        // Without alias, and nested.
        #expect(try parseSelect("SELECT * FROM (SELECT * FROM (SELECT 1) x)").from?.alias == nil)
    }

    @Test func otherStatements() throws {
        #expect(try SQLParser.parse("SHOW TABLES") == .showTables)
        #expect(try SQLParser.parse("show tables;") == .showTables)
        #expect(try SQLParser.parse("DESCRIBE plays") == .describe(TableName("plays", at: nowhere)))
        #expect(try SQLParser.parse(#"describe "Plays""#) == .describe(TableName("Plays", at: nowhere)))
        guard case .describe(let table) = try SQLParser.parse("DESCRIBE  plays") else { return }
        #expect(table.position.description == "1:11")
        let explained = try SQLParser.parse("EXPLAIN SELECT count(*) FROM plays WHERE time >= now() - INTERVAL '7 days'")
        guard case .explain(let select) = explained else {
            Issue.record("not EXPLAIN: \(explained)")
            return
        }
        #expect(select.position.description == "1:9")
        #expect(explained.description == "EXPLAIN SELECT count(*) FROM plays WHERE time >= now() - INTERVAL '7 days'")
    }

    @Test func keywordsAnyCaseCommentsAndSemicolon() throws {
        let a = try parseSelect("SELECT Platform FROM Plays WHERE Liked ORDER BY 1")
        let b = try parseSelect("""
            sElEcT platform -- the tag
            /* from where? */ FrOm plays wHeRe liked oRdEr By 1 ;
            """)
        #expect(a == b)
    }

    @Test func printing() throws {
        let cases: [(String, String)] = [
            ("select a, b as c from t where x = 1 and not y order by 1 desc limit 2",
             "SELECT a, b AS c FROM t WHERE x = 1 AND NOT y ORDER BY 1 DESC LIMIT 2"),
            ("select (a + b) * c, a + (b * c), a - (b - c), (a - b) - c from t",
             "SELECT (a + b) * c, a + b * c, a - (b - c), a - b - c FROM t"),
            ("SELECT \"Weird Name\", \"select\", x FROM \"My Table\" AS \"T\"",
             "SELECT \"Weird Name\", \"select\", x FROM \"My Table\" AS \"T\""),
            ("select 'it''s', -5, - x, 1.5e-7, 1e20, x::int, not (a and b) from t",
             "SELECT 'it''s', -5, -x, 1.5e-07, 1e+20, CAST(x AS INTEGER), NOT (a AND b) FROM t"),
            ("select a - -5, a - (-b), - (-b) from t", "SELECT a - -5, a - -b, - -b FROM t"),
            ("select count(distinct u), count(*) from t group by a, b having sum(x) > 1",
             "SELECT count(DISTINCT u), count(*) FROM t GROUP BY a, b HAVING sum(x) > 1"),
            ("select * from (select 1 x) s offset 3", "SELECT * FROM (SELECT 1 AS x) AS s OFFSET 3"),
            ("select interval 1 day, interval '90 minutes', timestamp '2026-09-01T00:00:00Z'",
             "SELECT INTERVAL '1 day', INTERVAL '1 hour 30 minutes', TIMESTAMP '2026-09-01 00:00:00'"),
            ("select x is not null, x not between 1 and 2, x not in (1, 2), x not ilike 'a' from t",
             "SELECT x IS NOT NULL, x NOT BETWEEN 1 AND 2, x NOT IN (1, 2), x NOT ILIKE 'a' FROM t"),
            ("select (a = b) is null, (a is null) = b, (a between 1 and 2) between false and true",
             "SELECT a = b IS NULL, (a IS NULL) = b, (a BETWEEN 1 AND 2) BETWEEN FALSE AND TRUE"),
            ("select case x when 1 then 'a' else 'b' end from t order by x nulls first",
             "SELECT CASE x WHEN 1 THEN 'a' ELSE 'b' END FROM t ORDER BY x NULLS FIRST"),
        ]
        for (sql, printed) in cases {
            #expect(try SQLParser.parse(sql).description == printed, "\(sql)")
            expectRoundTrip(sql)
        }
    }
}

@Suite("Parser: FILTER, AT TIME ZONE, extract")
struct FunctionSyntaxTests {
    @Test func filterAtTimeZoneAndExtractParseAndPrintBack() throws {
        let s = try parseSelect("SELECT count(*) FILTER (WHERE x > 1), sum(y) FILTER (y < 2), ts AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Tokyo', extract(year FROM ts) FROM t")
        guard case let .expr(e0, _) = s.items[0], case let .function(c0) = e0.kind else { Issue.record("not a call"); return }
        #expect(c0.star && c0.filter?.description == "x > 1")
        guard case let .expr(e2, _) = s.items[2] else { return }
        #expect(e2.description == "\"timezone\"('Asia/Tokyo', \"timezone\"('UTC', ts))" || e2.description == "timezone('Asia/Tokyo', timezone('UTC', ts))")
        guard case let .expr(e3, _) = s.items[3] else { return }
        #expect(e3.description == "date_part('year', ts)")
        expectRoundTrip("SELECT count(*) FILTER (WHERE x > 1), median(y) FILTER (WHERE z) FROM t")
        expectRoundTrip("SELECT ts AT TIME ZONE 'UTC' + INTERVAL '1 day' FROM t")
        // AT TIME ZONE binds tighter than + (PostgreSQL's order).
        let p = try parseSelect("SELECT a + ts AT TIME ZONE 'UTC' FROM t")
        guard case let .expr(sum, _) = p.items[0], case let .binary(.add, _, right) = sum.kind else { Issue.record("not a sum"); return }
        guard case let .function(call) = right.kind else { Issue.record("right side is not timezone()"); return }
        #expect(call.name == "timezone")
        #expect(parseError("SELECT ts AT TIME 'UTC' FROM t") != nil)
        #expect(parseError("SELECT count(*) FILTER (WHERE x FROM t") != nil)
    }
}
