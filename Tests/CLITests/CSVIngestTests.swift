import Foundation
import Testing
import TestSupport

/// `tsdb-cli ingest --format csv`: round trips through COPY … (FORMAT csv, HEADER), DuckDB reading the
/// same file, rejected records with line numbers, gzip and standard input.
@Suite struct CSVIngestTests {
    static let tags = "artist,track,platform,country,device"
    static let everyRow = "SELECT * FROM plays ORDER BY time, user_id, track, duration_ms"

    func csv(_ data: String, _ sql: String) throws -> String {
        let r = try CLI.run(["query", "--data", data, "-f", "csv", sql])
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout
    }

    func shell(_ script: String, _ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script] + args
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test func copyToCSVIngestsBackIntoTheSameTableAndDuckDBAgrees() throws {
        let dir = CLIFixture.shared.scratch(); defer { dir.remove() }
        let file = dir.path + "/plays.csv"
        let copy = try CLI.run(["query", "--data", CLIFixture.shared.dataDir, "COPY plays TO '\(file)' (FORMAT csv, HEADER)"])
        #expect(copy.status == 0, "\(copy.stderr)")
        let r = try CLI.run(["ingest", "-q", "--data", dir.path + "/a", "--format", "csv", "--table", "plays", "--tags", Self.tags, file])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("3,000 rows written, 0 lines rejected"), "\(r.stdout)")
        // Every row and every type come back the same (tags stay tags).
        #expect(try csv(dir.path + "/a", Self.everyRow) == (try csv(CLIFixture.shared.dataDir, Self.everyRow)))
        let describe = try csv(dir.path + "/a", "DESCRIBE plays")
        #expect(describe == (try csv(CLIFixture.shared.dataDir, "DESCRIBE plays")), "\(describe)")
        // DuckDB reads the same CSV and computes the same aggregates as tsdb over the imported table.
        let agg = "SELECT count(*), sum(duration_ms), count(DISTINCT artist), count(*) FILTER (WHERE completed), round(sum(revenue), 6), epoch_ns(min(time)), epoch_ns(max(time)) FROM plays"
        let ours = try csv(dir.path + "/a", agg).split(separator: "\n")[1]
        let script = """
        import duckdb, sys
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        r = con.execute("SELECT count(*), sum(duration_ms), count(DISTINCT artist), count(*) FILTER (WHERE completed), round(sum(revenue), 6), epoch_ns(min(time)), epoch_ns(max(time)) FROM read_csv(?, header = true, types = {'time': 'TIMESTAMP_NS'})", [sys.argv[1]]).fetchone()
        print(",".join(str(v).lower() if isinstance(v, bool) else str(v) for v in r))
        """
        let out = dir.path + "/duck.txt"
        #expect(try shell("python3 -c \"$0\" \"$1\" > \"$2\"", [script, file, out]) == 0)
        let duck = try String(contentsOfFile: out, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(duck == String(ours), "duckdb \(duck) vs tsdb \(ours)")
    }

    /// A CSV with every kind of bad record (a bad time, a bad number, a short row, a bad quote) between
    /// good ones, some quoted across lines; `RemoteImportTests` sends it to a server too.
    static let badRecords = #"""
        time,host,v,ok,note
        1000,a,1.5,true,"hi, there"
        2000,b,2,false,"say ""x"""
        3000,a,,,"two
        lines"
        x,a,1,true,
        5000,a,oops,true,z
        6000,a
        7000,a,"7"x,true,z
        8000,c,8,TRUE,
        """#

    @Test func badRecordsAreRejectedWithLineNumbersAndTheRestWritten() throws {
        let dir = CLIFixture.shared.scratch(); defer { dir.remove() }
        let file = dir.path + "/m.csv"
        try Self.badRecords.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["ingest", "-q", "--data", dir.path + "/d", "--tags", "host", "--precision", "s",
                             "--types", "v:float", file])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stdout.contains("4 rows written, 4 lines rejected"), "\(r.stdout)")
        #expect(r.stderr.contains("rejected: \(file): line 6: time 'x' is not an integer"), "\(r.stderr)")
        #expect(r.stderr.contains("line 7: column 'v': 'oops' is not a float"), "\(r.stderr)")
        #expect(r.stderr.contains("line 8: 2 fields, the header has 5"), "\(r.stderr)")
        #expect(r.stderr.contains("line 9: text after a closing quote"), "\(r.stderr)")
        // The table is named after the file; epoch seconds; empty unquoted fields are NULL.
        let rows = try csv(dir.path + "/d", "SELECT time, host, v, ok, note FROM m ORDER BY time")
        #expect(rows == #"""
        time,host,v,ok,note
        1970-01-01T00:16:40Z,a,1.5,true,"hi, there"
        1970-01-01T00:33:20Z,b,2.0,false,"say ""x"""
        1970-01-01T00:50:00Z,a,,,"two
        lines"
        1970-01-01T02:13:20Z,c,8.0,true,

        """#, "\(rows)")
        let kinds = try csv(dir.path + "/d", "DESCRIBE m")
        #expect(kinds.contains("host,VARCHAR,tag") && kinds.contains("ok,BOOLEAN,field") && kinds.contains("v,DOUBLE,field"), "\(kinds)")
    }

    @Test func aHeaderThatDoesNotFitImportsNothing() throws {
        let dir = CLIFixture.shared.scratch(); defer { dir.remove() }
        let file = dir.path + "/m.csv"
        try "ts,v\n2024-01-01T00:00:00Z,1\n".write(toFile: file, atomically: true, encoding: .utf8)
        CLI.expectFailure(try CLI.run(["ingest", "-q", "--data", dir.path + "/d", file]), mentioning: "no column 'time' for the time")
        let ok = try CLI.run(["ingest", "-q", "--data", dir.path + "/d", "--time-column", "ts", "--table", "t", file])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try csv(dir.path + "/d", "SELECT * FROM t") == "time,v\n2024-01-01T00:00:00Z,1\n")
        CLI.expectUsageError(try CLI.run(["ingest", "--data", dir.path + "/d", "--format", "csv", "-"]), mentioning: "--table")
    }

    @Test func gzipByNameAndByMagicFromStdin() throws {
        let dir = CLIFixture.shared.scratch(); defer { dir.remove() }
        let file = dir.path + "/plays.csv"
        #expect(try CLI.run(["query", "--data", CLIFixture.shared.dataDir, "COPY plays TO '\(file)' (FORMAT csv, HEADER)"]).status == 0)
        #expect(try shell("gzip -c \"$0\" > \"$0.gz\"", [file]) == 0)
        let want = try csv(CLIFixture.shared.dataDir, Self.everyRow)
        let byName = try CLI.run(["ingest", "-q", "--data", dir.path + "/a", "--tags", Self.tags, file + ".gz"])
        #expect(byName.status == 0, "\(byName.stderr)")
        #expect(try csv(dir.path + "/a", Self.everyRow) == want)
        let stdin = "\"$0\" ingest -q --data \"$1\" --format csv --table plays --tags \(Self.tags) - < \"$2\""
        #expect(try shell(stdin, [CLI.binary, dir.path + "/b", file + ".gz"]) == 0)
        #expect(try csv(dir.path + "/b", Self.everyRow) == want)
        #expect(try shell(stdin, [CLI.binary, dir.path + "/c", file]) == 0)
        #expect(try csv(dir.path + "/c", Self.everyRow) == want)
    }
}
