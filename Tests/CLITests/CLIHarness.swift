import Foundation
import TestSupport
import Testing

/// Runs the built `tsdb-cli` as a subprocess and captures what it printed.
struct CLIRun {
    var status: Int32
    var stdout: String
    var stderr: String

    /// The first line of standard error.
    var firstErrorLine: String { String(stderr.split(separator: "\n").first ?? "") }
}

enum CLI {
    static var binary: String {
        guard let p = BuildProducts.executable("tsdb-cli") else {
            preconditionFailure("BUG: tsdb-cli is not built next to the test binary")
        }
        return p
    }

    /// Runs `tsdb-cli args…` with `stdin` as standard input (empty when nil), in `cwd`.
    static func run(_ args: [String], stdin: String? = nil, cwd: String? = nil, env: [String: String] = [:]) throws -> CLIRun {
        let dir = TempDirectory("tsdb-cli-run")
        defer { dir.remove() }
        let outPath = dir.path + "/out", errPath = dir.path + "/err", inPath = dir.path + "/in"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        _ = FileManager.default.createFile(atPath: inPath, contents: Data((stdin ?? "").utf8))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        var environment = ProcessInfo.processInfo.environment
        environment["TSDB_DATA"] = nil
        environment["TSDB_TOKEN"] = nil
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = FileHandle(forWritingAtPath: outPath)!, err = FileHandle(forWritingAtPath: errPath)!
        let inp = FileHandle(forReadingAtPath: inPath)!
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        p.waitUntilExit()
        try out.close(); try err.close(); try inp.close()
        let o = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        let e = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        return CLIRun(status: p.terminationStatus, stdout: o, stderr: e)
    }

    /// Checks the shape of a usage error: exit 64, one `Error:` line, then usage; no crash report.
    static func expectUsageError(_ r: CLIRun, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 64, "exit status \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.firstErrorLine.hasPrefix("Error: "), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.firstErrorLine.contains(text), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains("Usage: tsdb-cli"), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        expectNoCrash(r, sourceLocation: sourceLocation)
    }

    /// Checks a runtime failure: exit 1 with an `Error:` first line.
    static func expectFailure(_ r: CLIRun, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 1, "exit status \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.firstErrorLine.hasPrefix("Error: "), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(text), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        expectNoCrash(r, sourceLocation: sourceLocation)
    }

    static func expectNoCrash(_ r: CLIRun, sourceLocation: SourceLocation = #_sourceLocation) {
        for marker in ["Fatal error", "Stack dump", "Current stack trace", "Illegal instruction", "BUG:"] {
            #expect(!r.stderr.contains(marker), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        }
    }
}

/// Generated play events shared by the tests (generating is the slow part in a debug build), and a data
/// directory holding them that tests only read.
final class CLIFixture: Sendable {
    static let shared = CLIFixture()

    let dir: TempDirectory
    /// 3,000 play events over 3 days ending 2026-05-04, seed 7.
    let playsFile: String
    /// A data directory with `playsFile` ingested into database `default`.
    let dataDir: String
    static let rows = 3_000

    /// Removed when the test process exits (Swift Testing has no suite-wide teardown).
    nonisolated(unsafe) private static var leftover: String?

    private init() {
        dir = TempDirectory("tsdb-cli-fixture")
        Self.leftover = dir.path
        atexit { if let p = CLIFixture.leftover { try? FileManager.default.removeItem(atPath: p) } }
        playsFile = dir.path + "/plays.lp"
        dataDir = dir.path + "/data"
        let g = try! CLI.run(["generate", "--rows", "\(Self.rows)", "--days", "3", "--end", "2026-05-04", "--seed", "7", "--out", playsFile])
        precondition(g.status == 0, "BUG: generate failed: \(g.stderr)")
        let i = try! CLI.run(["ingest", "--data", dataDir, playsFile])
        precondition(i.status == 0, "BUG: ingest failed: \(i.stderr)")
    }

    /// A fresh directory for one test (removed by the caller).
    func scratch() -> TempDirectory { TempDirectory("tsdb-cli-test") }

    /// A copy of `dataDir` for a test that keeps a database open a while (an interactive shell): a
    /// database is opened by one process at a time, and the other tests share `dataDir`.
    func copyOfData() throws -> TempDirectory {
        let d = scratch()
        try FileManager.default.copyItem(atPath: dataDir, toPath: d.path + "/data")
        return d
    }
}

extension String {
    /// The text parsed as JSON.
    func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(utf8)) }
}
