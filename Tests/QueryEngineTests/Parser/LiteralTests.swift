@testable import QueryEngine
import Testing
import TestSupport

private func literal(_ sql: String) throws -> Literal {
    let parsed = try SQLParser.parseExpression(sql)
    guard case .literal(let value) = parsed.kind else {
        Issue.record("\(sql) is not a literal: \(parsed)")
        return .null
    }
    return value
}

private func interval(_ sql: String) throws -> SQLInterval? {
    guard case .interval(let value) = try literal(sql) else { return nil }
    return value
}

private let hour: Int64 = 3_600_000_000_000
private let minute: Int64 = 60_000_000_000
private let second: Int64 = 1_000_000_000

@Suite struct LiteralTests {
    @Test func integers() throws {
        #expect(try literal("0") == .int(0))
        #expect(try literal("42") == .int(42))
        #expect(try literal("9223372036854775807") == .int(.max))
        #expect(try literal("-9223372036854775808") == .int(.min))
        #expect(try literal("- 5") == .int(-5))
        #expect(try literal("-(5)") == .int(-5))
        #expect(try literal("+7") == .int(7))
        #expect(try literal("007") == .int(7))
        let tooBig = try #require(parseError("SELECT 9223372036854775808"))
        #expect(tooBig.kind == .invalidLiteral)
        #expect(tooBig.description ==
            "invalid literal at 1:8 near '9223372036854775808': integer is out of range for BIGINT (write 9223372036854775808.0 for a DOUBLE)")
        #expect(parseError("SELECT -9223372036854775809")?.kind == .invalidLiteral)
        #expect(parseError("SELECT 99999999999999999999999")?.kind == .invalidLiteral)
        // A cast binds tighter than the sign, so the sign is an operator there.
        #expect(try SQLParser.parseExpression("-5::DOUBLE") ==
                un(.negate, expr(.cast(int(5), .double))))
    }

    @Test func decimals() throws {
        #expect(try literal("1.5") == .double(1.5))
        #expect(try literal("1.") == .double(1))
        #expect(try literal(".5") == .double(0.5))
        #expect(try literal("1e3") == .double(1000))
        #expect(try literal("2.5E-3") == .double(0.0025))
        #expect(try literal("-2.5") == .double(-2.5))
        #expect(try literal("0.1") == .double(0.1))
        #expect(parseError("SELECT 1e999")?.kind == .invalidLiteral)
    }

    @Test func stringsBooleansAndNull() throws {
        #expect(try literal("'it''s'") == .string("it's"))
        #expect(try literal("''") == .string(""))
        #expect(try literal("'größe \"q\"'") == .string("größe \"q\""))
        #expect(try literal("TRUE") == .bool(true))
        #expect(try literal("false") == .bool(false))
        #expect(try literal("Null") == .null)
    }

    /// Each value checked against DuckDB's own reading of the same literal.
    @Test func intervals() throws {
        let cases: [(String, SQLInterval)] = [
            ("INTERVAL '7 days'", SQLInterval(days: 7)),
            ("INTERVAL '1 day'", SQLInterval(days: 1)),
            ("INTERVAL '2 hours'", SQLInterval(nanoseconds: 2 * hour)),
            ("INTERVAL 1 DAY", SQLInterval(days: 1)),
            ("interval 2 hours", SQLInterval(nanoseconds: 2 * hour)),
            ("INTERVAL '2' HOUR", SQLInterval(nanoseconds: 2 * hour)),
            ("INTERVAL '-3' days", SQLInterval(days: -3)),
            ("INTERVAL 3 MONTHS", SQLInterval(months: 3)),
            ("INTERVAL 1 YEAR", SQLInterval(months: 12)),
            ("INTERVAL 2 WEEKS", SQLInterval(days: 14)),
            ("INTERVAL 90 MINUTES", SQLInterval(nanoseconds: 90 * minute)),
            ("INTERVAL '1day'", SQLInterval(days: 1)),
            ("INTERVAL '  3   DAYS  '", SQLInterval(days: 3)),
            ("INTERVAL '-1 day'", SQLInterval(days: -1)),
            ("INTERVAL '1 day -1 hour'", SQLInterval(days: 1, nanoseconds: -hour)),
            ("INTERVAL '7 days 2 hours'", SQLInterval(days: 7, nanoseconds: 2 * hour)),
            ("INTERVAL '1.5 days'", SQLInterval(days: 1, nanoseconds: 12 * hour)),
            ("INTERVAL '1.5 hours'", SQLInterval(nanoseconds: 90 * minute)),
            ("INTERVAL '1.5 months'", SQLInterval(months: 1, days: 15)),
            ("INTERVAL '1.55 months'", SQLInterval(months: 1, days: 16, nanoseconds: 12 * hour)),
            ("INTERVAL '0.5 years'", SQLInterval(months: 6)),
            ("INTERVAL '0.1 years'", SQLInterval(months: 1)),
            ("INTERVAL '1.3 weeks'", SQLInterval(days: 9, nanoseconds: 2 * hour + 24 * minute)),
            ("INTERVAL '-1.5 days'", SQLInterval(days: -1, nanoseconds: -12 * hour)),
            ("INTERVAL '5. days'", SQLInterval(days: 5)),
            ("INTERVAL '1 year 2 mons 3 days 04:05:06.789'",
             SQLInterval(months: 14, days: 3, nanoseconds: 4 * hour + 5 * minute + 6_789_000_000)),
            ("INTERVAL '1 hour 1:00'", SQLInterval(nanoseconds: 2 * hour)),
            ("INTERVAL '1:30'", SQLInterval(nanoseconds: 90 * minute)),
            ("INTERVAL '-1:30:00'", SQLInterval(nanoseconds: -90 * minute)),
            ("INTERVAL '100:00:00'", SQLInterval(nanoseconds: 100 * hour)),
            ("INTERVAL '2 hours 30 minutes ago'", SQLInterval(nanoseconds: -150 * minute)),
            ("INTERVAL '-1 day ago'", SQLInterval(days: 1)),
            ("INTERVAL '1'", SQLInterval(nanoseconds: second)),
            ("INTERVAL '1.5'", SQLInterval(nanoseconds: 1_500_000_000)),
            ("INTERVAL '1 quarter'", SQLInterval(months: 3)),
            ("INTERVAL '1 decade'", SQLInterval(months: 120)),
            ("INTERVAL '1 centuries'", SQLInterval(months: 1_200)),
            ("INTERVAL '1 millennium'", SQLInterval(months: 12_000)),
            ("INTERVAL '1 mil'", SQLInterval(months: 12_000)),
            ("INTERVAL '3 us'", SQLInterval(nanoseconds: 3_000)),
            ("INTERVAL '1.5 ms'", SQLInterval(nanoseconds: 1_500_000)),
            ("INTERVAL '1 msec'", SQLInterval(nanoseconds: 1_000_000)),
            ("INTERVAL '1 h'", SQLInterval(nanoseconds: hour)),
            ("INTERVAL '1 m'", SQLInterval(nanoseconds: minute)),
            ("INTERVAL '1 s'", SQLInterval(nanoseconds: second)),
            ("INTERVAL '1 w'", SQLInterval(days: 7)),
            ("INTERVAL '1 yrs'", SQLInterval(months: 12)),
            ("INTERVAL '1 Day'", SQLInterval(days: 1)),
            ("INTERVAL '0 days'", SQLInterval()),
            ("INTERVAL '0.000000001 seconds'", SQLInterval(nanoseconds: 1)),
        ]
        for (sql, value) in cases {
            #expect(try interval(sql) == value, "\(sql)")
        }
    }

    @Test func badIntervals() {
        let cases: [(String, String)] = [
            ("SELECT INTERVAL ''", "invalid literal at 1:17 near '''': bad interval: expected a number and a unit, e.g. '7 days'"),
            ("SELECT INTERVAL '+3 days'", "invalid literal at 1:17 near ''+3 days'': bad interval: expected a number"),
            ("SELECT INTERVAL '1 fortnight'", "invalid literal at 1:17 near ''1 fortnight'': bad interval: unknown unit 'fortnight'"),
            ("SELECT INTERVAL '2 hours 30'", "invalid literal at 1:17 near ''2 hours 30'': bad interval: expected a unit after the number, e.g. 'days'"),
            ("SELECT INTERVAL '1e2 days'", "invalid literal at 1:17 near ''1e2 days'': bad interval: unknown unit 'e'"),
            ("SELECT INTERVAL '1:60'", "invalid literal at 1:17 near ''1:60'': bad interval: bad time part: minutes and seconds are 00 to 59"),
            ("SELECT INTERVAL '1:00 1 hour'", "invalid literal at 1:17 near ''1:00 1 hour'': bad interval: the time part h:mm:ss must come last"),
            ("SELECT INTERVAL '1 day ago 2 hours'", "invalid literal at 1:17 near ''1 day ago 2 hours'': bad interval: nothing may follow 'ago'"),
            ("SELECT INTERVAL '1,day'", "invalid literal at 1:17 near ''1,day'': bad interval: expected a unit after the number, e.g. 'days'"),
            ("SELECT INTERVAL 2.5 HOURS", "invalid literal at 1:17 near '2.5': bad interval: INTERVAL n HOURS takes a whole number; write INTERVAL '2.5 hours'"),
            ("SELECT INTERVAL '1 hour' DAY", "invalid literal at 1:17 near ''1 hour'': bad interval: expected a whole number before DAY"),
            ("SELECT INTERVAL 7", "invalid literal at 1:17 near '7': bad interval: expected a unit after the number, e.g. INTERVAL 1 DAY"),
            ("SELECT INTERVAL '10000000000 years'", "invalid literal at 1:17 near ''10000000000 years'': bad interval: interval is out of range"),
                        ("SELECT INTERVAL '-9223372036854775807 months -1 months ago'", "invalid literal at 1:17 near ''-9223372036854775807 months -1 months a…': bad interval: interval is out of range"),
            ("SELECT INTERVAL '99999999999999999999 days'", "invalid literal at 1:17 near ''99999999999999999999 days'': bad interval: number is too large"),
        ]
        for (sql, message) in cases {
            #expect(parseError(sql)?.description == message, "\(sql)")
        }
    }

    @Test func intervalText() {
        #expect(SQLInterval().description == "0 seconds")
        #expect(SQLInterval(days: 1).description == "1 day")
        #expect(SQLInterval(days: 7).description == "7 days")
        #expect(SQLInterval(months: 14, days: 3, nanoseconds: 4 * hour + 5 * minute + 6_789_000_000).description
                == "1 year 2 months 3 days 4 hours 5 minutes 6.789 seconds")
        #expect(SQLInterval(months: -1, nanoseconds: -1).description == "-1 month -0.000000001 seconds")
        #expect(SQLInterval(nanoseconds: second).description == "1 second")
    }

    @Test func timestamps() throws {
        let cases: [(String, Int64)] = [
            ("TIMESTAMP '2026-09-01 12:00:00'", 1_788_264_000_000_000_000),
            ("TIMESTAMP '2026-09-01T12:00:00Z'", 1_788_264_000_000_000_000),
            ("TIMESTAMP '2026-09-01 12:00:00+00:00'", 1_788_264_000_000_000_000),
            ("TIMESTAMP '2026-09-01 12:00:00 UTC'", 1_788_264_000_000_000_000),
            ("TIMESTAMP '2026-09-01 12:00'", 1_788_264_000_000_000_000),
            ("TIMESTAMP '2026-09-01'", 1_788_220_800_000_000_000),
            ("TIMESTAMP '2026-9-1'", 1_788_220_800_000_000_000),
            ("TIMESTAMP '2026-09-01 24:00:00'", 1_788_307_200_000_000_000),
            ("TIMESTAMP '2026-09-01 12:00:00.5'", 1_788_264_000_500_000_000),
            ("TIMESTAMP '2026-09-01 12:00:00.123456789'", 1_788_264_000_123_456_789),
            ("TIMESTAMP '1970-01-01'", 0),
            ("TIMESTAMP '2000-02-29 23:59:59'", 951_868_799_000_000_000),
            ("TIMESTAMP '1677-09-22'", -9_223_286_400_000_000_000),
            ("TIMESTAMP '2262-04-11'", 9_223_286_400_000_000_000),
        ]
        for (sql, value) in cases {
            #expect(try literal(sql) == .timestamp(value), "\(sql)")
        }
        let bad: [(String, String)] = [
            ("SELECT TIMESTAMP '2026-02-30'", "invalid literal at 1:18 near ''2026-02-30'': no such date; expected YYYY-MM-DD[ HH:MM[:SS[.fraction]]][Z]"),
            ("SELECT TIMESTAMP '2026-09-01 12:00:00+02'", "invalid literal at 1:18 near ''2026-09-01 12:00:00+02'': time zone offset '+02' is not supported: write the time in UTC"),
            ("SELECT TIMESTAMP ' 2026-09-01'", "invalid literal at 1:18 near '' 2026-09-01'': bad date; expected YYYY-MM-DD[ HH:MM[:SS[.fraction]]][Z]"),
            ("SELECT TIMESTAMP '2026-09-01 12'", "invalid literal at 1:18 near ''2026-09-01 12'': bad time; expected YYYY-MM-DD[ HH:MM[:SS[.fraction]]][Z]"),
            ("SELECT TIMESTAMP '2026-09-01 25:00'", "invalid literal at 1:18 near ''2026-09-01 25:00'': no such time; expected YYYY-MM-DD[ HH:MM[:SS[.fraction]]][Z]"),
            ("SELECT TIMESTAMP '2300-01-01'", "invalid literal at 1:18 near ''2300-01-01'': timestamp is out of range (1677-09-21 to 2262-04-11 in nanoseconds)"),
            ("SELECT TIMESTAMP '2026-09-01 12:00:00 x'", "invalid literal at 1:18 near ''2026-09-01 12:00:00 x'': unexpected text after the timestamp; expected YYYY-MM-DD[ HH:MM[:SS[.fraction]]][Z]"),
        ]
        for (sql, message) in bad {
            #expect(parseError(sql)?.description == message, "\(sql)")
        }
    }

    @Test func timestampFormatReadsBack() throws {
        #expect(SQLTimestamp.format(1_788_264_000_000_000_000) == "2026-09-01 12:00:00")
        #expect(SQLTimestamp.format(1_788_264_000_123_456_789) == "2026-09-01 12:00:00.123456789")
        #expect(SQLTimestamp.format(-1) == "1969-12-31 23:59:59.999999999")
        var random = SeededRandom(seed: 7)
        let limit: Int64 = 9_223_286_400_000_000_000
        for _ in 0..<2_000 {
            let nanoseconds = Int64.random(in: -limit...limit, using: &random)
            #expect(try SQLTimestamp.parse(SQLTimestamp.format(nanoseconds)) == nanoseconds)
        }
        // The calendar arithmetic against a plain day-by-day count over 1600–2400.
        var days = SQLTimestamp.daysFromCivil(1600, 1, 1)
        for year: Int64 in 1600...2400 {
            for month: Int64 in 1...12 {
                for day in 1...SQLTimestamp.daysInMonth(year, month) {
                    if SQLTimestamp.daysFromCivil(year, month, day) != days
                        || SQLTimestamp.civilFromDays(days) != (year, month, day) {
                        Issue.record("calendar mismatch at \(year)-\(month)-\(day)")
                        return
                    }
                    days += 1
                }
            }
        }
    }

    @Test func dateLiteralIsACast() throws {
        #expect(try SQLParser.parseExpression("DATE '2026-09-01'") == expr(.cast(str("2026-09-01"), .date)))
        // `date` alone is still a column name.
        #expect(try SQLParser.parseExpression("date") == col("date"))
    }

    @Test func castTypes() throws {
        let names: [(String, SQLType)] = [
            ("BOOLEAN", .boolean), ("bool", .boolean), ("INTEGER", .integer), ("int", .integer), ("INT4", .integer),
            ("BIGINT", .bigint), ("int8", .bigint), ("UBIGINT", .ubigint), ("REAL", .real), ("FLOAT", .real),
            ("DOUBLE", .double), ("DOUBLE PRECISION", .double), ("float8", .double), ("VARCHAR", .varchar),
            ("TEXT", .varchar), ("TIMESTAMP", .timestamp), ("DATE", .date), ("INTERVAL", .interval),
        ]
        for (name, type) in names {
            #expect(try SQLParser.parseExpression("x::\(name)") == expr(.cast(col("x"), type)), "\(name)")
            #expect(try SQLParser.parseExpression("CAST(x AS \(name))") == expr(.cast(col("x"), type)), "\(name)")
        }
        #expect(parseError("SELECT x::money")?.description ==
            "syntax error at 1:11 near 'money': expected a type such as BIGINT, DOUBLE, VARCHAR, BOOLEAN or TIMESTAMP")
        for type in SQLType.allCases {
            #expect(SQLType.named(type.rawValue.lowercased()) == type)
        }
    }
}
