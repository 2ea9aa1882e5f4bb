import Foundation
import Logging
import TestSupport
@testable import tsdb_server

/// A server started in-process on 127.0.0.1 with ephemeral ports and a fresh data directory.
final class RunningServer {
    let server: TSDBServer
    let directory: TempDirectory
    let config: ServerConfig

    init(_ configure: (inout ServerConfig) -> Void = { _ in }) throws {
        directory = TempDirectory("tsdb-server-test")
        var c = ServerConfig(dataDirectory: directory.path + "/data")
        c.http = HostPort(host: "127.0.0.1", port: 0)
        c.tcp = HostPort(host: "127.0.0.1", port: 0)
        c.pg = HostPort(host: "127.0.0.1", port: 0)
        c.writeThreads = 2
        c.queryConcurrency = 2
        c.queryThreads = 1
        configure(&c)
        config = c
        var logger = Logger(label: "tsdb.server.test")
        logger.logLevel = .critical
        server = try TSDBServer(config: c, logger: logger)
        try server.start()
    }

    var httpPort: Int { server.httpPort! }
    var tcpPort: Int { server.tcpPort! }
    var pgPort: Int { server.pgPort! }

    func client() throws -> TestHTTPClient { try TestHTTPClient(port: httpPort) }

    /// Shuts down and removes the data directory.
    func stop() {
        try? server.shutdown()
        directory.remove()
    }

    /// The Authorization header tests send (the first configured token, if any).
    var auth: [(String, String)] {
        config.tokens.sorted().first.map { [("Authorization", "Token \($0)")] } ?? []
    }

    /// Runs a query and returns the JSON rows.
    func query(_ db: String, _ sql: String) throws -> [[String: Any]] {
        let r = try client().request("GET", "/api/v3/query_sql?db=\(db)&q=\(urlEncode(sql))&format=json", headers: auth)
        guard r.status == 200 else { throw TestError("query failed (\(r.status)): \(r.text)") }
        return r.array
    }

    /// `SELECT count(*)` of a table (0 when the database or table does not exist yet).
    func count(_ db: String, _ table: String) throws -> Int {
        let r = try client().request("GET", "/api/v3/query_sql?db=\(db)&q=\(urlEncode("SELECT count(*) AS n FROM \(table)"))", headers: auth)
        guard r.status == 200 else { return 0 }
        return (r.array.first?["n"] as? Int) ?? 0
    }
}

/// Percent-encodes a query-string value.
func urlEncode(_ s: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return s.addingPercentEncoding(withAllowedCharacters: allowed)!
}

/// gzip-compresses bytes with the system's gzip.
func gzipped(_ bytes: [UInt8]) throws -> [UInt8] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", "gzip -c"]
    let input = Pipe(), output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    try p.run()
    let writer = Thread { input.fileHandleForWriting.write(Data(bytes)); try? input.fileHandleForWriting.close() }
    writer.start()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw TestError("gzip failed") }
    return Array(out)
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}

/// A parsed Prometheus text exposition: sample lines by `name{labels}`, plus each metric's TYPE.
struct PrometheusText {
    var samples: [String: Double] = [:]
    var types: [String: String] = [:]

    /// Parses strictly: every line is a comment (`# HELP`, `# TYPE`), blank, or `name{labels} value`.
    init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# TYPE ") {
                let p = line.split(separator: " ")
                guard p.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(String(p[3])) else {
                    throw TestError("bad TYPE line: \(line)")
                }
                types[String(p[2])] = String(p[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " ") else { throw TestError("bad sample line: \(line)") }
            let key = String(line[..<space])
            let valueText = line[line.index(after: space)...]
            guard let value = Double(valueText) ?? (valueText == "+Inf" ? .infinity : nil) else {
                throw TestError("bad sample value: \(line)")
            }
            let name = key.split(separator: "{", maxSplits: 1)[0]
            guard let first = name.unicodeScalars.first, CharacterSet.letters.contains(first) || first == "_",
                  name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == ":" }) else {
                throw TestError("bad metric name: \(line)")
            }
            if key.contains("{") {
                guard key.hasSuffix("}") else { throw TestError("bad labels: \(line)") }
            }
            samples[key] = value
        }
    }

    subscript(key: String) -> Double? { samples[key] }
}
