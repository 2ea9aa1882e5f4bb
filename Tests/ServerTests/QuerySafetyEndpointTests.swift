import Foundation
import Testing
@testable import tsdb_server

/// Queries that used to crash or misanswer the server: a huge OFFSET, count(DISTINCT constant), a
/// query over its memory budget. Each must answer (or fail with a 400) and leave the server serving.
@Suite struct QuerySafetyEndpointTests {
    static func query(_ c: TestHTTPClient, _ sql: String, format: String = "json") throws -> TestResponse {
        try c.request("GET", "/api/v3/query_sql?db=q&q=\(urlEncode(sql))&format=\(format)")
    }

    /// `LIMIT 1 OFFSET 9223372036854775807` overflowed `limit + offset` and killed the process; without
    /// LIMIT the result-row cap overflowed. Both are empty results.
    @Test func hugeOffsetIsAnEmptyResult() throws {
        let s = try QueryEndpointTests.server()
        defer { s.stop() }
        let c = try s.client()
        for sql in ["SELECT artist FROM plays LIMIT 1 OFFSET 9223372036854775807",
                    "SELECT artist FROM plays OFFSET 9223372036854775807",
                    "SELECT artist FROM plays ORDER BY artist LIMIT 9223372036854775807 OFFSET 9223372036854775807",
                    "SELECT artist, count(*) FROM plays GROUP BY artist LIMIT 5 OFFSET 9223372036854775807",
                    "SELECT artist FROM plays ORDER BY artist OFFSET 9223372036854775806"] {
            let r = try Self.query(c, sql)
            #expect(r.status == 200, "\(sql): \(r.text)")
            #expect(r.text.filter { !$0.isWhitespace } == "[]", "\(sql): \(r.text)")
        }
        let all = try Self.query(c, "SELECT artist FROM plays ORDER BY time LIMIT 9223372036854775807 OFFSET 1")
        #expect(all.array.map { $0["artist"] as? String } == ["B", "A"])
        #expect(try c.request("GET", "/ping").status == 204)
    }

    @Test func countDistinctConstant() throws {
        let s = try QueryEndpointTests.server()
        defer { s.stop() }
        let c = try s.client()
        let r = try Self.query(c, "SELECT count(DISTINCT 1) AS n FROM plays")
        #expect(r.status == 200, "\(r.text)")
        #expect(r.array.first?["n"] as? Int == 1)
    }

    /// A non-finite double is a quoted string in JSON, not `null` (which reads as "no rows").
    @Test func infiniteSumIsNotNull() throws {
        let s = try QueryEndpointTests.server()
        defer { s.stop() }
        let c = try s.client()
        let r = try Self.query(c, "SELECT sum(revenue * 1e308) AS s FROM plays")
        #expect(r.status == 200)
        #expect(r.array.first?["s"] as? String == "inf", "\(r.text)")
    }

    @Test func queryMemoryBudget() throws {
        let s = try QueryEndpointTests.server { $0.queryMemory = 16 << 10 }
        defer { s.stop() }
        let c = try s.client()
        let wide = "SELECT " + (0..<2_000).map { "duration_ms + \($0)" }.joined(separator: ", ") + " FROM plays ORDER BY time"
        let r = try Self.query(c, wide)
        #expect(r.status == 400)
        #expect((r.object["error"] as? String)?.contains("query needs more than 16.0 KiB of memory (limit --query-memory)") == true, "\(r.text)")
        // The server keeps serving, and small queries still run under the same budget.
        #expect(try c.request("GET", "/ping").status == 204)
        let ok = try Self.query(c, "SELECT count(*) AS n FROM plays")
        #expect(ok.array.first?["n"] as? Int == 3)
    }
}
