import Testing
@testable import InfluxQL

@Suite struct InfluxQLParserTests {
    @Test func selectWithEveryClause() throws {
        let s = try InfluxQLParser.parse("""
            SELECT mean("duration_ms") AS m, count(distinct(track)) FROM "d"."autogen"."plays"
            WHERE "platform" =~ /^ios$/ AND time >= 1700000000000ms and time <= now() - 1h
            GROUP BY time(5m, 1m), artist fill(previous) ORDER BY time DESC LIMIT 10 OFFSET 2 SLIMIT 3 SOFFSET 1 tz('UTC')
            """)
        guard case .select(let q) = s[0] else { Issue.record("not a select"); return }
        #expect(q.fields.count == 2)
        #expect(q.fields[0] == InfluxField(expr: .call("mean", [.ref("duration_ms", hint: nil)]), alias: "m"))
        #expect(q.fields[1].expr == .call("count", [.call("distinct", [.ref("track", hint: nil)])]))
        #expect(q.sources == [.measurement("plays")])
        #expect(q.interval == 300_000_000_000 && q.intervalOffset == 60_000_000_000)
        #expect(q.groupTags == ["artist"])
        #expect(q.fill == .previous)
        #expect(q.descending && q.limit == 10 && q.offset == 2 && q.slimit == 3 && q.soffset == 1)
        #expect(q.timeZone == "UTC")
        let expected: InfluxExpr = .binary(.and,
            .binary(.and, .binary(.match, .ref("platform", hint: nil), .regex("^ios$")),
                    .binary(.gte, .ref("time", hint: nil), .duration(1_700_000_000_000_000_000))),
            .binary(.lte, .ref("time", hint: nil), .binary(.sub, .now, .duration(3_600_000_000_000))))
        #expect(q.condition == expected)
    }

    @Test func arithmeticPrecedence() throws {
        guard case .select(let q) = try InfluxQLParser.parse("SELECT sum(a) / count(a) * 2 + 1 FROM m")[0] else { return }
        let sum = InfluxExpr.call("sum", [.ref("a", hint: nil)]), count = InfluxExpr.call("count", [.ref("a", hint: nil)])
        #expect(q.fields[0].expr == .binary(.add, .binary(.mul, .binary(.div, sum, count), .integer(2)), .integer(1)))
    }

