import Foundation
import Testing
import TestSupport
@testable import tsdb_server

/// A server on an empty data directory: the first write statement over HTTP `query_sql` or the
/// PostgreSQL wire creates its database; a read before it gets a clear error and creates nothing.
@Suite(.serialized) struct FreshDirectoryTests {
    static func databases(_ s: RunningServer) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: s.config.dataDirectory)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test func httpWriteStatementsCreateTheDatabase() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let c = try s.client()
        var r = try c.request("GET", "/api/v3/query_sql?db=fresh&format=csv&q=\(urlEncode("SELECT 1 AS one FROM t"))")
        #expect(r.status == 404 && r.text.contains("database not found: fresh"), "\(r.status) \(r.text)")
        #expect(!Self.databases(s).contains("fresh"))
        // Each creating statement on its own database: CREATE TABLE AS, INSERT (the table is missing:
        // its error, not the database's), CREATE MATERIALIZED VIEW.
        r = try DDLEndpointTests.post(c, "CREATE TABLE t AS SELECT TIMESTAMP '2026-03-01 10:00' AS time, 7 AS x", db: "fresh")
        #expect(r.status == 200 && r.text == "status\ncreated table t with 1 rows\n", "\(r.status) \(r.text)")
        r = try DDLEndpointTests.post(c, "INSERT INTO t VALUES ('2026-03-01', 1)", db: "fresh2")
        #expect(r.status == 400 && r.text.contains("t"), "\(r.status) \(r.text)")
        #expect(!r.text.contains("database not found"), "\(r.text)")
        r = try DDLEndpointTests.post(c, "CREATE TABLE u (time TIMESTAMP, x BIGINT)", db: "fresh3")
        #expect(r.status == 200, "\(r.text)")
        r = try DDLEndpointTests.post(c, "INSERT INTO u VALUES ('2026-03-01', 1)", db: "fresh3")
        #expect(r.status == 200 && r.text == "rows\n1\n", "\(r.status) \(r.text)")
        #expect(Self.databases(s) == ["fresh", "fresh2", "fresh3"])
        r = try c.request("GET", "/api/v3/query_sql?db=fresh&format=csv&q=\(urlEncode("SELECT x FROM t"))")
        #expect(r.text == "x\n7\n", "\(r.text)")
    }

    @Test func psqlCreatesTheDefaultDatabase() throws {
        let s = try RunningServer { $0.defaultDatabase = "pg" }
        defer { s.stop() }
        var (status, out) = try PGClientTests.psql(s.pgPort, ["-A", "-t", "-c", "SELECT count(*) FROM t"])
        #expect(status != 0 && out.contains("database \"pg\" does not exist"), "\(out)")
        #expect(Self.databases(s).isEmpty)
        (status, out) = try PGClientTests.psql(s.pgPort, ["-A", "-t", "-c", "CREATE TABLE t (time TIMESTAMP, x BIGINT)",
                                                         "-c", "INSERT INTO t VALUES ('2026-03-01', 5)", "-c", "SELECT sum(x) FROM t"])
        #expect(status == 0, "\(out)")
        #expect(out.hasSuffix("5\n"), "\(out)")
        #expect(Self.databases(s) == ["pg"])
    }
}

/// A table's DATE column over the PostgreSQL wire (type `date`, OID 1082, in text and binary) and HTTP.
@Suite(.serialized) struct DateColumnWireTests {
    @Test func dateColumnsReachPostgreSQLClientsAsDates() throws {
        let s = try RunningServer { $0.defaultDatabase = "pg" }
        defer { s.stop() }
        let c = try s.client()
        var r = try DDLEndpointTests.post(c, "CREATE TABLE bills (time TIMESTAMP, due DATE)", db: "pg")
        #expect(r.status == 200, "\(r.text)")
        r = try DDLEndpointTests.post(c, "INSERT INTO bills VALUES ('2026-03-01 10:00', '2026-03-31'), ('2026-03-02 10:00', NULL)", db: "pg")
        #expect(r.text == "rows\n2\n", "\(r.text)")
        r = try c.request("GET", "/api/v3/query_sql?db=pg&format=json&q=\(urlEncode("SELECT due FROM bills ORDER BY time"))")
        #expect(r.text.filter { !$0.isWhitespace }.contains(#"[{"due":"2026-03-31"},{"due":null}]"#), "\(r.text)")
        let script = """
            import psycopg, sys
            with psycopg.connect("host=127.0.0.1 port=\(s.pgPort) user=tester dbname=pg password=x") as conn:
                for binary in (False, True):
                    cur = conn.cursor(binary=binary)
                    cur.execute("SELECT due FROM bills ORDER BY time")
                    print(cur.description[0].type_code, [r[0].isoformat() if r[0] else None for r in cur.fetchall()])
            """
        let (status, out) = try runProgram("/usr/bin/env", ["python3", "-c", script], in: NSTemporaryDirectory())
        #expect(status == 0, "\(out)")
        #expect(out == "1082 ['2026-03-31', None]\n1082 ['2026-03-31', None]\n", "\(out)")
    }
}
