import Foundation
import Testing
import TestSupport
@testable import tsdb_server

/// InfluxDB 1.x's own tools against tsdb-server's /query: the `influx` CLI (Debian's influxdb-client)
/// and the Python `influxdb` client.
@Suite(.serialized) struct InfluxQLClientTests {
    static let lines = """
        plays,artist=a1,platform=ios duration_ms=1000i 1767225600000000000
        plays,artist=a2,platform=web duration_ms=2000i 1767225660000000000
        plays,artist=a1,platform=web duration_ms=3000i 1767225720000000000
        plays,artist=a3,platform=web duration_ms=4000i 1767225780000000000

        """

    static func start(tokens: Set<String> = []) throws -> RunningServer {
        let s = try RunningServer { $0.tokens = tokens }
        let r = try s.client().request("POST", "/write?db=music", headers: s.auth, body: lines)
        guard r.status == 204 else { throw TestError("write failed: \(r.status) \(r.text)") }
        return s
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/influx"), "needs influx (apt install influxdb-client)"))
    func influxCLIExecutes() throws {
        let s = try Self.start()
        defer { s.stop() }
        let (status, text) = try runProgram("/usr/bin/influx", ["-host", "127.0.0.1", "-port", "\(s.httpPort)", "-database", "music",
                                                                "-format", "json", "-execute", "SELECT count(duration_ms) FROM plays GROUP BY platform; SHOW DATABASES"],
                                            in: s.directory.path)
        #expect(status == 0, "\(text)")
        // The CLI asks for nanosecond epochs and reprints the results as one JSON document.
        #expect(text.contains(#""tags":{"platform":"ios"},"columns":["time","count"],"values":[[0,1]]"#), "\(text)")
        #expect(text.contains(#""tags":{"platform":"web"},"columns":["time","count"],"values":[[0,3]]"#), "\(text)")
        #expect(text.contains(#"{"name":"databases","columns":["name"],"values":[["music"]]}"#), "\(text)")
        // Column output and a bad query's error.
        let (s2, table) = try runProgram("/usr/bin/influx", ["-host", "127.0.0.1", "-port", "\(s.httpPort)", "-database", "music",
                                                             "-execute", "SELECT duration_ms FROM plays WHERE artist = 'a1'"], in: s.directory.path)
        #expect(s2 == 0, "\(table)")
        #expect(table.contains("1767225600000000000 1000") && table.contains("1767225720000000000 3000"), "\(table)")
        #expect(!table.contains("1767225660000000000"), "\(table)")
        let (s3, bad) = try runProgram("/usr/bin/influx", ["-host", "127.0.0.1", "-port", "\(s.httpPort)", "-execute", "SELEC x"], in: s.directory.path)
        #expect(s3 != 0 && bad.contains("error parsing query: found SELEC, expected SELECT"), "\(bad)")
    }

    @Test func pythonInfluxDBClientQueries() throws {
        try PythonClientTests.requireModule("influxdb", package: "influxdb")
        let s = try Self.start(tokens: ["sekret"])
        defer { s.stop() }
        let text = try PythonClientTests.python("influxql_client.py", ["\(s.httpPort)", "music", "sekret"])
        guard let o = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            Issue.record("not JSON: \(text)")
            return
        }
        #expect((o["databases"] as? [[String: String]]) == [["name": "music"]])
        let raw = o["raw"] as? [[String: Any]] ?? []
        #expect(raw.count == 3)
        #expect(raw.first?["time"] as? String == "2026-01-01T00:00:00Z")
        #expect(raw.first?["duration_ms"] as? Int == 1000 && raw.first?["artist"] as? String == "a1")
        #expect((o["grouped"] as? [String: Int]) == ["ios": 1, "web": 3])
        #expect((o["epoch"] as? [[String: Int]])?.first?["time"] == 1_767_225_600_000)
        #expect((o["error"] as? String)?.contains("found SELEC, expected SELECT") == true, "\(o["error"] ?? "nil")")
    }

