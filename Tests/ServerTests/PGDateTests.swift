import Foundation
import Testing
import TestSupport
@testable import tsdb_server

/// DATE results over the PostgreSQL wire as type `date` (OID 1082): psql's text, psycopg 3 in text and
/// binary (days since 2000-01-01), asyncpg (binary), JDBC's getDate in text and binary.
@Suite(.serialized) struct PGDateTests {
    /// The rows of PGClientTests: their times fall on 2025-11-21 (UTC).
    static func server() throws -> RunningServer { try PGClientTests.server() }

    @Test func psqlPrintsDates() throws {
        let s = try Self.server()
        defer { s.stop() }
        let (status, out) = try PGClientTests.psql(s.pgPort, ["-A", "-t", "-F", "|", "-c",
            "SELECT time::DATE, DATE '2026-09-01' + 30, CAST(NULL AS DATE) FROM plays ORDER BY time LIMIT 1"])
        #expect(status == 0, "\(out)")
        #expect(out == "2025-11-21|2026-10-01|\n", "\(out)")
    }

    /// The HTTP API prints a DATE as `YYYY-MM-DD`, in CSV and as a JSON string.
    @Test func httpPrintsDates() throws {
        let s = try Self.server()
        defer { s.stop() }
        let sql = "SELECT time::DATE AS d, DATE '2026-09-01' - time::DATE AS n FROM plays ORDER BY time LIMIT 1"
        #expect(try PGClientTests.httpRows(s, sql) == [["2025-11-21", "284"]])
        let r = try s.client().request("GET", "/api/v3/query_sql?db=pg&format=jsonl&q=\(urlEncode(sql))", headers: s.auth)
        #expect(r.status == 200 && r.text.hasPrefix(#"{"d":"2025-11-21","n":284}"#), "\(r.text)")
    }

    @Test func pythonDriversDecodeDates() throws {
        let s = try Self.server()
        defer { s.stop() }
        let (status, text) = try runProgram("/usr/bin/env", ["python3", "pg_dates.py", String(s.pgPort), "pg"], in: PGClientTests.clients)
        guard status == 0, let line = text.split(separator: "\n").last,
              let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            Issue.record("pg_dates.py exited \(status):\n\(text)")
            return
        }
        let row = ["date:2025-11-21", "date:2026-09-01", nil, "date:1999-12-31", "243"] as [String?]
        for mode in ["psycopg-text", "psycopg-binary", "asyncpg"] {
            let m = o[mode] as? [String: Any]
            let rows = (m?["rows"] as? [[Any]])?.map { $0.map { $0 as? String } }
            #expect(rows == [row, row], "\(mode): \(String(describing: m))")
        }
        #expect((o["psycopg-text"] as? [String: Any])?["types"] as? [Int] == [1082, 1082, 1082, 1082, 20], "\(o)")
        #expect((o["psycopg-binary"] as? [String: Any])?["types"] as? [Int] == [1082, 1082, 1082, 1082, 20], "\(o)")
        #expect((o["asyncpg"] as? [String: Any])?["types"] as? [String] == ["date", "date", "date", "date", "int8"], "\(o)")
        #expect(o["param"] as? Int == 4, "\(o)")
    }

    @Test func jdbcGetDate() throws {
        let s = try Self.server()
        defer { s.stop() }
        let jar = "/usr/share/java/postgresql.jar"
        guard FileManager.default.fileExists(atPath: jar), FileManager.default.isExecutableFile(atPath: "/usr/bin/java") else {
            throw TestError("JDBC needs apt-get install libpostgresql-jdbc-java default-jdk-headless (scripts/setup.sh)")
        }
        let (status, out) = try runProgram("/usr/bin/java", ["-cp", jar, "PgJdbcDate.java", String(s.pgPort), "pg"], in: PGClientTests.clients)
        #expect(status == 0, "\(out)")
        let lines = out.split(separator: "\n").map(String.init)
        for mode in ["text", "binary"] {
            #expect(lines.filter { $0.hasPrefix(mode + "|") } == Array(repeating: "\(mode)|2025-11-21|1999-12-31|null", count: 4), "\(out)")
            #expect(lines.contains("\(mode)-type|date|91"), "\(out)")
        }
        #expect(lines.last == "done", "\(out)")
    }
}