    @Test func regexesAndSubqueries() throws {
        guard case .select(let q) = try InfluxQLParser.parse(#"SELECT /a\/b/ FROM /^pl.*/, (SELECT x FROM m) WHERE t !~ /x/"#)[0] else { return }
        #expect(q.fields[0].expr == .regex("a/b"))
        #expect(q.sources.count == 2)
        #expect(q.sources[0] == .regex("^pl.*"))
        if case .subquery(let inner) = q.sources[1] { #expect(inner.sources == [.measurement("m")]) } else { Issue.record("no subquery") }
    }

    @Test func metaStatements() throws {
        let s = try InfluxQLParser.parse("""
            SHOW DATABASES; SHOW MEASUREMENTS WITH MEASUREMENT =~ /p/ LIMIT 2; SHOW TAG KEYS FROM plays;
            SHOW TAG VALUES FROM plays WITH KEY IN ("a", "b"); SHOW TAG VALUES WITH KEY =~ /c/; SHOW FIELD KEYS;
            SHOW SERIES FROM plays LIMIT 5; SHOW RETENTION POLICIES ON d; CREATE DATABASE x; DROP DATABASE "y"
            """)
        #expect(s.count == 10)
        #expect(s[0] == .showDatabases)
        #expect(s[1] == .showMeasurements(regex: "p", equals: nil, condition: nil, limit: 2, offset: 0))
        #expect(s[3] == .showTagValues(sources: [.measurement("plays")], key: .among(["a", "b"]), condition: nil, limit: 0, offset: 0))
        #expect(s[4] == .showTagValues(sources: [], key: .matches("c"), condition: nil, limit: 0, offset: 0))
        #expect(s[6] == .showSeries(sources: [.measurement("plays")], condition: nil, limit: 5, offset: 0))
        #expect(s[7] == .showRetentionPolicies(database: "d"))
        #expect(s[8] == .createDatabase("x") && s[9] == .dropDatabase("y"))
        #expect(s[9].changesData && !s[0].changesData)
    }

    /// Errors name what was found, what was expected and where, in InfluxDB's words.
    @Test(arguments: [
        ("SELEC x", "found SELEC, expected SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, GRANT, REVOKE, ALTER, SET, KILL at line 1, char 1"),
        ("SELECT FROM plays", "found FROM, expected identifier, string, number, bool at line 1, char 8"),
        ("SELECT x FROM m WHERE", "found EOF, expected identifier, string, number, bool at line 1, char 23"),
        ("SELECT x\nFROM m GROUP BY time(5)", "found 5, expected duration at line 2, char 22"),
        ("SELECT x FROM m WHERE a =~ 'b'", "found 'b', expected regex at line 1, char 28"),
        ("SELECT 'x FROM m", "found unterminated string, expected identifier, string, number, bool at line 1, char 8"),
    ])
    func errorsHavePositions(_ text: String, _ message: String) {
        #expect(throws: InfluxQLParseError.self) { try InfluxQLParser.parse(text) }
        do { _ = try InfluxQLParser.parse(text) } catch { #expect(error.description == message) }
    }

    @Test func durations() {
        #expect(Duration.nanoseconds("1h30m") == 5_400_000_000_000)
        #expect(Duration.nanoseconds("1700000000000ms") == 1_700_000_000_000_000_000)
        #expect(Duration.nanoseconds("5µ") == 5_000)
        #expect(Duration.nanoseconds("5x") == nil)
        #expect(Duration.nanoseconds("99999999999999999999ns") == nil)
    }

    @Test func timeLiterals() {
        #expect(TimeLiteral.parse("2023-11-14T22:13:20Z") == 1_700_000_000_000_000_000)
        #expect(TimeLiteral.parse("2023-11-14T22:13:20.5Z") == 1_700_000_000_500_000_000)
        #expect(TimeLiteral.parse("2023-11-14T23:13:20+01:00") == 1_700_000_000_000_000_000)
        #expect(TimeLiteral.parse("2023-11-14 22:13:20") == 1_700_000_000_000_000_000)
        #expect(TimeLiteral.parse("2023-11-14") == 1_699_920_000_000_000_000)
        #expect(TimeLiteral.parse("2023-13-14") == nil)
        #expect(formatRFC3339(1_700_000_000_500_000_000) == "2023-11-14T22:13:20.5Z")
    }

    /// Seeded random bytes and mangled queries never crash the parser: each parses or throws.
    @Test func fuzzedTextNeverCrashes() {
        var rng = UInt64(15)
        func next() -> UInt64 { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return rng >> 33 }
        let seeds = ["SELECT mean(x) FROM m WHERE time > now() - 1h GROUP BY time(5m) fill(linear)",
                     "SHOW TAG VALUES FROM m WITH KEY =~ /a|b/", "SELECT /x/ FROM (SELECT a FROM b) LIMIT 1"]
        let alphabet = Array("SELECT()/*,;'\"=~!<>-+.0123456789msh abcFROMWHERE\\µ\n".utf8)
        for i in 0..<3_000 {
            var bytes = Array(seeds[i % seeds.count].utf8)
            for _ in 0..<(1 + Int(next() % 4)) {
                let at = Int(next() % UInt64(bytes.count + 1))
                switch next() % 3 {
                case 0: bytes.insert(alphabet[Int(next() % UInt64(alphabet.count))], at: at)
                case 1: if at < bytes.count { bytes.remove(at: at) }
                default: bytes = Array(bytes.prefix(at))
                }
            }
            _ = try? InfluxQLParser.parse(String(decoding: bytes, as: UTF8.self))
        }
    }
}
