import Foundation
import TestSupport

/// The built `tsdb-server` binary run as a child process on 127.0.0.1 with ephemeral ports.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    /// The plain HTTP port (0 when `--http off`).
    let httpPort: Int
    let tcpPort: Int?
    let pgPort: Int?
    let httpsPort: Int?
    private let output: Pipe

    /// Starts the server and waits for its `listening` line. `stderr`: a file that receives its standard
    /// error (default: discarded); `arguments` replace the default ones entirely; `environment` is added
    /// to the test's own, less its `TSDB_*` variables.
    init(data: String, extra: [String] = [], tcp: Bool = false, stderr: String? = nil, arguments: [String]? = nil,
         environment: [String: String] = [:]) throws {
        guard let exe = BuildProducts.executable("tsdb-server") else {
            throw TestError("tsdb-server binary not found next to the test bundle (build it: swift build)")
        }
        process.executableURL = URL(fileURLWithPath: exe)
        process.arguments = arguments ?? (["--data", data, "--http", "127.0.0.1:0", "--tcp", tcp ? "127.0.0.1:0" : "off", "--log-level", "error"] + extra)
        // The server reads TSDB_* variables as settings: only the test's own reach it.
        // The PostgreSQL listener's default port (8812) would collide between tests: an ephemeral one
        // unless the test sets it.
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TSDB_") }
            .merging(["TSDB_PG": "127.0.0.1:0"]) { _, new in new }
            .merging(environment) { _, new in new }
        output = Pipe()
        process.standardOutput = output
        if let path = stderr {
            FileManager.default.createFile(atPath: path, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: path)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        // Read the one line that names the bound ports.
        var line: [UInt8] = []
        let fh = output.fileHandleForReading
        while true {
            let d = fh.readData(ofLength: 1)
            if d.isEmpty { throw TestError("tsdb-server exited before listening (status \(process.isRunning ? -1 : process.terminationStatus))") }
            if d.first == 0x0A { break }
            line.append(contentsOf: d)
        }
        let text = String(decoding: line, as: UTF8.self)
        func port(_ key: String) -> Int? {
            guard let r = text.range(of: key + "=") else { return nil }
            let rest = text[r.upperBound...].prefix { $0 != " " }
            return rest.split(separator: ":").last.flatMap { Int($0) }
        }
        httpsPort = port("https")
        guard let h = port("http") ?? httpsPort.map({ _ in 0 }) else { throw TestError("no http port in '\(text)'") }
        httpPort = h
        tcpPort = port("tcp")
        pgPort = port("pg")
    }

    /// A server a failed test left running is killed, never leaked.
    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var pid: Int32 { process.processIdentifier }

    /// Sends a signal and waits for the exit; returns the exit status (or the signal that ended it).
    @discardableResult
    func stop(signal sig: Int32, timeout: Double = 30) -> (status: Int32, reason: Process.TerminationReason) {
        kill(pid, sig)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(pid, SIGKILL); process.waitUntilExit() }
        return (process.terminationStatus, process.terminationReason)
    }

    /// Resident set size in bytes, from /proc.
    var rssBytes: Int {
        guard let s = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return (Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0) * 1024
    }
}
