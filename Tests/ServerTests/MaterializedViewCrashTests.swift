import Foundation
import Testing
import TestSupport

/// Materialized views on the built server: background maintenance keeps them current under HTTP ingest,
/// and a SIGKILL at any moment (during maintenance too) leaves every view exact after restart. The server
/// runs with view rewriting off, so the defining query it is compared with reads raw rows. `daily` is
/// recomputed from raw (a distinct count); `hourly` has appended rows merged into its stored rows, so a kill
/// lands between a raw write and its merge, or during the merge: a merge applied twice would show.
@Suite(.serialized) struct MaterializedViewCrashTests {
    static let view = """
        SELECT time_bucket(INTERVAL '1 day', time) AS day, artist, count(*) AS plays, count(DISTINCT user_id) AS listeners, \
        sum(seq) AS total FROM plays GROUP BY day, artist
        """
    static let mergedView = """
        SELECT date_trunc('hour', time) AS hour, artist, count(*) AS plays, sum(seq) AS total, min(seq) AS first, \
        max(seq) AS last FROM plays GROUP BY hour, artist
        """

    /// Both views equal their defining queries on raw.
    static func check(_ c: TestHTTPClient, _ step: String) throws {
        #expect(try rows(c, "SELECT * FROM daily") == rows(c, view), "daily: \(step)")
        #expect(try rows(c, "SELECT * FROM hourly") == rows(c, mergedView), "hourly: \(step)")
    }

    static func sql(_ c: TestHTTPClient, _ method: String, _ q: String) throws -> TestResponse {
        let path = "/api/v3/query_sql?db=mv&format=csv"
        if method == "GET" { return try c.request("GET", path + "&q=" + urlEncode(q)) }
        return try c.request("POST", path, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "q=" + urlEncode(q))
    }

    /// The rows of a query as sorted CSV lines (header dropped).
    static func rows(_ c: TestHTTPClient, _ q: String) throws -> [String] {
        let r = try sql(c, "GET", q)
        #expect(r.status == 200, "\(q): \(r.text)")
        return r.text.split(separator: "\n").dropFirst().map(String.init).sorted()
    }

    /// Plays with sequence numbers from `first`, spread over `days` days from 2026-01-01 (late rows when small).
    static func lines(_ rows: Int, from first: Int, days: Int) -> String {
        var s = ""
        for i in first..<first + rows {
            s += "plays,artist=A\(i % 7) user_id=\"u\(i % 97)\",seq=\(i)i \(1_767_225_600_000_000_000 + Int64(i % days) * 86_400_000_000_000 + Int64(i))\n"
        }
        return s
    }

    @Test func viewStaysExactAcrossSigkill() throws {
        let dir = TempDirectory("tsdb-mv-crash")
        defer { dir.remove() }
        var server = try ServerProcess(data: dir.path, environment: ["TSDB_VIEW_REWRITE": "off"])
        var c = try TestHTTPClient(port: server.httpPort)
        #expect(try c.request("POST", "/write?db=mv", body: Self.lines(40_000, from: 0, days: 20)).status == 204)
        for (name, q) in [("daily", Self.view), ("hourly", Self.mergedView)] {
            let created = try Self.sql(c, "POST", "CREATE MATERIALIZED VIEW \(name) AS " + q)
            #expect(created.status == 200, "\(created.text)")
        }
        try Self.check(c, "create")
        var next = 40_000
        for round in 0..<5 {
            // Late rows (the first days again) and new ones, then a kill at a moment that varies, while the
            // background maintenance of these writes is likely running.
            #expect(try c.request("POST", "/write?db=mv", body: Self.lines(20_000, from: next, days: 3 + round * 5)).status == 204)
            next += 20_000
            if round % 2 == 1 { _ = try Self.sql(c, "POST", "DELETE FROM plays WHERE seq % 11 = \(round)") }
            try Self.check(c, "round \(round) before the kill")
            usleep(UInt32(round * 70_000))
            #expect(server.stop(signal: SIGKILL).reason == .uncaughtSignal)
            server = try ServerProcess(data: dir.path, environment: ["TSDB_VIEW_REWRITE": "off"])
            c = try TestHTTPClient(port: server.httpPort)
            try Self.check(c, "round \(round) after restart")
            // Appends into the buckets the restart materialized: merged in the background before the next kill.
            #expect(try c.request("POST", "/write?db=mv", body: Self.lines(5_000, from: next, days: 2 + round)).status == 204)
            next += 5_000
            try Self.check(c, "round \(round): appends after restart")
        }
        // The background catches up: nothing pending once it has run (bounded wait, not a timing assertion).
        var pending = "?"
        for _ in 0..<600 {
            pending = try Self.rows(c, "SELECT sum(pending_ranges) FROM tsdb_views").first ?? "?"
            if pending == "0" { break }
            usleep(100_000)
        }
        #expect(pending == "0")
        try Self.check(c, "caught up")
        _ = server.stop(signal: SIGTERM)
    }
}
