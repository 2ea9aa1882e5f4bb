import Foundation
import Testing
import TestSupport

/// CREATE TABLE, INSERT, ALTER TABLE and SHOW PARTITIONS from `tsdb-cli query` and `shell`, embedded and
/// against a real tsdb-server (`--server`): the same statements, the same answers.
@Suite struct DDLCommandTests {
    static let statements: [(sql: String, csv: String)] = [
        ("CREATE TABLE plays (time TIMESTAMP, artist SYMBOL, user_id VARCHAR, duration_ms BIGINT) WITH (retention = '3650 days')",
         "status\ncreated table plays\n"),
        ("INSERT INTO plays VALUES ('2026-09-01 10:00', 'A', 'u1', 100), ('2026-09-02 10:00', 'B', 'u2', 200)", "rows\n2\n"),
        ("ALTER TABLE plays ADD COLUMN liked BOOLEAN", "status\nadded column liked to plays\n"),
        ("INSERT INTO plays (time, artist, liked) SELECT time + INTERVAL 1 HOUR, artist, true FROM plays WHERE artist = 'A'", "rows\n1\n"),
        ("SELECT artist, count(*) AS n, count(liked) AS liked FROM plays GROUP BY artist ORDER BY artist", "artist,n,liked\nA,2,1\nB,1,0\n"),
        ("SELECT day, rows FROM tsdb_partitions WHERE table_name = 'plays' ORDER BY day",
         "day,rows\n2026-09-01T00:00:00Z,2\n2026-09-02T00:00:00Z,1\n"),
        ("SELECT column_name, data_type FROM tsdb_columns WHERE table_name = 'plays' AND kind = 'tag'", "column_name,data_type\nartist,SYMBOL\n"),
    ]

    func runAll(_ base: [String]) throws {
        for (sql, csv) in Self.statements {
            let r = try CLI.run(base + ["query", "--format", "csv", sql])
            #expect(r.status == 0, "\(sql): \(r.stderr)")
            #expect(r.stdout == csv, "\(sql)")
        }
        let p = try CLI.run(base + ["query", "SHOW PARTITIONS FROM plays"])
        #expect(p.status == 0 && p.stdout.contains("2026-09-01") && p.stdout.contains("memtable_rows"), "\(p.stdout)\(p.stderr)")
        let bad = try CLI.run(base + ["query", "INSERT INTO plays (time, nope) VALUES (now(), 1)"])
        CLI.expectFailure(bad, mentioning: "table 'plays' has no column 'nope'")
    }

    @Test func embedded() throws {
        let d = TempDirectory("tsdb-cli-ddl")
        defer { d.remove() }
        try runAll(["--data", d.path])
        // The shell runs the same statements from a script, and they persist across runs.
        let script = ".mode csv\nINSERT INTO plays (time, artist) VALUES ('2026-09-03', 'C');\nSELECT count(*) AS n FROM plays;\n"
        let s = try CLI.run(["shell", "--data", d.path], stdin: script)
        #expect(s.status == 0, "\(s.stderr)")
        #expect(s.stdout == "rows\n1\nn\n4\n", "\(s.stdout)")
    }

    @Test func againstARealServer() throws {
        let d = TempDirectory("tsdb-cli-ddl-server")
        defer { d.remove() }
        let server = try CLIServer(data: d.path)
        try runAll(["--server", server.url])
    }

    @Test func remoteStatementsThatChangeDataArePosted() throws {
        let server = try FakeHTTPServer { _ in .init(status: 200, contentType: "text/csv", body: "rows\n1\n") }
        defer { server.stop() }
        let sql = "INSERT INTO t VALUES ('2026-09-01', 'a+b & c')"
        let r = try CLI.run(["query", "--server", server.url, "--db", "music", "--format", "csv", sql])
        #expect(r.status == 0, "\(r.stderr)")
        let req = try #require(server.requests.first)
        #expect(req.method == "POST" && req.path == "/api/v3/query_sql")
        #expect(req.headers["content-type"] == "application/x-www-form-urlencoded")
        let form = URLComponents(string: "http://x/?" + String(decoding: req.body, as: UTF8.self))?.queryItems ?? []
        #expect(Dictionary(uniqueKeysWithValues: form.map { ($0.name, $0.value ?? "") }) == ["db": "music", "q": sql, "format": "csv"])
    }
}
