import Foundation
import Logging
import NIOHTTP1
import TestSupport
import Testing
@testable import tsdb_server

/// The security pieces on their own: the token file format, hashing, statement kinds, token buckets, CORS.
@Suite struct SecurityUnitTests {
    /// FIPS 180-2's test vectors, so the hashes the file holds are the ones `sha256sum` prints.
    @Test func sha256GoldenVectors() {
        func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }
        #expect(hex(TokenFile.sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(TokenFile.sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(TokenFile.fingerprint(TokenFile.sha256("abc")) == "token-ba7816bf")
        // Two blocks, and lengths around the padding boundary (55, 56, 64 bytes).
        #expect(hex(TokenFile.sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex(SHA256.hash([UInt8](repeating: 0x61, count: 55))) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(hex(SHA256.hash([UInt8](repeating: 0x61, count: 56))) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(hex(SHA256.hash([UInt8](repeating: 0x61, count: 64))) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test func parsesScopedLines() throws {
        let h = String(repeating: "ab", count: 32)
        let entries = try TokenFile.parse("""
            # scoped tokens
            sha256:\(h) name=grafana read=metrics,logs requests-per-second=20

            sha256:\(h.uppercased().replacingOccurrences(of: "AB", with: "CD")) name=ci write=* admin=yes lines-per-second=1e5
            bare-old-token
            """)
        #expect(entries.count == 3)
        let g = entries[0].principal
        #expect(g.name == "grafana" && g.read == .only(["metrics", "logs"]) && g.write == .none && !g.admin)
        #expect(g.limits == RateLimits.Override(requestsPerSecond: 20, linesPerSecond: nil))
        #expect(entries[0].hash == [UInt8](repeating: 0xAB, count: 32))
        let ci = entries[1].principal
        #expect(ci.read == .all && ci.write == .all && ci.admin && ci.limits.linesPerSecond == 100_000)
        #expect(ci.mayChange("anything") && !g.mayChange("metrics"))
        #expect(entries[2].principal == .full(name: TokenFile.fingerprint(TokenFile.sha256("bare-old-token"))))
        #expect(entries[2].hash == TokenFile.sha256("bare-old-token"))
    }

    @Test func rejectsBadLinesWithTheirNumber() {
        let h = String(repeating: "0", count: 64)
        let cases: [(String, String)] = [
            ("sha256:\(h)", "line 1: a hashed token needs name="),
            ("#\nsha256:abc name=x", "line 2: 'sha256:' must be followed by 64 hex digits"),
            ("sha256:\(h) name=x colour=red", "line 1: unknown key 'colour'"),
            ("sha256:\(h) name=x admin=maybe", "admin must be yes or no"),
            ("sha256:\(h) name=x read=../etc", "read: '../etc' is not a database name"),
            ("sha256:\(h) name=x lines-per-second=-1", "lines-per-second must be a number"),
            ("sha256:\(h) name=x\nsha256:\(String(repeating: "1", count: 64)) name=x", "line 2: a second token named 'x'"),
            ("sha256:\(h) name=x\nsha256:\(h) name=y", "line 2: the same token as an earlier line"),
            ("two words", "line 1: expected 'sha256:"),
            ("sha256:\(h) name=a name=b", "'name' given twice"),
        ]
        for (text, message) in cases {
            do {
                _ = try TokenFile.parse(text)
                Issue.record("accepted: \(text)")
            } catch {
                #expect("\(error)".contains(message), "\(error) for \(text)")
            }
        }
    }

    @Test func reloadKeepsTheOldSetOnABadFile() throws {
        let dir = TempDirectory("tsdb-tokens")
        defer { dir.remove() }
        let path = dir.path + "/tokens"
        let hashA = TokenFile.sha256("token-a").map { String(format: "%02x", $0) }.joined()
        try "sha256:\(hashA) name=a\n".write(toFile: path, atomically: true, encoding: .utf8)
        let auth = try TokenAuthority(adminTokens: ["root"], file: path)
        #expect(auth.authenticate(token: "token-a")?.name == "a")
        #expect(auth.authenticate(token: "root")?.admin == true)
        try "sha256:nothex name=b\n".write(toFile: path, atomically: true, encoding: .utf8)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        #expect(!auth.reload(logger: logger))
        #expect(auth.authenticate(token: "token-a")?.name == "a")
        try "bare-b\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(auth.reload(logger: logger))
        #expect(auth.authenticate(token: "token-a") == nil)
        #expect(auth.authenticate(token: "bare-b") != nil)
        #expect(auth.authenticate(token: "root") != nil, "--token survives reloads")
    }

    @Test func statementKinds() {
        // Not parsed: not refused (the client gets the syntax error), whatever its first word.
        for sql in ["SELECT 1", "select * from cpu", "EXPLAIN SELECT 1", "SHOW TABLES", "DESCRIBE cpu", "SELEC 1", "", "  -- c\n(SELECT 1)",
                    "DELET FROM cpu", "DELETE FROM", "/* delete */ SELECT 1 -- drop"] {
            #expect(!StatementAccess.changesData(sql), "\(sql)")
        }
        for sql in ["DELETE FROM cpu WHERE time < now()", "drop table cpu", " /* x */ INSERT INTO t VALUES (1)", "-- c\nTRUNCATE t", "ALTER TABLE t ADD x INT", "CREATE TABLE t (x INT)",
                    "COPY cpu TO '/tmp/x.csv'"] {
            #expect(StatementAccess.changesData(sql), "\(sql)")
        }
    }

    @Test func tokenBuckets() {
        let limiter = RateLimiter()
        let limits = RateLimits(requestsPerSecond: 2, linesPerSecond: 100)
        // Two requests of burst, then a wait of half a second per request.
        #expect(limiter.admitRequest("a", limits, now: 10) == nil)
        #expect(limiter.admitRequest("a", limits, now: 10) == nil)
        let wait = limiter.admitRequest("a", limits, now: 10)
        #expect(wait.map { abs($0 - 0.5) < 1e-9 } == true)
        #expect(limiter.admitRequest("b", limits, now: 10) == nil, "buckets are per client")
        #expect(limiter.admitRequest("a", limits, now: 10.5) == nil)
        // A batch larger than the bucket passes once and leaves a debt waited off at the rate.
        #expect(limiter.admitLines("a", 1000, limits, now: 10) == nil)
        let debt = limiter.admitLines("a", 1, limits, now: 10)
        #expect(debt.map { abs($0 - 9.01) < 1e-9 } == true)
        #expect(limiter.admitLines("a", 1, limits, now: 19.02) == nil)
        #expect(RateLimiter.retryAfter(0.01) == "1" && RateLimiter.retryAfter(9.01) == "10")
        #expect(limiter.admitRequest("a", RateLimits(), now: 10) == nil, "0 means no limit")
        #expect(RateLimits(requestsPerSecond: 5).applying(.init(requestsPerSecond: nil, linesPerSecond: 7)) == RateLimits(requestsPerSecond: 5, linesPerSecond: 7))
    }

    @Test func corsOrigins() {
        var h = HTTPHeaders()
        h.add(name: "Origin", value: "https://dash.example")
        #expect(CORSPolicy(origins: []).allowedOrigin(h) == nil)
        #expect(CORSPolicy(origins: ["https://dash.example"]).allowedOrigin(h) == "https://dash.example")
        #expect(CORSPolicy(origins: ["https://other.example"]).allowedOrigin(h) == nil)
        #expect(CORSPolicy(origins: ["*"]).allowedOrigin(h) == "https://dash.example")
        #expect(CORSPolicy(origins: ["*"]).allowedOrigin(HTTPHeaders()) == nil)
        let pre = CORSPolicy.preflightHeaders("https://dash.example", allowed: [.GET, .POST])
        #expect(pre.first(name: "Access-Control-Allow-Methods") == "GET, POST")
        #expect(pre.first(name: "Access-Control-Allow-Headers")?.contains("Authorization") == true)
    }
}
