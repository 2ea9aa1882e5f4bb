import Foundation
import Testing
import TestSupport

/// `--config FILE` (TOML), `TSDB_*` variables over it, flags over both — with the real binary.
@Suite(.serialized) struct ConfigFileTests {
    /// A port free right now (bound, then released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        a.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &a) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw TestError("cannot bind") }
        return Int(UInt16(bigEndian: a.sin_port))
    }

    /// The `--max-result-rows` a server applies: the limit its refusal of a 20-row result names.
    static func resultRowLimit(_ server: ServerProcess) throws -> Int? {
        let c = try TestHTTPClient(port: server.httpPort)
        var body = ""
        for i in 0..<20 { body += "t v=\(i) \(1_700_000_000_000_000_000 + Int64(i))\n" }
        _ = try c.request("POST", "/write?db=cfg", body: body)
        let r = try c.request("GET", "/api/v3/query_sql?db=cfg&q=\(urlEncode("SELECT * FROM t"))")
        guard r.status == 400, let range = r.text.range(of: "limit of ") else { return nil }
        return Int(r.text[range.upperBound...].prefix { $0.isNumber })
    }

    @Test func fileThenEnvironmentThenFlags() throws {
        let dir = TempDirectory("tsdb-config")
        defer { dir.remove() }
        let port = try Self.freePort()
        let file = dir.path + "/tsdb.toml"
        try """
        # tsdb-server settings
        data = "\(dir.path)/data"
        http = "127.0.0.1:\(port)"
        tcp = "off"
        max-result-rows = 5
        log-level = "error"
        """.write(toFile: file, atomically: true, encoding: .utf8)

        // The file alone: its port and its limit.
        var server = try ServerProcess(data: "", arguments: ["--config", file])
        #expect(server.httpPort == port)
        #expect(try Self.resultRowLimit(server) == 5)
        server.stop(signal: SIGTERM)

        // A variable overrides the file.
        server = try ServerProcess(data: "", arguments: ["--config", file], environment: ["TSDB_MAX_RESULT_ROWS": "7"])
        #expect(server.httpPort == port)
        #expect(try Self.resultRowLimit(server) == 7)
        server.stop(signal: SIGTERM)

        // A flag overrides both; TSDB_HTTP overrides the file's port.
        server = try ServerProcess(data: "", arguments: ["--config", file, "--max-result-rows", "9"],
                                   environment: ["TSDB_MAX_RESULT_ROWS": "7", "TSDB_HTTP": "127.0.0.1:0"])
        #expect(server.httpPort != port)
        #expect(try Self.resultRowLimit(server) == 9)
        server.stop(signal: SIGTERM)
    }

    /// Runs the binary expecting it to refuse to start; returns its standard error.
    static func refusal(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        guard let exe = BuildProducts.executable("tsdb-server") else { throw TestError("no tsdb-server binary") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = arguments
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    @Test func unknownKeysAndBadValuesAreErrors() throws {
        let dir = TempDirectory("tsdb-config")
        defer { dir.remove() }
        let file = dir.path + "/tsdb.toml"
        try "data = \"\(dir.path)\"\nmax-conections = 5\n".write(toFile: file, atomically: true, encoding: .utf8)
        var r = try Self.refusal(["--config", file])
        #expect(r.status != 0)
        #expect(r.stderr.contains("unknown key 'max-conections'"), "\(r.stderr)")

        try "data = \"\(dir.path)\"\nmax-connections = \"many\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        r = try Self.refusal(["--config", file])
        #expect(r.status != 0)
        #expect(r.stderr.contains("many"), "\(r.stderr)")

        try "data = [1, 2\n".write(toFile: file, atomically: true, encoding: .utf8)
        r = try Self.refusal(["--config", file])
        #expect(r.status != 0 && r.stderr.contains("--config"), "\(r.stderr)")

        r = try Self.refusal(["--config", dir.path + "/missing.toml"])
        #expect(r.status != 0 && r.stderr.contains("cannot read"), "\(r.stderr)")
    }

    /// contrib/tsdb.toml, the file the systemd unit reads, is accepted as it is (data and listener
    /// moved into the test's directory by flags).
    @Test func theExampleConfigIsValid() throws {
        let dir = TempDirectory("tsdb-config")
        defer { dir.remove() }
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("contrib/tsdb.toml").path
        let server = try ServerProcess(data: "", arguments: ["--config", example, "--data", dir.path + "/data", "--http", "127.0.0.1:0", "--log-level", "error"])
        let c = try TestHTTPClient(port: server.httpPort)
        #expect(try c.request("GET", "/health").status == 200)
        #expect(server.stop(signal: SIGTERM).status == 0)
    }
}
