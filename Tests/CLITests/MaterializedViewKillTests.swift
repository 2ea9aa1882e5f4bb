import Foundation
import Testing
import TestSupport

/// A one-shot `tsdb-cli ingest` materializes its views once, at its end: between its raw writes (and the
/// flushes that move them into segments) and that last step, the views hold none of the new rows. A SIGKILL
/// anywhere in that window, or during the step itself, leaves every view exact on the next open, and the
/// next ingest materializes what the killed one did not.
@Suite(.serialized) struct MaterializedViewKillTests {
    static let views = [
        ("daily", "SELECT date_trunc('day', time) AS day, artist, count(*) AS plays, count(DISTINCT user_id) AS listeners, sum(seq) AS total FROM plays GROUP BY day, artist"),
        ("hourly", "SELECT date_trunc('hour', time) AS hour, track, count(*) AS plays, min(seq) AS first, max(seq) AS last FROM plays GROUP BY hour, track"),
        ("weekly", "SELECT time_bucket(INTERVAL '7 days', time) AS week, count(*) AS plays FROM plays WHERE seq % 3 = 0 GROUP BY week"),
    ]

    /// Plays `first..<first+n` over `days` days from 2026-01-01 (the first days again when `days` is small: late rows).
    static func lines(_ first: Int, _ n: Int, days: Int) -> String {
        (first..<first + n).map { i in
            "plays,artist=A\(i % 13),track=T\(i % 400) user_id=\"u\(i % 211)\",seq=\(i)i \(1_767_225_600_000_000_000 + Int64(i % days) * 86_400_000_000_000 + Int64(i % 86_400) * 1_000_000_000)"
        }.joined(separator: "\n") + "\n"
    }

    /// Every view equals its defining query on raw rows, as a fresh `tsdb-cli query` sees them.
    static func checkViews(_ base: [String], _ step: String) throws {
        for (name, sql) in views {
            let stored = try CLI.run(base + ["query", "--format", "csv", "SELECT * FROM \(name) ORDER BY 1, 2"])
            let raw = try CLI.run(base + ["query", "--format", "csv", sql + " ORDER BY 1, 2"], env: ["TSDB_VIEW_REWRITE": "off"])
            #expect(stored.status == 0 && raw.status == 0, "\(step): \(stored.stderr)\(raw.stderr)")
            #expect(stored.stdout == raw.stdout, "view \(name) after \(step)")
            #expect(stored.stdout.split(separator: "\n").count > 1, "view \(name) after \(step) is empty")
        }
    }

    /// Starts `tsdb-cli ingest file`, kills it with SIGKILL after `delay` seconds unless it ended; true when killed.
    static func ingestKilled(_ base: [String], _ file: String, after delay: Double) throws -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = base + ["ingest", "--quiet", file]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(delay)
        while p.isRunning && Date() < deadline { usleep(2_000) }
        let killed = p.isRunning
        if killed { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        return killed && p.terminationReason == .uncaughtSignal
    }

    @Test func viewsStayExactWhenIngestIsKilled() throws {
        let d = TempDirectory("tsdb-cli-mv-kill")
        defer { d.remove() }
        let base = ["--data", d.path + "/data"]
        let file = d.path + "/in.lp"
        try Self.lines(0, 20_000, days: 20).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(base + ["ingest", file]).status == 0)
        for (name, sql) in Self.views {
            let r = try CLI.run(base + ["query", "CREATE MATERIALIZED VIEW \(name) AS " + sql])
            #expect(r.status == 0, "\(r.stderr)")
        }
        try Self.checkViews(base, "create")

        // How long an uninterrupted ingest of a round's rows takes here, to spread the kills over it (only
        // where each kill lands depends on it; what is checked does not).
        let batch = 15_000
        let clock = Date()
        try Self.lines(20_000, batch, days: 25).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(base + ["ingest", file]).status == 0)
        let full = Date().timeIntervalSince(clock)
        try Self.checkViews(base, "an uninterrupted ingest")

        var next = 20_000 + batch
        var kills = 0
        for round in 1...4 {
            // New days and late rows into buckets the views already hold.
            try Self.lines(next, batch, days: 10 + 4 * round).write(toFile: file, atomically: true, encoding: .utf8)
            next += batch
            if try Self.ingestKilled(base, file, after: full * Double(round) / 5) { kills += 1 }
            try Self.checkViews(base, "round \(round)'s kill")
        }
        // The next ingest (an empty file here) brings every view current.
        try "".write(toFile: file, atomically: true, encoding: .utf8)
        let last = try CLI.run(base + ["ingest", file])
        #expect(last.status == 0, "\(last.stderr)")
        let pending = try CLI.run(base + ["query", "--format", "csv", "SELECT sum(pending_ranges) AS p FROM tsdb_views"])
        #expect(pending.stdout == "p\n0\n", "\(pending.stdout)\(pending.stderr)")
        try Self.checkViews(base, "the last ingest")
        // Some ingest died (the others ended first under load): reported, not a condition of exactness.
        print("MaterializedViewKillTests: \(kills) of 4 ingests killed (uninterrupted: \(String(format: "%.2f", full)) s)")
    }
}
