@testable import QueryEngine
import Testing

private func parse(_ sql: String) throws -> Expr { try SQLParser.parseExpression(sql) }

@Suite struct ExpressionTests {
    /// Each pair must parse to the same tree: the left as written, the right with PostgreSQL's
    /// (and DuckDB's) grouping spelled out. Parentheses make no nodes, so equal trees mean equal grouping.
    @Test(arguments: [
        ("a OR b AND c", "a OR (b AND c)"),
        ("a AND b OR c AND d", "(a AND b) OR (c AND d)"),
        ("a OR b OR c", "(a OR b) OR c"),
        ("NOT a AND b", "(NOT a) AND b"),
        ("NOT a OR b", "(NOT a) OR b"),
        ("NOT a = b", "NOT (a = b)"),
        ("NOT NOT a", "NOT (NOT a)"),
        ("NOT a IS NULL", "NOT (a IS NULL)"),
        ("a = b AND c <> d", "(a = b) AND (c <> d)"),
        ("a = b IS NULL", "(a = b) IS NULL"),
        ("a IS NULL = b", "(a IS NULL) = b"),
        ("a = b BETWEEN 1 AND 5", "a = (b BETWEEN 1 AND 5)"),
        ("a BETWEEN 1 AND 2 AND c", "(a BETWEEN 1 AND 2) AND c"),
        ("a BETWEEN b + 1 AND c * 2", "a BETWEEN (b + 1) AND (c * 2)"),
        ("a NOT BETWEEN 1 AND 2 OR c", "(a NOT BETWEEN 1 AND 2) OR c"),
        ("a IN (1, 2) = TRUE", "(a IN (1, 2)) = TRUE"),
        ("x = a IN (1, 2)", "x = (a IN (1, 2))"),
        ("a + 1 IN (1, 2)", "(a + 1) IN (1, 2)"),
        ("a LIKE 'x' || 'y'", "a LIKE ('x' || 'y')"),
        ("a NOT LIKE 'x%' AND b", "(a NOT LIKE 'x%') AND b"),
        ("a LIKE 'x' = TRUE", "(a LIKE 'x') = TRUE"),
        ("a || b = c", "(a || b) = c"),
        ("1 + 2 || 3", "(1 + 2) || 3"),
        ("a < b || 'x'", "a < (b || 'x')"),
        ("a + b * c", "a + (b * c)"),
        ("a * b + c", "(a * b) + c"),
        ("a - b - c", "(a - b) - c"),
        ("a - b + c", "(a - b) + c"),
        ("a / b * c % d // e", "(((a / b) * c) % d) // e"),
        ("-a * b", "(-a) * b"),
        ("- - a", "-(-a)"),
        ("-a::DOUBLE", "-(a::DOUBLE)"),
        ("a + b::BIGINT", "a + (b::BIGINT)"),
        ("a::VARCHAR::BIGINT", "(a::VARCHAR)::BIGINT"),
        ("a = -b", "a = (-b)"),
        ("a = NOT b", "a = (NOT b)"),
        ("CASE WHEN a THEN 1 ELSE 2 END + 1", "(CASE WHEN a THEN 1 ELSE 2 END) + 1"),
        ("a IS NOT NULL AND b IS NULL", "(a IS NOT NULL) AND (b IS NULL)"),
        ("a IS TRUE OR b IS NOT FALSE", "(a IS TRUE) OR (b IS NOT FALSE)"),
        ("time >= now() - INTERVAL '7 days'", "time >= (now() - INTERVAL '7 days')"),
    ])
    func precedence(written: String, grouped: String) throws {
        let left = try parse(written)
        let right = try parse(grouped)
        #expect(left == right, "\(written) parsed as \(left)")
        // And printing shows the grouping with no more parentheses than needed.
        #expect(try parse(left.description) == left)
    }

    @Test func shapes() throws {
        #expect(try parse("a + b * c") == bin(.add, col("a"), bin(.multiply, col("b"), col("c"))))
        #expect(try parse("a != b") == bin(.notEqual, col("a"), col("b")))
        #expect(try parse("a <> b") == bin(.notEqual, col("a"), col("b")))
        #expect(try parse("a // 2") == bin(.integerDivide, col("a"), int(2)))
        #expect(try parse("NOT a") == un(.not, col("a")))
        #expect(try parse("-a") == un(.negate, col("a")))
        #expect(try parse("+a") == un(.plus, col("a")))
        #expect(try parse("x IN (1, 'a', y)") == expr(.inList(col("x"), [int(1), str("a"), col("y")], negated: false)))
        #expect(try parse("x NOT IN (1)") == expr(.inList(col("x"), [int(1)], negated: true)))
        #expect(try parse("x BETWEEN 1 AND 2") == expr(.between(col("x"), low: int(1), high: int(2), negated: false)))
        #expect(try parse("x NOT BETWEEN 1 AND 2") == expr(.between(col("x"), low: int(1), high: int(2), negated: true)))
        #expect(try parse("x LIKE 'a%'") == expr(.like(col("x"), pattern: str("a%"), caseInsensitive: false, negated: false)))
        #expect(try parse("x NOT ILIKE 'a%'") == expr(.like(col("x"), pattern: str("a%"), caseInsensitive: true, negated: true)))
        #expect(try parse("x IS NULL") == expr(.isNull(col("x"), negated: false)))
        #expect(try parse("x IS NOT NULL") == expr(.isNull(col("x"), negated: true)))
        #expect(try parse("x IS TRUE") == expr(.isBool(col("x"), true, negated: false)))
        #expect(try parse("x IS NOT FALSE") == expr(.isBool(col("x"), false, negated: true)))
        #expect(try parse("CAST(x AS BIGINT)") == expr(.cast(col("x"), .bigint)))
        #expect(try parse("x::DOUBLE") == expr(.cast(col("x"), .double)))
    }

