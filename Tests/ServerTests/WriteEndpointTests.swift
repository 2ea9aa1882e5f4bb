import ColumnStore
import Foundation
import Testing
@testable import tsdb_server

/// Writes through the three InfluxDB write APIs over real sockets: every precision, gzip, partial writes
/// with their codes and bodies, limits and auth.
@Suite struct WriteEndpointTests {
    static let base: Int64 = 1_700_000_000  // 2023-11-14T22:13:20Z

    /// Three lines with the timestamp in `precision` units.
    static func lines(_ table: String, precision: String) -> String {
        let scale: Int64 = ["ns": 1_000_000_000, "n": 1_000_000_000, "nanosecond": 1_000_000_000,
                            "us": 1_000_000, "u": 1_000_000, "microsecond": 1_000_000,
                            "ms": 1_000, "millisecond": 1_000, "s": 1, "second": 1, "auto": 1_000][precision]!
        return (0..<3).map { i in
            "\(table),host=h\(i),region=eu\\ west value=\(Double(i) + 0.5),count=\(i)i,ok=true,msg=\"m \(i)\" \((base + Int64(i)) * scale)"
        }.joined(separator: "\n") + "\n"
    }

    /// Checks that `table` holds the three rows of `lines` at the right nanosecond times.
    static func checkRows(_ s: RunningServer, _ db: String, _ table: String) throws {
        let rows = try s.query(db, "SELECT time, host, region, value, count, ok, msg FROM \(table) ORDER BY time")
        #expect(rows.count == 3)
        for (i, r) in rows.enumerated() {
            #expect(r["host"] as? String == "h\(i)")
            #expect(r["region"] as? String == "eu west")
            #expect(r["value"] as? Double == Double(i) + 0.5)
            #expect(r["count"] as? Int == i)
            #expect(r["ok"] as? Bool == true)
            #expect(r["msg"] as? String == "m \(i)")
            #expect(r["time"] as? String == "2023-11-14T22:13:2\(i)Z")
        }
    }

    static let endpoints: [(api: String, path: @Sendable (String, String) -> String, precisions: [String])] = [
        ("v1", { "/write?db=\($0)&precision=\($1)" }, ["ns", "n", "us", "u", "ms", "s"]),
        ("v2", { "/api/v2/write?org=o&bucket=\($0)&precision=\($1)" }, ["ns", "us", "ms", "s"]),
        ("v3", { "/api/v3/write_lp?db=\($0)&precision=\($1)" }, ["nanosecond", "microsecond", "millisecond", "second", "auto", "ns", "s"]),
    ]

