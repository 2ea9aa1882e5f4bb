import ColumnStore
import Foundation
import NIOPosix
import QueryEngine
import Testing
import TestSupport
@testable import tsdb_server

/// The dashboard result cache (`--query-cache-ttl`, `--query-cache-size`): the cache alone with a
/// hand-driven clock, then the server over real sockets.
@Suite struct QueryCacheTests {
    /// A clock tests move by hand (nanoseconds).
    final class ManualClock: @unchecked Sendable {
        private let lock = NSLock()
        private var now: UInt64 = 1_000_000_000
        func read() -> UInt64 { lock.withLock { now } }
        func advance(seconds: Double) { lock.withLock { now += UInt64(seconds * 1e9) } }
    }

    static func result(rows: Int) -> QueryResult {
        var v = ColumnVector(type: .int64)
        for i in 0..<rows { v.append(int64: Int64(i)) }
        return QueryResult(columns: [ResultColumn(name: "n", vector: v)])
    }

    static func key(_ sql: String, db: String = "d", scope: String = "s") -> QueryResultCache.Key {
        QueryResultCache.Key(database: db, scope: scope, sql: sql)
    }

    static let loop = MultiThreadedEventLoopGroup.singleton.next()

    /// Runs a miss to completion with `result`.
    static func fill(_ cache: QueryResultCache, _ key: QueryResultCache.Key, _ result: QueryResult) throws {
        guard case .miss(let lease) = cache.lookup(key, on: loop) else { throw TestError("expected a miss for \(key.sql)") }
        lease.finish(result)
    }

    @Test func servesUntilTheTTLThenRuns() throws {
        let clock = ManualClock()
        let cache = QueryResultCache(ttl: 30, capacity: 1 << 20, clock: clock.read)
        try Self.fill(cache, Self.key("q"), Self.result(rows: 3))
        clock.advance(seconds: 29.9)
        guard case .hit(let r, let age) = cache.lookup(Self.key("q"), on: Self.loop) else { Issue.record("expected a hit"); return }
        #expect(r.rowCount == 3 && age == 29)
        // Other text, database or scope: another answer.
        for k in [Self.key("q "), Self.key("q", db: "e"), Self.key("q", scope: "t")] {
            guard case .miss(let lease) = cache.lookup(k, on: Self.loop) else { Issue.record("expected a miss for \(k)"); continue }
            lease.finish(nil)
        }
        clock.advance(seconds: 0.2)
        guard case .miss(let lease) = cache.lookup(Self.key("q"), on: Self.loop) else { Issue.record("expired answer served"); return }
        lease.finish(nil)
        #expect(cache.stats.entries == 0)
    }

    @Test func identicalQueriesWaitForTheRunningOne() throws {
        let cache = QueryResultCache(ttl: 30, capacity: 1 << 20)
        guard case .miss(let lease) = cache.lookup(Self.key("q"), on: Self.loop) else { Issue.record("expected a miss"); return }
        guard case .pending(let waiting) = cache.lookup(Self.key("q"), on: Self.loop) else { Issue.record("expected to wait"); return }
        lease.finish(Self.result(rows: 5))
        lease.finish(nil)  // a second finish changes nothing
        #expect(try waiting.wait()?.rowCount == 5)
        guard case .hit = cache.lookup(Self.key("q"), on: Self.loop) else { Issue.record("the answer was not kept"); return }

        // A failed run keeps nothing and tells the waiters so (they run the query themselves).
        guard case .miss(let failing) = cache.lookup(Self.key("bad"), on: Self.loop) else { Issue.record("expected a miss"); return }
        guard case .pending(let w2) = cache.lookup(Self.key("bad"), on: Self.loop) else { Issue.record("expected to wait"); return }
        failing.finish(nil)
        #expect(try w2.wait() == nil)
        guard case .miss(let again) = cache.lookup(Self.key("bad"), on: Self.loop) else { Issue.record("a failure was cached"); return }
        again.finish(nil)
    }

