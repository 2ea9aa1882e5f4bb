import Foundation
import Testing
import TestSupport

/// Issue 12 walked as a new user would, through the CLI: every statement of `LifecycleWalk` with
/// `tsdb-cli query` embedded and `--server`, the same script through `shell`; and `tsdb-cli ingest` into a
/// declared table and a table with retention, which lists the lines it refuses and exits 2.
@Suite struct LifecycleWalkTests {
    func walk(_ base: [String]) throws {
        for step in LifecycleWalk.steps {
            let r = try CLI.run(base + ["query", "--format", "csv", step.sql])
            let failed = r.status != 0
            #expect(LifecycleWalk.matches(step, output: failed ? r.stderr : r.stdout, failed: failed),
                    "\(step.sql)\n→ status \(r.status)\n\(r.stdout)\(r.stderr)")
        }
    }

    @Test func embedded() throws {
        let d = TempDirectory("tsdb-cli-walk")
        defer { d.remove() }
        try walk(["--data", d.path])
    }

    @Test func againstARealServer() throws {
        let d = TempDirectory("tsdb-cli-walk-server")
        defer { d.remove() }
        let server = try CLIServer(data: d.path)
        try walk(["--server", server.url])
    }

    /// The steps whose answers are whole CSVs, as one shell script: the answers one after another.
    @Test func shell() throws {
        let d = TempDirectory("tsdb-cli-walk-shell")
        defer { d.remove() }
        // The shell opens an existing database: the first statement comes from `query`.
        let first = try CLI.run(["--data", d.path, "query", "--format", "csv", LifecycleWalk.steps[0].sql])
        #expect(first.stdout == LifecycleWalk.steps[0].csv, "\(first.stderr)")
        let steps = LifecycleWalk.steps.dropFirst().filter { !$0.csv.hasPrefix("error:") && !$0.csv.hasPrefix("prefix:") }
        let script = ".mode csv\n" + steps.map { $0.sql + ";\n" }.joined()
        let r = try CLI.run(["shell", "--data", d.path], stdin: script)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == steps.map(\.csv).joined(), "\(r.stdout)")
    }

    @Test func ingestListsRefusedLinesAndExitsTwo() throws {
        let d = TempDirectory("tsdb-cli-walk-ingest")
        defer { d.remove() }
        let create = try CLI.run(["--data", d.path, "query", "CREATE TABLE plays (time TIMESTAMP, artist SYMBOL, duration_ms BIGINT) WITH (retention = '30 days')"])
        #expect(create.status == 0, "\(create.stderr)")
        let now = Int64(Date().timeIntervalSince1970) * 1_000_000_000
        let old = now - 90 * 86_400_000_000_000
        let file = d.path + "/plays.lp"
        try """
        plays,artist=A duration_ms=1i \(now - 1)
        plays,artist=B duration_ms=2i \(old)
        plays,artist=C duration_ms=3i,mood="x" \(now - 2)
        plays,artist=D duration_ms="long" \(now - 3)
        plays,artist=E duration_ms=5i \(now - 4)

        """.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["ingest", "--data", d.path, file])
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.hasPrefix("2 rows written, 3 lines rejected"), "\(r.stdout)")
        let rejected = r.stderr.split(separator: "\n").map(String.init)
        #expect(rejected.count == 3, "\(r.stderr)")
        #expect(rejected.first { $0.contains("line 2") }?.contains("points beyond retention policy") == true, "\(r.stderr)")
        #expect(rejected.first { $0.contains("line 3") }?.contains("'mood' is not a column of table 'plays'") == true, "\(r.stderr)")
        #expect(rejected.contains { $0.contains("line 4") }, "\(r.stderr)")
        let q = try CLI.run(["--data", d.path, "query", "--format", "csv", "SELECT artist FROM plays ORDER BY artist"])
        #expect(q.stdout == "artist\nA\nE\n", "\(q.stdout)\(q.stderr)")
    }
}
