import Foundation
import Testing
import TestSupport
@testable import tsdb_server

/// `view_rewrite` on every front of the server: the `query_sql` parameter, `SET` before the statement of a
/// text, the `--view-rewrite` option (and its TOML key and variable), PostgreSQL's SET and SHOW; and psql's
/// `\d` of a view naming its columns as `DESCRIBE` does.
@Suite(.serialized) struct ViewRewriteSettingTests {
    static let rawQuery = "SELECT time_bucket(INTERVAL '1 day', time) AS day, host, count(*) AS n FROM m GROUP BY day, host ORDER BY day, host"
    static let rewrittenNote = "answered from materialized view daily"

    /// A server with rows over three days of `m` in database `pg` and the view `daily` over them.
    static func server(_ configure: (inout ServerConfig) -> Void = { _ in }) throws -> RunningServer {
        let s = try RunningServer(configure)
        var lines = ""
        for i in 0..<60 { lines += "m,host=h\(i % 3) v=\(i)i \(1_767_225_600_000_000_000 + Int64(i % 3) * 86_400_000_000_000 + Int64(i))\n" }
        let w = try s.client().request("POST", "/write?db=pg", headers: s.auth, body: Array(lines.utf8))
        guard w.status == 204 else { throw TestError("setup write failed: \(w.status) \(w.text)") }
        try post(s, "CREATE MATERIALIZED VIEW daily AS SELECT time_bucket(INTERVAL '1 day', time) AS day, host, count(*) AS n, sum(v) AS total FROM m GROUP BY day, host")
        return s
    }

    static func post(_ s: RunningServer, _ sql: String) throws {
        let r = try s.client().request("POST", "/api/v3/query_sql", headers: s.auth + [("Content-Type", "application/x-www-form-urlencoded")],
                                       body: "db=pg&q=\(urlEncode(sql))")
        guard r.status == 200 else { throw TestError("\(sql): \(r.status) \(r.text)") }
    }

    /// `GET query_sql` as CSV; `extra` are more URL parameters (`&view_rewrite=off`).
    static func get(_ s: RunningServer, _ sql: String, _ extra: String = "") throws -> TestResponse {
        try s.client().request("GET", "/api/v3/query_sql?db=pg&format=csv&q=\(urlEncode(sql))\(extra)", headers: s.auth)
    }

    static func explain(_ s: RunningServer, _ sql: String, _ extra: String = "") throws -> String {
        let r = try get(s, sql, extra)
        #expect(r.status == 200, "\(sql): \(r.text)")
        return r.text
    }

    @Test func httpParameterAndLeadingSet() throws {
        let s = try Self.server()
        defer { s.stop() }
        #expect(try Self.explain(s, "EXPLAIN " + Self.rawQuery).contains(Self.rewrittenNote))
        #expect(!(try Self.explain(s, "EXPLAIN " + Self.rawQuery, "&view_rewrite=off")).contains("materialized view"))
        #expect(!(try Self.explain(s, "SET view_rewrite = off; EXPLAIN " + Self.rawQuery)).contains("materialized view"))
        #expect(!(try Self.explain(s, "SET view_rewrite TO 'false';\nEXPLAIN " + Self.rawQuery)).contains("materialized view"))
        // The setting holds for its own text only.
        #expect(try Self.explain(s, "EXPLAIN " + Self.rawQuery).contains(Self.rewrittenNote))
        // SHOW reports the value the statement would run with.
        #expect(try Self.get(s, "SHOW view_rewrite").text == "view_rewrite\non\n")
        #expect(try Self.get(s, "SHOW view_rewrite", "&view_rewrite=off").text == "view_rewrite\noff\n")
        #expect(try Self.get(s, "SET view_rewrite = off; SHOW view_rewrite").text == "view_rewrite\noff\n")
        // Exact either way.
        let on = try Self.get(s, Self.rawQuery), off = try Self.get(s, Self.rawQuery, "&view_rewrite=off")
        #expect(on.status == 200 && on.text == off.text && on.text.split(separator: "\n").count == 4, "\(on.text) vs \(off.text)")
        // Bad values and names are refused, saying why.
        let bad = try Self.get(s, "SELECT 1", "&view_rewrite=maybe")
        #expect(bad.status == 400 && bad.text.contains("expected on or off"), "\(bad.text)")
        let badSet = try Self.get(s, "SET view_rewrite = maybe; SELECT 1")
        #expect(badSet.status == 400 && badSet.text.contains("expected on or off"), "\(badSet.text)")
        let unknown = try Self.get(s, "SET no_such_thing = 1; SELECT 1")
        #expect(unknown.status == 400 && unknown.text.contains("unrecognized setting 'no_such_thing'"), "\(unknown.text)")
        // An error in the statement after SET points into the whole text.
        let typo = try Self.get(s, "SET view_rewrite = off;\nSELEC 1")
        #expect(typo.status == 400 && typo.text.contains("\"line\":2"), "\(typo.text)")
        // A leading SET hides no statement that changes data from the method and rights checks.
        let hidden = try Self.get(s, "SET view_rewrite = off; DELETE FROM m")
        #expect(hidden.status == 405, "\(hidden.text)")
        #expect(try s.count("pg", "m") == 60)
    }