    /// Without a valid token /query answers 401; `u`/`p` and the Authorization header carry it; a
    /// read-only token may not CREATE DATABASE; GET may not create or drop.
    @Test func authenticationAndRights() throws {
        let s = try Self.start(tokens: ["sekret"])
        defer { s.stop() }
        let c = try s.client()
        let q = urlEncode("SHOW MEASUREMENTS")
        #expect(try c.request("GET", "/query?db=music&q=\(q)").status == 401)
        #expect(try c.request("GET", "/query?db=music&q=\(q)&u=x&p=wrong").status == 401)
        let ok = try c.request("GET", "/query?db=music&q=\(q)&u=x&p=sekret")
        #expect(ok.status == 200 && ok.text.contains(#""values":[["plays"]]"#), "\(ok.text)")
        let create = "q=" + urlEncode("CREATE DATABASE extra")
        let viaGet = try c.request("GET", "/query?\(create)", headers: s.auth)
        #expect(viaGet.status == 405)
        let form = [("Content-Type", "application/x-www-form-urlencoded")]
        let made = try c.request("POST", "/query", headers: s.auth + form, body: create)
        #expect(made.status == 200 && made.text == #"{"results":[{"statement_id":0}]}"# + "\n", "\(made.text)")
        let list = try c.request("POST", "/query", headers: s.auth + form, body: "q=" + urlEncode("SHOW DATABASES"))
        #expect(list.text.contains(#"[["extra"],["music"]]"#), "\(list.text)")
        let dropped = try c.request("POST", "/query", headers: s.auth + form, body: "q=" + urlEncode("DROP DATABASE extra"))
        #expect(dropped.status == 200)
        let after = try c.request("POST", "/query", headers: s.auth + form, body: "q=" + urlEncode("SHOW DATABASES"))
        #expect(after.text.contains(#"[["music"]]"#), "\(after.text)")
    }

