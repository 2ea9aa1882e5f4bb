import Foundation
import Testing
import TestSupport

/// CREATE TABLE, INSERT, ALTER TABLE and the system tables over HTTP `query_sql`; and an INSERT
/// acknowledged before a SIGKILL of the built server is there after the restart.
@Suite(.serialized) struct DDLEndpointTests {
    /// POSTs `sql` to `/api/v3/query_sql` as a JSON body; the response.
    static func post(_ c: TestHTTPClient, _ sql: String, db: String = "ddl", format: String = "csv") throws -> TestResponse {
        let body = try JSONSerialization.data(withJSONObject: ["db": db, "q": sql, "format": format])
        return try c.request("POST", "/api/v3/query_sql", headers: [("Content-Type", "application/json")], body: Array(body))
    }

    @Test func statementsOverHTTP() throws {
        let server = try RunningServer()
        defer { server.stop() }
        let c = try server.client()
        var r = try Self.post(c, "CREATE TABLE plays (time TIMESTAMP, artist SYMBOL, user_id VARCHAR, duration_ms BIGINT) WITH (retention = '3650 days')")
        #expect(r.status == 200 && r.text == "status\ncreated table plays\n", "\(r.status) \(r.text)")
        r = try Self.post(c, "INSERT INTO plays VALUES ('2026-09-01 10:00', 'A', 'u1', 100), ('2026-09-02 10:00', 'B', 'u2', 200)")
        #expect(r.status == 200 && r.text == "rows\n2\n", "\(r.status) \(r.text)")
        r = try Self.post(c, "ALTER TABLE plays ADD COLUMN liked BOOLEAN")
        #expect(r.status == 200, "\(r.text)")
        r = try Self.post(c, "INSERT INTO plays (time, artist, liked) SELECT time, artist, true FROM plays WHERE artist = 'A'")
        #expect(r.text == "rows\n1\n", "\(r.text)")
        // Line protocol into the declared table: the undeclared field is refused per line (partial write).
        let w = try c.request("POST", "/api/v2/write?bucket=ddl&precision=s", body: "plays,artist=C duration_ms=5i 1788300000\nplays,artist=C mood=\"x\" 1788300001\n")
        #expect(w.status == 400 || w.status == 422, "\(w.status) \(w.text)")
        #expect(w.text.contains("'mood' is not a column of table 'plays'"), "\(w.text)")
        r = try c.request("GET", "/api/v3/query_sql?db=ddl&format=csv&q=\(urlEncode("SELECT artist, count(*), count(liked) FROM plays GROUP BY artist ORDER BY artist"))")
        #expect(r.text == "artist,count_star(),count(liked)\nA,2,1\nB,1,0\nC,1,0\n", "\(r.text)")
        r = try c.request("GET", "/api/v3/query_sql?db=ddl&format=csv&q=\(urlEncode("SHOW PARTITIONS FROM plays"))")
        #expect(r.text.hasPrefix("day,rows,memtable_rows,bytes,segments,min_time,max_time,deleted_rows\n2026-09-01T00:00:00Z,3,3,0,0,2026-09-01T10:00:00Z,2026-09-01T22:00:00Z,0\n2026-09-02T00:00:00Z,1,1,"), "\(r.text)")
        r = try c.request("GET", "/api/v3/query_sql?db=ddl&format=csv&q=\(urlEncode("SELECT table_name, rows, retention_days, declared_schema FROM tsdb_tables"))")
        #expect(r.text == "table_name,rows,retention_days,declared_schema\nplays,4,3650,true\n", "\(r.text)")
        r = try Self.post(c, "INSERT INTO plays (time, duration_ms) VALUES ('2026-09-03', 'long')")
        #expect(r.status == 400 && r.text.contains("'long' is not an integer"), "\(r.status) \(r.text)")
    }

    @Test func sigkillAfterInsertReturnsLosesNothing() throws {
        let dir = TempDirectory("tsdb-ddl-kill")
        defer { dir.remove() }
        // Interval durability: the WAL is not synced per write, so INSERT must sync before it answers.
        let run = try SigkillRun.run(data: dir.path, extra: ["--durability", "interval:60000"], killAfter: 30, timeout: 60, setUp: { (c: TestHTTPClient) throws in
            let r = try Self.post(c, "CREATE TABLE events (time TIMESTAMP, k SYMBOL, seq BIGINT)")
            guard r.status == 200 else { throw TestError("CREATE TABLE failed: \(r.text)") }
        }) { c, _, b in
            let values = (0..<20).map { j in "(TIMESTAMP '2026-09-01 00:00:00' + INTERVAL \(b * 20 + j) SECOND, 'k\(j % 3)', \(b * 20 + j))" }
            guard let r = try? Self.post(c, "INSERT INTO events VALUES " + values.joined(separator: ", ")) else { return false }
            return r.status == 200 && r.text == "rows\n20\n"
        }
        #expect(run.killed.reason == .uncaughtSignal)
        #expect(run.acked.count >= 30, "only \(run.acked.count) INSERTs answered before the kill")
        let c2 = try TestHTTPClient(port: run.restarted.httpPort)
        let r = try c2.request("GET", "/api/v3/query_sql?db=ddl&format=csv&q=\(urlEncode("SELECT seq FROM events ORDER BY seq"))")
        #expect(r.status == 200)
        let seqs = r.text.split(separator: "\n").dropFirst().compactMap { Int($0) }
        // An INSERT in flight at the kill is all or nothing.
        let problems = run.problems(recovered: seqs, rowsPerBatch: 20) { _, b, j in b * 20 + j }
        #expect(problems.isEmpty, "\(problems)")
        let schema = try c2.request("GET", "/api/v3/query_sql?db=ddl&format=csv&q=\(urlEncode("SELECT declared_schema FROM tsdb_tables WHERE table_name = 'events'"))")
        #expect(schema.text == "declared_schema\ntrue\n", "\(schema.text)")
        _ = run.restarted.stop(signal: SIGTERM)
    }
}
