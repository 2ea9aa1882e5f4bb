import Foundation
import Testing

/// `tsdb-cli ingest`: summaries, exit codes, rejected lines, stdin, precision, chunking.
@Suite struct IngestCommandTests {
    let fx = CLIFixture.shared

    @Test func ingestsAFileAndSummarises() throws {
        let d = fx.scratch()
        defer { d.remove() }
        let r = try CLI.run(["ingest", "--data", d.path, fx.playsFile])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("3,000 rows written, 0 lines rejected in "), "\(r.stdout)")
        #expect(r.stdout.contains("rows/s"))
        #expect(!r.stderr.contains("\r") && !r.stderr.contains("\u{1B}"), "no progress bar when stderr is not a terminal")
        let j = try CLI.run(["inspect", "--data", d.path, "--json"])
        let tables = try #require((try j.stdout.json() as? [String: Any])?["tables"] as? [[String: Any]])
        #expect(tables.count == 1)
        #expect(tables.first?["name"] as? String == "plays")
        #expect(tables.first?["rows"] as? Int == CLIFixture.rows)
    }

    @Test func jsonSummary() throws {
        let d = fx.scratch()
        defer { d.remove() }
        let r = try CLI.run(["ingest", "--data", d.path, "--json", fx.playsFile])
        #expect(r.status == 0)
        let o = try #require(try r.stdout.json() as? [String: Any])
        #expect(o["rows_written"] as? Int == CLIFixture.rows)
        #expect(o["lines_rejected"] as? Int == 0)
        #expect((o["seconds"] as? Double ?? -1) >= 0)
        #expect((o["bytes"] as? Int ?? 0) > 100_000)
    }

    @Test func rejectedLinesExitTwoAndAreNamed() throws {
        let d = fx.scratch()
        defer { d.remove() }
        let file = d.path + "/bad.lp"
        try "m,t=a v=1i 1000\nm,t=b v=oops 2000\n# comment\n\nm v=2.5 3000\nm v=3i 4000\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["ingest", "--data", d.path + "/data", file])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("2 rows written, 2 lines rejected"), "\(r.stdout)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 2, "\(r.stderr)")
        #expect(lines.first?.hasPrefix("rejected: \(file): line 2, column ") == true, "\(r.stderr)")
        #expect(lines.first?.contains("oops") == true)
        #expect(lines.last?.contains("line 5") == true, "\(r.stderr)")
        CLI.expectNoCrash(r)
    }

    @Test func namesTheStoreRefusesRejectTheirLinesOnly() throws {
        // These used to abort the whole ingest (exit 1, nothing written) or, for LOCK, break every flush.
        let d = fx.scratch()
        defer { d.remove() }
        let file = d.path + "/names.lp"
        try "m v=1i 1000\nwal v=1i 2000\nLOCK v=1i 3000\nm time=5i,v=2i 4000\n.x v=1i 5000\nm v=3i 6000\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["ingest", "--data", d.path + "/data", file])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("2 rows written, 4 lines rejected"), "\(r.stdout)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 4, "\(r.stderr)")
        #expect(lines[0].contains("line 2: measurement name 'wal' is reserved"), "\(r.stderr)")
        #expect(lines[2].contains("line 4") && lines[2].contains("'time'"), "\(r.stderr)")
        let q = try CLI.run(["query", "--data", d.path + "/data", "--format", "csv", "SELECT count(*) AS n FROM m"])
        #expect(q.stdout == "n\n2\n", "\(q.stdout) \(q.stderr)")
        CLI.expectNoCrash(r)
    }

    @Test func maxErrorsLimitsWhatIsPrinted() throws {
        let d = fx.scratch()
        defer { d.remove() }
        let file = d.path + "/bad.lp"
        try (1...30).map { "m v=x\($0)" }.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["ingest", "--data", d.path + "/data", "--max-errors", "3", file])
        #expect(r.status == 2)
        #expect(r.stdout.hasPrefix("0 rows written, 30 lines rejected"), "\(r.stdout)")
        #expect(r.stderr.split(separator: "\n").count == 4, "\(r.stderr)")
        #expect(r.stderr.contains("… and 27 more lines"))
    }

    @Test func readsStandardInput() throws {
        let d = fx.scratch()
        defer { d.remove() }
        let r = try CLI.run(["ingest", "--data", d.path, "-"], stdin: "cpu,host=a usage=0.5 1000000000\ncpu,host=b usage=0.7 2000000000\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("2 rows written, 0 lines rejected"))
        let e = try CLI.run(["ingest", "--data", d.path, "-"], stdin: "cpu usage=\n")
        #expect(e.status == 2)
        #expect(e.stderr.hasPrefix("rejected: stdin: line 1"), "\(e.stderr)")
    }

    @Test func precisionScalesTimestamps() throws {
        let d = fx.scratch()
        defer { d.remove() }
        let r = try CLI.run(["ingest", "--data", d.path, "--precision", "s", "-"], stdin: "ev v=1i 1777777777\n")
        #expect(r.status == 0, "\(r.stderr)")
        let j = try CLI.run(["inspect", "--data", d.path, "--json", "ev"])
        let t = try #require(((try j.stdout.json() as? [String: Any])?["tables"] as? [[String: Any]])?.first)
        let p = try #require((t["partitions"] as? [[String: Any]])?.first)
        #expect(p["day"] as? String == "2026-05-03")
        #expect(p["min_time"] as? String == "2026-05-03T03:09:37Z")
    }

    @Test func chunksKeepLineNumbersAndRows() throws {
        // A file of ~1.4 MB read in 1 MB chunks, with bad lines in both chunks.
        let d = fx.scratch()
        defer { d.remove() }
        var text = "bad line one\n"
        for i in 0..<20_000 { text += "m,k=v\(i % 7) f=\(i)i,pad=\"\(String(repeating: "x", count: 40))\" \(1_000_000_000 + i)\n" }
        text += "bad line last"
        let file = d.path + "/big.lp"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["ingest", "--data", d.path + "/data", "--chunk-mb", "1", file])
        #expect(r.status == 2)
        #expect(r.stdout.hasPrefix("20,000 rows written, 2 lines rejected"), "\(r.stdout)")
        #expect(r.stderr.contains("big.lp: line 1,"), "\(r.stderr)")
        #expect(r.stderr.contains("big.lp: line 20002,"), "\(r.stderr)")
    }

    @Test func severalFilesAddUp() throws {
        let d = fx.scratch()
        defer { d.remove() }
        let a = d.path + "/a.lp", b = d.path + "/b.lp"
        try "x v=1i 1\nx v=2i 2\n".write(toFile: a, atomically: true, encoding: .utf8)
        try "y v=1.5 3\nbroken\n".write(toFile: b, atomically: true, encoding: .utf8)
        let r = try CLI.run(["ingest", "--data", d.path + "/data", a, b])
        #expect(r.status == 2)
        #expect(r.stdout.hasPrefix("3 rows written, 1 line rejected"), "\(r.stdout)")
        #expect(r.stderr.hasPrefix("rejected: \(b): line 2"), "\(r.stderr)")
    }

    @Test func failuresAndUsageErrors() throws {
        let d = fx.scratch()
        defer { d.remove() }
        CLI.expectFailure(try CLI.run(["ingest", "--data", d.path, d.path + "/missing.lp"]), mentioning: "cannot open")
        CLI.expectFailure(try CLI.run(["ingest", "--data", d.path, d.path]), mentioning: "is a directory")
        CLI.expectUsageError(try CLI.run(["ingest", "--data", d.path, "--precision", "h", "x.lp"]), mentioning: "--precision")
        CLI.expectUsageError(try CLI.run(["ingest", "--data", d.path]), mentioning: "file")
        CLI.expectUsageError(try CLI.run(["ingest", "--data", d.path, "--bogus", "x.lp"]), mentioning: "--bogus")
        CLI.expectUsageError(try CLI.run(["ingest", "--data", d.path, "--db", "a/b", "x.lp"]), mentioning: "--db")
    }

    @Test func dataDirectoryFromEnvironment() throws {
        let d = fx.scratch()
        defer { d.remove() }
        let r = try CLI.run(["ingest", "-"], stdin: "m v=1i 1\n", env: ["TSDB_DATA": d.path + "/env"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: d.path + "/env/default"))
        let c = try CLI.run(["ingest", "--db", "other", "-"], stdin: "m v=1i 1\n", cwd: d.path)
        #expect(c.status == 0, "\(c.stderr)")
        #expect(FileManager.default.fileExists(atPath: d.path + "/tsdb-data/other"))
    }
}