    @Test func serverOptionAndPostgreSQLSession() throws {
        let s = try Self.server { $0.viewRewrite = false }
        defer { s.stop() }
        #expect(!(try Self.explain(s, "EXPLAIN " + Self.rawQuery)).contains("materialized view"))
        #expect(try Self.get(s, "SHOW view_rewrite").text == "view_rewrite\noff\n")
        #expect(try Self.explain(s, "EXPLAIN " + Self.rawQuery, "&view_rewrite=on").contains(Self.rewrittenNote))
        // psql: the session starts with the server's value; SET changes it for the session only.
        func psql(_ commands: [String]) throws -> [String] {
            let (status, out) = try PGClientTests.psql(s.pgPort, ["-A", "-t"] + commands.flatMap { ["-c", $0] })
            #expect(status == 0, "\(commands): \(out)")
            return out.split(separator: "\n").map(String.init)
        }
        #expect(try psql(["SHOW view_rewrite"]) == ["off"])
        let on = try psql(["SET view_rewrite = on", "SHOW view_rewrite", "EXPLAIN " + Self.rawQuery])
        #expect(Array(on.prefix(2)) == ["SET", "on"] && on.contains { $0.contains(Self.rewrittenNote) }, "\(on)")
        #expect(!(try psql(["EXPLAIN " + Self.rawQuery])).contains { $0.contains("materialized view") })
        let (status, out) = try PGClientTests.psql(s.pgPort, ["-A", "-t", "-c", "SET view_rewrite = maybe"])
        #expect(status != 0 && out.contains("expected on or off"), "\(out)")
    }

    /// psql's `\d daily` reads pg_attribute: the columns are the view's (`day`, not the stored `time`), in
    /// its order, as `DESCRIBE` and information_schema.columns list them.
    @Test func psqlDescribesViewColumns() throws {
        let s = try Self.server()
        defer { s.stop() }
        let described = try s.query("pg", "DESCRIBE daily").compactMap { $0["column_name"] as? String }
        #expect(described == ["day", "host", "n", "total"])
        let (status, out) = try PGClientTests.psql(s.pgPort, ["-A", "-F", "|", "-c", "\\d daily"])
        #expect(status == 0, "\(out)")
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.first == "Table \"public.daily\"", "\(lines)")
        let columns = lines.drop { !$0.hasPrefix("Column|") }.dropFirst().map { String($0.prefix { $0 != "|" }) }
        #expect(columns == described, "\(lines)")
        #expect(lines.contains("day|timestamp with time zone||not null|"), "\(lines)")
        let (s2, info) = try PGClientTests.psql(s.pgPort, ["-A", "-t", "-c", "SELECT column_name FROM information_schema.columns WHERE table_name = 'daily' ORDER BY ordinal_position"])
        #expect(s2 == 0 && info.split(separator: "\n").map(String.init) == described, "\(info)")
        #expect(try s.query("pg", "SELECT column_name FROM tsdb_columns WHERE table_name = 'daily' ORDER BY position").compactMap { $0["column_name"] as? String } == described)
    }

    /// The real binary: `view-rewrite` in the TOML file, `TSDB_VIEW_REWRITE` over it, the flag over both.
    @Test func configFileVariableAndFlag() throws {
        let dir = TempDirectory("tsdb-view-rewrite-config")
        defer { dir.remove() }
        let file = dir.path + "/tsdb.toml"
        try "view-rewrite = \"off\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        func shown(_ extra: [String], env: [String: String] = [:]) throws -> String {
            let server = try ServerProcess(data: dir.path + "/data", extra: ["--config", file] + extra, environment: env)
            defer { _ = server.stop(signal: SIGTERM) }
            _ = try TestHTTPClient(port: server.httpPort).request("POST", "/write?db=pg", body: "m v=1i 1767225600000000000\n")
            let r = try TestHTTPClient(port: server.httpPort).request("GET", "/api/v3/query_sql?db=pg&format=csv&q=\(urlEncode("SHOW view_rewrite"))")
            return r.status == 200 ? r.text : "HTTP \(r.status): \(r.text)"
        }
        #expect(try shown([]) == "view_rewrite\noff\n")
        #expect(try shown([], env: ["TSDB_VIEW_REWRITE": "on"]) == "view_rewrite\non\n")
        #expect(try shown(["--view-rewrite", "off"], env: ["TSDB_VIEW_REWRITE": "on"]) == "view_rewrite\noff\n")
    }
}
