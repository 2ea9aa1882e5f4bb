import Foundation
import Testing
import TestSupport

/// `tsdb-cli archive TABLE --older-than AGE --to DIR`: old days move to Hive-partitioned Parquet that
/// DuckDB reads, and a kill at any step loses no row.
@Suite struct ArchiveCommandTests {
    /// A data directory with 8 days of plays ending today (UTC), and the first day the archive keeps
    /// with `--older-than 3d`.
    func makeData(_ dir: TempDirectory) throws -> (data: String, keepFrom: String) {
        let f = DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        let now = Date()
        let lp = dir.path + "/plays.lp"
        #expect(try CLI.run(["generate", "--rows", "4000", "--days", "8", "--end", f.string(from: now), "--seed", "11", "--out", lp]).status == 0)
        #expect(try CLI.run(["ingest", "-q", "--data", dir.path + "/d", lp]).status == 0)
        return (dir.path + "/d", f.string(from: now.addingTimeInterval(-3 * 86_400)))
    }

    func csv(_ data: String, _ sql: String) throws -> String {
        let r = try CLI.run(["query", "--data", data, "-f", "csv", sql])
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout
    }

    /// Per day: rows, total duration, distinct tracks, liked count, revenue — as `day,…` lines.
    static let perDay = "count(*), sum(duration_ms), count(DISTINCT track), count(*) FILTER (WHERE liked), round(sum(revenue), 6)"

    @Test func oldDaysMoveToParquetThatDuckDBReads() throws {
        let dir = TempDirectory("cli-archive"); defer { dir.remove() }
        let (data, keepFrom) = try makeData(dir)
        let before = try csv(data, "SELECT strftime(time, '%Y-%m-%d') AS day, \(Self.perDay) FROM plays WHERE time < '\(keepFrom)' GROUP BY day ORDER BY day")
        let kept = try csv(data, "SELECT count(*) FROM plays WHERE time >= '\(keepFrom)'")
        let r = try CLI.run(["archive", "plays", "--data", data, "--older-than", "3d", "--to", dir.path + "/cold"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("verified and deleted"), "\(r.stdout)")
        // tsdb keeps only the recent days.
        #expect(try csv(data, "SELECT count(*) FROM plays") == kept)
        #expect(try csv(data, "SELECT count(*) FROM plays WHERE time < '\(keepFrom)'") == "count_star()\n0\n")
        // DuckDB reads the archive as one partitioned table with the same per-day answers.
        let script = """
        import duckdb, sys
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        for row in con.execute("SELECT CAST(day AS VARCHAR), \(Self.perDay) FROM read_parquet(?, hive_partitioning = true) GROUP BY day ORDER BY day", [sys.argv[1] + "/**/*.parquet"]).fetchall():
            print(",".join(str(v) for v in row))
        """
        let out = dir.path + "/duck.txt"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "python3 -c \"$0\" \"$1\" > \"$2\"", script, dir.path + "/cold", out]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let duck = try String(contentsOfFile: out, encoding: .utf8)
        let ours = before.split(separator: "\n").dropFirst().joined(separator: "\n") + "\n"
        #expect(duck == ours, "duckdb:\n\(duck)\ntsdb before:\n\(ours)")
        #expect(duck.split(separator: "\n").count == 5)
        // Nothing is left to archive: a second run says so and changes nothing.
        let again = try CLI.run(["archive", "plays", "--data", data, "--older-than", "3d", "--to", dir.path + "/cold"])
        #expect(again.status == 0 && again.stdout.contains("nothing archived"), "\(again.stdout)\(again.stderr)")
    }

    /// Rows, the sum of their durations and their distinct times, as DuckDB reads the
    /// archive (the same line as tsdb gives for those rows before the archive ran).
    func duckTotals(_ archive: String, _ out: String) throws -> String {
        let script = """
        import duckdb, sys
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        r = con.execute("SELECT count(*), sum(duration_ms), count(DISTINCT epoch_ns(time)) FROM read_parquet(?, hive_partitioning = true)", [sys.argv[1] + "/**/*.parquet"]).fetchone()
        print(",".join(str(v) for v in r))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "python3 -c \"$0\" \"$1\" > \"$2\"", script, archive, out]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        return try String(contentsOfFile: out, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Killed before its delete commits ("exported", "verified", "deleting") or just after ("deleted"),
    /// then run again into the same folder: no row is lost, and DuckDB reads each archived row exactly once.
    @Test(arguments: ["exported", "verified", "deleting", "deleted"])
    func aKillAtAnyStepLosesNoRowAndARerunArchivesEachRowOnce(point: String) throws {
        let dir = TempDirectory("cli-archive-kill"); defer { dir.remove() }
        let (data, keepFrom) = try makeData(dir)
        let all = try csv(data, "SELECT count(*), sum(duration_ms) FROM plays")
        let old = try csv(data, "SELECT count(*), sum(duration_ms), count(DISTINCT time) FROM plays WHERE time < '\(keepFrom)'")
            .split(separator: "\n")[1]
        let cold = dir.path + "/cold"
        let killed = try CLI.run(["archive", "plays", "--data", data, "--older-than", "3d", "--to", cold],
                                 env: ["TSDB_ARCHIVE_KILL_AT": point])
        #expect(killed.status != 0 && !killed.stdout.contains("deleted"), "\(point): \(killed.stdout)")
        #expect(FileManager.default.fileExists(atPath: cold + "/plays/_archive_pending"), "\(point)")
        if point == "deleted" {
            // The delete committed: the rows are in the archive only.
            #expect(try csv(data, "SELECT count(*) FROM plays WHERE time < '\(keepFrom)'") == "count_star()\n0\n")
        } else {
            // Killed before the delete was published: every row is still in tsdb.
            #expect(try csv(data, "SELECT count(*), sum(duration_ms) FROM plays") == all, "\(point)")
        }
        // A rerun into the same folder settles the interrupted run's files and completes.
        let r = try CLI.run(["archive", "plays", "--data", data, "--older-than", "3d", "--to", cold])
        #expect(r.status == 0, "\(point): \(r.stderr)")
        #expect(r.stderr.contains(point == "deleted" ? "stay in the archive" : "removed them, archiving again"), "\(point): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cold + "/plays/_archive_pending"), "\(point)")
        #expect(try csv(data, "SELECT count(*) FROM plays WHERE time < '\(keepFrom)'") == "count_star()\n0\n", "\(point)")
        // Each archived row exactly once: DuckDB's count, sum and distinct rows equal tsdb's before.
        #expect(try duckTotals(cold + "/plays", dir.path + "/duck.txt") == String(old), "\(point)")
        // And loaded back, tsdb holds every row once again.
        for day in try FileManager.default.contentsOfDirectory(atPath: cold + "/plays") where day.hasPrefix("day=") {
            for part in try FileManager.default.contentsOfDirectory(atPath: cold + "/plays/" + day) {
                #expect(part.hasSuffix(".parquet"), "\(point): \(day)/\(part) left behind")
                let back = try CLI.run(["ingest", "-q", "--data", data, "--table", "plays", "--tags", "artist,track,platform,country,device",
                                        cold + "/plays/\(day)/\(part)"])
                #expect(back.status == 0, "\(back.stderr)")
            }
        }
        #expect(try csv(data, "SELECT count(*), sum(duration_ms) FROM plays") == all, "\(point)")
    }
}
