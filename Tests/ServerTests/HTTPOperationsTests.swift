import Foundation
import Testing
import TestSupport

/// HEAD on GET routes, compressed answers, and queries cancelled when their client goes away.
@Suite(.serialized) struct HTTPOperationsTests {
    /// Writes `rows` lines of table `t` into `db` (a tag of 50 values, a float, a string per row).
    static func load(_ c: TestHTTPClient, db: String, rows: Int, batch: Int = 50_000, auth: [(String, String)] = []) throws {
        var written = 0
        while written < rows {
            let n = min(batch, rows - written)
            var s = ""
            s.reserveCapacity(n * 64)
            for i in written..<(written + n) {
                s += "t,g=g\(i % 50) v=\(Double(i) * 0.5),u=\"user-\(i)\" \(1_700_000_000_000_000_000 + Int64(i) * 1_000_000)\n"
            }
            // A busy machine may fall behind on flushes: retry a 503 after its Retry-After, as clients do.
            var r = try c.request("POST", "/write?db=\(db)", headers: auth, body: s)
            var retries = 0
            while r.status == 503 && retries < 60 {
                sleep(1)
                retries += 1
                r = try c.request("POST", "/write?db=\(db)", headers: auth, body: s)
            }
            guard r.status == 204 else { throw TestError("write failed (\(r.status)): \(r.text)") }
            written += n
        }
    }

    /// Headers that differ between two answers to the same request (Date), left out of comparisons.
    static func comparable(_ r: TestResponse) -> [String] {
        r.headers.filter { $0.0.lowercased() != "date" }.map { "\($0.0.lowercased()): \($0.1)" }.sorted()
    }

