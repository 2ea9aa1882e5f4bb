import Foundation
import TestSupport
import Testing

/// The CLI and the server accept exactly the same lines of the same input: both write through the
/// store's one decision (`Database.write(_:policy:)`). The same file goes through the real `tsdb-cli
/// ingest` and through the real server over HTTP into two data directories.
@Suite("CLI and server accept the same lines", .serialized)
struct SameAcceptanceTests {
    static let t0: Int64 = 1_767_225_600_000_000_000  // 2026-01-01

    /// 2,000 lines, 120 of them bad in several ways; returns the text and the bad line numbers.
    /// `plays.score` is an integer in the seed, so the file's float scores conflict with the stored table.
    static func input() -> (text: String, bad: [Int]) {
        var lines: [String] = []
        var bad: [Int] = []
        for i in 0..<2_000 {
            let n = i + 1
            let t = t0 + Int64(i) * 60_000_000_000
            if i % 50 == 7 {
                // A rotating kind of bad line, once in each group of 50.
                let kinds = [
                    "plays,artist=a\(i) duration_ms=12x \(t)",            // parse error: bad integer
                    "plays,artist=a\(i) score=1.5 \(t)",                  // type conflict with the stored table
                    "LOCK,host=h v=1i \(t)",                              // reserved: the store's lock file
                    "MANIFEST v=1i \(t)",                                 // reserved: the manifest
                    "wal v=1i \(t)",                                      // reserved: the WAL directory
                    "plays,artist=a\(i) time=5i,duration_ms=3i \(t)",     // a field named time
                    "no fields here",                                     // parse error: no field set
                    ".hidden v=1i \(t)",                                  // reserved: starts with '.'
                    "MANIFEST.tmp v=1i \(t)",                             // reserved: the manifest's temp file
                ]
                let k = (i / 50) % kinds.count
                lines.append(kinds[k])
                bad.append(n)
            } else if i % 50 == 8 || i % 50 == 9 {
                // Two more bad lines in each group of 50: 40 + 80 = 120 of 2,000.
                let kinds2 = ["plays,artist=x duration_ms=1i,score=2.5 \(t)", "wal,host=h v=2i \(t)"]
                lines.append(kinds2[i % 50 - 8])
                bad.append(n)
            } else if i % 10 == 3 {
                lines.append("devices,os=o\(i % 4) battery=\(Double(i) / 10) \(t)")
            } else {
                lines.append("plays,artist=a\(i % 7),platform=p\(i % 3) duration_ms=\(i)i,liked=\(i % 2 == 0) \(t)")
            }
        }
        return (lines.joined(separator: "\n") + "\n", bad)
    }

    static let seed = "plays,artist=seed duration_ms=1i,score=10i \(t0)\n"

    static func cli(_ args: [String], stdin: String? = nil) throws -> (status: Int32, out: String, err: String) {
        guard let exe = BuildProducts.executable("tsdb-cli") else { throw TestError("tsdb-cli not built") }
        let dir = TempDirectory("tsdb-cli-run"); defer { dir.remove() }
        let inPath = dir.path + "/in", outPath = dir.path + "/out", errPath = dir.path + "/err"
        for p in [inPath, outPath, errPath] { _ = FileManager.default.createFile(atPath: p, contents: nil) }
        try Data((stdin ?? "").utf8).write(to: URL(fileURLWithPath: inPath))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.standardInput = FileHandle(forReadingAtPath: inPath)
        p.standardOutput = FileHandle(forWritingAtPath: outPath)
        p.standardError = FileHandle(forWritingAtPath: errPath)
        var env = ProcessInfo.processInfo.environment
        env["TSDB_DATA"] = nil
        p.environment = env
        try p.run()
        p.waitUntilExit()
        let o = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        let e = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        return (p.terminationStatus, o, e)
    }

    /// `SELECT count(*)` of each table in a data directory, through the CLI (embedded).
    static func counts(_ data: String) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for table in ["plays", "devices", "LOCK", "MANIFEST", "wal"] {
            let r = try cli(["query", "--data", data, "--db", "eq", "--format", "csv", "SELECT count(*) AS n FROM \"\(table)\""])
            let v = r.out.split(separator: "\n").dropFirst().first.flatMap { Int($0) }
            out[table] = r.status == 0 ? v ?? -1 : -1
        }
        return out
    }

    @Test func sameFileSameRowsSameRejectedLines() throws {
        let (text, bad) = Self.input()
        #expect(bad.count == 120)
        let work = TempDirectory(); defer { work.remove() }
        let file = work.path + "/plays.lp"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let seedFile = work.path + "/seed.lp"
        try Data(Self.seed.utf8).write(to: URL(fileURLWithPath: seedFile))

        // CLI: seed, then the file.
        let cliData = work.path + "/cli"
        #expect(try Self.cli(["ingest", "--data", cliData, "--db", "eq", "-q", seedFile]).status == 0)
        let ingest = try Self.cli(["ingest", "--data", cliData, "--db", "eq", "-q", "--json", "--max-errors", "1000", file])
        #expect(ingest.status == 2, "exit \(ingest.status): \(ingest.err)")
        let summary = try JSONSerialization.jsonObject(with: Data(ingest.out.utf8)) as? [String: Any] ?? [:]
        let cliLines = (summary["errors"] as? [[String: Any]] ?? []).compactMap { $0["line"] as? Int }
        #expect(cliLines == bad)
        #expect(summary["lines_rejected"] as? Int == 120)
        #expect(summary["rows_written"] as? Int == 1_880)

        // Server: seed, then the file in one request (v1: the 400 body lists the first 100 rejected lines).
        let serverData = work.path + "/server"
        let server = try ServerProcess(data: serverData)
        let client = try TestHTTPClient(port: server.httpPort)
        #expect(try client.request("POST", "/write?db=eq", body: Self.seed).status == 204)
        let r = try client.request("POST", "/write?db=eq", body: text)
        #expect(r.status == 400)
        let obj = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any] ?? [:]
        let serverLines = (obj["rejected"] as? [[String: Any]] ?? []).compactMap { $0["line"] as? Int }
        #expect(serverLines == Array(bad.prefix(100)))
        #expect((obj["error"] as? String)?.hasSuffix("dropped=120") == true, "\(obj["error"] ?? "")")
        client.close()
        #expect(server.stop(signal: SIGTERM).status == 0)

        let a = try Self.counts(cliData), b = try Self.counts(serverData)
        #expect(a == b)
        #expect(a["plays"]! + a["devices"]! == 1_881)  // 1,880 lines + the seed
        #expect(a["LOCK"] == -1 && a["MANIFEST"] == -1 && a["wal"] == -1)  // never created
    }
}