    @Test func leastRecentlyUsedGoesFirstAndLargeAnswersAreNotKept() throws {
        let one = Self.result(rows: 1000)  // ~8 KB each
        let capacity = 8 * (one.estimatedBytes + 256)
        let cache = QueryResultCache(ttl: 30, capacity: capacity)
        for i in 0..<8 { try Self.fill(cache, Self.key("q\(i)"), one) }
        #expect(cache.stats.entries == 8)
        // Touch q0, so q1 is the least recently used when q8 needs room.
        guard case .hit = cache.lookup(Self.key("q0"), on: Self.loop) else { Issue.record("q0 missing"); return }
        try Self.fill(cache, Self.key("q8"), one)
        #expect(cache.stats.bytes <= capacity)
        guard case .hit = cache.lookup(Self.key("q0"), on: Self.loop) else { Issue.record("q0 evicted"); return }
        guard case .miss(let l) = cache.lookup(Self.key("q1"), on: Self.loop) else { Issue.record("q1 kept"); return }
        l.finish(nil)
        // An answer over an eighth of the cache is served to its caller but not kept.
        try Self.fill(cache, Self.key("big"), Self.result(rows: 2000))
        guard case .miss(let l2) = cache.lookup(Self.key("big"), on: Self.loop) else { Issue.record("large answer kept"); return }
        l2.finish(nil)
    }

    @Test func invalidationForgetsOneDatabase() throws {
        let cache = QueryResultCache(ttl: 30, capacity: 1 << 20)
        try Self.fill(cache, Self.key("q", db: "a"), Self.result(rows: 1))
        try Self.fill(cache, Self.key("q", db: "b"), Self.result(rows: 1))
        cache.forget(database: "a", after: "SELECT 1")  // read-only: nothing forgotten
        #expect(cache.stats.entries == 2)
        cache.forget(database: "a", after: "DELETE FROM plays WHERE user_id = 'u1'")
        #expect(cache.stats.entries == 1)
        guard case .hit = cache.lookup(Self.key("q", db: "b"), on: Self.loop) else { Issue.record("b forgotten"); return }
    }

    @Test func durationsAndPolicy() {
        #expect(Seconds(argument: "30s")?.seconds == 30)
        #expect(Seconds(argument: "500ms")?.seconds == 0.5)
        #expect(Seconds(argument: "2m")?.seconds == 120)
        #expect(Seconds(argument: "1h")?.seconds == 3600)
        #expect(Seconds(argument: "45")?.seconds == 45)
        #expect(Seconds(argument: "off")?.seconds == 0)
        #expect(Seconds(argument: "soon") == nil && Seconds(argument: "-1s") == nil)
        #expect(QueryCachePolicy.isCacheable("SELECT count(*) FROM plays"))
        #expect(!QueryCachePolicy.isCacheable("DELETE FROM plays"))
        #expect(!QueryCachePolicy.isCacheable("COPY plays TO '/tmp/x.csv'"))
        #expect(!QueryCachePolicy.isCacheable("SELEC 1"))
        #expect(QueryCachePolicy.directives(["no-cache"]) == (true, true))
        #expect(QueryCachePolicy.directives(["max-age=0, No-Store"]) == (true, false))
        #expect(QueryCachePolicy.directives([]) == (false, true))
    }

    // MARK: - The server

    static let lines = """
        plays,artist=A,platform=web duration_ms=100i,user_id="u1" 1700000000000000000
        plays,artist=B,platform=ios duration_ms=200i,user_id="u2" 1700000001000000000

        """

    static func server(ttl: Double, bytes: Int = 256 << 20, tokens: Set<String> = []) throws -> RunningServer {
        let s = try RunningServer {
            $0.queryCacheTTL = ttl
            $0.queryCacheBytes = bytes
            $0.tokens = tokens
        }
        let r = try s.client().request("POST", "/write?db=q", headers: s.auth, body: lines)
        guard r.status == 204 else { throw TestError("setup write failed: \(r.text)") }
        return s
    }

    static let countSQL = "SELECT count(*) AS n FROM plays"

