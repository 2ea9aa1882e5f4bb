import Foundation
import Testing
import TestSupport

/// Issue 12 walked over HTTP `query_sql` on the built server: each statement of `LifecycleWalk` that
/// changes data answers 405 to GET and 403 to a read-only token, then gives the walk's answer by POST with
/// an admin token; each query gives it by GET.
@Suite struct LifecycleWalkEndpointTests {
    @Test func everyStatementOverHTTP() throws {
        let dir = TempDirectory("tsdb-walk-http")
        defer { dir.remove() }
        let file = try SecurityEndpointTests.tokenFile(dir, [
            try SecurityEndpointTests.hashLine("reader-secret") + " name=reader read=* write=-",
            try SecurityEndpointTests.hashLine("ops-secret") + " name=ops read=* write=* admin=yes",
        ])
        let server = try ServerProcess(data: dir.path + "/data", extra: ["--token-file", file, "--log-level", "error"])
        defer { _ = server.stop(signal: SIGTERM) }
        let c = try TestHTTPClient(port: server.httpPort)
        let ops = SecurityEndpointTests.auth("ops-secret"), reader = SecurityEndpointTests.auth("reader-secret")
        let path = "/api/v3/query_sql?db=music&format=csv"
        func post(_ sql: String, _ auth: [(String, String)]) throws -> TestResponse {
            try c.request("POST", path, headers: auth + [("Content-Type", "application/x-www-form-urlencoded")], body: "q=" + urlEncode(sql))
        }
        for step in LifecycleWalk.steps {
            let r: TestResponse
            if step.changesData {
                let get = try c.request("GET", path + "&q=" + urlEncode(step.sql), headers: ops)
                #expect(get.status == 405 && get.header("Allow") == "POST", "GET \(step.sql): \(get.status) \(get.text)")
                let denied = try post(step.sql, reader)
                #expect(denied.status == 403, "read-only \(step.sql): \(denied.status) \(denied.text)")
                r = try post(step.sql, ops)
            } else {
                r = try c.request("GET", path + "&q=" + urlEncode(step.sql), headers: ops)
            }
            #expect(LifecycleWalk.matches(step, output: r.text, failed: r.status != 200), "\(step.sql)\n→ \(r.status)\n\(r.text)")
        }
        // Line protocol into the declared table: a line with an undeclared field fails alone.
        let now = Int64(Date().timeIntervalSince1970) * 1_000_000_000
        let w = try c.request("POST", "/api/v2/write?bucket=music&precision=ns", headers: ops,
                              body: "plays,artist=Z user_id=\"w1\" \(now)\nplays,artist=Z user_id=\"w2\",genre=\"x\" \(now + 1)\n")
        #expect(w.status == 422 || w.status == 400, "\(w.status) \(w.text)")
        #expect(w.text.contains("'genre' is not a column of table 'plays'"), "\(w.text)")
        let n = try c.request("GET", path + "&q=" + urlEncode("SELECT user_id FROM plays WHERE artist = 'Z'"), headers: ops)
        #expect(n.text == "user_id\nw1\n", "\(n.text)")
    }
}
