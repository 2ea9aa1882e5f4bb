import ColumnStore
import Foundation
import Testing
import TestSupport
@testable import tsdb_server

/// Real PostgreSQL clients over real sockets against `--pg` of a server started in-process: psql
/// (Debian's postgresql-client), psycopg 3, psycopg2 and asyncpg (PyPI), JDBC (libpostgresql-jdbc-java
/// and the JDK). Every answer is compared with the HTTP API's answer to the same query.
/// `scripts/setup.sh` installs the clients; without them these tests fail and say so.
@Suite(.serialized) struct PGClientTests {
    static let clients = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients").path
    static let sql = "SELECT time, artist, platform, duration_ms, liked, revenue, user_id FROM plays ORDER BY time"

    /// Rows with a quote, a double quote, a comma and a microsecond time (PostgreSQL's precision).
    static let lines = """
    plays,artist=Artist\\ 0001,platform=spotify duration_ms=245992i,liked=false,revenue=0.002976,user_id="u0827379" 1763683201000000000
    plays,artist=Artist\\ 0002,platform=youtube duration_ms=12450i,liked=true,revenue=0,user_id="u'q, 1" 1763683202123456000
    plays,artist=Artist\\ 0001,platform=tidal duration_ms=180000i,liked=true,revenue=1.25,user_id="u\\"quoted\\"" 1763683204000000000
    plays,artist=Zoë,platform=apple\\ music duration_ms=1i,liked=false,revenue=-3.75,user_id="ü" 1763683205500000000

    """

    static func server(_ configure: (inout ServerConfig) -> Void = { _ in }) throws -> RunningServer {
        let s = try RunningServer(configure)
        let r = try s.client().request("POST", "/write?db=pg", headers: s.auth, body: Array(lines.utf8))
        guard r.status == 204 else { throw TestError("setup write failed: \(r.status) \(r.text)") }
        return s
    }

    /// The HTTP API's answer as CSV rows (no header): the oracle.
    static func httpRows(_ s: RunningServer, _ sql: String = sql) throws -> [[String]] {
        let r = try s.client().request("GET", "/api/v3/query_sql?db=pg&format=csv&q=\(urlEncode(sql))", headers: s.auth)
        guard r.status == 200 else { throw TestError("HTTP query failed: \(r.status) \(r.text)") }
        return Array(try JSONLike.csv(r.text).dropFirst())
    }

    /// Compares rows field by field; numbers that are floats compare as numbers (0 and 0.0 are equal).
    static func same(_ got: [[String]], _ want: [[String]], _ who: String) {
        #expect(got.count == want.count, "\(who): \(got.count) rows, HTTP has \(want.count)")
        for (g, w) in zip(got, want) {
            #expect(g.count == w.count, "\(who): \(g) vs \(w)")
            for (a, b) in zip(g, w) where a != b {
                #expect(Double(a) != nil && Double(a) == Double(b), "\(who): '\(a)' != '\(b)' in \(g) vs \(w)")
            }
        }
    }

