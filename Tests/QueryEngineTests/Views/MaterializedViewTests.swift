import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// Materialized views: their answers equal their defining queries on raw at every step — after late rows,
/// DELETE, dedup upserts, flush, compaction and reopening — with and without maintenance having run.
@Suite("MaterializedViews", .serialized)
struct MaterializedViewTests {
    static let schema = "CREATE TABLE plays (time TIMESTAMP, artist SYMBOL, user_id VARCHAR, track SYMBOL, duration_ms BIGINT, liked BOOLEAN)"
    static let views: [(name: String, sql: String, grain: String)] = [
        ("daily", """
            SELECT time_bucket(INTERVAL '1 day', time) AS day, artist, count(*) AS plays, count(DISTINCT user_id) AS listeners,
            sum(duration_ms) AS ms, max(duration_ms) AS longest, avg(duration_ms) AS avg_ms FROM plays GROUP BY day, artist
            """, "day"),
        ("hourly", "SELECT date_trunc('hour', time) AS hour, artist, count(*) AS plays FROM plays WHERE liked GROUP BY hour, artist", "hour"),
        ("weekly", """
            SELECT date_trunc('week', time) AS week, track, count(*) AS plays, median(duration_ms) AS med,
            count(*) FILTER (WHERE liked) AS likes FROM plays GROUP BY week, track
            """, "week"),
        ("monthly", "SELECT date_trunc('month', time) AS time, count(*) AS plays, min(duration_ms) AS shortest FROM plays GROUP BY 1", "time"),
        // Every aggregate merges (`ViewMerge`): appended rows are merged into its stored rows.
        ("track_daily", """
            SELECT time_bucket(INTERVAL '1 day', time) AS day, track, artist, count(*) AS plays, count(user_id) AS users,
            sum(duration_ms) AS ms, max(duration_ms) AS longest, min(user_id) AS first_user,
            sum(duration_ms) FILTER (WHERE liked) AS liked_ms FROM plays GROUP BY day, track, artist
            """, "day"),
    ]
    /// How DuckDB and tsdb order each view's rows to compare them line by line.
    static let order = ["daily": " ORDER BY 1, 2", "hourly": " ORDER BY 1, 2", "weekly": " ORDER BY 1, 2", "monthly": " ORDER BY 1",
                        "track_daily": " ORDER BY 1, 2, 3"]

    static func sorted(_ rows: [[String]]) -> [[String]] { rows.sorted { $0.joined(separator: "\u{1}") < $1.joined(separator: "\u{1}") } }

    /// A session that never answers from a view: the raw side of every comparison must read raw rows.
    static let rawSession = QuerySession(settings: ["view_rewrite": "off"])

    /// `sql`'s rows computed from raw (no view rewrite).
    static func raw(_ e: QueryEngine, _ sql: String) throws -> [[String]] { textRows(try e.execute(sql, session: rawSession)) }

    /// Every view's rows equal its defining query's rows on raw right now.
    static func checkViews(_ e: QueryEngine, _ step: String) throws {
        for v in views {
            let fromView = sorted(try e.rows("SELECT * FROM \(v.name)"))
            let fromRaw = sorted(try raw(e, v.sql))
            #expect(fromView == fromRaw, "view \(v.name) after \(step)")
            if fromView != fromRaw { throw DifferentialError("view \(v.name) differs from its query after \(step)") }
        }
    }

    static func insertRows(_ e: QueryEngine, _ r: inout SeededRandom, count: Int, days: ClosedRange<Int>) throws {
        let rows = (0..<count).map { _ in
            let t = String(format: "'2026-09-%02d %02d:%02d:%02d'", days.lowerBound + r.below(days.count), r.below(24), r.below(60), r.below(60))
            return "(\(t), 'a\(r.below(5))', 'u\(r.below(30))', 't\(r.below(8))', \(r.below(300_000)), \(r.chance(0.4)))"
        }
        _ = try e.execute("INSERT INTO plays VALUES " + rows.joined(separator: ", "))
    }

    static func createViews(_ e: QueryEngine) throws {
        for v in views {
            let r = try e.rows("CREATE MATERIALIZED VIEW \(v.name) AS \(v.sql)")
            #expect(r[0][0].hasPrefix("created materialized view \(v.name)"))
        }
    }

