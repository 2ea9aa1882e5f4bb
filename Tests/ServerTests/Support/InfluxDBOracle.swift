import Foundation
import TestSupport

/// A real InfluxDB 1.x (`/usr/bin/influxd`, Debian's `influxdb`) on 127.0.0.1 with its own config file,
/// temp meta/data/wal directories and reporting off: the oracle InfluxQL answers are compared with.
final class InfluxDBOracle: @unchecked Sendable {
    let process = Process()
    let directory: TempDirectory
    let httpPort: Int

    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/influxd") }

    init() throws {
        directory = TempDirectory("influxdb-oracle")
        let http = try Self.freePort(), rpc = try Self.freePort()
        httpPort = http
        let d = directory.path
        let config = """
        reporting-disabled = true
        bind-address = "127.0.0.1:\(rpc)"
        [meta]
          dir = "\(d)/meta"
        [data]
          dir = "\(d)/data"
          wal-dir = "\(d)/wal"
          query-log-enabled = false
        [coordinator]
          max-select-buckets = 0
        [http]
          bind-address = "127.0.0.1:\(http)"
          log-enabled = false
        [logging]
          level = "error"
        [monitor]
          store-enabled = false
        [continuous_queries]
          enabled = false
        """
        try config.write(toFile: d + "/influxdb.conf", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/influxd")
        process.arguments = ["-config", d + "/influxdb.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready when /ping answers 204; generous on a loaded machine.
        let deadline = Date().addingTimeInterval(60)
        while true {
            if let r = try? TestHTTPClient(port: http).request("GET", "/ping"), r.status == 204 { break }
            guard process.isRunning, Date() < deadline else { throw TestError("influxd did not start on port \(http)") }
            usleep(100_000)
        }
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        directory.remove()
    }

    /// A port the kernel just handed out (closed again for influxd to bind).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestError("socket failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { throw TestError("bind failed") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

/// Both servers side by side: the same writes, the same InfluxQL, their JSON compared.
struct InfluxQLPair {
    let oracle: InfluxDBOracle
    let tsdb: RunningServer
    let database: String

    /// Creates the database on both and writes `lines` (nanosecond timestamps) to both.
    func load(_ lines: String) throws {
        _ = try post(oracle.httpPort, "/query", "q=" + urlEncode("CREATE DATABASE \(database)"))
        for port in [oracle.httpPort, tsdb.httpPort] {
            let r = try TestHTTPClient(port: port).request("POST", "/write?db=\(database)", body: lines)
            guard r.status == 204 else { throw TestError("write to port \(port) failed (\(r.status)): \(r.text)") }
        }
    }

    private func post(_ port: Int, _ path: String, _ form: String) throws -> TestResponse {
        try TestHTTPClient(port: port).request("POST", path, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: form)
    }

    /// One InfluxQL query on a server: status and parsed JSON.
    func ask(_ port: Int, _ q: String, extra: String = "") throws -> (Int, Any?, String) {
        let r = try TestHTTPClient(port: port).request("GET", "/query?db=\(database)&q=\(urlEncode(q))\(extra)")
        return (r.status, r.json, r.text)
    }

    /// Each query on both servers; the ones whose answers differ (status or JSON, numbers compared as
    /// doubles to 1e-9 relative), with both answers for the failure message.
    func differences(_ queries: [String], extra: String = "") throws -> [String] {
        var pairs: [[String]] = []
        var statuses: [(Int, Int)] = []
        for q in queries {
            let (s1, _, t1) = try ask(oracle.httpPort, q, extra: extra)
            let (s2, _, t2) = try ask(tsdb.httpPort, q, extra: extra)
            pairs.append([t1, t2])
            statuses.append((s1, s2))
        }
        let unequal = try JSONCompare.unequal(pairs)
        return queries.indices.compactMap { i in
            guard unequal.contains(i) || statuses[i].0 != statuses[i].1 else { return nil }
            return "\(queries[i])\n  influxdb (\(statuses[i].0)): \(pairs[i][0].prefix(1500))\n  tsdb     (\(statuses[i].1)): \(pairs[i][1].prefix(1500))"
        }
    }
}

/// Structural JSON comparison done by Python's json module (exact types: true is not 1), numbers
/// compared as doubles to 1e-9 relative (float sums may be added in another order). Each body may be
/// several JSON lines (chunked answers).
enum JSONCompare {
    static let script = """
    import json, sys, math
    def eq(a, b):
        if isinstance(a, bool) or isinstance(b, bool):
            return type(a) == type(b) and a == b
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))
        if isinstance(a, dict) and isinstance(b, dict):
            return a.keys() == b.keys() and all(eq(a[k], b[k]) for k in a)
        if isinstance(a, list) and isinstance(b, list):
            return len(a) == len(b) and all(eq(x, y) for x, y in zip(a, b))
        return a == b
    def parse(t):
        try:
            return [json.loads(l) for l in t.splitlines() if l.strip()]
        except Exception:
            return ["unparsable", t]
    pairs = json.load(sys.stdin)
    print(json.dumps([i for i, (a, b) in enumerate(pairs) if not eq(parse(a), parse(b))]))
    """

    /// Indexes of the pairs whose two bodies differ.
    static func unequal(_ pairs: [[String]]) throws -> Set<Int> {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        let data = try JSONSerialization.data(withJSONObject: pairs)
        let writer = Thread { input.fileHandleForWriting.write(data); try? input.fileHandleForWriting.close() }
        writer.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0, let list = try JSONSerialization.jsonObject(with: out) as? [Int] else {
            throw TestError("the JSON comparison failed: \(String(decoding: out, as: UTF8.self))")
        }
        return Set(list)
    }
}