    /// Shapes that need no oracle: errors, several statements, chunks, pretty, InfluxDB 3's endpoint.
    @Test func responseShapes() throws {
        let s = try Self.start()
        defer { s.stop() }
        let c = try s.client()
        let missing = try c.request("GET", "/query?db=nope&q=\(urlEncode("SELECT * FROM plays"))")
        #expect(missing.status == 200 && missing.text == #"{"results":[{"statement_id":0,"error":"database not found: nope"}]}"# + "\n")
        let noDB = try c.request("GET", "/query?q=\(urlEncode("SELECT * FROM plays"))")
        #expect(noDB.text.contains(#""error":"database name required""#))
        let bad = try c.request("GET", "/query?db=music&q=\(urlEncode("SELECT * FROM plays WHERE"))")
        #expect(bad.status == 400 && bad.text.contains("error parsing query: found EOF, expected identifier, string, number, bool at line 1, char 27"), "\(bad.text)")
        let noQ = try c.request("GET", "/query?db=music")
        #expect(noQ.status == 400 && noQ.text.contains("missing required parameter"))
        let two = try c.request("GET", "/query?db=music&q=\(urlEncode("SHOW MEASUREMENTS; SELECT nope FROM plays; SELECT count(duration_ms) FROM plays"))")
        #expect(two.text == #"{"results":[{"statement_id":0,"series":[{"name":"measurements","columns":["name"],"values":[["plays"]]}]},{"statement_id":1},{"statement_id":2,"series":[{"name":"plays","columns":["time","count"],"values":[["1970-01-01T00:00:00Z",4]]}]}]}"# + "\n", "\(two.text)")
        let chunked = try c.request("GET", "/query?db=music&chunked=true&chunk_size=3&epoch=s&q=\(urlEncode("SELECT duration_ms FROM plays"))")
        let lines = chunked.text.split(separator: "\n").map(String.init)
        #expect(lines == [
            #"{"results":[{"statement_id":0,"series":[{"name":"plays","columns":["time","duration_ms"],"values":[[1767225600,1000],[1767225660,2000],[1767225720,3000]],"partial":true}],"partial":true}]}"#,
            #"{"results":[{"statement_id":0,"series":[{"name":"plays","columns":["time","duration_ms"],"values":[[1767225780,4000]]}]}]}"#,
        ], "\(chunked.text)")
        let pretty = try c.request("GET", "/query?db=music&pretty=true&q=\(urlEncode("SHOW MEASUREMENTS"))")
        #expect(pretty.text.contains("\n") && pretty.text.split(separator: "\n").count > 3)
        let v3 = try c.request("GET", "/api/v3/query_influxql?db=music&q=\(urlEncode("SELECT duration_ms FROM plays WHERE artist = 'a3'"))")
        #expect(v3.text == #"[{"iox::measurement":"plays","time":"2026-01-01T00:03:00Z","duration_ms":4000}]"#, "\(v3.text)")
        let v3grouped = try c.request("GET", "/api/v3/query_influxql?db=music&format=jsonl&q=\(urlEncode("SELECT count(duration_ms) FROM plays GROUP BY platform"))")
        #expect(v3grouped.text == #"{"iox::measurement":"plays","time":"1970-01-01T00:00:00Z","platform":"ios","count":1}"# + "\n"
            + #"{"iox::measurement":"plays","time":"1970-01-01T00:00:00Z","platform":"web","count":3}"# + "\n", "\(v3grouped.text)")
    }

    /// --max-result-rows caps InfluxQL answers too, filled buckets included: an error, not a huge answer.
    @Test func resultRowCap() throws {
        let s = try RunningServer { $0.maxResultRows = 100 }
        defer { s.stop() }
        let c = try s.client()
        _ = try c.request("POST", "/write?db=music", body: Self.lines)
        let q = "SELECT count(duration_ms) FROM plays WHERE time >= '2026-01-01T00:00:00Z' AND time < '2026-01-01T01:00:00Z' GROUP BY time(1s)"
        let r = try c.request("GET", "/query?db=music&q=\(urlEncode(q))")
        #expect(r.status == 200 && r.text.contains("more than 100 rows"), "\(r.text)")
        let ok = try c.request("GET", "/query?db=music&q=\(urlEncode(q.replacingOccurrences(of: "time(1s)", with: "time(1m)")))")
        #expect(ok.text.contains(#"["2026-01-01T00:59:00Z",0]"#), "\(ok.text.prefix(300))")
    }

    /// Seeded mangled InfluxQL sent to the server: every request gets an HTTP answer (no crash), and
    /// the server still answers afterwards.
    @Test func fuzzedQueriesNeverCrashTheServer() throws {
        let s = try Self.start()
        defer { s.stop() }
        var rng = SeededRandom(seed: 1515)
        let seeds = ["SELECT mean(duration_ms) FROM plays WHERE time > now() - 1h GROUP BY time(5m), artist fill(linear)",
                     "SHOW TAG VALUES FROM plays WITH KEY =~ /a|b/", "SELECT /d/ FROM (SELECT duration_ms FROM plays) LIMIT 1",
                     "SELECT percentile(duration_ms, 50), max(duration_ms) * 2 FROM /pl/ WHERE artist =~ /a[/ GROUP BY *",
                     "SELECT count(*) FROM plays WHERE time >= '2026-01-01' AND time <= 1767237600000ms GROUP BY time(1m) fill(previous)"]
        let alphabet = Array("SELECT()/*,;'\"=~!<>-+.0123456789msh abcFROMWHEREGROUPBYtimefill\\".utf8)
        let c = try s.client()
        for i in 0..<300 {
            var bytes = Array(seeds[i % seeds.count].utf8)
            for _ in 0..<(1 + rng.below(4)) {
                let at = rng.below(bytes.count + 1)
                switch rng.below(3) {
                case 0: bytes.insert(alphabet[rng.below(alphabet.count)], at: at)
                case 1: if at < bytes.count { bytes.remove(at: at) }
                default: if at > 10 { bytes = Array(bytes.prefix(at)) }
                }
            }
            let r = try c.request("GET", "/query?db=music&q=\(urlEncode(String(decoding: bytes, as: UTF8.self)))")
            #expect([200, 400].contains(r.status), "\(String(decoding: bytes, as: UTF8.self)) → \(r.status) \(r.text)")
        }
        #expect(try c.request("GET", "/ping").status == 204)
    }
}
