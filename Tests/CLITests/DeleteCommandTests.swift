import Foundation
import Testing
import TestSupport

/// DELETE, VACUUM, TRUNCATE and DROP TABLE through `tsdb-cli query`: embedded on a data directory, and
/// with `--server` (sent as POST, since the server refuses a GET of them).
@Suite struct DeleteCommandTests {
    @Test func embeddedDeleteVacuumTruncateDrop() throws {
        let d = TempDirectory(); defer { d.remove() }
        var lp = ""
        for i in 0..<300 { lp += "plays,artist=A\(i % 3) user_id=\"u\(i % 10)\",n=\(i)i \(1_767_225_600_000_000_000 + Int64(i))\n" }
        let ing = try CLI.run(["ingest", "--data", d.path, "-"], stdin: lp)
        #expect(ing.status == 0, "\(ing.stderr)")
        func q(_ sql: String) throws -> CLIRun { try CLI.run(["query", "--data", d.path, "--format", "csv", sql]) }
        var r = try q("DELETE FROM plays WHERE user_id = 'u3'")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "count\n30\n")
        #expect(try q("SELECT count(*) AS n FROM plays").stdout == "n\n270\n")
        r = try q("VACUUM")
        #expect(r.stdout.hasPrefix("rows_purged,segments_rewritten,symbols_erased\n30,"), "\(r.stdout) \(r.stderr)")
        #expect(try q("ALTER TABLE plays DEDUP ENABLE UPSERT KEYS (time, artist)").stdout == "count\n270\n")
        #expect(try CLI.run(["ingest", "--data", d.path, "-"], stdin: lp).status == 0)  // re-run: no count changes
        #expect(try q("SELECT count(*) AS n FROM plays").stdout == "n\n300\n")  // u3's rows come back once, nothing doubles
        #expect(try q("TRUNCATE TABLE plays").stdout == "count\n300\n")
        #expect(try q("DROP TABLE plays").stdout == "count\n0\n")
        CLI.expectFailure(try q("DROP TABLE plays"), mentioning: "unknown table")
        #expect(try q("DROP TABLE IF EXISTS plays").stdout == "count\n0\n")
    }

    @Test func remoteSendsChangesAsPost() throws {
        let server = try FakeHTTPServer { _ in .init(status: 200, contentType: "text/csv", body: "count\n7\n") }
        defer { server.stop() }
        let r = try CLI.run(["query", "--server", server.url, "--db", "music", "--format", "csv", "DELETE FROM plays WHERE user_id = 'u1'"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "count\n7\n")
        let req = try #require(server.requests.first)
        #expect(req.method == "POST")
        #expect(req.path == "/api/v3/query_sql")
        // A form body, as HTML forms and curl --data-urlencode send it.
        var form = URLComponents()
        form.percentEncodedQuery = String(decoding: req.body, as: UTF8.self)
        let body = Dictionary((form.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { a, _ in a }
        #expect(body["q"] == "DELETE FROM plays WHERE user_id = 'u1'")
        #expect(body["db"] == "music")
        _ = try CLI.run(["query", "--server", server.url, "--format", "csv", "SELECT 1"])
        #expect(server.requests.last?.method == "GET")
    }
}