    @Test func headAnswersEveryGetRouteWithGetsHeadersAndNoBody() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let c = try s.client()
        try Self.load(c, db: "h", rows: 100)
        let paths = ["/api/v3/query_sql?db=h&q=\(urlEncode("SELECT * FROM t ORDER BY time"))&format=csv",
                     "/api/v3/query_sql?db=h&q=\(urlEncode("SELECT count(*) FROM t"))&format=pretty",
                     "/api/v3/query_sql?db=h&q=\(urlEncode("SELEC nonsense"))",
                     "/ping", "/health", "/metrics", "/"]
        for path in paths {
            let get = try c.request("GET", path)
            let head = try c.request("HEAD", path)
            #expect(head.status == get.status, "\(path)")
            #expect(head.body.isEmpty)
            if path.hasPrefix("/metrics") {
                // The metrics change between two scrapes: only the framing must match.
                #expect(head.header("Content-Type") == get.header("Content-Type"))
            } else {
                #expect(Self.comparable(head) == Self.comparable(get), "\(path)")
            }
        }
        // The connection is still in step after the HEAD answers (no stray body bytes).
        #expect(try c.request("GET", "/ping").status == 204)
        #expect(try c.request("HEAD", "/write?db=h").status == 405)
    }

    /// Decodes a gzip stream with the system's gzip.
    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let dir = TempDirectory("tsdb-gunzip")
        defer { dir.remove() }
        let file = dir.path + "/body.gz"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -dc '\(file)'"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestError("gzip -d failed") }
        return Array(data)
    }

    @Test func queryResultsAreCompressedWhenTheClientAcceptsIt() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let c = try s.client()
        try Self.load(c, db: "z", rows: 100_000)
        let path = "/api/v3/query_sql?db=z&q=\(urlEncode("SELECT * FROM t ORDER BY time"))&format=csv"
        let plain = try c.request("GET", path)
        #expect(plain.status == 200)
        #expect(plain.header("Content-Encoding") == nil)
        #expect(plain.header("Transfer-Encoding")?.lowercased() == "chunked")

        let gz = try c.request("GET", path, headers: [("Accept-Encoding", "gzip")])
        #expect(gz.status == 200)
        #expect(gz.header("Content-Encoding") == "gzip")
        #expect(gz.header("Vary") == "Accept-Encoding" && plain.header("Vary") == "Accept-Encoding")
        // Still streamed: a chunked answer in several chunks, not one buffered body.
        #expect(gz.header("Transfer-Encoding")?.lowercased() == "chunked")
        #expect(gz.chunks > 1)
        #expect(gz.body.count * 4 < plain.body.count, "\(gz.body.count) compressed vs \(plain.body.count) plain")
        #expect(try Self.gunzip(gz.body) == plain.body)

        let deflate = try c.request("GET", path, headers: [("Accept-Encoding", "deflate")])
        #expect(deflate.header("Content-Encoding") == "deflate")
        #expect(deflate.body.count * 4 < plain.body.count)

        // A whole (non-streamed) answer: Content-Length is the compressed size.
        // (With "gzip, deflate" at equal weight NIO picks deflate.)
        let metrics = try c.request("GET", "/metrics", headers: [("Accept-Encoding", "gzip;q=1.0, deflate;q=0.5")])
        #expect(metrics.header("Content-Encoding") == "gzip")
        #expect(metrics.header("Content-Length") == String(metrics.body.count))
        #expect(String(decoding: try Self.gunzip(metrics.body), as: UTF8.self).contains("tsdb_queries_total"))

        // Small answers go out as they are.
        let small = try c.request("GET", "/api/v3/query_sql?db=z&q=\(urlEncode("SELECT count(*) FROM t"))", headers: [("Accept-Encoding", "gzip")])
        #expect(small.header("Content-Encoding") == nil || small.header("Content-Encoding") == "gzip")
        #expect(try c.request("GET", "/ping", headers: [("Accept-Encoding", "gzip")]).status == 204)
        // And the connection stays usable with Expect: 100-continue in between.
        var w = try c.request("POST", "/write?db=z", headers: [("Expect", "100-continue"), ("Accept-Encoding", "gzip")], body: "t,g=x v=1 1\n")
        if w.status == 100 { w = try c.readResponse() }
        #expect(w.status == 204)
        #expect(try c.request("GET", path, headers: [("Accept-Encoding", "gzip")]).header("Content-Encoding") == "gzip")
    }

    /// The server's own record says so: the query ends "cancelled" (its slow-query log line), long before
    /// it could have finished, and the server answers on. No CPU-time threshold decides it, since a loaded
    /// CI machine may starve the server of the CPU such a check expects.
    @Test func aQueryStopsWhenItsClientDisconnects() throws {
        let dir = TempDirectory("tsdb-cancel")
        defer { dir.remove() }
        let log = dir.path + "/stderr"
        // Small memtables: flushes happen during the load. --slow-query-ms 1 logs every query's outcome.
        let server = try ServerProcess(data: dir.path + "/data", extra: ["--query-timeout", "600", "--query-threads", "1", "--memtable-size", "4M",
                                                                          "--slow-query-ms", "1", "--log-format", "json"], stderr: log)
        let c = try TestHTTPClient(port: server.httpPort, timeout: 120)
        try Self.load(c, db: "cx", rows: Self.cancelRows)

        let q = try TestHTTPClient(port: server.httpPort)
        try q.send("GET", "/api/v3/query_sql?db=cx&q=\(urlEncode(Self.heavyQuery))")
        usleep(1_500_000)  // let it start; whether it has or not, it must end cancelled, not answered
        let closed = Date()
        q.close()
        var outcome: String?
        _ = eventually(timeout: 300) {
            outcome = Self.queryOutcome(log, sql: Self.heavyQuery)
            return outcome != nil
        }
        #expect(outcome == "cancelled", "the query's outcome after its client left: \(outcome ?? "none logged")")
        #expect(Date().timeIntervalSince(closed) < 300)
        // And it still answers.
        #expect(try c.request("GET", "/ping").status == 204)
        server.stop(signal: SIGTERM)
    }

    /// The `outcome` of the slow-query log line (JSON format) of `sql`, once it is logged.
    static func queryOutcome(_ path: String, sql: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.contains("slow query") {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            let meta = (obj["metadata"] as? [String: Any]) ?? obj
            guard (meta["query"] as? String) == sql else { continue }
            return meta["outcome"] as? String
        }
        return nil
    }

    static let cancelRows = 1_500_000
    /// About 20 s of one core in a debug build over `cancelRows` rows, under a second per 64K-row block
    /// (the query checks for cancellation between blocks).
    static let heavyQuery = "SELECT g, " + (0..<4).map { "count(DISTINCT u || '\($0)')" }.joined(separator: ", ") + " FROM t GROUP BY g"
}
