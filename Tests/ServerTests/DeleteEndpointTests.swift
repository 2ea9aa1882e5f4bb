import Foundation
import Testing
import TestSupport

/// DELETE, VACUUM and DROP over `query_sql` on the built server: POST only, durable once answered
/// (SIGKILL right after loses nothing), and a DELETE killed midway leaves the table before or after.
@Suite(.serialized) struct DeleteEndpointTests {
    /// `rows` plays, user `u<i % 100>`, spread over five days.
    static func lines(_ rows: Int, from first: Int = 0) -> String {
        var s = ""
        s.reserveCapacity(rows * 80)
        for i in first..<first + rows {
            s += "plays,artist=A\(i % 7) user_id=\"u\(i % 100)\",seq=\(i)i \(1_767_225_600_000_000_000 + Int64(i % 5) * 86_400_000_000_000 + Int64(i))\n"
        }
        return s
    }

    static func sql(_ c: TestHTTPClient, _ method: String, _ q: String) throws -> TestResponse {
        let path = "/api/v3/query_sql?db=gdpr&format=csv"
        if method == "GET" { return try c.request("GET", path + "&q=" + urlEncode(q)) }
        return try c.request("POST", path, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "q=" + urlEncode(q))
    }

    static func count(_ c: TestHTTPClient, _ whereClause: String = "") throws -> Int? {
        let r = try sql(c, "GET", "SELECT count(*) FROM plays" + whereClause)
        return r.text.split(separator: "\n").dropFirst().first.flatMap { Int($0) }
    }

    @Test func deleteNeedsPostAndSurvivesSigkill() throws {
        let dir = TempDirectory("tsdb-delete")
        defer { dir.remove() }
        var server = try ServerProcess(data: dir.path)
        var c = try TestHTTPClient(port: server.httpPort)
        #expect(try c.request("POST", "/write?db=gdpr", body: Self.lines(5000)).status == 204)
        let get = try Self.sql(c, "GET", "DELETE FROM plays WHERE user_id = 'u42'")
        #expect(get.status == 405)
        #expect(get.header("Allow") == "POST")
        #expect(try Self.count(c) == 5000)  // the GET deleted nothing
        let del = try Self.sql(c, "POST", "DELETE FROM plays WHERE user_id = 'u42'")
        #expect(del.status == 200)
        #expect(del.text == "count\n50\n")
        #expect(try Self.count(c) == 4950)
        #expect(try Self.count(c, " WHERE user_id = 'u42'") == 0)
        // Killed right after the answer: the delete is already durable.
        #expect(server.stop(signal: SIGKILL).reason == .uncaughtSignal)
        server = try ServerProcess(data: dir.path)
        c = try TestHTTPClient(port: server.httpPort)
        #expect(try Self.count(c) == 4950)
        #expect(try Self.count(c, " WHERE user_id = 'u42'") == 0)
        let vac = try Self.sql(c, "POST", "VACUUM plays")
        #expect(vac.status == 200)
        #expect(vac.text.hasPrefix("rows_purged,segments_rewritten,symbols_erased\n50,"))
        #expect(try Self.sql(c, "GET", "VACUUM").status == 405)
        #expect(try Self.sql(c, "GET", "DROP TABLE plays").status == 405)
        #expect(try Self.sql(c, "POST", "DROP TABLE plays").text == "count\n4950\n")
        #expect(try Self.sql(c, "GET", "SELECT count(*) FROM plays").status == 400)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/gdpr/plays"))
        _ = server.stop(signal: SIGTERM)
    }

    /// SIGKILL while a DELETE runs, at moments spread over its run: after a restart the table holds every
    /// row or none of the deleted ones, never part, and opens undamaged.
    @Test func deleteKilledMidwayIsAllOrNothing() throws {
        let dir = TempDirectory("tsdb-delete-crash")
        defer { dir.remove() }
        var server = try ServerProcess(data: dir.path)
        var c = try TestHTTPClient(port: server.httpPort)
        for k in 0..<8 { #expect(try c.request("POST", "/write?db=gdpr", body: Self.lines(25_000, from: k * 25_000)).status == 204) }
        var total = 200_000
        for round in 0..<4 {
            let user = "u\(round * 3 + 1)"
            let victims = try Self.count(c, " WHERE user_id = '\(user)'") ?? -1
            #expect(victims > 0)
            let port = server.httpPort
            let done = DispatchSemaphore(value: 0)
            Thread {
                if let d = try? TestHTTPClient(port: port, timeout: 60) {
                    _ = try? Self.sql(d, "POST", "DELETE FROM plays WHERE user_id = '\(user)' OR (seq % 1000 = \(round) AND user_id <> 'x')")
                }
                done.signal()
            }.start()
            // The moment is what varies; the check below holds for any moment.
            usleep(UInt32(round * 40_000))
            _ = server.stop(signal: SIGKILL)
            done.wait()
            server = try ServerProcess(data: dir.path)
            c = try TestHTTPClient(port: server.httpPort)
            let left = try Self.count(c) ?? -1
            let leftVictims = try Self.count(c, " WHERE user_id = '\(user)'") ?? -1
            let leftMarked = try Self.count(c, " WHERE seq % 1000 = \(round)") ?? -1
            if left == total {
                #expect(leftVictims == victims)
            } else {
                #expect(leftVictims == 0 && leftMarked == 0, "a partial delete: \(left) of \(total) rows left")
                total = left
            }
        }
        _ = server.stop(signal: SIGTERM)
    }
}
