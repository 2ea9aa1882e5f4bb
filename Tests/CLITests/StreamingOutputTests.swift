import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// `tsdb-cli query` streams: CSV, JSON Lines and Parquet output of a large answer in bounded memory
/// (peak RSS of the real process, from the kernel), a capped table that says what it left out, Excel
/// workbooks, and COPY beside a running writer.
@Suite(.serialized) struct StreamingOutputTests {
    /// Rows of the large table: enough that holding the answer would pass the memory bound.
    static let bigRows = 2_000_000

    /// A data directory with table `big` of `bigRows` rows (time, host tag, two numbers, a string),
    /// made with SQL, shared by the memory tests.
    static let big: TempDirectory = {
        let d = TempDirectory("cli-stream-big")
        let data = d.path + "/data"
        let create = try! CLI.run(["query", "--data", data, "CREATE TABLE big (time TIMESTAMP, host SYMBOL, v BIGINT, f DOUBLE, note VARCHAR)"])
        precondition(create.status == 0, "BUG: \(create.stderr)")
        let insert = try! CLI.run(["query", "--data", data, """
            INSERT INTO big SELECT to_timestamp(1767225600 + i), 'host-' || (i % 100), i, i / 7.0, 'note number ' || i
            FROM range(\(bigRows)) AS r(i)
            """])
        precondition(insert.status == 0, "BUG: \(insert.stderr)")
        return d
    }()

