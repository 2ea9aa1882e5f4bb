import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// Raw queries a view answers exactly are answered from it (EXPLAIN says so); others read raw. Random
/// eligible and ineligible queries give the same answer with rewriting on and off, before and after
/// maintenance, and DuckDB computes the same answers from the raw rows.
@Suite("MaterializedViewRewrite", .serialized)
struct MaterializedViewRewriteTests {
    static let daily = """
        SELECT time_bucket(INTERVAL '1 day', time) AS day, artist, track, count(*) AS plays, count(duration_ms) AS timed,
        sum(duration_ms) AS ms, min(duration_ms) AS shortest, max(duration_ms) AS longest,
        count(DISTINCT user_id) AS listeners, count(*) FILTER (WHERE liked) AS likes FROM plays GROUP BY day, artist, track
        """
    static let likedHourly = "SELECT date_trunc('hour', time) AS hour, artist, count(*) AS plays FROM plays WHERE liked GROUP BY hour, artist"

    static func insert(_ e: QueryEngine, _ r: inout SeededRandom, count: Int, days: ClosedRange<Int>) throws {
        let rows = (0..<count).map { _ in
            let t = String(format: "'2026-09-%02d %02d:%02d:%02d'", days.lowerBound + r.below(days.count), r.below(24), r.below(60), r.below(60))
            let ms = r.chance(0.1) ? "NULL" : "\(r.below(300_000))"
            return "(\(t), 'a\(r.below(4))', 'u\(r.below(40))', 't\(r.below(6))', \(ms), \(r.chance(0.4)))"
        }
        _ = try e.execute("INSERT INTO plays VALUES " + rows.joined(separator: ", "))
    }

    static func setUp(_ e: QueryEngine, _ r: inout SeededRandom) throws {
        _ = try e.execute(MaterializedViewTests.schema)
        try insert(e, &r, count: 800, days: 1...28)
        _ = try e.execute("CREATE MATERIALIZED VIEW daily AS " + daily)
        _ = try e.execute("CREATE MATERIALIZED VIEW liked_hourly AS " + likedHourly)
    }

    /// The view EXPLAIN says answers `sql`, or nil.
    static func answeringView(_ e: QueryEngine, _ sql: String) throws -> String? {
        let plan = try e.rows("EXPLAIN " + sql).map { $0[0] }
        guard let line = plan.first(where: { $0.contains("answered from materialized view") }) else { return nil }
        return line.components(separatedBy: "answered from materialized view ").last
    }