    @Test func chainedComparisonsAreRefused() throws {
        #expect(parseError("SELECT a < b < c")?.description ==
            "syntax error at 1:14 near '<': chained comparisons are not supported: combine them with AND")
        #expect(parseError("SELECT a = b = TRUE") != nil)
        #expect(try parse("(a = b) = TRUE") == bin(.equal, bin(.equal, col("a"), col("b")), lit(.bool(true))))
        #expect(try parse("a < b AND b < c") != nil)
    }

    @Test func functionCalls() throws {
        #expect(try parse("count(*)") == call("count", star: true))
        #expect(try parse("COUNT(x)") == call("count", col("x")))
        #expect(try parse("count(DISTINCT user_id)") == call("count", col("user_id"), distinct: true))
        #expect(try parse("count()") == call("count"))
        #expect(try parse("now()") == call("now"))
        #expect(try parse("approx_quantile(duration_ms, 0.5)") == call("approx_quantile", col("duration_ms"), dbl(0.5)))
        #expect(try parse("date_trunc('week', time)") == call("date_trunc", str("week"), col("time")))
        #expect(try parse("time_bucket(INTERVAL '1 day', time)") ==
                call("time_bucket", lit(.interval(SQLInterval(days: 1))), col("time")))
        #expect(try parse("first(x)") == call("first", col("x")))
        #expect(try parse("last(x)") == call("last", col("x")))
        #expect(try parse(#""MyFunc"(1)"#) == call("MyFunc", int(1)))
        #expect(try parse("sum(a + b) / count(*)") ==
                bin(.divide, call("sum", bin(.add, col("a"), col("b"))), call("count", star: true)))
    }

    @Test func caseExpressions() throws {
        let searched = try parse("CASE WHEN completed THEN 1.0 ELSE 0.0 END")
        #expect(searched == expr(.caseWhen(CaseExpr(
            operand: nil, branches: [CaseExpr.Branch(when: col("completed"), then: dbl(1))], otherwise: dbl(0)))))
        let simple = try parse("case platform when 'ios' then 1 when 'android' then 2 end")
        #expect(simple == expr(.caseWhen(CaseExpr(
            operand: col("platform"),
            branches: [CaseExpr.Branch(when: str("ios"), then: int(1)), CaseExpr.Branch(when: str("android"), then: int(2))],
            otherwise: nil))))
    }

    @Test func namesFoldUnlessQuoted() throws {
        #expect(try parse("Platform") == col("platform"))
        #expect(try parse(#""Platform""#) == col("Platform"))
        #expect(try parse(#""select""#) == col("select"))
        #expect(try parse(#""a""b""#) == col(#"a"b"#))
        #expect(try parse("p.Track") == col("track", "p"))
        #expect(try parse(#""P"."x y""#) == col("x y", "P"))
        // Contextual keywords are ordinary names where no keyword is expected.
        for name in ["time", "day", "week", "interval", "timestamp", "first", "last", "nulls", "show", "tables", "date"] {
            #expect(try parse(name) == col(name), "\(name)")
        }
    }

    @Test func positionsPointAtTheNode() throws {
        let parsed = try parse("a +\n  count(DISTINCT \"B\") * -3")
        guard case .binary(.add, let a, let product) = parsed.kind,
              case .binary(.multiply, let count, let three) = product.kind,
              case .function(let function) = count.kind else {
            Issue.record("unexpected shape \(parsed)")
            return
        }
        #expect(parsed.position.description == "1:3")
        #expect(a.position.description == "1:1")
        #expect(count.position.description == "2:3")
        #expect(function.arguments[0].position.description == "2:18")
        #expect(product.position.description == "2:23")
        #expect(three.position.description == "2:25")
        #expect(three.position.offset == 28)
    }

    @Test func equalityIgnoresPositionsAndHashesAgree() throws {
        let one = try parse("date_trunc('week', time)")
        let two = try parse("   date_trunc( 'week' ,\n time )")
        #expect(one == two)
        #expect(one.position != two.position)
        #expect(Set([one, two]).count == 1)
    }
}
