import Foundation
import Testing
import TestSupport

/// Retention end to end on the built server: a write mixing rows older than the table's retention with
/// fresh ones gets InfluxDB's partial-write answer (422, "points beyond retention policy dropped=N") on the
/// v1 and v2 APIs, the fresh rows are stored and nothing acknowledged is dropped later; `ALTER TABLE … SET
/// (retention …)` over HTTP drops expired days at once, memtable rows included.
@Suite(.serialized) struct RetentionEndpointTests {
    static let day: Int64 = 86_400_000_000_000

    static func sql(_ c: TestHTTPClient, _ q: String) throws -> TestResponse {
        try c.request("POST", "/api/v3/query_sql?db=ret&format=csv", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                      body: "q=" + urlEncode(q))
    }

    static func count(_ c: TestHTTPClient, _ q: String) throws -> Int? {
        let r = try c.request("GET", "/api/v3/query_sql?db=ret&format=csv&q=" + urlEncode(q))
        return r.text.split(separator: "\n").dropFirst().first.flatMap { Int($0) }
    }

    /// `fresh` lines one day old and `old` lines `oldDays` old, interleaved, numbered from `first`.
    static func lines(table: String, fresh: Int, old: Int, oldDays: Int64, first: Int, now: Int64) -> String {
        var kinds: [Bool] = []  // true: old
        var (f, o) = (fresh, old)
        while f > 0 || o > 0 {
            if f > 0 { kinds.append(false); f -= 1 }
            if o > 0 { kinds.append(true); o -= 1 }
        }
        var out = ""
        for (i, isOld) in kinds.enumerated() {
            let t = now - (isOld ? oldDays * day : day) + Int64(first + i)
            out += "\(table),artist=A\(i % 3) user_id=\"u\(i)\",seq=\(first + i)i \(t)\n"
        }
        return out
    }

    @Test func rowsBeyondRetentionGet422AndTheRestIsKept() throws {
        let dir = TempDirectory("tsdb-retention-http")
        defer { dir.remove() }
        var server = try ServerProcess(data: dir.path)
        var c = try TestHTTPClient(port: server.httpPort)
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        let create = try Self.sql(c, "CREATE TABLE plays (time TIMESTAMP, artist SYMBOL, user_id VARCHAR, seq BIGINT) WITH (retention = '30 days')")
        #expect(create.status == 200, "\(create.text)")

        // v1: 5 fresh lines, 3 sixty days old.
        let v1 = try c.request("POST", "/write?db=ret", body: Self.lines(table: "plays", fresh: 5, old: 3, oldDays: 60, first: 0, now: now))
        #expect(v1.status == 422, "\(v1.status) \(v1.text)")
        let v1Error = v1.object["error"] as? String ?? ""
        #expect(v1Error.hasPrefix("partial write: ") && v1Error.contains("points beyond retention policy") && v1Error.hasSuffix("dropped=3"), "\(v1.text)")
        #expect((v1.object["rejected"] as? [Any])?.count == 3)

        // v2: 4 fresh, 6 old.
        let v2 = try c.request("POST", "/api/v2/write?bucket=ret&precision=ns", body: Self.lines(table: "plays", fresh: 4, old: 6, oldDays: 400, first: 100, now: now))
        #expect(v2.status == 422, "\(v2.status) \(v2.text)")
        #expect(v2.object["code"] as? String == "unprocessable entity", "\(v2.text)")
        let v2Message = v2.object["message"] as? String ?? ""
        #expect(v2Message.contains("points beyond retention policy") && v2Message.hasSuffix("dropped=6"), "\(v2.text)")

        // The fresh rows are there, no old one; and they stay after a flush and a restart.
        #expect(try Self.count(c, "SELECT count(*) FROM plays") == 9)
        #expect(try Self.count(c, "SELECT count(*) FROM plays WHERE time < now() - INTERVAL 30 DAY") == 0)
        #expect(server.stop(signal: SIGTERM).status == 0)
        server = try ServerProcess(data: dir.path)
        c = try TestHTTPClient(port: server.httpPort)
        #expect(try Self.count(c, "SELECT count(*) FROM plays") == 9)

        // A write of fresh lines only is all written.
        #expect(try c.request("POST", "/write?db=ret", body: Self.lines(table: "plays", fresh: 2, old: 0, oldDays: 0, first: 200, now: now)).status == 204)
        #expect(try Self.count(c, "SELECT count(*) FROM plays") == 11)
        _ = server.stop(signal: SIGTERM)
    }

    @Test func settingRetentionOnARunningServerDropsExpiredDaysAtOnce() throws {
        let dir = TempDirectory("tsdb-retention-alter")
        defer { dir.remove() }
        let server = try ServerProcess(data: dir.path)
        defer { _ = server.stop(signal: SIGTERM) }
        let c = try TestHTTPClient(port: server.httpPort)
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        // No retention yet: rows 1 and 10 days old are all accepted; some flushed to segments, some not.
        #expect(try c.request("POST", "/write?db=ret", body: Self.lines(table: "events", fresh: 4, old: 4, oldDays: 10, first: 0, now: now)).status == 204)
        #expect(try Self.sql(c, "DELETE FROM events WHERE seq < 0").text == "count\n0\n")  // flushes first: these rows are in segments
        #expect(try c.request("POST", "/write?db=ret", body: Self.lines(table: "events", fresh: 3, old: 3, oldDays: 10, first: 50, now: now)).status == 204)
        #expect(try Self.count(c, "SELECT count(*) FROM events") == 14)
        let days = try Self.count(c, "SELECT count(*) FROM tsdb_partitions WHERE table_name = 'events'")
        #expect(days == 2)

        let alter = try Self.sql(c, "ALTER TABLE events SET (retention = '5 days')")
        #expect(alter.status == 200 && alter.text.hasPrefix("status\naltered table events"), "\(alter.status) \(alter.text)")
        // At once: no expired row in any query, memtable or segment, and the day's folder is gone.
        #expect(try Self.count(c, "SELECT count(*) FROM events") == 7)
        #expect(try Self.count(c, "SELECT count(*) FROM events WHERE time < now() - INTERVAL 5 DAY") == 0)
        #expect(try Self.count(c, "SELECT count(*) FROM tsdb_partitions WHERE table_name = 'events'") == 1)
        let oldDay = Date(timeIntervalSince1970: Double(now - 10 * Self.day) / 1e9)
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "UTC")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/ret/events/" + f.string(from: oldDay)))
        #expect(try Self.count(c, "SELECT retention_days FROM tsdb_tables WHERE table_name = 'events'") == 5)
        // From now on, older lines are refused per line.
        let late = try c.request("POST", "/write?db=ret", body: Self.lines(table: "events", fresh: 1, old: 1, oldDays: 10, first: 90, now: now))
        #expect(late.status == 422, "\(late.text)")
    }
}