    @Test func eligibleQueriesAreAnsweredFromTheViewAndOthersAreNot() throws {
        try withEngine { e, db, _ in
            var r = SeededRandom(seed: 9)
            try Self.setUp(e, &r)
            let cases: [(String, String?)] = [
                // Coarser buckets, key subsets, derivable aggregates, aligned time bounds.
                ("SELECT date_trunc('month', time) AS m, artist, count(*), sum(duration_ms), min(duration_ms), max(duration_ms) FROM plays GROUP BY m, artist", "daily"),
                ("SELECT date_trunc('week', time), count(duration_ms), avg(duration_ms) FROM plays WHERE artist = 'a1' AND time >= '2026-09-07' AND time < '2026-09-21' GROUP BY 1", "daily"),
                ("SELECT artist, count(*) FILTER (WHERE liked) AS likes FROM plays GROUP BY artist HAVING count(*) > 10 ORDER BY likes DESC LIMIT 2", "daily"),
                ("SELECT count(*) FROM plays", "daily"),
                ("SELECT time_bucket(INTERVAL '2 days', time) AS d, track, sum(duration_ms) FROM plays WHERE track IN ('t1', 't2') GROUP BY d, track", "daily"),
                // Distinct counts at the view's own grain only.
                ("SELECT date_trunc('day', time) AS day, artist, track, count(DISTINCT user_id) FROM plays GROUP BY day, artist, track", "daily"),
                // … or with the keys not grouped by pinned to one value.
                ("SELECT date_trunc('day', time) AS day, count(DISTINCT user_id) FROM plays WHERE artist = 'a1' AND track = 't2' GROUP BY day", "daily"),
                ("SELECT date_trunc('day', time) AS day, count(DISTINCT user_id) FROM plays WHERE artist = 'a1' GROUP BY day", nil),
                // The view's WHERE is part of the query's: the hourly view of liked plays (coarsest wins otherwise).
                ("SELECT date_trunc('hour', time) AS h, count(*) FROM plays WHERE liked AND artist = 'a2' GROUP BY h", "liked_hourly"),
                // Not answerable.
                ("SELECT date_trunc('month', time) AS m, count(DISTINCT user_id) FROM plays GROUP BY m", nil),
                ("SELECT date_trunc('hour', time) AS h, count(*) FROM plays GROUP BY h", nil),
                ("SELECT artist, count(*) FROM plays WHERE time >= '2026-09-07 12:00:00' GROUP BY artist", nil),
                ("SELECT artist, count(*) FROM plays WHERE duration_ms > 1000 GROUP BY artist", nil),
                ("SELECT user_id, count(*) FROM plays GROUP BY user_id", nil),
                ("SELECT artist, median(duration_ms) FROM plays GROUP BY artist", nil),
                ("SELECT artist, duration_ms FROM plays", nil),
                ("SELECT time_bucket(INTERVAL '36 hours', time) AS b, count(*) FROM plays GROUP BY b", nil),
            ]
            for (sql, view) in cases {
                #expect(try Self.answeringView(e, sql) == view, "\(sql)")
                let on = MaterializedViewTests.sorted(try e.rows(sql))
                let off = MaterializedViewTests.sorted(try MaterializedViewTests.raw(e, sql))
                #expect(on == off, "\(sql)")
            }
            // Off per session and per engine.
            let sql = cases[0].0
            #expect(try !MaterializedViewTests.raw(e, "EXPLAIN " + sql).joined().joined().contains("materialized view"))
            let plain = QueryEngine(database: db, threads: 2, viewRewrite: false)
            #expect(try !plain.rows("EXPLAIN " + sql).joined().joined().contains("materialized view"))
            // A view answering its own defining query reads it from the view.
            #expect(try Self.answeringView(e, Self.daily) == "daily")
        }
    }

