import Foundation
import Testing
import TestSupport

/// The real binary's log lines on standard error: JSON format, the access log, the slow-query log.
@Suite(.serialized) struct OperationsLogTests {
    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func jsonAccessLogNamesTokensWithoutShowingThem() throws {
        let dir = TempDirectory("tsdb-logs")
        defer { dir.remove() }
        let log = dir.path + "/stderr"
        let secret = "s3cret-token-value"
        let server = try ServerProcess(data: dir.path + "/data", extra: ["--log-format", "json", "--access-log", "on", "--token", secret], stderr: log)
        let c = try TestHTTPClient(port: server.httpPort)
        #expect(try c.request("POST", "/write?db=a", headers: [("Authorization", "Token \(secret)")], body: "t v=1 1\n").status == 204)
        #expect(try c.request("GET", "/api/v3/query_sql?db=a&q=\(urlEncode("SELECT * FROM t"))&format=csv&token=\(secret)").status == 200)
        #expect(try c.request("GET", "/api/v3/query_sql?db=a&q=x", headers: [("Authorization", "Token wrong")]).status == 401)
        #expect(try c.request("GET", "/ping").status == 204)
        server.stop(signal: SIGTERM)

        let lines = Self.lines(log)
        #expect(!lines.isEmpty)
        var access: [[String: Any]] = []
        for line in lines {
            #expect(!line.contains(secret), "the token appears in the log: \(line)")
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            guard let o = object else { continue }
            #expect(o["time"] is String && o["level"] is String && o["message"] is String)
            if o["logger"] as? String == "tsdb.access" { access.append(o["metadata"] as? [String: Any] ?? [:]) }
        }
        #expect(access.count == 4, "\(access)")
        guard access.count == 4 else { return }
        #expect(access[0]["method"] as? String == "POST" && access[0]["path"] as? String == "/write" && access[0]["status"] as? String == "204")
        #expect((access[0]["token"] as? String)?.hasPrefix("token-") == true)
        #expect(access[1]["token"] as? String == access[0]["token"] as? String)
        #expect(access[1]["path"] as? String == "/api/v3/query_sql" && access[1]["status"] as? String == "200")
        #expect(Int(access[1]["bytes"] as? String ?? "") ?? 0 > 0)
        #expect(Double(access[1]["duration_ms"] as? String ?? "") != nil)
        #expect(access[2]["status"] as? String == "401" && access[2]["token"] as? String == "-")
        #expect(access[3]["path"] as? String == "/ping" && access[3]["token"] as? String == "-")
    }

    @Test func accessLogIsOffByDefaultAndSlowQueriesAreLogged() throws {
        let dir = TempDirectory("tsdb-logs")
        defer { dir.remove() }
        let log = dir.path + "/stderr"
        let server = try ServerProcess(data: dir.path + "/data", extra: ["--slow-query-ms", "1"], stderr: log)
        let c = try TestHTTPClient(port: server.httpPort)
        var body = ""
        for i in 0..<20_000 { body += "t,g=g\(i % 7) v=\(i) \(1_700_000_000_000_000_000 + Int64(i))\n" }
        #expect(try c.request("POST", "/write?db=s", body: body).status == 204)
        let sql = "SELECT g, count(DISTINCT v) FROM t GROUP BY g"
        #expect(try c.request("GET", "/api/v3/query_sql?db=s&q=\(urlEncode(sql))").status == 200)
        server.stop(signal: SIGTERM)
        let text = Self.lines(log).joined(separator: "\n")
        #expect(text.contains("slow query"), "\(text)")
        #expect(text.contains(sql), "\(text)")
        #expect(!text.contains("/write"), "access lines without --access-log: \(text)")
    }

    @Test func textFormatIsTheDefault() throws {
        let dir = TempDirectory("tsdb-logs")
        defer { dir.remove() }
        let log = dir.path + "/stderr"
        let server = try ServerProcess(data: dir.path + "/data", extra: ["--log-level", "info", "--access-log", "on"], stderr: log)
        let c = try TestHTTPClient(port: server.httpPort)
        #expect(try c.request("GET", "/health").status == 200)
        server.stop(signal: SIGTERM)
        let lines = Self.lines(log)
        #expect(lines.contains { $0.contains("GET /health 200") && $0.contains("token=-") }, "\(lines)")
        #expect(!lines.contains { $0.hasPrefix("{") })
    }
}
