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
