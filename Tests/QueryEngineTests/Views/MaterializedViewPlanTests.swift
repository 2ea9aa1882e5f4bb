import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// The plans the views are for: per-track stats at every grain, and "trending now" from an hourly view.
@Suite("MaterializedViewPlans", .serialized)
struct MaterializedViewPlanTests {
    static let stats = """
        count(*) AS plays, count(DISTINCT user_id) AS listeners, count(*) FILTER (WHERE liked) AS likes,
        avg(duration_ms) AS avg_ms, avg(CASE WHEN completed THEN 1.0 ELSE 0.0 END) AS completion_rate,
        avg(CASE WHEN skipped THEN 1.0 ELSE 0.0 END) AS skip_rate
        """

    @Test func perTrackStatsAtEveryGrainAndTrending() throws {
        try withEngine { e, db, _ in
            _ = try e.execute("CREATE TABLE plays (time TIMESTAMP, artist SYMBOL, track SYMBOL, user_id VARCHAR, duration_ms BIGINT, liked BOOLEAN, completed BOOLEAN, skipped BOOLEAN)")
            var r = SeededRandom(seed: 3)
            func insert(_ n: Int, month: ClosedRange<Int>) throws {
                let rows = (0..<n).map { _ in
                    let t = String(format: "'2025-%02d-%02d %02d:%02d:00'", month.lowerBound + r.below(month.count), 1 + r.below(28), r.below(24), r.below(60))
                    return "(\(t), 'a\(r.below(4))', 't\(r.below(12))', 'u\(r.below(50))', \(r.below(400_000)), \(r.chance(0.3)), \(r.chance(0.6)), \(r.chance(0.2)))"
                }
                _ = try e.execute("INSERT INTO plays VALUES " + rows.joined(separator: ", "))
            }
            try insert(1500, month: 1...12)
            let grains = ["day", "week", "month", "year"]
            var defs: [String: String] = [:]
            for g in grains {
                defs["track_\(g)"] = "SELECT date_trunc('\(g)', time) AS \(g), track, \(Self.stats) FROM plays GROUP BY \(g), track"
            }
            defs["artist_hourly"] = "SELECT time_bucket(INTERVAL '1 hour', time) AS hour, artist, count(*) AS plays FROM plays GROUP BY hour, artist"
            for (name, sql) in defs.sorted(by: { $0.key < $1.key }) { _ = try e.execute("CREATE MATERIALIZED VIEW \(name) AS \(sql)") }
            func check(_ step: String) throws {
                for (name, sql) in defs {
                    // Each view equals its defining query on raw rows (rewriting off, or the view would answer it).
                    let want = MaterializedViewTests.sorted(try MaterializedViewTests.raw(e, sql))
                    #expect(MaterializedViewTests.sorted(try e.rows("SELECT * FROM \(name)")) == want, "\(name) after \(step)")
                    #expect(want.count > 3, "\(name) has rows")
                }
                // Trending now: the top artists of the last days of data, from the hourly view and from raw.
                let since = "'2025-12-27'"
                let fromView = try e.rows("SELECT artist, sum(plays) AS n FROM artist_hourly WHERE hour >= \(since) GROUP BY artist ORDER BY n DESC, artist LIMIT 3")
                let trending = "SELECT artist, count(*) AS n FROM plays WHERE time >= \(since) GROUP BY artist ORDER BY n DESC, artist LIMIT 3"
                #expect(fromView == (try MaterializedViewTests.raw(e, trending)), "trending after \(step)")
                #expect(fromView.count == 3)
                // Asked of raw, the trending question is answered from the hourly view (the only one with artists).
                #expect(try MaterializedViewRewriteTests.answeringView(e, trending) == "artist_hourly")
                #expect(try e.rows(trending) == fromView)
                // Rollups across views: yearly totals from the daily, weekly and monthly views equal the yearly view.
                for g in ["day", "week", "month"] {
                    #expect(try e.rows("SELECT sum(plays), sum(likes) FROM track_\(g)") == e.rows("SELECT sum(plays), sum(likes) FROM track_year"), "\(g) after \(step)")
                }
                // Monthly per-track stats from the daily view equal the monthly view's plays and likes.
                let rolled = "SELECT date_trunc('month', day) AS month, track, sum(plays), sum(likes) FROM track_day GROUP BY month, track"
                #expect(MaterializedViewTests.sorted(try e.rows(rolled)) == MaterializedViewTests.sorted(try e.rows("SELECT month, track, plays, likes FROM track_month")), "rollup after \(step)")
            }
            try check("create")
            try insert(200, month: 12...12)     // today's stream
            try insert(100, month: 1...2)       // replayed offline plays, months late
            try check("late rows")
            _ = try e.execute("DELETE FROM plays WHERE track = 't3' AND time < '2025-06-01'")
            try check("delete")
            try ViewCatalog.of(db).maintainAll()
            try check("maintenance")
            let explain = try e.rows("EXPLAIN SELECT * FROM track_month").map { $0[0] }.joined(separator: "\n")
            #expect(explain.contains("track_month"))
        }
    }
}
