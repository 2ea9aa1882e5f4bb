import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// `FROM v` with nothing pending is a direct scan of the view's table, pruned by the bucket's bounds; with
/// pending buckets the outer WHERE reaches both sides of the union. Either way the answer equals the
/// same query over the defining query on raw.
@Suite("MaterializedViewPushdown", .serialized)
struct MaterializedViewPushdownTests {
    static let view = """
        SELECT time_bucket(INTERVAL '1 day', time) AS day, artist, count(*) AS plays, count(DISTINCT user_id) AS listeners,
        sum(duration_ms) AS ms, max(duration_ms) AS longest FROM plays GROUP BY day, artist
        """

    static func explain(_ e: QueryEngine, _ sql: String) throws -> String {
        try e.rows("EXPLAIN " + sql).map { $0[0] }.joined(separator: "\n")
    }

    @Test func currentViewIsADirectScanUnderItsOwnNames() throws {
        try withEngine { e, db, _ in
            _ = try e.execute(MaterializedViewTests.schema)
            var r = SeededRandom(seed: 21)
            try MaterializedViewTests.insertRows(e, &r, count: 600, days: 1...20)
            _ = try e.execute("CREATE MATERIALIZED VIEW daily AS " + Self.view)
            try db.flush()
            #expect(try e.rows("SELECT pending_ranges FROM tsdb_views") == [["0"]])
            let q = "SELECT day, sum(plays) AS n FROM daily WHERE artist = 'a1' AND day >= '2026-09-10' GROUP BY day ORDER BY day"
            let plan = try Self.explain(e, q)
            #expect(plan.contains("SCAN daily"), "\(plan)")
            #expect(!plan.contains("SCAN plays") && !plan.contains("UNION"), "\(plan)")
            // The bucket is the stored time column: its bounds prune the view's day partitions.
            #expect(plan.contains("partitions: 11 of 20 read (9 pruned by time)"), "\(plan)")
            #expect(try e.rows(q) == MaterializedViewTests.raw(e, "SELECT date_trunc('day', time) AS day, count(*) AS n FROM plays WHERE artist = 'a1' AND time >= '2026-09-10' GROUP BY day ORDER BY day"))
            // The view's columns, in its order, the bucket under its alias.
            #expect(try e.rows("DESCRIBE daily").map { $0[0] } == ["day", "artist", "plays", "listeners", "ms", "longest"])
            #expect(try e.execute("SELECT * FROM daily LIMIT 1").columns.map(\.name) == ["day", "artist", "plays", "listeners", "ms", "longest"])
            #expect(throws: QueryError.self) { try e.execute("SELECT time FROM daily") }
            // Joins read it directly too.
            let joined = "SELECT a.day, a.plays, b.plays FROM daily a JOIN daily b ON a.day = b.day AND a.artist = b.artist WHERE a.artist = 'a2' ORDER BY a.day"
            #expect(try e.rows(joined).allSatisfy { $0[1] == $0[2] })
            #expect(try String(e.rows(joined).count) == e.rows("SELECT count(*) FROM daily WHERE artist = 'a2'")[0][0])
            #expect(try e.rows("SELECT count(*) FROM tsdb_views WHERE name = 'daily'") == [["1"]])
        }
    }

    /// Conditions on keys, on the bucket (aligned and not), on aggregates, and mixtures.
    static func condition(_ r: inout SeededRandom) -> String {
        let day = { (r: inout SeededRandom) in String(format: "'2026-09-%02d%@'", 1 + r.below(25), r.chance(0.3) ? " 12:00:00" : "") }
        var parts: [String] = []
        for _ in 0..<(1 + r.below(3)) {
            switch r.below(9) {
            case 0: parts.append("artist = 'a\(r.below(5))'")
            case 1: parts.append("artist IN ('a\(r.below(5))', 'a\(r.below(5))')")
            case 2: parts.append("day >= \(day(&r))")
            case 3: parts.append("day < \(day(&r))")
            case 4: parts.append("day BETWEEN \(day(&r)) AND \(day(&r))")
            case 5: parts.append("\(day(&r)) <= day")
            case 6: parts.append("plays > \(r.below(8))")
            case 7: parts.append("(artist = 'a\(r.below(5))' OR day = \(day(&r)))")
            default: parts.append("longest >= \(r.below(300_000)) AND listeners >= 1")
            }
        }
        return parts.joined(separator: " AND ")
    }

    static let shapes = [
        "SELECT * FROM daily WHERE %@",
        "SELECT artist, sum(plays), max(longest), sum(ms) FROM daily WHERE %@ GROUP BY artist",
        "SELECT count(*), sum(listeners) FROM daily WHERE %@",
        "SELECT day, plays FROM daily d WHERE %@",
    ]

    /// Each random query on the view equals the same query over the defining query on raw.
    static func checkQueries(_ e: QueryEngine, _ r: inout SeededRandom, _ step: String) throws {
        for _ in 0..<25 {
            let shape = shapes[r.below(shapes.count)]
            let sql = String(format: shape, condition(&r))
            let raw = sql.replacingOccurrences(of: "FROM daily d", with: "FROM (\(view)) d").replacingOccurrences(of: "FROM daily", with: "FROM (\(view)) daily")
            let got = MaterializedViewTests.sorted(try e.rows(sql)), want = MaterializedViewTests.sorted(try MaterializedViewTests.raw(e, raw))
            #expect(got == want, "\(step): \(sql)")
            if got != want { throw DifferentialError("\(step): \(sql)") }
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func filtersReachBothSidesOfTheUnion(seed: UInt64) throws {
        try withEngine { e, db, _ in
            _ = try e.execute(MaterializedViewTests.schema)
            var r = SeededRandom(seed: seed)
            try MaterializedViewTests.insertRows(e, &r, count: 500, days: 1...25)
            _ = try e.execute("CREATE MATERIALIZED VIEW daily AS " + Self.view)
            try db.flush()
            try Self.checkQueries(e, &r, "current")
            // Late rows: their buckets are pending and come from raw.
            try MaterializedViewTests.insertRows(e, &r, count: 60, days: 3...12)
            #expect(try e.rows("SELECT pending_ranges > 0 FROM tsdb_views") == [["true"]])
            let plan = try Self.explain(e, "SELECT artist, sum(plays) FROM daily WHERE day >= '2026-09-05' AND artist = 'a3' GROUP BY artist")
            #expect(plan.contains("SCAN daily") && plan.contains("SCAN plays"), "\(plan)")
            // The bucket's bound became a bound on raw time, on the raw side too.
            #expect(plan.components(separatedBy: "time range [2026-09-05").count == 3, "\(plan)")
            try Self.checkQueries(e, &r, "pending")
            _ = try e.execute("DELETE FROM plays WHERE artist = 'a\(r.below(5))' AND time < '2026-09-15'")
            try Self.checkQueries(e, &r, "after delete")
            try ViewCatalog.of(db).maintainAll()
            try Self.checkQueries(e, &r, "maintained")
        }
    }
}
