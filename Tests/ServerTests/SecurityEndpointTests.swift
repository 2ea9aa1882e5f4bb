import Foundation
import Testing
import TestSupport

/// Scoped tokens, TLS, rate limits and CORS against the real `tsdb-server` binary over real sockets.
@Suite struct SecurityEndpointTests {
    /// `sha256:<hex>` of a token, as `sha256sum` prints it: the recipe docs/security.md gives.
    static func hashLine(_ token: String) throws -> String {
        let (status, out) = try runProgram("/bin/sh", ["-c", "printf %s \"$T\" | sha256sum"], in: "/", environment: ["T": token])
        guard status == 0, let hex = out.split(separator: " ").first, hex.count == 64 else { throw TestError("sha256sum: \(out)") }
        return "sha256:" + hex
    }

    static func tokenFile(_ dir: TempDirectory, _ lines: [String]) throws -> String {
        let path = dir.path + "/tokens"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func auth(_ token: String) -> [(String, String)] { [("Authorization", "Token \(token)")] }

    static func query(_ db: String, _ sql: String) -> String { "/api/v3/query_sql?db=\(db)&q=\(urlEncode(sql))" }

    /// Polls `condition` (the server acts on a signal asynchronously) for up to a minute.
    static func eventually(_ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    @Test func scopedTokensGate401And403() throws {
        let dir = TempDirectory("tsdb-security")
        defer { dir.remove() }
        let file = try Self.tokenFile(dir, [
            "# reader may only read; writer writes to metrics; ops may delete",
            try Self.hashLine("reader-secret") + " name=reader read=metrics write=-",
            try Self.hashLine("writer-secret") + " name=writer read=* write=metrics",
            try Self.hashLine("ops-secret") + " name=ops read=* write=* admin=yes",
        ])
        let log = dir.path + "/stderr"
        let server = try ServerProcess(data: dir.path + "/data", extra: ["--token-file", file, "--log-level", "warning"], stderr: log)
        let c = try TestHTTPClient(port: server.httpPort)
        let line = "cpu,host=a v=1 1700000000000000000\n"

        #expect(try c.request("POST", "/write?db=metrics", headers: Self.auth("writer-secret"), body: line).status == 204)
        #expect(try c.request("POST", "/write?db=other", headers: Self.auth("writer-secret"), body: line).status == 403)
        // The read-only token: 403 on every write route and on a statement that changes data.
        for path in ["/write?db=metrics", "/api/v2/write?bucket=metrics", "/api/v3/write_lp?db=metrics"] {
            let r = try c.request("POST", path, headers: Self.auth("reader-secret"), body: line)
            #expect(r.status == 403, "\(path): \(r.text)")
        }
        let delete = try c.request("GET", Self.query("metrics", "DELETE FROM cpu WHERE time < now()"), headers: Self.auth("reader-secret"))
        #expect(delete.status == 403 && delete.text.contains("change data"), "\(delete.text)")
        #expect(try c.request("POST", "/api/v3/query_sql", headers: Self.auth("reader-secret") + [("Content-Type", "application/json")],
                              body: #"{"db":"metrics","q":"DROP TABLE cpu"}"#).status == 403)
        let read = try c.request("GET", Self.query("metrics", "SELECT count(*) AS n FROM cpu"), headers: Self.auth("reader-secret"))
        #expect(read.status == 200 && (read.array.first?["n"] as? Int) == 1, "\(read.text)")
        #expect(try c.request("GET", Self.query("other", "SELECT 1"), headers: Self.auth("reader-secret")).status == 403)
        // Admin and write rights get past the gate: the parser (not the gate) answers a DELETE it does not know.
        #expect(try c.request("GET", Self.query("metrics", "DELETE FROM cpu"), headers: Self.auth("ops-secret")).status != 403)
        #expect(try c.request("GET", Self.query("metrics", "DELETE FROM cpu"), headers: Self.auth("writer-secret")).status == 403)

        // 401 for a wrong or missing token, counted and logged with the client address.
        #expect(try c.request("GET", Self.query("metrics", "SELECT 1"), headers: Self.auth("wrong")).status == 401)
        #expect(try c.request("POST", "/write?db=metrics", body: line).status == 401)
        let metrics = try c.request("GET", "/metrics").text
        #expect(metrics.contains("tsdb_auth_failures_total 2"), "\(metrics.split(separator: "\n").filter { $0.contains("auth") })")
        #expect(metrics.contains("tsdb_auth_forbidden_total 8"))
        server.stop(signal: SIGTERM)
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(text.contains("authentication failed") && text.contains("127.0.0.1"), "\(text)")
        for secret in ["reader-secret", "writer-secret", "ops-secret"] { #expect(!text.contains(secret) && !metrics.contains(secret)) }
    }

    @Test func sighupReloadsTheTokenFileAndKeepsItWhenBad() throws {
        let dir = TempDirectory("tsdb-security")
        defer { dir.remove() }
        let file = try Self.tokenFile(dir, [try Self.hashLine("first") + " name=first write=*"])
        let log = dir.path + "/stderr"
        let server = try ServerProcess(data: dir.path + "/data", extra: ["--token-file", file, "--token", "root", "--log-level", "info"], stderr: log)
        let c = try TestHTTPClient(port: server.httpPort)
        func status(_ token: String) throws -> Int {
            try c.request("POST", "/write?db=d", headers: Self.auth(token), body: "m v=1 1\n").status
        }
        #expect(try status("first") == 204)
        #expect(try status("second") == 401)
        _ = try Self.tokenFile(dir, [try Self.hashLine("second") + " name=second write=d"])
        kill(server.pid, SIGHUP)
        #expect(try Self.eventually { try status("second") == 204 })
        #expect(try status("first") == 401, "a token taken out of the file stops working")
        #expect(try status("root") == 204, "--token is not in the file and survives")

        _ = try Self.tokenFile(dir, ["sha256:not-a-hash name=broken"])
        kill(server.pid, SIGHUP)
        #expect(Self.eventually { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("not reloaded") })
        #expect(try status("second") == 204, "a bad file keeps the tokens in force")
        #expect(server.process.isRunning)
        server.stop(signal: SIGTERM)
    }

    /// A self-signed certificate for 127.0.0.1 and localhost, made by `openssl` now.
    static func certificate(_ dir: TempDirectory) throws -> (cert: String, key: String) {
        let cert = dir.path + "/cert.pem", key = dir.path + "/key.pem"
        let (status, out) = try runProgram("/usr/bin/env", ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                                            "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                                                            "-keyout", key, "-out", cert], in: dir.path)
        guard status == 0 else { throw TestError("openssl: \(out)") }
        return (cert, key)
    }

    @Test func httpsWithCurlAndPythonAndPlainHTTPOff() throws {
        let dir = TempDirectory("tsdb-security")
        defer { dir.remove() }
        let (cert, key) = try Self.certificate(dir)
        let server = try ServerProcess(data: "", arguments: ["--data", dir.path + "/data", "--http", "off", "--tcp", "off", "--https", "127.0.0.1:0",
                                                             "--tls-cert", cert, "--tls-key", key, "--token", "tls-token", "--log-level", "error"])
        let port = try #require(server.httpsPort)
        #expect(server.httpPort == 0, "no plain HTTP listener")
        let base = "https://127.0.0.1:\(port)"
        let write = try runProgram("/usr/bin/env", ["curl", "-sS", "--cacert", cert, "-o", "/dev/null", "-w", "%{http_code}",
                                                    "-H", "Authorization: Token tls-token", "--data-binary", "m,k=x v=42 1700000000000000000\n", base + "/write?db=tls"], in: dir.path)
        #expect(write.0 == 0 && write.1 == "204", "\(write.1)")
        let ping = try runProgram("/usr/bin/env", ["curl", "-sS", "--cacert", cert, "-o", "/dev/null", "-w", "%{http_code}", base + "/ping"], in: dir.path)
        #expect(ping.1 == "204", "\(ping.1)")
        // Without the CA the certificate is not trusted: the handshake is real.
        let untrusted = try runProgram("/usr/bin/env", ["curl", "-sS", "-o", "/dev/null", base + "/ping"], in: dir.path)
        #expect(untrusted.0 != 0)
        let script = """
            import json, ssl, sys, urllib.request, urllib.parse
            ctx = ssl.create_default_context(cafile=sys.argv[1])
            q = urllib.parse.urlencode({"db": "tls", "q": "SELECT k, v FROM m"})
            req = urllib.request.Request(sys.argv[2] + "/api/v3/query_sql?" + q, headers={"Authorization": "Bearer tls-token"})
            with urllib.request.urlopen(req, context=ctx) as r:
                rows = json.load(r)
                print(r.status, len(rows), rows[0]["k"], float(rows[0]["v"]))
            """
        let py = try runProgram("/usr/bin/env", ["python3", "-c", script, cert, base], in: dir.path)
        #expect(py.0 == 0 && py.1.contains("200 1 x 42.0"), "\(py.1)")
        server.stop(signal: SIGTERM)
    }

    @Test func rateLimitsAnswer429WithRetryAfter() throws {
        let dir = TempDirectory("tsdb-security")
        defer { dir.remove() }
        let file = try Self.tokenFile(dir, [try Self.hashLine("slow") + " name=slow write=* lines-per-second=1 requests-per-second=0",
                                            try Self.hashLine("fast") + " name=fast write=* requests-per-second=0",
                                            try Self.hashLine("limited") + " name=limited"])
        // Defaults: one request per 100 s, kept by "limited"; the token file lifts it for "fast" and "slow".
        let server = try ServerProcess(data: dir.path + "/data", extra: ["--token-file", file, "--requests-per-second", "0.01"])
        let c = try TestHTTPClient(port: server.httpPort)
        var batch = ""
        for i in 0..<100 { batch += "m v=\(i) \(1_700_000_000_000_000_000 + i)\n" }
        // A batch beyond the bucket passes once and leaves a debt: the next write waits ~100 s.
        #expect(try c.request("POST", "/write?db=r", headers: Self.auth("fast"), body: batch).status == 204)
        #expect(try c.request("POST", "/write?db=r", headers: Self.auth("fast"), body: batch).status == 204, "fast has no lines limit")
        let r1 = try c.request("POST", "/api/v2/write?bucket=r", headers: Self.auth("slow"), body: batch)
        #expect(r1.status == 204, "\(r1.text)")
        let r2 = try c.request("POST", "/api/v2/write?bucket=r", headers: Self.auth("slow"), body: "m v=1 1\n")
        #expect(r2.status == 429, "\(r2.text)")
        #expect(r2.header("Retry-After").flatMap(Int.init).map { $0 >= 1 } == true, "\(r2.headers)")
        #expect(r2.object["code"] as? String == "too many requests" && r2.text.contains("lines per second"), "\(r2.text)")
        // The request limit: the first query passes, the next one waits.
        #expect(try c.request("GET", Self.query("r", "SELECT count(*) FROM m"), headers: Self.auth("limited")).status == 200)
        let q = try c.request("GET", Self.query("r", "SELECT count(*) FROM m"), headers: Self.auth("limited"))
        #expect(q.text.contains("requests per second") && q.status == 429 && (q.header("Retry-After").flatMap(Int.init) ?? 0) >= 1, "\(q.status) \(q.headers)")
        for _ in 0..<5 { #expect(try c.request("GET", Self.query("r", "SELECT 1"), headers: Self.auth("fast")).status == 200) }
        #expect(try c.request("GET", "/metrics").text.contains("tsdb_rate_limited_total 2"))
        server.stop(signal: SIGTERM)
    }

    @Test func anonymousClientsAreLimitedByAddress() throws {
        let dir = TempDirectory("tsdb-security")
        defer { dir.remove() }
        let server = try ServerProcess(data: dir.path + "/data", extra: ["--requests-per-second", "0.01"])
        let c = try TestHTTPClient(port: server.httpPort)
        #expect(try c.request("GET", Self.query("x", "SELECT 1")).status != 429)
        let r = try TestHTTPClient(port: server.httpPort).request("GET", Self.query("x", "SELECT 1"))
        #expect(r.status == 429 && r.header("Retry-After") != nil, "a new connection from the same address shares the bucket")
        #expect(try c.request("GET", "/health").status == 200, "probes are never limited")
        server.stop(signal: SIGTERM)
    }

    @Test func corsOnlyForAllowedOrigins() throws {
        let dir = TempDirectory("tsdb-security")
        defer { dir.remove() }
        let server = try ServerProcess(data: dir.path + "/data", extra: ["--cors-origin", "https://dash.example", "--cors-origin", "http://localhost:3000", "--token", "t"])
        let c = try TestHTTPClient(port: server.httpPort)
        func preflight(_ origin: String) throws -> TestResponse {
            try c.request("OPTIONS", "/api/v3/query_sql", headers: [("Origin", origin), ("Access-Control-Request-Method", "POST"),
                                                                   ("Access-Control-Request-Headers", "authorization, content-type")])
        }
        let ok = try preflight("https://dash.example")
        #expect(ok.status == 204)
        #expect(ok.header("Access-Control-Allow-Origin") == "https://dash.example")
        #expect(ok.header("Access-Control-Allow-Methods") == "GET, HEAD, POST")
        #expect(ok.header("Access-Control-Allow-Headers")?.lowercased().contains("authorization") == true)
        let other = try preflight("https://evil.example")
        #expect(other.header("Access-Control-Allow-Origin") == nil && other.status != 204)
        // Actual requests: the headers for allowed origins only, on errors too.
        let q = Self.query("c", "SELECT 1")
        #expect(try c.request("GET", q, headers: [("Origin", "http://localhost:3000")] + Self.auth("t")).header("Access-Control-Allow-Origin") == "http://localhost:3000")
        #expect(try c.request("GET", q, headers: [("Origin", "http://localhost:3000")]).header("Access-Control-Allow-Origin") == "http://localhost:3000")
        #expect(try c.request("GET", q, headers: [("Origin", "https://evil.example")] + Self.auth("t")).header("Access-Control-Allow-Origin") == nil)
        server.stop(signal: SIGTERM)

        // None configured: no CORS header at all, and OPTIONS is not a method of the API.
        let plain = try ServerProcess(data: dir.path + "/data2")
        let p = try TestHTTPClient(port: plain.httpPort)
        let pre = try p.request("OPTIONS", "/api/v3/query_sql", headers: [("Origin", "https://dash.example"), ("Access-Control-Request-Method", "GET")])
        #expect(pre.status == 405 && pre.header("Access-Control-Allow-Origin") == nil)
        #expect(try p.request("GET", Self.query("c", "SELECT 1"), headers: [("Origin", "https://dash.example")]).header("Access-Control-Allow-Origin") == nil)
        plain.stop(signal: SIGTERM)
    }
}
