import Foundation
import Testing
import TestSupport

/// `tsdb-cli ingest FILE.parquet` and `tsdb-cli query --format parquet`, on the public benchmark's data.
@Suite struct ParquetCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// gen_plays.py: shared/bench beside the repository, else the copy in bench/public.
    static let generator: String = {
        let beside = repository.deletingLastPathComponent().appendingPathComponent("shared/bench/gen_plays.py").path
        return FileManager.default.fileExists(atPath: beside) ? beside : repository.appendingPathComponent("bench/public/gen_plays.py").path
    }()

    static func python(_ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test func playsParquetLoadsIntoTheTableItsLineProtocolMakes() throws {
        let dir = TempDirectory("cli-parquet")
        defer { dir.remove() }
        #expect(try Self.python([Self.generator, "--rows", "3000", "--out", dir.path, "--days", "20"]) == 0)
        let lp = try CLI.run(["ingest", "-q", "--data", dir.path + "/a", dir.path + "/plays.lp"])
        #expect(lp.status == 0, "\(lp.stderr)")
        let pq = try CLI.run(["ingest", "-q", "--data", dir.path + "/b", dir.path + "/plays.parquet",
                              "--tags", "artist,track,platform,country,device"])
        #expect(pq.status == 0, "\(pq.stderr)")
        #expect(pq.stdout.contains("3,000 rows written"), "\(pq.stdout)")
        for sql in ["DESCRIBE plays", "SELECT * FROM plays ORDER BY time, user_id, track, duration_ms",
                    "SELECT artist, count(*), count(DISTINCT user_id), sum(duration_ms), min(revenue), max(revenue) FROM plays GROUP BY artist ORDER BY artist"] {
            let a = try CLI.run(["query", "--data", dir.path + "/a", "-f", "csv", sql])
            let b = try CLI.run(["query", "--data", dir.path + "/b", "-f", "csv", sql])
            #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
            #expect(a.stdout == b.stdout, "\(sql)")
            #expect(a.stdout.split(separator: "\n").count > 2)
        }
    }

    @Test func queryToParquetReadsBackIntoTheSameRows() throws {
        let dir = TempDirectory("cli-parquet")
        defer { dir.remove() }
        #expect(try Self.python([Self.generator, "--rows", "2000", "--out", dir.path, "--days", "5", "--no-parquet"]) == 0)
        #expect(try CLI.run(["ingest", "-q", "--data", dir.path + "/a", dir.path + "/plays.lp"]).status == 0)
        let sql = "SELECT * FROM plays ORDER BY time, user_id, track"
        for codec in ["zstd", "snappy", "uncompressed"] {
            let out = dir.path + "/export-\(codec).parquet"
            let q = try CLI.run(["query", "--data", dir.path + "/a", "--format", "parquet", "--compression", codec, "--output", out, sql])
            #expect(q.status == 0, "\(q.stderr)")
            let back = try CLI.run(["ingest", "-q", "--data", dir.path + "/b", out, "--table", "plays_\(codec)",
                                    "--tags", "artist,track,platform,country,device"])
            #expect(back.status == 0, "\(back.stderr)")
            let a = try CLI.run(["query", "--data", dir.path + "/a", "-f", "csv", sql])
            let b = try CLI.run(["query", "--data", dir.path + "/b", "-f", "csv", "SELECT * FROM plays_\(codec) ORDER BY time, user_id, track"])
            #expect(a.stdout == b.stdout && a.stdout.count > 1000, "\(codec)")
        }
        let usage = try CLI.run(["query", "--data", dir.path + "/a", "--format", "parquet", sql])
        CLI.expectUsageError(usage, mentioning: "--format parquet needs --output")
    }

    @Test func aTruncatedFileImportsNothing() throws {
        let dir = TempDirectory("cli-parquet")
        defer { dir.remove() }
        #expect(try Self.python([Self.generator, "--rows", "3000", "--out", dir.path, "--days", "3"]) == 0)
        let good = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/plays.parquet"))
        // Cut inside the data, footer kept: the pages of the last row group run short.
        var cut = good
        cut.removeSubrange((good.count / 2)..<(good.count / 2 + 100))
        try cut.write(to: URL(fileURLWithPath: dir.path + "/cut.parquet"))
        try good.prefix(good.count - 10).write(to: URL(fileURLWithPath: dir.path + "/short.parquet"))
        for file in ["cut", "short"] {
            let r = try CLI.run(["ingest", "-q", "--data", dir.path + "/db", dir.path + "/\(file).parquet"])
            CLI.expectFailure(r, mentioning: "Parquet")
            let tables = try CLI.run(["query", "--data", dir.path + "/db", "-f", "csv", "SHOW TABLES"])
            #expect(!tables.stdout.contains(file), "\(file): \(tables.stdout)")
        }
        let missing = try CLI.run(["ingest", "-q", "--data", dir.path + "/db", dir.path + "/plays.parquet", "--tags", "nope"])
        CLI.expectFailure(missing, mentioning: "'nope', which is not a column")
    }
}

