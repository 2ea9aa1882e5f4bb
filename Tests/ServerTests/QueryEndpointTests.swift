import Foundation
import Testing
@testable import tsdb_server

/// `/api/v3/query_sql`: formats, GET and POST, errors with positions, limits, streaming.
@Suite struct QueryEndpointTests {
    static let data = """
        plays,artist=A,platform=web duration_ms=100i,liked=true,revenue=0.5,user_id="u1" 1700000000000000000
        plays,artist=B,platform=ios duration_ms=200i,liked=false,revenue=1.25,user_id="u,2" 1700000001000000000
        plays,artist=A,platform=ios duration_ms=300i,liked=true,revenue=2.0,user_id="u\\"3" 1700000002000000000

        """

    static func server(_ configure: (inout ServerConfig) -> Void = { _ in }) throws -> RunningServer {
        let s = try RunningServer(configure)
        let r = try s.client().request("POST", "/write?db=q", body: data)
        guard r.status == 204 else { throw TestError("setup write failed: \(r.text)") }
        return s
    }

    static let sql = "SELECT artist, duration_ms, liked, revenue, user_id FROM plays ORDER BY time"

    @Test func formats() throws {
        let s = try Self.server()
        defer { s.stop() }
        let c = try s.client()
        let q = urlEncode(Self.sql)

        var r = try c.request("GET", "/api/v3/query_sql?db=q&q=\(q)&format=json")
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "application/json")
        #expect(r.array.map { $0["artist"] as? String } == ["A", "B", "A"])
        #expect(r.array.map { $0["user_id"] as? String } == ["u1", "u,2", "u\"3"])
        #expect(r.array[1]["revenue"] as? Double == 1.25)
        #expect(r.array[1]["liked"] as? Bool == false)

        r = try c.request("GET", "/api/v3/query_sql?db=q&q=\(q)&format=jsonl")
        #expect(r.status == 200)
        let lines = r.text.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == #"{"artist":"A","duration_ms":100,"liked":true,"revenue":0.5,"user_id":"u1"}"#)

        r = try c.request("GET", "/api/v3/query_sql?db=q&q=\(q)&format=csv")
        #expect(r.status == 200)
        #expect(r.header("Content-Type")?.hasPrefix("text/csv") == true)
        #expect(r.text == "artist,duration_ms,liked,revenue,user_id\nA,100,true,0.5,u1\nB,200,false,1.25,\"u,2\"\nA,300,true,2,\"u\"\"3\"\n"
                || r.text == "artist,duration_ms,liked,revenue,user_id\nA,100,true,0.5,u1\nB,200,false,1.25,\"u,2\"\nA,300,true,2.0,\"u\"\"3\"\n",
                "\(r.text)")

        r = try c.request("GET", "/api/v3/query_sql?db=q&q=\(q)&format=pretty")
        #expect(r.status == 200)
        let table = r.text.split(separator: "\n").map(String.init)
        #expect(table.first?.hasPrefix("+") == true)
        #expect(table.contains { $0.contains("artist") && $0.contains("duration_ms") })
        #expect(table.filter { $0.hasPrefix("|") }.count == 4)  // header + 3 rows

        // Default format is JSON.
        r = try c.request("GET", "/api/v3/query_sql?db=q&q=\(q)")
        #expect(r.array.count == 3)
        r = try c.request("GET", "/api/v3/query_sql?db=q&q=\(q)&format=xml")
        #expect(r.status == 400)
    }

    @Test func postBodies() throws {
        let s = try Self.server()
        defer { s.stop() }
        let c = try s.client()
        let body = try JSONSerialization.data(withJSONObject: ["db": "q", "q": "SELECT count(*) AS n FROM plays", "format": "jsonl"])
        var r = try c.request("POST", "/api/v3/query_sql", headers: [("Content-Type", "application/json")], body: Array(body))
        #expect(r.status == 200)
        #expect(r.text == "{\"n\":3}\n")
        r = try c.request("POST", "/api/v3/query_sql", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                          body: "db=q&q=\(urlEncode("SELECT count(*) AS n FROM plays"))&format=csv")
        #expect(r.text == "n\n3\n")
        r = try c.request("POST", "/api/v3/query_sql", headers: [("Content-Type", "application/json")], body: "{not json")
        #expect(r.status == 400)
    }

    @Test func errorsCarryThePosition() throws {
        let s = try Self.server()
        defer { s.stop() }
        let c = try s.client()
        var r = try c.request("GET", "/api/v3/query_sql?db=q&q=\(urlEncode("SELECT artist FROM plays GROUP BY"))")
        #expect(r.status == 400)
        #expect(r.object["line"] as? Int == 1)
        #expect((r.object["error"] as? String)?.isEmpty == false)
        r = try c.request("GET", "/api/v3/query_sql?db=q&q=\(urlEncode("SELECT nope FROM plays"))")
        #expect(r.status == 400)
        #expect(r.object["column"] as? Int == 8)
        #expect(r.object["offset"] as? Int == 7)
        r = try c.request("GET", "/api/v3/query_sql?db=missing&q=\(urlEncode("SELECT 1"))")
        #expect(r.status == 404)
        r = try c.request("GET", "/api/v3/query_sql?q=\(urlEncode("SELECT 1"))")
        #expect(r.status == 400)
        r = try c.request("GET", "/api/v3/query_sql?db=q")
        #expect(r.status == 400)
    }

    @Test func resultRowLimit() throws {
        let s = try Self.server { $0.maxResultRows = 2 }
        defer { s.stop() }
        let c = try s.client()
        var r = try c.request("GET", "/api/v3/query_sql?db=q&q=\(urlEncode("SELECT * FROM plays"))")
        #expect(r.status == 400)
        #expect((r.object["error"] as? String)?.contains("more than the limit of 2") == true)
        r = try c.request("GET", "/api/v3/query_sql?db=q&q=\(urlEncode("SELECT * FROM plays LIMIT 2"))")
        #expect(r.status == 200)
    }

    @Test func timeout() throws {
        let s = try Self.server { $0.queryTimeout = 0 }
        defer { s.stop() }
        let r = try s.client().request("GET", "/api/v3/query_sql?db=q&q=\(urlEncode("SELECT count(*) FROM plays"))")
        #expect(r.status == 504)
        #expect((r.object["error"] as? String)?.contains("timed out") == true)
    }

    @Test func largeResultsStreamInChunks() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let c = try s.client()
        var body = ""
        for i in 0..<40_000 { body += "big,k=x\(i % 7) v=\(i)i \(1_700_000_000_000_000_000 + Int64(i))\n" }
        #expect(try c.request("POST", "/write?db=b", body: body).status == 204)
        for format in ["json", "jsonl", "csv"] {
            let r = try c.request("GET", "/api/v3/query_sql?db=b&q=\(urlEncode("SELECT v FROM big ORDER BY time"))&format=\(format)")
            #expect(r.status == 200)
            #expect(r.header("Transfer-Encoding") == "chunked")
            #expect(r.chunks >= 2, "\(format) came in \(r.chunks) chunk(s)")
            switch format {
            case "json":
                #expect(r.array.count == 40_000)
                #expect(r.array.last?["v"] as? Int == 39_999)
            case "jsonl":
                #expect(r.text.split(separator: "\n").count == 40_000)
            default:
                #expect(r.text.split(separator: "\n").count == 40_001)
            }
        }
        // The connection is still usable after streamed answers.
        #expect(try c.request("GET", "/ping").status == 204)
    }
}