    @Test func everyEndpointPrecisionAndEncoding() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let c = try s.client()
        for e in Self.endpoints {
            for p in e.precisions {
                for gzip in [false, true] {
                    let db = "db_\(e.api)_\(p)_\(gzip ? "gz" : "plain")"
                    var body = Array(Self.lines("m", precision: p).utf8)
                    var headers: [(String, String)] = []
                    if gzip {
                        body = try gzipped(body)
                        headers.append(("Content-Encoding", "gzip"))
                    }
                    let r = try c.request("POST", e.path(db, p), headers: headers, body: body)
                    #expect(r.status == 204, "\(e.api) \(p) gzip=\(gzip): \(r.status) \(r.text)")
                    try Self.checkRows(s, db, "m")
                }
            }
        }
    }

    @Test func defaultPrecisions() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let c = try s.client()
        // v1 and v2 default to ns; v3 to auto (seconds here, by magnitude).
        #expect(try c.request("POST", "/write?db=a", body: Self.lines("m", precision: "ns")).status == 204)
        #expect(try c.request("POST", "/api/v2/write?bucket=b", body: Self.lines("m", precision: "ns")).status == 204)
        #expect(try c.request("POST", "/api/v3/write_lp?db=c", body: Self.lines("m", precision: "s")).status == 204)
        for db in ["a", "b", "c"] { try Self.checkRows(s, db, "m") }
    }

    @Test func autoPrecisionByMagnitude() {
        var b = [WriteBatch(table: "t", time: [1_700_000_000, 1_700_000_000_123, 1_700_000_000_123_456, 1_700_000_000_123_456_789, -5, 0])]
        TimestampPrecision.rescaleAuto(&b)
        #expect(b[0].time == [1_700_000_000_000_000_000, 1_700_000_000_123_000_000, 1_700_000_000_123_456_000,
                              1_700_000_000_123_456_789, -5_000_000_000, 0])
    }

    @Test func badParameters() throws {
        let s = try RunningServer { $0.defaultDatabase = "" }
        defer { s.stop() }
        let c = try s.client()
        var r = try c.request("POST", "/write?precision=ns", body: "m v=1i 1\n")
        #expect(r.status == 400)
        #expect(r.object["error"] as? String == "database is required")
        r = try c.request("POST", "/api/v2/write?org=o", body: "m v=1i 1\n")
        #expect(r.status == 400)
        #expect(r.object["code"] as? String == "invalid")
        r = try c.request("POST", "/write?db=x&precision=h", body: "m v=1i 1\n")
        #expect(r.status == 400)
        r = try c.request("POST", "/api/v2/write?bucket=x&precision=auto", body: "m v=1i 1\n")
        #expect(r.status == 400)
        r = try c.request("POST", "/write?db=..", body: "m v=1i 1\n")
        #expect(r.status == 400)
        #expect((r.object["error"] as? String)?.contains("invalid database name") == true)
        r = try c.request("GET", "/write?db=x")
        #expect(r.status == 405)
        #expect(r.header("Allow") == "POST")
        r = try c.request("GET", "/nope")
        #expect(r.status == 404)
        // The connection survived all of these.
        #expect(try c.request("GET", "/ping").status == 204)
    }

    @Test func questDBStyleWriteUsesTheDefaultDatabase() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let r = try s.client().request("POST", "/write?precision=n", body: Self.lines("q", precision: "ns"))
        #expect(r.status == 204)
        try Self.checkRows(s, "default", "q")
    }

    static let partialBody = """
        m,host=a v=1i 1700000000000000000
        m,host=b v= 1700000000000000001
        m,host=c v=3i 1700000000000000002
        m,host=d v="text" 1700000000000000003

        """

    @Test func partialWriteV1() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let r = try s.client().request("POST", "/write?db=p", body: Self.partialBody)
        #expect(r.status == 400)
        let error = r.object["error"] as? String ?? ""
        #expect(error.hasPrefix("partial write: "))
        #expect(error.hasSuffix(" dropped=2"))
        #expect(error.contains("line 2"))
        let rejected = r.object["rejected"] as? [[String: Any]] ?? []
        #expect(rejected.map { $0["line"] as? Int } == [2, 4])
        #expect(try s.count("p", "m") == 2)
    }

    @Test func partialWriteV2MalformedIs400ConflictIs422() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let c = try s.client()
        var r = try c.request("POST", "/api/v2/write?bucket=p", body: Self.partialBody)
        #expect(r.status == 400)
        #expect(r.object["code"] as? String == "invalid")
        #expect((r.object["message"] as? String)?.hasSuffix("dropped=2") == true)
        #expect(r.object["line"] as? Int == 2)
        #expect(try s.count("p", "m") == 2)
        // Well-formed lines whose field type conflicts with the stored column: 422.
        r = try c.request("POST", "/api/v2/write?bucket=p", body: "m,host=e v=5i 1700000000000000005\nm,host=f v=1.5 1700000000000000006\n")
        #expect(r.status == 422, "\(r.text)")
        #expect(r.object["code"] as? String == "unprocessable entity")
        #expect((r.object["message"] as? String)?.contains("dropped=1") == true)
        #expect(r.object["line"] as? Int == 2)
        #expect(try s.count("p", "m") == 3)
    }

    @Test func partialWriteV3NamesTheOriginalLines() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let r = try s.client().request("POST", "/api/v3/write_lp?db=p&precision=ns", body: Self.partialBody)
        #expect(r.status == 400)
        #expect(r.object["error"] as? String == "partial write of line protocol occurred")
        let data = r.object["data"] as? [[String: Any]] ?? []
        #expect(data.count == 2)
        #expect(data.first?["line_number"] as? Int == 2)
        #expect(data.first?["original_line"] as? String == "m,host=b v= 1700000000000000001")
        #expect(data.last?["original_line"] as? String == #"m,host=d v="text" 1700000000000000003"#)
        #expect((data.first?["error_message"] as? String)?.isEmpty == false)
        #expect(try s.count("p", "m") == 2)
    }

    @Test func v3AcceptPartialFalseWritesNothing() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let c = try s.client()
        var r = try c.request("POST", "/api/v3/write_lp?db=p&precision=ns&accept_partial=false", body: Self.partialBody)
        #expect(r.status == 400)
        #expect(r.object["error"] as? String == "parsing failed for write_lp endpoint")
        #expect(try s.count("p", "m") == 0)
        // A conflict with the stored schema also rejects the whole request.
        #expect(try c.request("POST", "/api/v3/write_lp?db=p&precision=ns", body: "m v=1i 1700000000000000000\n").status == 204)
        r = try c.request("POST", "/api/v3/write_lp?db=p&precision=ns&accept_partial=false",
                          body: "m v=2i 1700000000000000001\nm v=2.5 1700000000000000002\n")
        #expect(r.status == 400)
        #expect((r.object["data"] as? [[String: Any]])?.first?["line_number"] as? Int == 2)
        #expect(try s.count("p", "m") == 1)
        // So does a name the store refuses (the server's retry loop used to write the other lines anyway),
        // and a field called time.
        for bad in ["wal v=1i 1700000000000000003", "LOCK v=1i 1700000000000000003", "m time=1i,v=3i 1700000000000000003"] {
            r = try c.request("POST", "/api/v3/write_lp?db=p&precision=ns&accept_partial=false",
                              body: "m v=3i 1700000000000000003\n\(bad)\nn v=1i 1700000000000000003\n")
            #expect(r.status == 400, "\(bad)")
            #expect((r.object["data"] as? [[String: Any]])?.compactMap { $0["line_number"] as? Int } == [2], "\(bad): \(r.text)")
            #expect(try s.count("p", "m") == 1, "\(bad)")
            #expect(try s.count("p", "n") == 0, "\(bad)")
        }
    }

    @Test func reservedNamesRejectOnlyTheLinesThatUseThem() throws {
        let s = try RunningServer()
        defer { s.stop() }
        // A tag or field named `time` cannot be stored: those lines are rejected, the rest of the same
        // measurement (and of others) is written.
        let body = """
            ok v=1i 1700000000000000000
            ok time=1i,v=2i 1700000000000000001
            ok,time=x v=3i 1700000000000000002
            ok v=4i 1700000000000000003
            other time=1i 1700000000000000004
            other w=1i 1700000000000000005

            """
        let r = try s.client().request("POST", "/write?db=r", body: body)
        #expect(r.status == 400)
        #expect((r.object["error"] as? String)?.contains("dropped=3") == true)
        #expect((r.object["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [2, 3, 5])
        #expect(try s.query("r", "SELECT v FROM ok ORDER BY time").map { $0["v"] as? Int } == [1, 4])
        #expect(try s.count("r", "other") == 1)
    }

    @Test func bodyLimit() throws {
        let s = try RunningServer { $0.maxBodyBytes = 1000 }
        defer { s.stop() }
        let c = try s.client()
        let big = String(repeating: "m v=1i 1700000000000000000\n", count: 100)
        var r = try c.request("POST", "/api/v2/write?bucket=l", body: big)
        #expect(r.status == 413)
        #expect(r.object["code"] as? String == "request too large")
        #expect(c.peerClosed())
        // Chunked bodies are cut off at the limit too.
        let c2 = try s.client()
        var chunked: [UInt8] = []
        for _ in 0..<10 {
            let part = Array(String(repeating: "m v=1i 1700000000000000000\n", count: 10).utf8)
            chunked += Array("\(String(part.count, radix: 16))\r\n".utf8) + part + Array("\r\n".utf8)
        }
        chunked += Array("0\r\n\r\n".utf8)
        try c2.send("POST", "/write?db=l", headers: [("Transfer-Encoding", "chunked")], body: chunked)
        r = try c2.readResponse()
        #expect(r.status == 413)
        // gzip that inflates past the limit.
        let c3 = try s.client()
        r = try c3.request("POST", "/write?db=l", headers: [("Content-Encoding", "gzip")], body: try gzipped(Array(big.utf8)))
        #expect(r.status == 413)
        // Under the limit is fine.
        #expect(try s.client().request("POST", "/write?db=l", body: "m v=1i 1700000000000000000\n").status == 204)
        #expect(try s.count("l", "m") == 1)
    }

    @Test func overloadIs503WithRetryAfter() throws {
        let s = try RunningServer { $0.maxInflightBytes = 100 }
        defer { s.stop() }
        let c = try s.client()
        let body = String(repeating: "m v=1i 1700000000000000000\n", count: 10)
        var r = try c.request("POST", "/api/v2/write?bucket=o", body: body)
        #expect(r.status == 503)
        #expect(r.header("Retry-After") == "1")
        #expect(r.object["code"] as? String == "unavailable")
        // Chunked bodies are held to the same budget as they arrive.
        let c2 = try s.client()
        let part = Array(body.utf8)
        try c2.send("POST", "/write?db=o", headers: [("Transfer-Encoding", "chunked")],
                    body: Array("\(String(part.count, radix: 16))\r\n".utf8) + part + Array("\r\n0\r\n\r\n".utf8))
        r = try c2.readResponse()
        #expect(r.status == 503)
        // Small writes still pass, and the budget was given back.
        #expect(try s.client().request("POST", "/write?db=o", body: "m v=1i 1700000000000000000\n").status == 204)
        #expect(s.server.context.budget.inUse == 0)
        let m = try PrometheusText(try s.client().request("GET", "/metrics").text)
        #expect(m["tsdb_http_overloaded_total"] == 2)
    }

    @Test func writesWaitForFlushesThen503() throws {
        // Unflushed data may hold only 1 byte, and every flush of table m fails (a file stands where its
        // directory must go): the second write waits for room in the store, then 503. The wait is long enough
        // for the failing flush to have run on a loaded machine, so the answer can name its error.
        let s = try RunningServer { $0.memtableBytes = 64 << 20; $0.maxUnflushedBytes = 1; $0.writeStallTimeout = 2 }
        defer { s.stop() }
        let c = try s.client()
        #expect(try c.request("POST", "/write?db=f", body: "m v=1i 1700000000000000000\n").status == 204)
        FileManager.default.createFile(atPath: s.directory.path + "/data/f/m", contents: Data("x".utf8))
        let r = try c.request("POST", "/api/v2/write?bucket=f", body: "m v=2i 1700000000000000001\n")
        #expect(r.status == 503)
        #expect(r.header("Retry-After") == "1")
        #expect(r.text.contains("Not a directory"), "the answer names the flush failure: \(r.text)")
        let m = try PrometheusText(try s.client().request("GET", "/metrics").text)
        #expect(m["tsdb_write_stalls_total"] == 1)
        #expect((m["tsdb_write_stall_seconds_total"] ?? 0) >= 0.05)
        #expect(try s.count("f", "m") == 1)
    }

    @Test func oneRequestCreatesAtMost1000NewDays() throws {
        // Item 12: 1,200 lines on 1,200 distinct days. Every partition costs a segment per flush (and a
        // mapping, before segments were mapped lazily): the store takes the first 1,000 new days.
        let s = try RunningServer()
        defer { s.stop() }
        let day: Int64 = 86_400_000_000_000
        let body = (0..<1_200).map { "d v=\($0)i \(1_000_000_000_000_000_000 + Int64($0) * day)" }.joined(separator: "\n")
        let r = try s.client().request("POST", "/write?db=days", body: body)
        #expect(r.status == 400)
        let rejected = r.object["rejected"] as? [[String: Any]] ?? []
        #expect(rejected.first?["line"] as? Int == 1_001)
        #expect((rejected.first?["error"] as? String)?.contains("maxNewPartitionsPerWrite") == true, "\(rejected.first ?? [:])")
        #expect((r.object["error"] as? String)?.hasSuffix("dropped=200") == true)
        #expect(try s.count("days", "d") == 1_000)
    }

    @Test func writesOverTheBoundWaitForTheFlushTheyAskFor() throws {
        // Over the bound, the store asks for a flush and the write proceeds once it made room (no 503).
        let s = try RunningServer { $0.memtableBytes = 64 << 20; $0.maxUnflushedBytes = 1; $0.writeStallTimeout = 10 }
        defer { s.stop() }
        let c = try s.client()
        for i in 0..<3 {
            #expect(try c.request("POST", "/write?db=f", body: "m v=\(i)i 170000000000000000\(i)\n").status == 204)
        }
        #expect(try s.count("f", "m") == 3)
        let m = try PrometheusText(try s.client().request("GET", "/metrics").text)
        #expect((m["tsdb_write_stalls_total"] ?? 0) >= 1)
    }

    @Test func invalidGzipIs400() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let r = try s.client().request("POST", "/write?db=g", headers: [("Content-Encoding", "gzip")], body: Array("not gzip at all".utf8))
        #expect(r.status == 400)
    }

    @Test func authOnAndOff() throws {
        let open = try RunningServer()
        defer { open.stop() }
        #expect(try open.client().request("POST", "/write?db=a", body: "m v=1i 1\n").status == 204)

        let s = try RunningServer { $0.tokens = ["secret-1", "secret-2"] }
        defer { s.stop() }
        let c = try s.client()
        var r = try c.request("POST", "/write?db=a", body: "m v=1i 1\n")
        #expect(r.status == 401)
        #expect(r.object["error"] as? String == "authorization failed")
        r = try c.request("POST", "/api/v2/write?bucket=a", headers: [("Authorization", "Token wrong")], body: "m v=1i 1\n")
        #expect(r.status == 401)
        #expect(r.object["code"] as? String == "unauthorized")
        r = try c.request("GET", "/api/v3/query_sql?db=a&q=SELECT+1")
        #expect(r.status == 401)
        let basic = Data("user:secret-2".utf8).base64EncodedString()
        for (headers, path) in [([("Authorization", "Token secret-1")], "/api/v2/write?bucket=a"),
                                ([("Authorization", "Bearer secret-2")], "/api/v3/write_lp?db=a"),
                                ([("Authorization", "Basic \(basic)")], "/write?db=a"),
                                ([], "/write?db=a&u=user&p=secret-1")] {
            r = try c.request("POST", path, headers: headers, body: "m v=1i 1700000000000000000\n")
            #expect(r.status == 204, "\(path) \(headers)")
        }
        // Ping, health and metrics stay open.
        #expect(try c.request("GET", "/ping").status == 204)
        #expect(try c.request("GET", "/health").status == 200)
        #expect(try c.request("GET", "/metrics").status == 200)
    }

    @Test func expectContinue() throws {
        let s = try RunningServer { $0.tokens = ["tk"] }
        defer { s.stop() }
        let c = try s.client()
        let body = Array("e v=1i 1700000000000000000\n".utf8)
        // Accepted: 100 Continue, then the body, then the answer.
        try c.send("POST", "/write?db=e", headers: [("Expect", "100-continue"), ("Authorization", "Token tk"),
                                                    ("Content-Length", String(body.count))])
        #expect(try c.readResponse().status == 100)
        try c.sendRaw(body)
        #expect(try c.readResponse().status == 204)
        // Refused on its head: the final answer comes at once, without waiting for the body.
        try c.send("POST", "/write?db=e", headers: [("Expect", "100-continue"), ("Content-Length", String(body.count))])
        #expect(try c.readResponse().status == 401)
        #expect(c.peerClosed())
    }

    @Test func keepAliveAndPipelining() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let c = try s.client()
        // Three requests in one send; answers come back in order on the same connection.
        var raw: [UInt8] = []
        for i in 0..<3 {
            let body = "k v=\(i)i \(1_700_000_000_000_000_000 + i)\n"
            raw += Array("POST /write?db=k HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        }
        try c.sendRaw(raw)
        for _ in 0..<3 { #expect(try c.readResponse().status == 204) }
        #expect(try s.count("k", "k") == 3)
    }
}
