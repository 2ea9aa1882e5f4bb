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
}