    static func python(_ args: [String]) throws -> [String: Any] {
        let (status, text) = try runProgram("/usr/bin/env", ["python3", "pg_clients.py"] + args, in: clients)
        guard status == 0, let line = text.split(separator: "\n").last,
              let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw TestError("pg_clients.py \(args.joined(separator: " ")) exited \(status):\n\(text)\n(pip install 'psycopg[binary]' psycopg2-binary asyncpg; see scripts/setup.sh)")
        }
        return object
    }

    static func rows(_ o: [String: Any]) -> [[String]] { (o["rows"] as? [[String]]) ?? [] }

    /// psql's unaligned output of one query: `-A -t -F '|'`; times normalised to the CSV's RFC 3339.
    static func psql(_ port: Int, _ args: [String], password: String? = nil) throws -> (Int32, String) {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/psql") else {
            throw TestError("psql is not installed: apt-get install postgresql-client (scripts/setup.sh)")
        }
        var env = ["PGCONNECT_TIMEOUT": "30", "PSQLRC": "/dev/null", "PGSSLMODE": "prefer"]
        env["PGPASSWORD"] = password ?? ""
        return try runProgram("/usr/bin/psql", ["-X", "-h", "127.0.0.1", "-p", String(port), "-U", "tester", "-d", "pg"] + args,
                              in: NSTemporaryDirectory(), environment: env)
    }

    static func rfc3339(_ pgTime: String) -> String {
        pgTime.replacingOccurrences(of: " ", with: "T").replacingOccurrences(of: "+00", with: "Z")
    }

    @Test func psqlAnswersLikeHTTP() throws {
        let s = try Self.server()
        defer { s.stop() }
        let (status, out) = try Self.psql(s.pgPort, ["-A", "-t", "-F", "|", "-c", Self.sql])
        #expect(status == 0, "\(out)")
        let got = out.split(separator: "\n").map { line -> [String] in
            var f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            f[0] = Self.rfc3339(f[0])
            f[4] = f[4] == "t" ? "true" : f[4] == "f" ? "false" : f[4]
            return f
        }
        Self.same(got, try Self.httpRows(s), "psql")

        // Several statements in one Query message, session functions and settings.
        let (st2, out2) = try Self.psql(s.pgPort, ["-A", "-t", "-c",
            "SELECT count(*) FROM plays; SELECT current_database(), current_schema(), pg_backend_pid() > 0; SHOW TimeZone; SET application_name = 'x'; SHOW application_name"])
        #expect(st2 == 0, "\(out2)")
        #expect(out2.split(separator: "\n") == ["4", "pg|public|t", "UTC", "SET", "x"], "\(out2)")
        let (st3, out3) = try Self.psql(s.pgPort, ["-A", "-t", "-c", "SELECT version()"])
        #expect(st3 == 0 && out3.hasPrefix("PostgreSQL 16.0 (tsdb "), "\(out3)")
    }

    /// The catalog tables clients read for their table and column pickers, against DESCRIBE over HTTP.
    @Test func catalogTables() throws {
        let s = try Self.server()
        defer { s.stop() }
        var (status, out) = try Self.psql(s.pgPort, ["-A", "-t", "-c", "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"])
        #expect(status == 0 && out == "plays\n", "\(out)")
        (status, out) = try Self.psql(s.pgPort, ["-A", "-t", "-F", ",", "-c",
            "SELECT column_name, udt_name FROM information_schema.columns WHERE table_name = 'plays' ORDER BY ordinal_position"])
        #expect(status == 0, "\(out)")
        let described = try Self.httpRows(s, "DESCRIBE plays").map { $0[0] }
        #expect(out.split(separator: "\n").map { String($0.split(separator: ",")[0]) } == described)
        #expect(out.contains("time,timestamptz") && out.contains("duration_ms,int8") && out.contains("artist,text"), "\(out)")
        // pg_class.oid and pg_attribute.attrelid agree; the bare name finds pg_catalog's table.
        (status, out) = try Self.psql(s.pgPort, ["-A", "-t", "-c", "SELECT oid FROM pg_catalog.pg_class WHERE relname = 'plays'"])
        let oid = out.trimmingCharacters(in: .whitespacesAndNewlines)
        (status, out) = try Self.psql(s.pgPort, ["-A", "-t", "-c", "SELECT count(*) FROM pg_attribute WHERE attrelid = \(oid)"])
        #expect(out == "\(described.count)\n", "\(out)")
        (status, out) = try Self.psql(s.pgPort, ["-A", "-t", "-c", "SELECT datname FROM pg_database ORDER BY datname"])
        #expect(out == "pg\n", "\(out)")
    }

    @Test func psqlErrorsCarrySQLStateAndPosition() throws {
        let s = try Self.server()
        defer { s.stop() }
        for (sql, state, caret) in [("SELECT nope FROM plays", "42703", 7), ("SELECT * FROM nowhere", "42P01", 14),
                                    ("SELEC 1", "42601", 0)] {
            let (status, out) = try Self.psql(s.pgPort, ["-v", "VERBOSITY=verbose", "-c", sql])
            #expect(status == 1, "\(sql): \(out)")
            #expect(out.contains("ERROR:  \(state):"), "\(sql): \(out)")
            // psql draws a caret under the position the server reported.
            let lines = out.split(separator: "\n")
            if let i = lines.firstIndex(where: { $0.hasPrefix("LINE 1: ") }), i + 1 < lines.count {
                #expect(lines[i + 1].firstIndex(of: "^").map { lines[i + 1].distance(from: lines[i + 1].startIndex, to: $0) } == 8 + caret, "\(out)")
            } else {
                Issue.record("no position in psql's output: \(out)")
            }
        }
        // The session survives errors: the server keeps answering on new connections.
        let (status, out) = try Self.psql(s.pgPort, ["-A", "-t", "-c", "SELECT count(*) FROM plays"])
        #expect(status == 0 && out == "4\n", "\(out)")
    }

    @Test func passwordIsAToken() throws {
        let s = try Self.server { $0.tokens = ["s3cret"] }
        defer { s.stop() }
        var (status, out) = try Self.psql(s.pgPort, ["-A", "-t", "-c", "SELECT count(*) FROM plays"], password: "wrong")
        #expect(status == 2 && out.contains("password authentication failed for user \"tester\""), "\(out)")
        (status, out) = try Self.psql(s.pgPort, ["-A", "-t", "-c", "SELECT count(*) FROM plays"], password: "s3cret")
        #expect(status == 0 && out == "4\n", "\(out)")
        // No TLS configured: the SSLRequest is answered N, so sslmode=require cannot connect.
        (status, out) = try runProgram("/usr/bin/psql", ["-X", "host=127.0.0.1 port=\(s.pgPort) user=tester dbname=pg sslmode=require", "-c", "SELECT 1"],
                                       in: NSTemporaryDirectory(), environment: ["PGPASSWORD": "s3cret"])
        #expect(status == 2 && out.contains("server does not support SSL"), "\(out)")
        // An unknown database is refused with 3D000.
        (status, out) = try runProgram("/usr/bin/psql", ["-X", "-v", "VERBOSITY=verbose", "host=127.0.0.1 port=\(s.pgPort) user=tester dbname=nosuch", "-c", "SELECT 1"],
                                       in: NSTemporaryDirectory(), environment: ["PGPASSWORD": "s3cret"])
        #expect(status == 2 && out.contains("database \"nosuch\" does not exist"), "\(out)")
    }

    /// Scoped tokens hold over PostgreSQL as over HTTP: a read-only token reads, is refused a DELETE with
    /// 42501 (and the rows stay), and may not connect to a database it may not read.
    @Test func scopedTokensHoldOverPostgreSQL() throws {
        let dir = TempDirectory("tsdb-pg-tokens")
        defer { dir.remove() }
        let file = try SecurityEndpointTests.tokenFile(dir, [try SecurityEndpointTests.hashLine("reader-secret") + " name=reader read=pg write=-"])
        let s = try Self.server { $0.tokens = ["admin-secret"]; $0.tokenFile = file }
        defer { s.stop() }
        var (status, out) = try Self.psql(s.pgPort, ["-A", "-t", "-c", "SELECT count(*) FROM plays"], password: "reader-secret")
        #expect(status == 0 && out == "4\n", "\(out)")
        (status, out) = try Self.psql(s.pgPort, ["-v", "VERBOSITY=verbose", "-c", "DELETE FROM plays"], password: "reader-secret")
        #expect(status != 0 && out.contains("42501") && out.contains("may not run statements that change data"), "\(out)")
        (status, out) = try Self.psql(s.pgPort, ["-A", "-t", "-c", "SELECT count(*) FROM plays"], password: "admin-secret")
        #expect(status == 0 && out == "4\n", "the refused DELETE removed nothing: \(out)")
        (status, out) = try runProgram("/usr/bin/psql", ["-X", "-v", "VERBOSITY=verbose", "host=127.0.0.1 port=\(s.pgPort) user=tester dbname=other", "-c", "SELECT 1"],
                                       in: NSTemporaryDirectory(), environment: ["PGPASSWORD": "reader-secret", "PSQLRC": "/dev/null", "PGSSLMODE": "prefer"])
        #expect(status == 2 && out.contains("permission denied for database \"other\""), "\(out)")
    }

    @Test func psycopg3TextAndBinary() throws {
        let s = try Self.server()
        defer { s.stop() }
        let want = try Self.httpRows(s)
        for mode in ["psycopg3", "psycopg3-binary"] {
            let o = try Self.python([mode, String(s.pgPort), "pg"])
            Self.same(Self.rows(o), want, mode)
            // timestamptz, text, text, int8, bool, float8, text
            #expect(o["types"] as? [Int] == [1184, 25, 25, 20, 16, 701, 25], "\(mode): \(o)")
            #expect(o["count"] as? Int == 2, "\(mode): \(o)")
            #expect(o["app"] as? String == "pgtest")
            #expect((o["version"] as? String)?.hasPrefix("16.0 (tsdb") == true)
        }
    }

    @Test func psycopg2() throws {
        let s = try Self.server()
        defer { s.stop() }
        let o = try Self.python(["psycopg2", String(s.pgPort), "pg"])
        Self.same(Self.rows(o), try Self.httpRows(s), "psycopg2")
        #expect(o["count"] as? Int == 1)
        #expect(o["injected"] as? Int == 0)
    }

    @Test func asyncpgBinaryPreparedAndCursor() throws {
        let s = try Self.server { $0.tokens = ["t0k"] }
        defer { s.stop() }
        let want = try Self.httpRows(s)
        let o = try Self.python(["asyncpg", String(s.pgPort), "pg", "t0k"])
        Self.same(Self.rows(o), want, "asyncpg")
        #expect(o["counts"] as? [Int] == [2, 1, 0, 1], "\(o)")
        #expect(o["injected"] as? Int == 0)
        // A cursor fetching two rows per Execute: PortalSuspended until the last batch.
        let c = try Self.python(["asyncpg-cursor", String(s.pgPort), "pg", "t0k"])
        Self.same(Self.rows(c), want, "asyncpg cursor")
    }

    @Test func jdbc() throws {
        let s = try Self.server()
        defer { s.stop() }
        let jar = "/usr/share/java/postgresql.jar"
        guard FileManager.default.fileExists(atPath: jar), FileManager.default.isExecutableFile(atPath: "/usr/bin/java") else {
            throw TestError("JDBC needs apt-get install libpostgresql-jdbc-java default-jdk-headless (scripts/setup.sh)")
        }
        let (status, out) = try runProgram("/usr/bin/java", ["-cp", jar, "PgJdbc.java", String(s.pgPort), "pg"], in: Self.clients)
        #expect(status == 0, "\(out)")
        let lines = out.split(separator: "\n").map(String.init)
        let rows = lines.filter { $0.hasPrefix("row|") }.map { l -> [String] in
            var f = Array(l.split(separator: "|", omittingEmptySubsequences: false).dropFirst().map(String.init))
            // Instant.toString() writes milliseconds as .500: the CSV drops trailing zeros.
            if f[0].contains(".") {
                var t = String(f[0].dropLast())
                while t.hasSuffix("0") { t.removeLast() }
                f[0] = t + "Z"
            }
            return f
        }
        Self.same(rows, try Self.httpRows(s), "JDBC")
        #expect(lines.contains("types|timestamptz|text|text|int8|bool|float8|text"), "\(out)")
        #expect(lines.contains("count|4"), "\(out)")
        #expect(lines.contains { $0.hasPrefix("version|16.0") }, "\(out)")
    }

    /// JDBC's DatabaseMetaData (what DBeaver's navigator calls): getSchemas, getTables and getColumns,
    /// each row checked against tsdb's own catalog (tsdb_tables, DESCRIBE); and an array result, typed
    /// with the array's OID and sent as PostgreSQL's array text.
    @Test func jdbcMetadata() throws {
        let s = try Self.server()
        defer { s.stop() }
        let jar = "/usr/share/java/postgresql.jar"
        guard FileManager.default.fileExists(atPath: jar), FileManager.default.isExecutableFile(atPath: "/usr/bin/java") else {
            throw TestError("JDBC needs apt-get install libpostgresql-jdbc-java default-jdk-headless (scripts/setup.sh)")
        }
        let (status, out) = try runProgram("/usr/bin/java", ["-cp", jar, "PgJdbcMeta.java", String(s.pgPort), "pg", "plays"], in: Self.clients)
        #expect(status == 0, "\(out)")
        let lines = out.split(separator: "\n").map(String.init)
        func rows(_ call: String) -> [String] { lines.filter { $0.hasPrefix(call + "|") }.map { String($0.dropFirst(call.count + 1)) } }
        #expect(rows("schemas") == ["information_schema|null", "pg_catalog|null", "public|null"], "\(out)")
        #expect(rows("schemas-public") == ["public"], "\(out)")
        let tables = try Self.httpRows(s, "SELECT table_name FROM tsdb_tables ORDER BY table_name").map { $0[0] }
        #expect(!tables.isEmpty)
        #expect(rows("tables") == tables.map { "public|\($0)|TABLE|null" }, "\(out)")
        #expect(rows("tables-all") == ["public|plays|TABLE"], "\(out)")
        // getColumns: DESCRIBE's names and types, in order; java.sql.Types codes; only the time column NOT NULL.
        let jdbcType = ["TIMESTAMP": "93|timestamptz|35", "VARCHAR": "12|text|2147483647", "BIGINT": "-5|int8|19",
                        "DOUBLE": "8|float8|17", "BOOLEAN": "-7|bool|1", "UBIGINT": "2|numeric|1000"]
        let describe = try Self.httpRows(s, "DESCRIBE plays")
        let expected = describe.enumerated().map { i, d in
            "plays|\(d[0])|\(jdbcType[d[1]] ?? "unmapped \(d[1])")|\(d[0] == "time" ? "0" : "1")|\(i + 1)|\(d[0] == "time" ? "NO" : "YES")|NO"
        }
        #expect(rows("columns") == expected, "\(out)")
        // An int4[] cast is an _int4 (INTEGER elements), an ARRAY of BIGINT literals an _int8.
        #expect(rows("arrays") == [#"_int8|{1,2}|_text|{x,"y z"}|_int4|{}"#], "\(out)")
        // getPrimaryKeys runs the driver's query (a set-returning function in the select list, record
        // fields read outside its subquery) and finds none: tsdb tables have no primary key.
        #expect(rows("primary-keys") == ["count|0"], "\(out)")
        #expect(lines.last == "done", "\(out)")
    }

    /// Arrays as the drivers decode them: psycopg 3 from PostgreSQL's binary array format and from text,
    /// asyncpg (binary) for text[]; element types precise (`'{1,2}'::int4[]` is `_int4`, OID 1007).
    @Test func arraysInBinaryAndText() throws {
        let s = try Self.server()
        defer { s.stop() }
        let o = try Self.python(["arrays", String(s.pgPort), "pg"])
        let row = #"[[1,2],["a","b"],[1,null,3],[1,2],[1.5,-2.25],[true,false],[],["2026-01-02T03:04:05.5Z"],["x y",null,"q\""]]"#
        // asyncpg decodes text[] in binary without asking the catalog (other element types need its
        // WITH RECURSIVE type introspection, which tsdb does not answer).
        #expect(o["asyncpg"] as? String == #"{"types":["text[]","text[]","text[]"],"row":[["a","b"],["x y",null,"q\""],[]],"same":true}"#, "\(o)")
        let oids = "[1016,1009,1016,1007,1022,1000,1007,1185,1009]"
        #expect(o["psycopg-binary"] as? String == #"{"types":"# + oids + #","row":"# + row + "}", "\(o)")
        #expect(o["psycopg-text"] as? String == #"{"types":"# + oids + #","row":"# + row + "}", "\(o)")
    }

    @Test func errorsHaveSQLStates() throws {
        let s = try Self.server()
        defer { s.stop() }
        let o = try Self.python(["errors", String(s.pgPort), "pg"])
        func state(_ k: String) -> String? { (o[k] as? [String: Any])?["sqlstate"] as? String }
        func position(_ k: String) -> String? { (o[k] as? [String: Any])?["position"] as? String }
        #expect(state("syntax") == "42601")
        #expect(state("table") == "42P01")
        #expect(position("table") == "15")
        #expect(state("column") == "42703")
        #expect(position("column") == "8")
        #expect(state("function") == "42883")
        #expect(state("cast") == "22P02")
        #expect(state("setting") == "42704")
    }

    /// psycopg's `cancel()` sends CancelRequest on a new connection with the session's key: the
    /// running query stops with 57014 and the session goes on.
    @Test func cancelRequestCancelsTheRunningQuery() throws {
        let s = try Self.server { $0.queryTimeout = 600 }
        defer { s.stop() }
        // Enough rows that the slow query takes far longer than the canceller's first attempts.
        let db = try #require(try s.server.context.databases.database("pg", create: true))
        for chunk in 0..<10 {
            var b = BatchBuilder(table: "plays")
            for i in 0..<50_000 {
                b.add(time: 1_800_000_000_000_000_000 + Int64(chunk * 50_000 + i) * 1_000_000, [("artist", .tag("A\(i % 7)")), ("duration_ms", .int(Int64(i)))])
            }
            _ = try db.write([b.batch])
        }
        let o = try Self.python(["cancel", String(s.pgPort), "pg"])
        #expect(o["sqlstate"] as? String == "57014", "\(o)")
        #expect((o["message"] as? String)?.contains("canceling statement due to user request") == true, "\(o)")
        #expect(o["after"] as? Int == 500_004)
    }

    @Test func statementTimeoutIs57014() throws {
        let s = try Self.server { $0.queryTimeout = 0 }
        defer { s.stop() }
        let (status, out) = try Self.psql(s.pgPort, ["-v", "VERBOSITY=verbose", "-c", "SELECT count(*) FROM plays"])
        #expect(status == 1 && out.contains("57014") && out.contains("statement timeout"), "\(out)")
    }

    /// A result larger than the socket's buffers streams in slices: every row arrives, in order.
    @Test func largeResultStreams() throws {
        let s = try Self.server()
        defer { s.stop() }
        let db = try #require(try s.server.context.databases.database("big", create: true))
        var b = BatchBuilder(table: "t")
        for i in 0..<200_000 { b.add(time: 1_800_000_000_000_000_000 + Int64(i) * 1_000, [("v", .int(Int64(i))), ("s", .string("row \(i) padding padding"))]) }
        _ = try db.write([b.batch])
        let (status, out) = try runProgram("/usr/bin/psql", ["-X", "-A", "-t", "-h", "127.0.0.1", "-p", String(s.pgPort), "-U", "u", "-d", "big",
                                                             "-c", "SELECT v, s FROM t ORDER BY time"], in: NSTemporaryDirectory())
        #expect(status == 0)
        let lines = out.split(separator: "\n")
        #expect(lines.count == 200_000)
        #expect(lines.first == "0|row 0 padding padding")
        #expect(lines.last == "199999|row 199999 padding padding")
    }
}
