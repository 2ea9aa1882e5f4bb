import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

private let t0: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z (a Thursday)
private let hour: Int64 = 3_600_000_000_000
private let day: Int64 = 24 * hour

/// A small table with NULLs, several days, and rows in segments and in the memtable.
private func fixture(_ body: (QueryEngine) throws -> Void) throws {
    let dir = TempDirectory(); defer { dir.remove() }
    var o = DatabaseOptions()
    o.background = false
    let db = try Database(path: dir.path, options: o)
    defer { try? db.close() }
    var b = BatchBuilder(table: "plays")
    let artists = ["A", "B", "C"], platforms = ["web", "ios"]
    for i in 0..<60 {
        var row: [(String, BatchBuilder.Value)] = [
            ("artist", .tag(artists[i % 3])), ("platform", .tag(platforms[i % 2])),
            ("duration_ms", .int(Int64(i * 1000))), ("liked", .bool(i % 4 == 0)), ("user_id", .string("u\(i % 7)")),
        ]
        if i % 10 != 0 { row.append(("revenue", .float(Double(i) * 0.5))) }  // every 10th revenue is NULL
        b.add(time: t0 + Int64(i) * 6 * hour, row)  // 60 rows over 15 days
    }
    try db.write([b.batch])
    try db.flush()
    var late = BatchBuilder(table: "plays")
    late.add(time: t0 + 2 * day + 1, [("artist", .tag("D")), ("duration_ms", .int(5)), ("user_id", .string("u99"))])
    try db.write([late.batch])  // stays in the memtable; platform, liked and revenue are NULL
    try body(QueryEngine(database: db, threads: 2))
}

/// The result as rows of strings (NULL as "NULL", floats with %g).
private func rows(_ r: QueryResult) -> [[String]] {
    (0..<r.rowCount).map { i in
        r.columns.map { c in
            let v = c.vector
            if v.isNull(i) { return "NULL" }
            switch v.type {
            case .time: return SQLTimestamp.format(v.int64s[i])
            case .int64, .date: return String(v.int64s[i])
            case .uint64: return String(v.uint64s[i])
            case .float64: return String(format: "%g", v.float64s[i])
            case .bool: return v.bools[i] != 0 ? "true" : "false"
            case .string: return v.string(at: i)
            case .symbol: return "?"
            }
        }
    }
}

private func q(_ e: QueryEngine, _ sql: String) throws -> [[String]] { rows(try e.execute(sql)) }

@Suite("QueryEngine")
struct QueryEngineTests {
    @Test func countsAndNulls() throws {
        try fixture { (e: QueryEngine) throws in
            #expect(try q(e, "SELECT count(*), count(revenue), count(platform), count(DISTINCT artist) FROM plays") == [["61", "54", "60", "4"]])
            #expect(try q(e, "SELECT sum(duration_ms), min(duration_ms), max(duration_ms) FROM plays WHERE artist = 'D'") == [["5", "5", "5"]])
            #expect(try q(e, "SELECT sum(revenue), avg(revenue) FROM plays WHERE artist = 'nobody'") == [["NULL", "NULL"]])
            #expect(try q(e, "SELECT count(*) FROM plays WHERE revenue IS NULL") == [["7"]])
            #expect(try q(e, "SELECT count(*) FROM plays WHERE platform IS NOT NULL AND liked") == [["15"]])
            #expect(try q(e, "SELECT count(*) FROM plays WHERE NOT liked") == [["45"]])  // NULL liked is neither
        }
    }

