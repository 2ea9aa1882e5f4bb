import Foundation
import Testing
import TestSupport
@testable import tsdb_server

/// psql's meta-commands, run by the real psql against the catalog virtual tables, and the SQL
/// Grafana's PostgreSQL data source sends (connection test, table and column pickers, what its
/// macros expand to), with answers compared to the HTTP API's.
@Suite(.serialized) struct PGMetaCommandTests {
    static func server() throws -> RunningServer {
        let s = try PGClientTests.server()
        let r = try s.client().request("POST", "/write?db=pg", headers: s.auth, body: Array("cpu,host=h1 usage=1.5 1763683201000000000\n".utf8))
        guard r.status == 204 else { throw TestError("setup write failed: \(r.status) \(r.text)") }
        return s
    }

    static func psql(_ s: RunningServer, _ command: String) throws -> [String] {
        let (status, out) = try PGClientTests.psql(s.pgPort, ["-A", "-F", "|", "-c", command])
        #expect(status == 0, "\(command): \(out)")
        return out.split(separator: "\n").map(String.init)
    }

    @Test func listDatabasesTablesSchemasRelations() throws {
        let s = try Self.server()
        defer { s.stop() }
        // \l: every database under --data, with PostgreSQL's columns.
        let l = try Self.psql(s, "\\l")
        #expect(l.first == "List of databases", "\(l)")
        #expect(l.contains("Name|Owner|Encoding|Collate|Ctype|ICU Locale|Locale Provider|Access privileges"), "\(l)")
        #expect(l.contains("pg|tsdb|UTF8|C|C||libc|"), "\(l)")
        // \dt and \d: the tables of the database, in name order.
        for command in ["\\dt", "\\d"] {
            let dt = try Self.psql(s, command)
            #expect(dt.first == "List of relations", "\(dt)")
            #expect(Array(dt.dropFirst()) == ["Schema|Name|Type|Owner", "public|cpu|table|tsdb", "public|plays|table|tsdb", "(2 rows)"], "\(command): \(dt)")
        }
        // A pattern is a regular expression match psql builds (OPERATOR(pg_catalog.~) … COLLATE).
        #expect(try Self.psql(s, "\\dt pl*").contains("public|plays|table|tsdb"))
        #expect(try Self.psql(s, "\\dt pl*").contains("(1 row)"))
        #expect(try Self.psql(s, "\\dt nothing*").last == "Did not find any relation named \"nothing*\".")
        // \dn: the user schemas (pg_* and information_schema hidden).
        #expect(try Self.psql(s, "\\dn") == ["List of schemas", "Name|Owner", "public|tsdb", "(1 row)"])
    }

    /// Grafana's PostgreSQL data source: its connection test, pickers and macro expansions.
    @Test func grafanaQueriesAnswerLikeHTTP() throws {
        let s = try Self.server()
        defer { s.stop() }
        func pg(_ sql: String) throws -> [[String]] {
            let (status, out) = try PGClientTests.psql(s.pgPort, ["-A", "-t", "-F", ",", "-c", sql])
            #expect(status == 0, "\(sql): \(out)")
            return out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        }
        #expect(try pg("SELECT 1") == [["1"]])
        #expect(try pg("SELECT quote_ident(table_name) AS \"table\" FROM information_schema.tables WHERE quote_ident(table_schema) NOT IN ('information_schema', 'pg_catalog') AND table_type = 'BASE TABLE' ORDER BY 1") == [["cpu"], ["plays"]])
        #expect(try pg("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'plays' ORDER BY ordinal_position").map { $0[0] }
                == ["time", "artist", "platform", "duration_ms", "liked", "revenue", "user_id"])
        // $__timeFilter, $__timeGroup, $__unixEpochFilter and to_timestamp: the same answers as HTTP's.
        for sql in [
            "SELECT floor(extract(epoch from time)/60)*60 AS \"time\", count(*) AS n FROM plays WHERE time BETWEEN '2025-11-21T00:00:00Z' AND '2025-11-22T00:00:00Z' GROUP BY 1 ORDER BY 1",
            "SELECT count(*) AS n FROM plays WHERE extract(epoch from time) BETWEEN 1763683200 AND 1763683203",
            "SELECT count(*) AS n FROM plays WHERE time >= to_timestamp(1763683202) AND time < to_timestamp(1763683206)",
            "SELECT platform AS metric, sum(duration_ms) AS value FROM plays WHERE time BETWEEN '2025-11-21T00:00:00Z' AND '2025-11-22T00:00:00Z' GROUP BY platform ORDER BY platform",
        ] {
            let want = try PGClientTests.httpRows(s, sql)
            #expect(!want.isEmpty, "\(sql)")
            PGClientTests.same(try pg(sql), want, sql)
        }
    }
}