    /// A random aggregate query over `plays`, keys first (so sorted rows line up).
    static func randomQuery(_ r: inout SeededRandom) -> String {
        let buckets = ["date_trunc('day', time)", "date_trunc('week', time)", "date_trunc('month', time)", "time_bucket(INTERVAL '1 day', time)",
                       "time_bucket(INTERVAL '2 days', time)", "date_trunc('hour', time)", "time_bucket(INTERVAL '36 hours', time)"]
        let keys = ["artist", "track", "user_id"]
        let aggregates = ["count(*)", "count(duration_ms)", "sum(duration_ms)", "min(duration_ms)", "max(duration_ms)", "avg(duration_ms)",
                          "count(*) FILTER (WHERE liked)", "count(DISTINCT user_id)", "median(duration_ms)", "sum(duration_ms) FILTER (WHERE liked)"]
        let conditions = ["artist = 'a1'", "artist IN ('a0', 'a2')", "track = 't3'", "time >= '2026-09-05'", "time < '2026-09-20'", "track <> 't3'",
                          "time >= '2026-09-05 06:00:00'", "liked", "duration_ms > 1000", "date_trunc('week', time) = '2026-09-07'"]
        var groups: [String] = []
        if r.chance(0.75) { groups.append(r.chance(0.7) ? buckets[r.below(5)] : buckets[r.below(buckets.count)]) }
        for k in keys where r.chance(k == "user_id" ? 0.1 : 0.45) { groups.append(k) }
        var items = groups
        for _ in 0..<(1 + r.below(3)) {
            items.append(r.chance(0.8) ? aggregates[r.below(7)] : aggregates[r.below(aggregates.count)])
        }
        var sql = "SELECT " + items.joined(separator: ", ") + " FROM plays"
        var wheres: [String] = []
        for _ in 0..<r.below(3) { wheres.append(r.chance(0.8) ? conditions[r.below(5)] : conditions[r.below(conditions.count)]) }
        if !wheres.isEmpty { sql += " WHERE " + wheres.joined(separator: " AND ") }
        if !groups.isEmpty { sql += " GROUP BY " + (1...groups.count).map(String.init).joined(separator: ", ") }
        if r.chance(0.2) { sql += " HAVING count(*) > \(r.below(5))" }
        return sql
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomQueriesAnswerTheSameWithAndWithoutRewrite(seed: UInt64) throws {
        try withEngine { e, db, _ in
            var r = SeededRandom(seed: seed)
            try Self.setUp(e, &r)
            let queries = (0..<60).map { _ in Self.randomQuery(&r) }
            var rewritten = 0
            func check(_ step: String) throws {
                for sql in queries {
                    if try Self.answeringView(e, sql) != nil { rewritten += 1 }
                    let on = MaterializedViewTests.sorted(try e.rows(sql))
                    let off = MaterializedViewTests.sorted(try MaterializedViewTests.raw(e, sql))
                    #expect(on == off, "\(step): \(sql)")
                    if on != off { throw DifferentialError("\(step): \(sql)") }
                }
            }
            try check("current")
            // Late rows and a delete: pending buckets, answered from raw inside the rewritten query.
            try Self.insert(e, &r, count: 80, days: 2...9)
            _ = try e.execute("DELETE FROM plays WHERE track = 't\(r.below(6))' AND time < '2026-09-12'")
            try check("pending")
            try ViewCatalog.of(db).maintainAll()
            try check("maintained")
            // Not vacuous: many queries were rewritten, and many were not.
            #expect(rewritten > queries.count / 2 && rewritten < 3 * queries.count * 9 / 10, "\(rewritten) of \(3 * queries.count)")
            try Self.checkAgainstDuckDB(e, queries)
        }
    }

    /// DuckDB, given tsdb's raw rows, computes the same answers tsdb gives with rewriting on.
    static func checkAgainstDuckDB(_ e: QueryEngine, _ queries: [String]) throws {
        let raw = try MaterializedViewTests.raw(e, "SELECT time, artist, user_id, track, duration_ms, liked FROM plays")
        var statements = ["CREATE TABLE plays (time TIMESTAMP, artist VARCHAR, user_id VARCHAR, track VARCHAR, duration_ms BIGINT, liked BOOLEAN)"]
        for chunk in stride(from: 0, to: raw.count, by: 500) {
            statements.append("INSERT INTO plays VALUES " + raw[chunk..<min(raw.count, chunk + 500)].map { r in
                "('\(r[0])', '\(r[1])', '\(r[2])', '\(r[3])', \(r[4]), \(r[5]))"
            }.joined(separator: ", "))
        }
        let first = statements.count
        statements += queries
        let duck = try DDLDifferentialTests.duckdb(statements)
        for (i, sql) in queries.enumerated() {
            let result = try e.execute(sql)
            let ours = (0..<result.rowCount).map { row in
                result.columns.map { c -> String? in
                    if c.vector.isNull(row) { return nil }
                    if c.vector.type == .float64 { return String(c.vector.float64s[row]) }
                    return textRows(QueryResult(columns: [ResultColumn(name: "", vector: c.vector.slice(row..<row + 1))]))[0][0]
                }
            }
            func key(_ row: [String?]) -> String { row.map { $0 ?? "NULL" }.joined(separator: "\u{1}") }
            let got = ours.sorted { key($0) < key($1) }, want = duck[first + i].sorted { key($0) < key($1) }
            #expect(got.count == want.count, "\(sql): \(got.count) rows, DuckDB \(want.count)")
            for (g, w) in zip(got, want) where !(g.count == w.count && zip(g, w).allSatisfy({ DDLDifferentialTests.same($0, $1) })) {
                Issue.record("\(sql)\n tsdb:   \(g)\n duckdb: \(w)")
                break
            }
        }
    }
}