    @Test func viewIsQueriedLikeATableAndStaysExact() throws {
        try withEngine { e, db, _ in
            _ = try e.execute(Self.schema)
            var r = SeededRandom(seed: 7)
            try Self.insertRows(e, &r, count: 300, days: 1...10)
            try Self.createViews(e)
            try Self.checkViews(e, "create")
            // Late rows, answered before maintenance from raw, then materialized.
            try Self.insertRows(e, &r, count: 50, days: 2...4)
            #expect(try e.rows("SELECT pending_ranges > 0 FROM tsdb_views WHERE name = 'daily'") == [["true"]])
            try Self.checkViews(e, "late rows, unmaintained")
            try ViewCatalog.of(db).maintainAll()
            #expect(try e.rows("SELECT name, pending_ranges FROM tsdb_views ORDER BY name") == [["daily", "0"], ["hourly", "0"], ["monthly", "0"], ["track_daily", "0"], ["weekly", "0"]])
            try Self.checkViews(e, "maintenance")
            // Queried like a table: WHERE, GROUP BY over its rows, joins.
            let viaView = try e.rows("SELECT artist, sum(plays) FROM daily WHERE day >= '2026-09-03' GROUP BY artist ORDER BY artist")
            let viaRaw = try Self.raw(e, "SELECT artist, count(*) FROM plays WHERE time >= '2026-09-03' GROUP BY artist ORDER BY artist")
            #expect(viaView == viaRaw)
            let joined = try e.rows("SELECT d.artist, count(*) FROM daily d JOIN hourly h ON d.artist = h.artist AND date_trunc('day', h.hour) = d.day GROUP BY d.artist ORDER BY 1")
            #expect(!joined.isEmpty)
            #expect(try e.rows("SHOW MATERIALIZED VIEWS").count == 5)
            // The view's table is a real table with partitions.
            #expect(try e.rows("SELECT count(*) > 0 FROM tsdb_partitions WHERE table_name = 'daily'") == [["true"]])
        }
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func randomInterleavingsStayExact(seed: UInt64) throws {
        try withEngine { e, db, _ in
            var r = SeededRandom(seed: seed)
            let dedup = seed % 2 == 0
            _ = try e.execute(Self.schema + (dedup ? " DEDUP UPSERT KEYS (time, user_id)" : ""))
            try Self.insertRows(e, &r, count: 100, days: 1...5)
            try Self.createViews(e)
            try Self.checkViews(e, "create")
            let catalog = ViewCatalog.of(db)
            for step in 0..<30 {
                let what: String
                switch r.below(8) {
                case 0, 1:
                    what = "insert"
                    try Self.insertRows(e, &r, count: 1 + r.below(60), days: 1...28)
                case 2:
                    what = "late insert"
                    try Self.insertRows(e, &r, count: 1 + r.below(10), days: 1...3)
                case 3:
                    what = "delete"
                    _ = try e.execute("DELETE FROM plays WHERE artist = 'a\(r.below(5))' AND time < '2026-09-\(String(format: "%02d", 2 + r.below(26)))'")
                case 4:
                    what = "flush"
                    try db.flush()
                case 5:
                    what = "compaction"
                    try db.flush()
                    _ = try db.compact(rewriteAll: r.chance(0.5))
                case 6:
                    what = "maintenance"
                    try catalog.maintainAll()
                default:
                    what = "upsert"
                    // Same time and user: replaces on the dedup table, adds on the other.
                    let old = try e.rows("SELECT time, user_id FROM plays ORDER BY time LIMIT 1 OFFSET \(r.below(20))")
                    if let row = old.first {
                        _ = try e.execute("INSERT INTO plays VALUES ('\(row[0])', 'a9', '\(row[1])', 't9', \(r.below(1000)), true)")
                    }
                }
                try Self.checkViews(e, "step \(step) (\(what))")
            }
            try catalog.maintainAll()
            try Self.checkViews(e, "final maintenance")
            try Self.checkAgainstDuckDB(e)
            // Appends into materialized buckets were merged, not recomputed — except on the dedup table, where a
            // write may replace rows and every change is recomputed from raw.
            if dedup { #expect(catalog.mergeCount == 0) } else { #expect(catalog.mergeCount > 0) }
        }
    }

    /// DuckDB, given the raw rows tsdb holds now, computes every view's query: the views agree.
    static func checkAgainstDuckDB(_ e: QueryEngine) throws {
        let raw = try e.rows("SELECT time, artist, user_id, track, duration_ms, liked FROM plays")
        var statements = ["CREATE TABLE plays (time TIMESTAMP, artist VARCHAR, user_id VARCHAR, track VARCHAR, duration_ms BIGINT, liked BOOLEAN)"]
        for chunk in stride(from: 0, to: raw.count, by: 500) {
            statements.append("INSERT INTO plays VALUES " + raw[chunk..<min(raw.count, chunk + 500)].map { r in
                "('\(r[0])', '\(r[1])', '\(r[2])', '\(r[3])', \(r[4]), \(r[5]))"
            }.joined(separator: ", "))
        }
        let order = views.map { Self.order[$0.name]! }
        statements += zip(views, order).map { $0.sql + $1 }
        let duck = try DDLDifferentialTests.duckdb(statements)
        for (i, v) in views.enumerated() {
            // Floats in full (textRows prints %g).
            let r = try e.execute("SELECT * FROM \(v.name)" + order[i])
            let ours = (0..<r.rowCount).map { row in
                r.columns.map { c -> String? in
                    if c.vector.isNull(row) { return nil }  // DuckDB's NULL
                    return c.vector.type == .float64 ? String(c.vector.float64s[row])
                        : textRows(QueryResult(columns: [ResultColumn(name: "", vector: c.vector.slice(row..<row + 1))]))[0][0]
                }
            }
            let want = duck[statements.count - views.count + i]
            #expect(ours.count == want.count, "view \(v.name): \(ours.count) rows, DuckDB \(want.count)")
            for (g, w) in zip(ours, want) where !(g.count == w.count && zip(g, w).allSatisfy({ DDLDifferentialTests.same($0, $1) })) {
                Issue.record("view \(v.name)\n tsdb:   \(g)\n duckdb: \(w)")
                break
            }
        }
    }

    @Test func retentionFreezesViewRows() throws {
        try withEngine { e, db, _ in
            _ = try e.execute(Self.schema)
            var r = SeededRandom(seed: 11)
            // Four weeks up to today (retention counts from the wall clock's day).
            let today = Int64(Date().timeIntervalSince1970) / 86_400 * 86_400
            func insert(_ n: Int, days: ClosedRange<Int>) throws {
                let rows = (0..<n).map { _ in
                    let t = (today - Int64(days.lowerBound + r.below(days.count)) * 86_400 + Int64(r.below(86_400))) * 1_000_000_000
                    return "('\(SQLTimestamp.format(t))', 'a\(r.below(5))', 'u\(r.below(30))', 't\(r.below(8))', \(r.below(300_000)), \(r.chance(0.4)))"
                }
                _ = try e.execute("INSERT INTO plays VALUES " + rows.joined(separator: ", "))
            }
            try insert(400, days: 0...27)
            _ = try e.execute("CREATE MATERIALIZED VIEW daily WITH (retention = '400 days') AS \(Self.views[0].sql)")
            try db.flush()
            let cutoff = "'\(SQLTimestamp.format((today - 7 * 86_400) * 1_000_000_000))'"
            let frozen = "SELECT * FROM daily WHERE day < \(cutoff) ORDER BY day, artist"
            let before = try e.rows(frozen)
            #expect(before.count > 40)
            // 7 days of raw, 400 days of aggregates.
            _ = try e.execute("ALTER TABLE plays SET (retention = '7 days')")
            #expect(try e.rows("SELECT min(time) >= \(cutoff) FROM plays") == [["true"]])
            #expect(try e.rows(frozen) == before)
            // Late rows into retained days, a delete, maintenance: the frozen buckets keep their rows.
            try insert(30, days: 0...6)
            _ = try e.execute("DELETE FROM plays WHERE artist = 'a2'")
            #expect(try e.rows(frozen) == before)
            try ViewCatalog.of(db).maintainAll()
            #expect(try e.rows(frozen) == before)
            // A full rebuild recomputes what raw still has and leaves frozen buckets alone.
            _ = try e.execute("REFRESH MATERIALIZED VIEW daily")
            #expect(try e.rows(frozen) == before)
            // Retained days still equal raw.
            let recent = "WHERE day >= \(cutoff)"
            #expect(Self.sorted(try e.rows("SELECT * FROM daily \(recent)")) == Self.sorted(try Self.raw(e, "SELECT * FROM (\(Self.views[0].sql)) \(recent)")))
            #expect(try e.rows("SELECT frozen_before IS NOT NULL, retention_days FROM tsdb_views") == [["true", "400"]])
        }
    }

    @Test func survivesReopenWithUnmaintainedChanges() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        var r = SeededRandom(seed: 5)
        do {
            let db = try Database(path: dir.path, options: o)
            let e = QueryEngine(database: db, threads: 2)
            _ = try e.execute(Self.schema)
            try Self.insertRows(e, &r, count: 200, days: 1...10)
            try Self.createViews(e)
            try Self.insertRows(e, &r, count: 50, days: 1...10)
            try db.flush()  // the rows leave the WAL: their buckets must be pending in VIEWS
            _ = try e.execute("DELETE FROM plays WHERE artist = 'a1'")
            try Self.insertRows(e, &r, count: 30, days: 1...10)  // only in the WAL at close
            try db.close()
        }
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        let e = QueryEngine(database: db, threads: 2)
        try Self.checkViews(e, "reopen")
        try ViewCatalog.of(db).maintainAll()
        try Self.checkViews(e, "reopen and maintenance")
    }

    @Test func definitionsAreChecked() throws {
        try withEngine { e, _, _ in
            _ = try e.execute(Self.schema)
            func error(_ sql: String) -> String {
                do { _ = try e.execute(sql); return "" } catch { return "\(error)" }
            }
            #expect(error("CREATE MATERIALIZED VIEW v AS SELECT artist, count(*) AS n FROM plays GROUP BY artist").contains("exactly one time bucket"))
            #expect(error("CREATE MATERIALIZED VIEW v AS SELECT date_trunc('day', time) AS d, date_trunc('hour', time) AS h, count(*) AS n FROM plays GROUP BY d, h").contains("second"))
            #expect(error("CREATE MATERIALIZED VIEW v AS SELECT date_trunc('day', time) AS d, count(*) AS n FROM plays GROUP BY d ORDER BY d").contains("ORDER BY"))
            #expect(error("CREATE MATERIALIZED VIEW v AS SELECT date_trunc('day', time) AS d, count(*) FROM plays GROUP BY d").contains("name this column"))
            #expect(error("CREATE MATERIALIZED VIEW v AS SELECT date_trunc('day', time) AS d, count(*) AS n FROM nope GROUP BY d").contains("unknown table"))
            #expect(error("CREATE MATERIALIZED VIEW v AS SELECT date_trunc('day', time) AS d, artist, count(*) AS n FROM plays GROUP BY d").contains("artist"))
            _ = try e.execute("CREATE MATERIALIZED VIEW v AS SELECT date_trunc('day', time) AS d, count(*) AS n FROM plays GROUP BY d")
            #expect(try e.rows("CREATE MATERIALIZED VIEW IF NOT EXISTS v AS SELECT date_trunc('day', time) AS d, count(*) AS n FROM plays GROUP BY d") == [["materialized view v exists"]])
            #expect(error("INSERT INTO v VALUES ('2026-01-01', 1)").contains("materialized view"))
            #expect(error("DROP TABLE plays").contains("drop them first"))
            #expect(error("DROP TABLE v").contains("DROP MATERIALIZED VIEW"))
            #expect(error("CREATE MATERIALIZED VIEW w AS SELECT date_trunc('day', d) AS x, sum(n) AS n FROM v GROUP BY x").contains("another view"))
            #expect(try e.rows("DROP MATERIALIZED VIEW v") == [["dropped materialized view v"]])
            #expect(try e.rows("DROP MATERIALIZED VIEW IF EXISTS v") == [["materialized view v does not exist"]])
            #expect(try e.rows("SELECT count(*) FROM tsdb_views") == [["0"]])
            _ = try e.execute("DROP TABLE plays")
        }
    }
}
