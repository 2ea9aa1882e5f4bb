import Foundation
import Testing
import TestSupport
@testable import tsdb_cli

/// The DevOps (TSBS cpu-only) generator: determinism, the line format, the walks' statistics, and the
/// Parquet output holding the same rows (read back by DuckDB).
@Suite struct DevOpsGeneratorTests {
    static let start: Int64 = 1_767_225_600 * 1_000_000_000  // 2026-01-01T00:00:00Z

    static func lines(_ bytes: [UInt8]) -> [Substring] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    }

    /// One line split into its tags, fields and time (no value in this data needs an escape).
    static func parse(_ line: Substring) throws -> (tags: [(String, String)], fields: [(String, String)], time: Int64) {
        let parts = line.split(separator: " ")
        try #require(parts.count == 3, "\(line)")
        let series = parts[0].split(separator: ",")
        #expect(series.first == "cpu")
        let kv = { (s: Substring) -> (String, String) in
            let p = s.split(separator: "=", maxSplits: 1)
            return (String(p[0]), p.count > 1 ? String(p[1]) : "")
        }
        return (series.dropFirst().map(kv), parts[1].split(separator: ",").map(kv), try #require(Int64(parts[2])))
    }

    @Test func sameSeedSameBytesWhateverTheChunkSizeAndShortRunsArePrefixes() throws {
        let g = try DevOpsGenerator(seed: 7, hosts: 13, start: Self.start)
        let a = g.lines(rows: 1_000)
        var b: [UInt8] = []
        try DevOpsGenerator(seed: 7, hosts: 13, start: Self.start).write(rows: 1_000, chunkBytes: 700) { chunk in
            #expect(chunk.last == 0x0A, "a chunk ends with a whole line")
            b.append(contentsOf: chunk)
        }
        #expect(a == b)
        let short = g.lines(rows: 321)
        #expect(Array(a.prefix(short.count)) == short, "321 rows are the first 321 of 1000")
        #expect(try DevOpsGenerator(seed: 8, hosts: 13, start: Self.start).lines(rows: 1_000) != a)
        #expect(g.lines(rows: 0).isEmpty)
    }

    @Test func linesHaveTheTsbsTagsAndTwoDecimalGauges() throws {
        let hosts = 37
        let g = try DevOpsGenerator(seed: 42, hosts: hosts, start: Self.start)
        let lines = Self.lines(g.lines(rows: hosts * 20 + 5))
        #expect(lines.count == hosts * 20 + 5)
        let regions = Dictionary(uniqueKeysWithValues: DevOpsSchema.regions.map { ($0.name, Set($0.datacenters)) })
        var tagsOfHost: [String: [String]] = [:]
        for (r, line) in lines.enumerated() {
            let l = try Self.parse(line)
            #expect(l.tags.map(\.0) == DevOpsSchema.tags)
            #expect(l.fields.map(\.0) == DevOpsSchema.fields)
            #expect(l.time == Self.start + Int64(r / hosts) * 10_000_000_000)
            let t = l.tags.map(\.1)
            #expect(t[0] == "host_\(r % hosts)")
            #expect(regions[t[1]]?.contains(t[2]) == true, "datacenter \(t[2]) in region \(t[1])")
            #expect(Int(t[3]).map { (0..<100).contains($0) } == true)
            #expect(DevOpsSchema.operatingSystems.contains(t[4]) && DevOpsSchema.architectures.contains(t[5]))
            #expect(DevOpsSchema.teams.contains(t[6]) && Int(t[7]).map { (0..<20).contains($0) } == true)
            #expect((t[8] == "0" || t[8] == "1") && DevOpsSchema.environments.contains(t[9]))
            if let seen = tagsOfHost[t[0]] { #expect(seen == t, "a host's tags never change") } else { tagsOfHost[t[0]] = t }
            for (_, v) in l.fields {
                let dot = try #require(v.firstIndex(of: "."), "a float always has a decimal point: \(v)")
                #expect((1...2).contains(v.distance(from: dot, to: v.endIndex) - 1), "\(v)")
                let x = try #require(Double(v))
                #expect(x >= 0 && x <= 100)
            }
        }
        #expect(tagsOfHost.count == hosts)
        #expect(Set(tagsOfHost.values.map { $0[1] }).count > 4, "hosts spread over the regions")
    }

    @Test func gaugesWalkWithUnitSteps() throws {
        let g = try DevOpsGenerator(seed: 3, hosts: 50, start: Self.start)
        var previous: [Int32] = []
        var n = 0.0, sum = 0.0, squares = 0.0, clamped = 0
        g.forEachInstant(rows: 50 * 400) { _, values in
            if !previous.isEmpty {
                for i in values.indices {
                    let v = values[i]
                    #expect(v >= 0 && v <= 10_000)
                    if v == 0 || v == 10_000 { clamped += 1; continue }
                    let d = Double(v - previous[i]) / 100
                    n += 1; sum += d; squares += d * d
                }
            }
            previous = Array(values)
        }
        let mean = sum / n, sd = (squares / n - mean * mean).squareRoot()
        #expect(abs(mean) < 0.02, "steps have mean 0: \(mean)")
        #expect(sd > 0.97 && sd < 1.03, "steps have standard deviation 1: \(sd)")
        #expect(clamped < Int(n) / 50)
    }

    @Test func columnsHoldTheSameRowsAsTheLines() throws {
        let g = try DevOpsGenerator(seed: 11, hosts: 9, start: Self.start)
        let rows = 9 * 30 + 4
        let lines = Self.lines(g.lines(rows: rows))
        var r = 0, batches = 0
        try g.write(rows: rows, batchRows: 100) { batch in
            batches += 1
            #expect(batch.count == 21)
            for i in 0..<batch[0].count {
                let l = try Self.parse(lines[r])
                #expect(batch[0].int64s[i] == l.time)
                for t in 0..<10 {
                    let c = batch[1 + t]
                    let s = String(decoding: c.bytes[Int(c.offsets[i])..<Int(c.offsets[i + 1])], as: UTF8.self)
                    #expect(s == l.tags[t].1)
                }
                for f in 0..<10 {
                    #expect(batch[11 + f].float64s[i].bitPattern == Double(l.fields[f].1)!.bitPattern, "same double as the parsed text")
                }
                r += 1
            }
        }
        #expect(r == rows && batches == 3)
    }

    @Test func cliWritesLinesAndAParquetFileDuckDBReadsAsTheSameRows() throws {
        let dir = TempDirectory("cli-devops")
        defer { dir.remove() }
        let common = ["generate", "--dataset", "devops", "--rows", "2500", "--hosts", "25", "--start", "2026-03-01", "--seed", "5"]
        let lp = try CLI.run(common)
        #expect(lp.status == 0, "\(lp.stderr)")
        let lines = lp.stdout.split(separator: "\n")
        #expect(lines.count == 2500)
        var userSum = 0, idleMax = 0.0
        var hosts = Set<String>()
        for line in lines {
            let l = try Self.parse(line)
            hosts.insert(l.tags[0].1)
            userSum += Int((Double(l.fields[0].1)! * 100).rounded())
            idleMax = max(idleMax, Double(l.fields[2].1)!)
        }
        let pq = try CLI.run(common + ["--format", "parquet", "--out", dir.path + "/cpu.parquet"])
        #expect(pq.status == 0, "\(pq.stderr)")
        let check = """
        import duckdb, sys
        r = duckdb.connect().execute("SELECT count(*), count(DISTINCT hostname), CAST(round(sum(usage_user) * 100) AS BIGINT), max(usage_idle), epoch_ns(min(time)), epoch_ns(max(time)) FROM read_parquet(?)", [sys.argv[1]]).fetchone()
        print(*r)
        """
        let duck = try Self.python(check, dir.path + "/cpu.parquet")
        let first: Int64 = 1_772_323_200 * 1_000_000_000  // 2026-03-01T00:00:00Z
        let last = first + 99 * 10_000_000_000
        #expect(duck == "2500 \(hosts.count) \(userSum) \(idleMax) \(first) \(last)", "\(duck)")
        #expect(hosts.count == 25)
    }

    @Test func badDevOpsArgumentsAreUsageErrors() throws {
        CLI.expectUsageError(try CLI.run(["generate", "--rows", "5", "--dataset", "devops", "--hosts", "0"]), mentioning: "--hosts")
        CLI.expectUsageError(try CLI.run(["generate", "--rows", "5", "--dataset", "devops", "--start", "2026-02-30"]), mentioning: "--start")
        CLI.expectUsageError(try CLI.run(["generate", "--rows", "5", "--dataset", "devops", "--days", "3"]), mentioning: "--days")
        CLI.expectUsageError(try CLI.run(["generate", "--rows", "5", "--dataset", "devops", "--format", "parquet"]), mentioning: "--out")
        CLI.expectUsageError(try CLI.run(["generate", "--rows", "5", "--hosts", "3"]), mentioning: "devops")
        CLI.expectUsageError(try CLI.run(["generate", "--rows", "5", "--format", "parquet", "--out", "/tmp/x.parquet"]), mentioning: "devops")
        CLI.expectUsageError(try CLI.run(["generate", "--rows", "5", "--dataset", "metrics"]), mentioning: "metrics")
    }

    /// Runs `python3 -c script args…` and returns its standard output, trimmed.
    static func python(_ script: String, _ args: String...) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
