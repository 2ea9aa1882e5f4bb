import Foundation
import Testing
import TestSupport

/// `tsdb-cli query/inspect --data DIR` beside a running tsdb-server on the same directory: the CLI opens
/// it read-only (the server keeps its lock) and answers at once, with the rows still only in the WAL.
@Suite(.serialized) struct ReadOnlyCLITests {
    /// `n` play rows numbered from `first`, over three days.
    static func lines(_ first: Int, _ n: Int) -> String {
        (first..<first + n).map { i in
            "plays,artist=A\(i % 7),platform=p\(i % 3) user_id=\(i % 97)i,ms=\(i * 10)i \(1_767_225_600_000_000_000 + Int64(i % 3) * 86_400_000_000_000 + Int64(i) * 1_000_000)"
        }.joined(separator: "\n") + "\n"
    }

    static func cli(_ args: [String], in dir: String) throws -> (Int32, String) {
        guard let exe = BuildProducts.executable("tsdb-cli") else { throw TestError("tsdb-cli is not built next to the tests") }
        return try runProgram(exe, args, in: dir)
    }

    static func serverCSV(_ c: TestHTTPClient, _ sql: String) throws -> String {
        let r = try c.request("GET", "/api/v3/query_sql?db=music&format=csv&q=\(urlEncode(sql))")
        #expect(r.status == 200, "\(r.text)")
        return r.text
    }

    @Test func cliAnswersBesideARunningServer() throws {
        let dir = TempDirectory("tsdb-readonly-cli")
        defer { dir.remove() }
        // Rows in segments: written, then flushed by a clean stop.
        var server = try ServerProcess(data: dir.path)
        var c = try TestHTTPClient(port: server.httpPort)
        #expect(try c.request("POST", "/write?db=music", body: Self.lines(0, 2000)).status == 204)
        #expect(server.stop(signal: SIGTERM).status == 0)
        // Rows only in the WAL of the running server (acknowledged: durable before the 204).
        server = try ServerProcess(data: dir.path, extra: ["--durability", "batch"])
        c = try TestHTTPClient(port: server.httpPort)
        #expect(try c.request("POST", "/write?db=music", body: Self.lines(2000, 500)).status == 204)

        let queries = [
            "SELECT count(*) AS n, count(DISTINCT user_id) AS users, sum(ms) AS ms FROM plays",
            "SELECT artist, platform, count(*) AS n, max(ms) AS top FROM plays GROUP BY artist, platform ORDER BY artist, platform",
            "SELECT date_trunc('day', time) AS d, count(DISTINCT user_id) AS u FROM plays GROUP BY d ORDER BY d",
        ]
        for q in queries {
            let (status, out) = try Self.cli(["query", "--data", dir.path, "--db", "music", "--format", "csv", q], in: dir.path)
            #expect(status == 0, "\(out)")
            #expect(out == (try Self.serverCSV(c, q)), "the CLI and the server disagree on \(q)")
        }
        let (s1, count) = try Self.cli(["query", "--data", dir.path, "--db", "music", "--format", "csv", "SELECT count(*) AS n FROM plays"], in: dir.path)
        #expect(s1 == 0 && count == "n\n2500\n", "\(count)")

        // Rows acknowledged later are seen by the next CLI process.
        #expect(try c.request("POST", "/write?db=music", body: Self.lines(2500, 100)).status == 204)
        let (s2, later) = try Self.cli(["query", "--data", dir.path, "--db", "music", "--format", "csv", "SELECT count(*) AS n FROM plays"], in: dir.path)
        #expect(s2 == 0 && later == "n\n2600\n", "\(later)")

        let (s3, report) = try Self.cli(["inspect", "--data", dir.path, "--db", "music"], in: dir.path)
        #expect(s3 == 0, "\(report)")
        #expect(report.contains("table plays"), "\(report)")

        // A writing command still waits for the server's lock, and says so.
        let (s4, refused) = try Self.cli(["compact", "--data", dir.path, "--db", "music"], in: dir.path)
        #expect(s4 != 0 && refused.contains("in use"), "\(refused)")

        // The server went on undisturbed.
        #expect(try c.request("POST", "/write?db=music", body: Self.lines(2600, 10)).status == 204)
        #expect(try Self.serverCSV(c, "SELECT count(*) AS n FROM plays") == "n\n2610\n")
        #expect(server.stop(signal: SIGTERM).status == 0)
    }
}