    /// Runs `tsdb-cli args` with standard output to `stdoutPath` and returns its exit status and peak
    /// resident memory: the kernel's ru_maxrss of that one process, from wait4. A small Python parent
    /// forks and execs it, because the kernel starts a child's count at the RSS of the process it was
    /// spawned from (the test process, large here) when spawned with vfork (posix_spawn, Process).
    static func runMeasured(_ args: [String], stdoutPath: String) throws -> (status: Int32, peakBytes: Int, stderr: String) {
        let errPath = stdoutPath + ".err"
        let script = """
            import os, sys
            out, err, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
            pid = os.fork()
            if pid == 0:
                os.dup2(os.open("/dev/null", os.O_RDONLY), 0)
                os.dup2(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 1)
                os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 2)
                os.execv(argv[0], argv)
            _, status, usage = os.wait4(pid, 0)
            print(os.waitstatus_to_exitcode(status), usage.ru_maxrss * 1024)
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, stdoutPath, errPath, CLI.binary] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let report = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let fields = report.split(separator: " ").map { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1 }
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        unlink(errPath)
        guard fields.count == 2 else { return (-1, Int.max, "no report: \(report) \(err)") }
        return (Int32(fields[0]), fields[1], err)
    }

    /// The bound: far below the answer's size held whole (2M rows: ~250 MB of vectors, 780 MB before).
    static let memoryBound = 200 << 20

    @Test func csvAndJSONLinesOfTwoMillionRowsStreamInBoundedMemory() throws {
        let data = Self.big.path + "/data"
        for format in ["csv", "jsonl"] {
            let out = Self.big.path + "/out.\(format)"
            defer { unlink(out) }
            let r = try Self.runMeasured(["query", "--data", data, "-f", format, "SELECT * FROM big"], stdoutPath: out)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.peakBytes < Self.memoryBound, "\(format): peak RSS \(r.peakBytes >> 20) MiB")
            let text = try String(contentsOfFile: out, encoding: .utf8)
            let lines = text.split(separator: "\n")
            #expect(lines.count == Self.bigRows + (format == "csv" ? 1 : 0))
            if format == "csv" { #expect(lines.first == "time,host,v,f,note") }
            // Every v once: nothing lost or repeated across batches.
            var seen = [Bool](repeating: false, count: Self.bigRows)
            for line in lines.dropFirst(format == "csv" ? 1 : 0) {
                let v: Int
                if format == "csv" { v = Int(line.split(separator: ",")[2])! } else {
                    let start = line.range(of: "\"v\":")!.upperBound
                    v = Int(line[start...].prefix { $0 != "," })!
                }
                #expect(!seen[v])
                seen[v] = true
            }
            #expect(seen.allSatisfy { $0 })
        }
    }

    @Test func parquetOutputAndCopyStreamInBoundedMemoryAndDuckDBReadsThem() throws {
        let data = Self.big.path + "/data"
        let file = Self.big.path + "/big.parquet", copied = Self.big.path + "/copied.parquet"
        defer { unlink(file); unlink(copied) }
        let q = try Self.runMeasured(["query", "--data", data, "-f", "parquet", "-o", file, "SELECT * FROM big"], stdoutPath: "/dev/null")
        #expect(q.status == 0, "\(q.stderr)")
        #expect(q.peakBytes < Self.memoryBound, "query --format parquet: peak RSS \(q.peakBytes >> 20) MiB")
        let c = try Self.runMeasured(["query", "--data", data, "COPY big TO '\(copied)' (FORMAT parquet)"], stdoutPath: "/dev/null")
        #expect(c.status == 0, "\(c.stderr)")
        #expect(c.peakBytes < Self.memoryBound, "COPY: peak RSS \(c.peakBytes >> 20) MiB")
        for path in [file, copied] {
            let check = try python("""
                import duckdb
                con = duckdb.connect()
                con.execute("SET enable_progress_bar = false")
                r = con.execute("SELECT count(*), count(DISTINCT v), sum(v), epoch_ns(min(time)), epoch_ns(max(time)), max(note) FROM read_parquet('\(path)')").fetchone()
                print(",".join(str(x) for x in r))
                """)
            let n = Self.bigRows
            let t0 = 1_767_225_600_000_000_000
            #expect(check == "\(n),\(n),\(n * (n - 1) / 2),\(t0),\(t0 + (n - 1) * 1_000_000_000),note number 999999\n", "\(check)")
        }
    }

    @Test func aTableShowsTheFirstAndLastRowsAndSaysHowManyItLeftOut() throws {
        let data = Self.big.path + "/data"
        let out = Self.big.path + "/table.txt"
        defer { unlink(out) }
        let r = try Self.runMeasured(["query", "--data", data, "SELECT v FROM big"], stdoutPath: out)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.peakBytes < Self.memoryBound, "table: peak RSS \(r.peakBytes >> 20) MiB")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.hasSuffix("2000000 rows (40 shown)\n"), "\(text.suffix(80))")
        let numbers = text.split(separator: "\n").compactMap { Int($0.split(separator: "│").first?.trimmingCharacters(in: .whitespaces) ?? "") }
        #expect(numbers.count == 40)
        let small = try CLI.run(["query", "--data", data, "--max-rows", "6", "SELECT v FROM big WHERE v < 10"])
        #expect(small.stdout.hasSuffix("10 rows (6 shown)\n"), "\(small.stdout)")
        let all = try CLI.run(["query", "--data", data, "--max-rows", "0", "SELECT v FROM big WHERE v < 10"])
        #expect(all.stdout.hasSuffix("10 rows\n"), "\(all.stdout)")
    }

    func python(_ code: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", code]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: out, as: UTF8.self)
    }

    @Test func severalStatementsMakeAWorkbookOfSeveralSheets() throws {
        let dir = CLIFixture.shared.scratch(); defer { dir.remove() }
        let book = dir.path + "/report.xlsx"
        let r = try CLI.run(["query", "--data", CLIFixture.shared.dataDir, "-f", "xlsx", "-o", book,
                             "SELECT artist, count(*) AS plays FROM plays GROUP BY artist ORDER BY artist; SELECT min(time) AS first, max(time) AS last FROM plays"])
        #expect(r.status == 0, "\(r.stderr)")
        let sheets = try XLSXReadback.read(book)
        #expect(sheets.map(\.name) == ["Result 1", "Result 2", "Query"])
        let jsonl = try CLI.run(["query", "--data", CLIFixture.shared.dataDir, "-f", "jsonl", "SELECT artist, count(*) AS plays FROM plays GROUP BY artist ORDER BY artist"])
        let want = try jsonl.stdout.split(separator: "\n").map { try #require(try String($0).json() as? [String: Any]) }
        #expect(sheets[0].rows.count == want.count + 1)
        #expect(sheets[0].rows.first == [.text("artist"), .text("plays")])
        for (i, row) in want.enumerated() where i + 1 < sheets[0].rows.count {
            let artist = try #require(row["artist"] as? String), plays = try #require(row["plays"] as? Int)
            #expect(sheets[0].rows[i + 1] == [.text(artist), .number(Double(plays))], "row \(i + 1)")
        }
        #expect(sheets[1].rows[0] == [.text("first"), .text("last")])
        if case .date? = sheets[1].rows[1][0] {} else { Issue.record("first is not a date: \(sheets[1].rows[1])") }
        #expect(sheets[2].rows.count == 3)
        #expect(sheets[2].rows[1][0] == .text("Result 1") && sheets[2].rows[2][0] == .text("Result 2"))
        #expect(sheets[2].rows[2][1] == .text("SELECT min(time) AS first, max(time) AS last FROM plays"))
        CLI.expectUsageError(try CLI.run(["query", "--data", CLIFixture.shared.dataDir, "-f", "xlsx", "SELECT 1"]), mentioning: "--format xlsx needs --output")
    }

    @Test func copyRunsOnTheReadOnlyViewBesideAWriter() throws {
        let d = try CLIFixture.shared.copyOfData(); defer { d.remove() }
        let data = d.path + "/data"
        // A writer holds the directory's lock: an ingest reading a FIFO that is kept open.
        let fifo = d.path + "/lp.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: CLI.binary)
        writer.arguments = ["ingest", "-q", "--data", data, fifo]
        writer.standardOutput = FileHandle.nullDevice
        writer.standardError = FileHandle.nullDevice
        try writer.run()
        let feed = FileHandle(forWritingAtPath: fifo)!  // blocks until the writer opened it
        defer {
            try? feed.close()
            writer.waitUntilExit()
        }
        feed.write(Data("extra,host=a v=1i 1777000000000000000\n".utf8))
        // Wait (generously) until the writer holds the database's lock.
        let lockPath = data + "/default/LOCK"
        var held = false
        for _ in 0..<6_000 where !held {
            let fd = open(lockPath, O_RDONLY)
            if fd >= 0 {
                if flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK { held = true } else { flock(fd, LOCK_UN) }
                close(fd)
            }
            if !held { usleep(10_000) }
        }
        #expect(held, "the ingest never took the lock")
        let out = d.path + "/plays.csv"
        let r = try CLI.run(["query", "--data", data, "COPY (SELECT * FROM plays ORDER BY time) TO '\(out)'"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == CLIFixture.rows + 1)
        // A statement that changes data still needs the writer's lock, and says so.
        let del = try CLI.run(["query", "--data", data, "DELETE FROM plays WHERE time < '2000-01-01'"])
        CLI.expectFailure(del, mentioning: "in use")
    }
}
