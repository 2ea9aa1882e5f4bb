import Foundation
import Testing
import TestSupport
@testable import tsdb_server

/// The security rules HTTP applies, held over the PostgreSQL port with real clients: rate limits
/// (53400 with when to retry, the same buckets and counter as HTTP's 429), failed logins logged and
/// counted, and access decided from the parsed statement.
@Suite(.serialized) struct PGSecurityTests {
    static func metric(_ s: RunningServer, _ name: String) throws -> Double {
        let text = try s.client().request("GET", "/metrics", headers: s.auth).text
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ").last ?? "") ?? -1
        }
        throw TestError("no \(name) in /metrics:\n\(text)")
    }

    static func rateLimited(_ s: RunningServer, token: String) throws -> [String: Any] {
        let (status, out) = try runProgram("/usr/bin/env", ["python3", "pg_clients.py", "ratelimit", String(s.pgPort), "pg", token], in: PGClientTests.clients)
        guard status == 0, let o = try JSONSerialization.jsonObject(with: Data((out.split(separator: "\n").last ?? "").utf8)) as? [String: Any] else {
            throw TestError("pg_clients.py ratelimit exited \(status): \(out)")
        }
        return o
    }

    /// Anonymous clients share a bucket per address, across HTTP and PostgreSQL.
    @Test func rateLimitPerAddressWithPsycopg() throws {
        // One query per 10 s: the loop's second query is over it whatever the machine's load.
        let s = try PGClientTests.server { $0.rateLimits = RateLimits(requestsPerSecond: 0.1, linesPerSecond: 0) }
        defer { s.stop() }
        let o = try Self.rateLimited(s, token: "")
        #expect(o["sqlstate"] as? String == "53400", "\(o)")
        // The setup write took the bucket's one request: no query got through.
        #expect(o["ok"] as? Int == 0, "\(o)")
        let message = o["message"] as? String ?? ""
        #expect(message.contains("rate limit exceeded") && message.contains("address 127.0.0.1") && message.contains("retry in"), "\(o)")
        #expect((o["detail"] as? String ?? "").hasPrefix("Retry after "), "\(o)")
        #expect(o["after"] as? String == "after")
        #expect(try Self.metric(s, "tsdb_rate_limited_total") >= 1)
    }

    /// A token's bucket is the token's, whichever front it uses.
    @Test func rateLimitPerTokenWithPsycopg() throws {
        let s = try PGClientTests.server { $0.tokens = ["limited"]; $0.rateLimits = RateLimits(requestsPerSecond: 0.1, linesPerSecond: 0) }
        defer { s.stop() }
        let o = try Self.rateLimited(s, token: "limited")
        #expect(o["sqlstate"] as? String == "53400", "\(o)")
        #expect((o["message"] as? String ?? "").contains("token '"), "\(o)")
        // The same token over HTTP is over its limit too: 429 with Retry-After.
        let r = try s.client().request("GET", "/api/v3/query_sql?db=pg&q=\(urlEncode("SELECT 1"))", headers: s.auth)
        #expect(r.status == 429, "\(r.status) \(r.text)")
    }

    @Test func failedLoginsAreLoggedAndCounted() throws {
        let s = try PGClientTests.server { $0.tokens = ["right"] }
        defer { s.stop() }
        let before = try Self.metric(s, "tsdb_auth_failures_total")
        let (status, out) = try PGClientTests.psql(s.pgPort, ["-c", "SELECT 1"], password: "wrong")
        #expect(status == 2 && out.contains("28P01") || out.contains("password authentication failed"), "\(out)")
        #expect(try Self.metric(s, "tsdb_auth_failures_total") == before + 1)
    }

    /// Access comes from the parsed statement: comments and parentheses hide nothing, a statement that
    /// does not parse gets its syntax error (not a refusal), over PostgreSQL and HTTP alike.
    @Test func accessFromTheParsedStatement() throws {
        let dir = TempDirectory("tsdb-pg-access")
        defer { dir.remove() }
        let file = try SecurityEndpointTests.tokenFile(dir, [try SecurityEndpointTests.hashLine("reader-secret") + " name=reader read=pg write=-"])
        let s = try PGClientTests.server { $0.tokens = ["admin-secret"]; $0.tokenFile = file }
        defer { s.stop() }
        func psql(_ sql: String) throws -> String {
            try PGClientTests.psql(s.pgPort, ["-v", "VERBOSITY=verbose", "-A", "-t", "-c", sql], password: "reader-secret").1
        }
        for sql in ["/* report */ DELETE FROM plays", "-- x\nDROP TABLE plays", "  delete from plays where time < now()"] {
            #expect(try psql(sql).contains("42501"), "\(sql)")
        }
        #expect(try psql("DELET FROM plays").contains("42601"), "a typo is a syntax error, not a refusal")
        #expect(!(try psql("(SELECT count(*) FROM plays)").contains("42501")))
        #expect(try psql("/* delete */ SELECT count(*) FROM plays -- drop").hasPrefix("4"))
        let reader = [("Authorization", "Token reader-secret")]
        let typo = try s.client().request("POST", "/api/v3/query_sql?db=pg&q=\(urlEncode("DELET FROM plays"))", headers: reader)
        #expect(typo.status == 400, "\(typo.status) \(typo.text)")
        let hidden = try s.client().request("POST", "/api/v3/query_sql?db=pg&q=\(urlEncode("/* c */ DELETE FROM plays"))", headers: reader)
        #expect(hidden.status == 403, "\(hidden.status) \(hidden.text)")
        #expect(try s.count("pg", "plays") == 4)
    }
}
