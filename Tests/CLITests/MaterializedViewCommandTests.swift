import Foundation
import Testing
import TestSupport

/// A one-shot `tsdb-cli ingest` leaves the database's materialized views current before it exits.
@Suite struct MaterializedViewCommandTests {
    @Test func ingestLeavesViewsCurrent() throws {
        let d = TempDirectory("tsdb-cli-mv")
        defer { d.remove() }
        let base = ["--data", d.path]
        let view = "SELECT date_trunc('day', time) AS day, artist, count(*) AS plays, max(seq) AS last FROM plays GROUP BY day, artist"
        func lines(_ from: Int, _ n: Int) -> String {
            (from..<from + n).map { "plays,artist=A\($0 % 5) seq=\($0)i \(1_767_225_600_000_000_000 + Int64($0 % 9) * 86_400_000_000_000 + Int64($0))" }
                .joined(separator: "\n") + "\n"
        }
        let file = d.path + "/in.lp"
        try lines(0, 2000).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(base + ["ingest", file]).status == 0)
        let created = try CLI.run(base + ["query", "CREATE MATERIALIZED VIEW daily AS " + view])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("created materialized view daily"), "\(created.stdout)")
        // Late and new rows over every day.
        try lines(2000, 3000).write(toFile: file, atomically: true, encoding: .utf8)
        let ingest = try CLI.run(base + ["ingest", file])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let pending = try CLI.run(base + ["query", "--format", "csv", "SELECT name, pending_ranges FROM tsdb_views"])
        #expect(pending.stdout == "name,pending_ranges\ndaily,0\n", "\(pending.stdout)\(pending.stderr)")
        let stored = try CLI.run(base + ["query", "--format", "csv", "SELECT * FROM daily ORDER BY day, artist"])
        // The defining query on raw rows: with rewriting on, the view itself would answer it.
        let raw = try CLI.run(base + ["query", "--format", "csv", view + " ORDER BY day, artist"], env: ["TSDB_VIEW_REWRITE": "off"])
        let rewritten = try CLI.run(base + ["query", "--format", "csv", view + " ORDER BY day, artist"])
        #expect(rewritten.stdout == raw.stdout)
        let explain = try CLI.run(base + ["query", "EXPLAIN " + view])
        #expect(explain.stdout.contains("answered from materialized view daily"), "\(explain.stdout)")
        let explainRaw = try CLI.run(base + ["query", "EXPLAIN " + view], env: ["TSDB_VIEW_REWRITE": "off"])
        #expect(!explainRaw.stdout.contains("materialized view"), "\(explainRaw.stdout)")
        #expect(stored.status == 0 && stored.stdout == raw.stdout, "\(stored.stdout)\(stored.stderr)")
        #expect(stored.stdout.split(separator: "\n").count == 46)
        // Exported like any table.
        let export = try CLI.run(base + ["export", "daily", "--to", d.path + "/out", "--format", "parquet"])
        #expect(export.status == 0, "\(export.stderr)")
    }

    /// `SET view_rewrite = off` before the statement of `tsdb-cli query`, for the rest of a shell session,
    /// and (from a shell on `--server`) as the `view_rewrite` parameter of every later query.
    @Test func viewRewriteSettingInQueryAndShell() throws {
        let d = TempDirectory("tsdb-cli-mv-setting")
        defer { d.remove() }
        let base = ["--data", d.path]
        let file = d.path + "/in.lp"
        try (0..<300).map { "plays,artist=A\($0 % 4) seq=\($0)i \(1_767_225_600_000_000_000 + Int64($0 % 5) * 86_400_000_000_000 + Int64($0))" }
            .joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(base + ["ingest", file]).status == 0)
        let view = "SELECT date_trunc('day', time) AS day, artist, count(*) AS plays FROM plays GROUP BY day, artist"
        #expect(try CLI.run(base + ["query", "CREATE MATERIALIZED VIEW daily AS " + view]).status == 0)
        let raw = "SELECT date_trunc('month', time) AS month, count(*) AS plays FROM plays GROUP BY month"
        let explained = try CLI.run(base + ["query", "EXPLAIN " + raw])
        #expect(explained.stdout.contains("answered from materialized view daily"), "\(explained.stdout)")
        let off = try CLI.run(base + ["query", "SET view_rewrite = off; EXPLAIN " + raw])
        #expect(off.status == 0 && !off.stdout.contains("materialized view") && off.stdout.contains("SCAN plays"), "\(off.stdout)\(off.stderr)")
        #expect(try CLI.run(base + ["query", "--format", "csv", "SHOW view_rewrite"]).stdout == "view_rewrite\non\n")
        #expect(try CLI.run(base + ["query", "--format", "csv", "SHOW view_rewrite"], env: ["TSDB_VIEW_REWRITE": "off"]).stdout == "view_rewrite\noff\n")
        #expect(try CLI.run(base + ["query", "--format", "csv", "SET view_rewrite = off; " + raw]).stdout
                == (try CLI.run(base + ["query", "--format", "csv", raw])).stdout)
        let bad = try CLI.run(base + ["query", "SET view_rewrite = sometimes; " + raw])
        CLI.expectFailure(bad, mentioning: "expected on or off")

        // The shell keeps SET for the rest of the session; RESET goes back to the default.
        let script = ".mode csv\nSET view_rewrite = off;\nSHOW view_rewrite;\nEXPLAIN \(raw);\nRESET view_rewrite;\nSHOW view_rewrite;\nEXPLAIN \(raw);\n"
        let shell = try CLI.run(base + ["shell"], stdin: script)
        #expect(shell.status == 0, "\(shell.stderr)")
        let halves = shell.stdout.components(separatedBy: "view_rewrite\non\n")
        #expect(halves.count == 2 && halves[0].hasPrefix("view_rewrite\noff\n"), "\(shell.stdout)")
        #expect(!halves[0].contains("materialized view") && halves[1].contains("answered from materialized view daily"), "\(shell.stdout)")
        let badShell = try CLI.run(base + ["shell"], stdin: "SET view_rewrite = 2;\n")
        #expect(badShell.status != 0 && badShell.stderr.contains("expected on or off"), "\(badShell.stderr)")

        // From a shell on a server: later queries carry the setting as a parameter.
        let server = try FakeHTTPServer { _ in .init(status: 200, contentType: "text/csv", body: "n\n1\n") }
        defer { server.stop() }
        let remote = try CLI.run(["shell", "--server", server.url], stdin: "SELECT 1;\nSET view_rewrite TO off;\nSELECT 2;\n")
        #expect(remote.status == 0, "\(remote.stderr)")
        #expect(server.requests.map { $0.query["view_rewrite"] } == [nil, "off"], "\(server.requests.map(\.query))")
    }
}