/// `tsdb-cli export TABLE --to DIR --format parquet --partition-by day`.
@Suite struct ExportCommandTests {
    @Test func dayPartitionsReadBackInDuckDBAndIntoTsdb() throws {
        let dir = TempDirectory("cli-export")
        defer { dir.remove() }
        #expect(try ParquetCommandTests.python([ParquetCommandTests.generator, "--rows", "4000", "--out", dir.path, "--days", "12", "--no-parquet"]) == 0)
        #expect(try CLI.run(["ingest", "-q", "--data", dir.path + "/a", dir.path + "/plays.lp"]).status == 0)
        // gen_plays.py's data starts 2025-11-21 (with --days 12, it ends 2025-12-02).
        let range = "time >= '2025-11-23' AND time < '2025-11-29'"
        let since = "2025-11-23", until = "2025-11-29"
        let out = dir.path + "/export"
        let r = try CLI.run(["export", "plays", "--data", dir.path + "/a", "--to", out, "--format", "parquet",
                             "--partition-by", "day", "--since", since, "--until", until])
        #expect(r.status == 0, "\(r.stderr)")
        let days = try FileManager.default.contentsOfDirectory(atPath: out + "/plays").sorted()
        #expect(days == (23...28).map { "day=2025-11-\($0)" })
        // DuckDB reads the tree as one table; the day column matches each row's time.
        let check = """
        import duckdb, sys
        con = duckdb.connect()
        rows = con.execute("SELECT count(*), count(*) FILTER (WHERE CAST(day AS VARCHAR) <> strftime(time AT TIME ZONE 'UTC', '%Y-%m-%d')) FROM read_parquet(?, hive_partitioning = true)", [sys.argv[1] + "/plays/**/*.parquet"]).fetchone()
        print(rows[0], rows[1])
        """
        let py = try CLI.run(["query", "--data", dir.path + "/a", "-f", "csv", "SELECT count(*) FROM plays WHERE \(range)"])
        let expected = py.stdout.split(separator: "\n")[1]
        let duck = try runCapturing(["python3", "-c", check, out])
        #expect(duck.trimmingCharacters(in: .whitespacesAndNewlines) == "\(expected) 0", "\(duck)")
        // Loaded back, the files hold exactly the rows in range.
        for day in days {
            let back = try CLI.run(["ingest", "-q", "--data", dir.path + "/b", out + "/plays/\(day)/part-0.parquet", "--table", "plays",
                                    "--tags", "artist,track,platform,country,device"])
            #expect(back.status == 0, "\(back.stderr)")
        }
        let sql = "SELECT * FROM plays WHERE \(range) ORDER BY time, user_id, track"
        let a = try CLI.run(["query", "--data", dir.path + "/a", "-f", "csv", sql])
        let b = try CLI.run(["query", "--data", dir.path + "/b", "-f", "csv", sql])
        #expect(a.stdout == b.stdout && a.stdout.count > 1000)
        // A second export adds part-1 files beside the first.
        #expect(try CLI.run(["export", "plays", "--data", dir.path + "/a", "--to", out, "--since", "2025-11-24", "--until", "2025-11-25"]).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/plays/day=2025-11-24").sorted() == ["part-0.parquet", "part-1.parquet"])
        CLI.expectFailure(try CLI.run(["export", "nope", "--data", dir.path + "/a", "--to", out]), mentioning: "unknown table 'nope'")
    }

    func runCapturing(_ args: [String]) throws -> String {
        let tmp = TempDirectory("cli-export-run")
        defer { tmp.remove() }
        _ = FileManager.default.createFile(atPath: tmp.path + "/out", contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: tmp.path + "/out"))
        try p.run()
        p.waitUntilExit()
        return try String(contentsOfFile: tmp.path + "/out", encoding: .utf8)
    }
}