    @Test func groupByTagsWithOrderAndLimit() throws {
        try fixture { (e: QueryEngine) throws in
            #expect(try q(e, "SELECT artist, count(*) AS n, sum(duration_ms) FROM plays GROUP BY artist ORDER BY artist") ==
                [["A", "20", "570000"], ["B", "20", "590000"], ["C", "20", "610000"], ["D", "1", "5"]])
            #expect(try q(e, "SELECT platform, count(*) FROM plays GROUP BY 1 ORDER BY 2 DESC, 1 NULLS FIRST") ==
                [["ios", "30"], ["web", "30"], ["NULL", "1"]])
            #expect(try q(e, "SELECT artist, platform, count(*) AS n FROM plays WHERE artist IN ('A', 'B') GROUP BY artist, platform ORDER BY n DESC, artist, platform LIMIT 2 OFFSET 1") ==
                [["A", "web"].map { $0 } + ["10"], ["B", "ios", "10"]])
            #expect(try q(e, "SELECT artist FROM plays GROUP BY artist HAVING count(*) > 1 AND min(duration_ms) > 0 ORDER BY artist") == [["B"], ["C"]])
        }
    }

    @Test func timeFunctionsAndRanges() throws {
        try fixture { (e: QueryEngine) throws in
            #expect(try q(e, "SELECT count(*) FROM plays WHERE time >= '2026-01-02' AND time < '2026-01-03'") == [["4"]])
            #expect(try q(e, "SELECT count(*) FROM plays WHERE time BETWEEN '2026-01-01T06:00:00Z' AND '2026-01-01T18:00:00Z'") == [["3"]])
            #expect(try q(e, "SELECT time_bucket(INTERVAL '1 day', time) AS d, count(*) FROM plays WHERE time < '2026-01-04' GROUP BY d ORDER BY d") ==
                [["2026-01-01 00:00:00", "4"], ["2026-01-02 00:00:00", "4"], ["2026-01-03 00:00:00", "5"]])
            #expect(try q(e, "SELECT date_trunc('week', time) AS w, count(*) FROM plays GROUP BY w ORDER BY w") ==
                [["2025-12-29 00:00:00", "17"], ["2026-01-05 00:00:00", "28"], ["2026-01-12 00:00:00", "16"]])
            #expect(try q(e, "SELECT date_trunc('month', time) AS m, count(*) FROM plays GROUP BY m") == [["2026-01-01 00:00:00", "61"]])
            #expect(try q(e, "SELECT count(*) FROM plays WHERE time > TIMESTAMP '2026-01-15 00:00:00' - INTERVAL '1 day'") == [["7"]])
            #expect(try q(e, "SELECT count(*) FROM plays WHERE time >= now() - INTERVAL '7 days'") == [["0"]])
        }
    }

    @Test func expressionsCaseLikeCast() throws {
        try fixture { (e: QueryEngine) throws in
            #expect(try q(e, "SELECT sum(CASE WHEN liked THEN 1 ELSE 0 END), avg(CASE WHEN liked THEN 1.0 ELSE 0.0 END) FROM plays WHERE artist <> 'D'") == [["15", "0.25"]])
            #expect(try q(e, "SELECT count(*) FROM plays WHERE artist LIKE '_' AND user_id LIKE 'u9%'") == [["1"]])
            #expect(try q(e, "SELECT count(*) FROM plays WHERE artist NOT IN ('A', 'D') AND duration_ms / 1000 >= 50") == [["7"]])
            #expect(try q(e, "SELECT max(duration_ms // 7), max(duration_ms % 7), CAST(max(duration_ms) AS DOUBLE) / 2 FROM plays") == [["8428", "6", "29500"]])
            #expect(try q(e, "SELECT min(user_id), max(user_id), max(artist) FROM plays") == [["u0", "u99", "D"]])
            #expect(try q(e, "SELECT 1 + 2 * 3, 7 / 2, -(4), 'x' || 'y', NULL IS NULL") == [["7", "3.5", "-4", "xy", "true"]])
            #expect(try q(e, "SELECT coalesce(platform, 'none') AS p, count(*) FROM plays GROUP BY p ORDER BY p") ==
                [["ios", "30"], ["none", "1"], ["web", "30"]])
        }
    }

    @Test func plainSelectsAndSubqueries() throws {
        try fixture { (e: QueryEngine) throws in
            #expect(try q(e, "SELECT artist, duration_ms FROM plays ORDER BY duration_ms DESC LIMIT 2") == [["C", "59000"], ["B", "58000"]])
            #expect(try q(e, "SELECT duration_ms FROM plays WHERE artist = 'D'") == [["5"]])
            #expect(try q(e, "SELECT * FROM plays WHERE artist = 'D'")[0].count == 7)
            #expect(try q(e, "SELECT platform, avg(n), max(n) FROM (SELECT platform, time_bucket(INTERVAL '1 day', time) AS d, count(*) AS n FROM plays GROUP BY platform, d) GROUP BY platform ORDER BY platform") ==
                [["ios", "2", "2"], ["web", "2", "2"], ["NULL", "1", "1"]])
            #expect(try q(e, "SELECT DISTINCT artist FROM plays WHERE artist < 'C' ORDER BY 1") == [["A"], ["B"]])
            #expect(try q(e, "SELECT approx_count_distinct(user_id), count(DISTINCT user_id) FROM plays") == [["8", "8"]])
        }
    }

    @Test func catalogStatements() throws {
        try fixture { (e: QueryEngine) throws in
            #expect(try q(e, "SHOW TABLES") == [["plays"]])
            let d = try q(e, "DESCRIBE plays")
            #expect(d.first == ["time", "TIMESTAMP", "time"])
            #expect(d.contains(["artist", "VARCHAR", "tag"]) && d.contains(["revenue", "DOUBLE", "field"]))
            let plan = try q(e, "EXPLAIN SELECT count(*) FROM plays WHERE time >= '2026-01-10' AND artist = 'A'").map { $0[0] }.joined(separator: "\n")
            #expect(plan.contains("partitions: 6 of 15 read (9 pruned by time)"), "\(plan)")
            #expect(plan.contains("memtable chunks: 0 of 1 read"), "\(plan)")
        }
    }

    /// A bound computed from constants (`TIMESTAMP … - INTERVAL …`, inside a CTE too) prunes like a literal,
    /// and answers the same.
    @Test func constantBoundsPruneLikeLiterals() throws {
        try fixture { (e: QueryEngine) throws in
            let literal = "SELECT count(*) FROM plays WHERE time >= '2026-01-10' AND artist = 'A'"
            let computed = "WITH c AS (SELECT * FROM plays WHERE time >= TIMESTAMP '2026-01-12' - INTERVAL '2 days' AND artist = 'A') SELECT count(*) FROM c"
            let plan = try q(e, "EXPLAIN " + computed).map { $0[0] }.joined(separator: "\n")
            #expect(plan.contains("partitions: 6 of 15 read (9 pruned by time)"), "\(plan)")
            #expect(try q(e, computed) == q(e, literal))
            // Not foldable: a column on both sides still filters row by row.
            #expect(try q(e, "SELECT count(*) FROM plays WHERE time >= time - INTERVAL '1 day'") == q(e, "SELECT count(*) FROM plays"))
        }
    }

    @Test func errorsCarryPositions() throws {
        try fixture { (e: QueryEngine) throws in
            func message(_ sql: String) -> String {
                do { _ = try e.execute(sql); return "no error" } catch { return "\(error)" }
            }
            #expect(message("SELECT nope FROM plays") == "error at 1:8: unknown column 'nope' in table 'plays'")
            #expect(message("SELECT count(*) FROM nowhere").hasPrefix("error at 1:22: unknown table 'nowhere'"))
            #expect(message("SELECT artist, count(*) FROM plays") == "error at 1:8: column 'artist' must appear in the GROUP BY clause or be used in an aggregate function")
            #expect(message("SELECT count(*) FROM plays GROUPBY artist").hasPrefix("syntax error at 1:28 near 'GROUPBY'"))
            #expect(message("SELECT sum(artist) FROM plays") == "error at 1:8: sum() needs a number, got VARCHAR")
            #expect(message("SELECT count(*) FROM plays WHERE time > 'yesterday'").contains("invalid timestamp 'yesterday'"))
        }
    }

    @Test func integerSumOverflowIsAnError() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions(); o.background = false
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        var b = BatchBuilder(table: "t")
        b.add(time: t0, [("x", .int(.max))])
        b.add(time: t0 + 1, [("x", .int(1))])
        try db.write([b.batch])
        let e = QueryEngine(database: db)
        #expect(throws: QueryError.self) { _ = try e.execute("SELECT sum(x) FROM t") }
        #expect(try q(e, "SELECT max(x), min(x) FROM t") == [["9223372036854775807", "1"]])
    }
}
