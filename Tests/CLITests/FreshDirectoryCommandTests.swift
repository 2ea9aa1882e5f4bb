import Foundation
import Testing
import TestSupport

/// `tsdb-cli query` on a data directory that does not exist yet: a write statement (CREATE TABLE [AS],
/// INSERT, CREATE MATERIALIZED VIEW) creates the database, a read keeps its error and creates nothing.
@Suite struct FreshDirectoryCommandTests {
    @Test func writeStatementsCreateTheDatabase() throws {
        let d = TempDirectory("tsdb-cli-fresh")
        defer { d.remove() }
        let fm = FileManager.default
        let read = try CLI.run(["--data", d.path + "/a", "query", "SELECT count(*) FROM t"])
        CLI.expectFailure(read, mentioning: "no database 'default' in \(d.path)/a")
        #expect(!fm.fileExists(atPath: d.path + "/a"))

        // Both command-line forms: options before the subcommand (argument-parser) and after it.
        var r = try CLI.run(["--data", d.path + "/a", "query", "--format", "csv", "CREATE TABLE t (time TIMESTAMP, x BIGINT)"])
        #expect(r.status == 0 && r.stdout == "status\ncreated table t\n", "\(r.stdout)\(r.stderr)")
        r = try CLI.run(["query", "--data", d.path + "/b", "--format", "csv", "CREATE TABLE t AS SELECT TIMESTAMP '2026-03-01' AS time, 2 AS x"])
        #expect(r.status == 0 && r.stdout == "status\ncreated table t with 1 rows\n", "\(r.stdout)\(r.stderr)")
        r = try CLI.run(["query", "--data", d.path + "/c", "INSERT INTO t VALUES ('2026-03-01', 1)"])
        CLI.expectFailure(r, mentioning: "'t'")
        #expect(!r.stderr.contains("no database"), "\(r.stderr)")
        r = try CLI.run(["query", "--data", d.path + "/d", "CREATE MATERIALIZED VIEW v AS SELECT time_bucket(INTERVAL '1 day', time) AS day, count(*) FROM t GROUP BY day"])
        #expect(!r.stderr.contains("no database"), "\(r.stderr)")
        for dir in ["a", "b", "c", "d"] {
            #expect(fm.fileExists(atPath: d.path + "/\(dir)/default"), "\(dir)")
        }
        r = try CLI.run(["query", "--data", d.path + "/a", "--format", "csv", "INSERT INTO t VALUES ('2026-03-01', 1), ('2026-03-02', 2)"])
        #expect(r.stdout == "rows\n2\n", "\(r.stdout)\(r.stderr)")
        r = try CLI.run(["query", "--data", d.path + "/a", "--format", "csv", "SELECT sum(x) AS s FROM t"])
        #expect(r.stdout == "s\n3\n", "\(r.stdout)\(r.stderr)")
    }
}