    static func get(_ s: RunningServer, _ sql: String = countSQL, headers: [(String, String)] = []) throws -> TestResponse {
        try s.client().request("GET", "/api/v3/query_sql?db=q&q=\(urlEncode(sql))", headers: s.auth + headers)
    }

    static func n(_ r: TestResponse) -> Int? { r.array.first?["n"] as? Int }

    static func metric(_ s: RunningServer, _ name: String) throws -> Double? {
        let text = try s.client().request("GET", "/metrics").text
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ").last ?? "")
        }
        return nil
    }

    @Test func offByDefault() throws {
        let s = try Self.server(ttl: 0)
        defer { s.stop() }
        let r = try Self.get(s)
        #expect(r.status == 200 && r.header("X-Tsdb-Cache") == nil)
        #expect(try Self.metric(s, "tsdb_query_cache_hits_total") == 0)
    }

    @Test func hitsServeTheSameAnswerUntilBypassedOrExpired() throws {
        let s = try Self.server(ttl: 600)
        defer { s.stop() }
        let first = try Self.get(s)
        #expect(first.header("X-Tsdb-Cache") == "miss" && Self.n(first) == 2)
        // Each format is rendered from the one stored answer.
        for format in ["json", "csv", "jsonl"] {
            let sql = urlEncode(Self.countSQL)
            let r = try s.client().request("GET", "/api/v3/query_sql?db=q&q=\(sql)&format=\(format)")
            #expect(r.header("X-Tsdb-Cache") == "hit", "\(format)")
        }
        // A POST with a JSON body is the same query (the console's dashboards send these).
        let post = try s.client().request("POST", "/api/v3/query_sql", headers: [("Content-Type", "application/json")],
                                          body: #"{"db":"q","q":"\#(Self.countSQL)"}"#)
        #expect(post.header("X-Tsdb-Cache") == "hit" && Self.n(post) == 2)

        // An appended row is not seen from the cache within the TTL (the documented bound)…
        #expect(try s.client().request("POST", "/write?db=q", body: "plays,artist=C,platform=web duration_ms=1i 1700000002000000000\n").status == 204)
        let stale = try Self.get(s)
        #expect(stale.header("X-Tsdb-Cache") == "hit" && Self.n(stale) == 2)
        #expect(Int(stale.header("Age") ?? "") != nil)
        // …unless the request asks for a fresh answer, which then replaces the stored one.
        let fresh = try Self.get(s, headers: [("Cache-Control", "no-cache")])
        #expect(fresh.header("X-Tsdb-Cache") == "bypass" && Self.n(fresh) == 3)
        let after = try Self.get(s)
        #expect(after.header("X-Tsdb-Cache") == "hit" && Self.n(after) == 3)

        // Errors are never cached.
        for _ in 0..<2 { #expect(try Self.get(s, "SELECT nope FROM plays").status == 400) }
        #expect(try Self.metric(s, "tsdb_query_cache_misses_total") == 3)
        #expect(try Self.metric(s, "tsdb_query_cache_hits_total") == 6)
        #expect((try Self.metric(s, "tsdb_query_cache_bytes") ?? 0) > 0)
        #expect(try Self.metric(s, "tsdb_query_cache_entries") == 1)
    }

    @Test func expiredAnswersAreRecomputed() throws {
        let s = try Self.server(ttl: 0.5)
        defer { s.stop() }
        #expect(Self.n(try Self.get(s)) == 2)
        #expect(try s.client().request("POST", "/write?db=q", body: "plays,artist=C,platform=web duration_ms=1i 1700000002000000000\n").status == 204)
        // Polled: the new row must appear once the TTL has passed, from a recomputed answer.
        let deadline = Date().addingTimeInterval(60)
        var last = try Self.get(s)
        while Self.n(last) != 3 && Date() < deadline {
            usleep(50_000)
            last = try Self.get(s)
        }
        #expect(Self.n(last) == 3 && last.header("X-Tsdb-Cache") == "miss")
    }

    @Test func deletesForgetAnswersAtOnce() throws {
        let s = try Self.server(ttl: 600)
        defer { s.stop() }
        #expect(Self.n(try Self.get(s)) == 2)
        #expect(Self.n(try Self.get(s))  == 2)
        // Erasure over HTTP: the erased user's plays must not come back from memory.
        let del = try s.client().request("POST", "/api/v3/query_sql", headers: [("Content-Type", "application/json")],
                                         body: #"{"db":"q","q":"DELETE FROM plays WHERE user_id = 'u1'"}"#)
        #expect(del.status == 200, "\(del.text)")
        let r = try Self.get(s)
        #expect(r.header("X-Tsdb-Cache") == "miss" && Self.n(r) == 1)
        // The same over the PostgreSQL port.
        #expect(Self.n(try Self.get(s)) == 1)
        let (status, out) = try PGClientTests.psql(s.pgPort, ["-d", "q", "-c", "DELETE FROM plays WHERE user_id = 'u2'"])
        #expect(status == 0, "\(out)")
        let r2 = try Self.get(s)
        #expect(r2.header("X-Tsdb-Cache") == "miss" && Self.n(r2) == 0)
    }

    @Test func tokensDoNotShareAnswers() throws {
        let s = try Self.server(ttl: 600, tokens: ["alpha-secret", "beta-secret"])
        defer { s.stop() }
        let path = "/api/v3/query_sql?db=q&q=\(urlEncode(Self.countSQL))"
        let a1 = try s.client().request("GET", path, headers: [("Authorization", "Token alpha-secret")])
        let a2 = try s.client().request("GET", path, headers: [("Authorization", "Token alpha-secret")])
        let b1 = try s.client().request("GET", path, headers: [("Authorization", "Token beta-secret")])
        #expect(a1.header("X-Tsdb-Cache") == "miss" && a2.header("X-Tsdb-Cache") == "hit")
        #expect(b1.header("X-Tsdb-Cache") == "miss" && Self.n(b1) == 2)
        // No token: refused before the cache is asked.
        #expect(try s.client().request("GET", path).status == 401)
    }

    @Test func concurrentIdenticalQueriesRunOnce() throws {
        let s = try Self.server(ttl: 600)
        defer { s.stop() }
        let sql = "SELECT artist, count(*) AS n, sum(duration_ms) AS ms FROM plays GROUP BY artist ORDER BY artist"
        let answers = Answers()
        let port = s.httpPort
        let path = "/api/v3/query_sql?db=q&q=\(urlEncode(sql))"
        DispatchQueue.concurrentPerform(iterations: 20) { _ in
            answers.add((try? TestHTTPClient(port: port).request("GET", path).text) ?? "failed")
        }
        let texts = Set(answers.all)
        #expect(texts.count == 1 && texts.first?.contains("\"A\"") == true, "\(texts)")
        #expect(try Self.metric(s, "tsdb_query_cache_misses_total") == 1)
        #expect(try Self.metric(s, "tsdb_query_cache_hits_total") == 19)
    }

    @Test func cliFlagsAsDocumented() throws {
        let dir = TempDirectory("tsdb-query-cache")
        defer { dir.remove() }
        let server = try ServerProcess(data: dir.path + "/data", extra: ["--query-cache-ttl", "30s", "--query-cache-size", "256MB"])
        let c = try TestHTTPClient(port: server.httpPort)
        #expect(try c.request("POST", "/write?db=q", body: Self.lines).status == 204)
        let path = "/api/v3/query_sql?db=q&q=\(urlEncode(Self.countSQL))"
        #expect(try c.request("GET", path).header("X-Tsdb-Cache") == "miss")
        #expect(try c.request("GET", path).header("X-Tsdb-Cache") == "hit")
        _ = server.stop(signal: SIGTERM)
    }
}

/// Response texts collected from several threads.
private final class Answers: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String] = []
    func add(_ t: String) { lock.withLock { texts.append(t) } }
    var all: [String] { lock.withLock { texts } }
}
