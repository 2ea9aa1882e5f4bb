import Testing
@testable import QueryEngine

/// Arithmetic never wraps: a result that does not fit its type is an error (where DuckDB answers with a
/// wider type tsdb does not have, or errors itself), or the IEEE value DuckDB gives (inf for doubles).
@Suite("Overflow")
struct OverflowTests {
    /// Whether the query's cells are `expected` (recording what they are when not).
    func same(_ e: QueryEngine, _ sql: String, _ expected: [[String]], sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        let got = cells(try e.execute(sql))
        if got != expected { Issue.record("\(sql): got \(got)", sourceLocation: sourceLocation) }
        return true
    }

    /// What DuckDB answers for each is in the comments; "error" where DuckDB raises one.
    @Test func integerArithmetic() throws {
        try withPlays(rows: 100) { (e: QueryEngine) throws in
            // DuckDB: Overflow in division of -9223372036854775808 / -1
            #expect(failure(e, "SELECT -9223372036854775808 // -1")?.contains("integer overflow in division of BIGINT") == true)
            #expect(failure(e, "SELECT (duration_ms - 9223372036854775807 - 1) // -1 FROM plays WHERE duration_ms = 0")?
                .contains("integer overflow in division") == true)
            // DuckDB: 0
            #expect(try same(e, "SELECT -9223372036854775808 % -1", [["0"]]))
            // DuckDB: 9223372036854775808 (HUGEINT); tsdb has no 128-bit type, so it refuses.
            #expect(failure(e, "SELECT -(-9223372036854775808)")?.contains("integer overflow in negation") == true)
            #expect(failure(e, "SELECT -(duration_ms - 9223372036854775807 - 1) FROM plays WHERE duration_ms = 0")?
                .contains("integer overflow in negation") == true)
            // DuckDB: Overflow in addition/multiplication of INT64
            #expect(failure(e, "SELECT 9223372036854775807 + 1")?.contains("integer overflow in addition of BIGINT") == true)
            #expect(failure(e, "SELECT duration_ms * 9223372036854775807 FROM plays")?.contains("integer overflow in multiplication") == true)
            #expect(failure(e, "SELECT abs(-9223372036854775807 - 1)")?.contains("integer overflow in abs") == true)
            // // and % truncate toward zero, as in DuckDB.
            #expect(try same(e, "SELECT -5 // 2, 5 // -2, -7 % 3, (-9223372036854775807 - 1) // 2", [["-2", "-2", "-1", "-4611686018427387904"]]))
            // avg() is exact past 64 bits (DuckDB averages in 128); sum() refuses a total beyond BIGINT.
            #expect(try same(e, "SELECT avg(duration_ms + 9223372036854000000), avg(-duration_ms - 9223372036854000000) FROM plays", [["9.22337203685405e+18", "-9.22337203685405e+18"]]))
            #expect(try same(e, "SELECT liked, avg(duration_ms + 9223372036854000000) FROM plays GROUP BY liked ORDER BY liked", [["false", "9.223372036854049e+18"], ["true", "9.223372036854049e+18"]]))
            #expect(failure(e, "SELECT sum(duration_ms + 9223372036854000000) FROM plays")?.contains("integer overflow in sum()") == true)
            // A NULL row's operands never overflow.
            #expect(try same(e, "SELECT CASE WHEN liked THEN NULL ELSE 1 END + 9223372036854775806 FROM plays LIMIT 1", [["NULL"]]))
        }
    }

    /// Only rows a query keeps can fail it: rows WHERE drops, and CASE branches a row doesn't take, are
    /// not computed for it (as in DuckDB).
    @Test func onlyKeptRowsCanOverflow() throws {
        try withPlays(rows: 100) { (e: QueryEngine) throws in
            let big = "9223372036854700000"  // + 99,000 (the largest duration_ms) overflows
            #expect(failure(e, "SELECT duration_ms + \(big) FROM plays") != nil)
            #expect(try same(e, "SELECT duration_ms + \(big) FROM plays WHERE duration_ms < 1000", [["9223372036854700000"]]))
            #expect(try same(e, "SELECT max(duration_ms + \(big)), count(*) FROM plays WHERE duration_ms < 1000", [["9223372036854700000", "1"]]))
            #expect(try same(e, "SELECT liked, max(duration_ms + \(big)) FROM plays WHERE duration_ms < 1000 GROUP BY liked", [["true", "9223372036854700000"]]))
            // AND / OR: a side is computed only where the other leaves the answer open, whichever comes first.
            #expect(try same(e, "SELECT count(*) FROM plays WHERE duration_ms < 1000 AND duration_ms + \(big) > 0", [["1"]]))
            #expect(try same(e, "SELECT count(*) FROM plays WHERE duration_ms + \(big) > 0 AND duration_ms < 1000", [["1"]]))
            #expect(try same(e, "SELECT count(*) FROM plays WHERE duration_ms >= 1000 OR duration_ms + \(big) > 0", [["100"]]))
            #expect(try same(e, "SELECT duration_ms < 1000 AND duration_ms + \(big) > 0 FROM plays ORDER BY time LIMIT 2", [["true"], ["false"]]))
            #expect(failure(e, "SELECT count(*) FROM plays WHERE duration_ms > 80000 AND duration_ms + \(big) > 0")?.contains("overflow") == true)
            #expect(try same(e, "SELECT CASE WHEN duration_ms < 1000 THEN duration_ms + \(big) ELSE 0 END FROM plays ORDER BY time LIMIT 2", [["9223372036854700000"], ["0"]]))
            #expect(try same(e, "SELECT CASE WHEN duration_ms >= 1000 THEN 0 ELSE duration_ms + \(big) END FROM plays ORDER BY time LIMIT 2", [["9223372036854700000"], ["0"]]))
        }
    }

    /// ORDER BY … LIMIT computes the select list for the rows that can make the cut only (DuckDB's top-N).
    @Test func topNComputesOnlyItsRows() throws {
        try withPlays(rows: 1_000, memtableRows: 0) { (e: QueryEngine) throws in
            let big = "9223372036854700000"  // + anything over 75,807 overflows
            #expect(try same(e, "SELECT duration_ms + \(big) FROM plays ORDER BY duration_ms, time LIMIT 2",
                             [["9223372036854700000"], ["9223372036854701000"]]))
            #expect(failure(e, "SELECT duration_ms + \(big) FROM plays ORDER BY duration_ms DESC LIMIT 2")?.contains("overflow") == true)
        }
    }

    @Test func integerIs32Bit() throws {
        try withPlays(rows: 100) { (e: QueryEngine) throws in
            // DuckDB: Conversion Error: … INT64 with value 3000000000 can't be cast … INT32
            #expect(failure(e, "SELECT CAST(3000000000 AS INTEGER)")?.contains("cannot cast 3000000000 to INTEGER") == true)
            #expect(failure(e, "SELECT CAST('3000000000' AS INTEGER)")?.contains("to INTEGER") == true)
            #expect(failure(e, "SELECT CAST(2147483647.6 AS INT)")?.contains("to INTEGER") == true)
            #expect(failure(e, "SELECT CAST(duration_ms * 100000 AS INT4) FROM plays")?.contains("to INTEGER") == true)
            #expect(try same(e, "SELECT CAST(2147483647 AS INTEGER), CAST(-2147483648 AS INTEGER)", [["2147483647", "-2147483648"]]))
            // DuckDB: Overflow in addition of INT32 (2147483647 + 1)!
            #expect(failure(e, "SELECT CAST(2147483647 AS INTEGER) + CAST(1 AS INTEGER)")?.contains("integer overflow in addition of INTEGER") == true)
            #expect(failure(e, "SELECT CAST(2147483647 AS INTEGER) + 1")?.contains("integer overflow in addition of INTEGER") == true)
            #expect(failure(e, "SELECT CAST(duration_ms AS INTEGER) * 100000 FROM plays")?.contains("multiplication of INTEGER") == true)
            #expect(failure(e, "SELECT abs(CAST(-2147483648 AS INTEGER))")?.contains("overflow in abs") == true)
            // DuckDB widens these to BIGINT.
            #expect(try same(e, "SELECT CAST(2147483647 AS INTEGER) + 3000000000, -CAST(-2147483648 AS INTEGER), CAST(2147483647 AS INTEGER) + CAST(1 AS BIGINT)", [["5147483647", "2147483648", "2147483648"]]))
            // sum() of INTEGER is wide (DuckDB: HUGEINT).
            #expect(try same(e, "SELECT sum(CAST(2147483647 AS INTEGER)) FROM plays", [["214748364700"]]))
            #expect(try same(e, "SELECT max(CAST(duration_ms AS INTEGER)), min(CAST(duration_ms AS INT)) + 1 FROM plays", [["99000", "1"]]))
        }
    }

    @Test func timestamps() throws {
        try withPlays(rows: 100) { (e: QueryEngine) throws in
            // DuckDB (microsecond timestamps) answers 2262-04-21; nanosecond timestamps end at 2262-04-11.
            #expect(failure(e, "SELECT TIMESTAMP '2262-04-11' + INTERVAL '10 days'")?.contains("timestamp out of range") == true)
            // DuckDB: Conversion Error: ICU date overflows timestamp range
            #expect(failure(e, "SELECT now() + INTERVAL '100000000 years'")?.contains("timestamp out of range") == true)
            #expect(failure(e, "SELECT time + INTERVAL '1000 years' FROM plays")?.contains("timestamp out of range") == true)
            #expect(failure(e, "SELECT time - INTERVAL '130000 days' FROM plays")?.contains("timestamp out of range") == true)
            #expect(failure(e, "SELECT time + INTERVAL '2000000000 days' FROM plays")?.contains("out of range") == true)
            #expect(failure(e, "SELECT date_trunc('month', TIMESTAMP '1677-09-21 01:00:00')")?.contains("timestamp out of range") == true)
            // 1677-09-21 00:30 is a timestamp; its day bucket (from 00:00) is not: the range starts at 00:12:43.
            #expect(failure(e, "SELECT time_bucket(INTERVAL '1 day', TIMESTAMP '1677-09-21 00:30:00')")?.contains("out of range") == true)
            #expect(failure(e, "SELECT time_bucket(INTERVAL '1 day', time - INTERVAL '127205 days 23:30:00') FROM plays")?
                .contains("out of range") == true)
            #expect(try same(e, "SELECT time_bucket(INTERVAL '1 hour', time - INTERVAL '127205 days 23:30:00') FROM plays WHERE time >= '2026-01-01 01:00' ORDER BY 1 LIMIT 1", [["1677-09-21 01:00:00"]]))
            #expect(try same(e, "SELECT TIMESTAMP '2262-04-10' + INTERVAL '1 day', TIMESTAMP '2262-04-11' - INTERVAL '584 years'", [["2262-04-11 00:00:00", "1678-04-11 00:00:00"]]))
        }
    }

    /// Doubles follow IEEE 754 as DuckDB's do: overflow is ±inf, not NULL and not an error.
    @Test func doubles() throws {
        try withPlays(rows: 100) { (e: QueryEngine) throws in
            #expect(try same(e, "SELECT 1e308 * 10, -1e308 * 10", [["inf", "-inf"]]))
            // round() past the double's range: DuckDB gives 1.5, 0.0, 1e300; a digit count beyond INTEGER is an error.
            #expect(try same(e, "SELECT round(1.5, 400), round(1.5, -400), round(1e300, 10), round(2.5, 0)", [["1.5", "0.0", "1e+300", "3.0"]]))
            #expect(failure(e, "SELECT round(1.5, 3000000000)")?.contains("must fit an INTEGER") == true)
            // NaN is greater than every number (DuckDB's order): max() finds it, min() passes it by.
            let nan = "CASE WHEN duration_ms = 5000 THEN 1e308 * 10 - 1e308 * 10 ELSE revenue END"
            #expect(try same(e, "SELECT max(\(nan)), min(\(nan)) FROM plays", [["nan", "0.0"]]))
            #expect(try same(e, "SELECT liked, max(\(nan)) FROM plays GROUP BY liked ORDER BY liked", [["false", "nan"], ["true", "24.75"]]))
            #expect(try same(e, "SELECT sum(x), avg(x) FROM (SELECT 1.7e308 AS x FROM plays LIMIT 2)", [["inf", "inf"]]))
            #expect(try same(e, "SELECT platform, sum(revenue * 1e307) FROM plays WHERE platform = 'web' GROUP BY platform", [["web", "inf"]]))
            let json = ResultFormatter.string(try e.execute("SELECT sum(x) AS s FROM (SELECT 1.7e308 AS x FROM plays LIMIT 2)"), as: .jsonl)
            #expect(json == "{\"s\":\"inf\"}\n")
        }
    }

    /// Dates that don't exist are errors, as in DuckDB ("date field value out of range").
    @Test func impossibleDates() throws {
        try withPlays(rows: 100) { (e: QueryEngine) throws in
            for sql in ["SELECT TIMESTAMP '2026-02-30'", "SELECT DATE '2026-02-29'", "SELECT CAST('2100-02-29' AS TIMESTAMP)",
                        "SELECT count(*) FROM plays WHERE time >= '2026-04-31'", "SELECT TIMESTAMP '2026-13-01'"] {
                #expect(failure(e, sql)?.contains("no such date") == true, "\(sql)")
            }
            #expect(try same(e, "SELECT TIMESTAMP '2024-02-29', DATE '2000-02-29'", [["2024-02-29 00:00:00", "2000-02-29"]]))
        }
    }
}
