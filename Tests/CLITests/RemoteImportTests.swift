import Foundation
import Testing
import TestSupport

/// `tsdb-cli ingest --server URL` with CSV and Parquet files: sent as line protocol, the same rows land as
/// embedded, and rejected records are reported with their line numbers.
@Suite struct RemoteImportTests {
    let fx = CLIFixture.shared

    func csv(_ target: [String], _ sql: String) throws -> String {
        let r = try CLI.run(["query", "-f", "csv"] + target + [sql])
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout
    }

    @Test func csvAndParquetLoadThroughAServerAsEmbedded() throws {
        let d = fx.scratch(); defer { d.remove() }
        let server = try CLIServer(data: d.path + "/data")
        let remote = ["--server", server.url], local = ["--data", d.path + "/local"]
        // CSV with bad records: the same rows written and the same line numbers as embedded, except the
        // record whose text holds a newline, which line protocol cannot carry: it is rejected, and says so.
        let file = d.path + "/m.csv"
        try (CSVIngestTests.badRecords + "\n" + #"9000,,-0.5,,"=\ \,""#).write(toFile: file, atomically: true, encoding: .utf8)
        let args = ["ingest", "-q", "--tags", "host", "--precision", "s", "--types", "v:float", file]
        let a = try CLI.run(args + local)
        let b = try CLI.run(args + remote)
        #expect(a.status == 2 && b.status == 2, "\(a.stderr) \(b.stderr)")
        #expect(a.stdout.contains("5 rows written, 4 lines rejected"), "\(a.stdout)")
        #expect(b.stdout.contains("4 rows written, 5 lines rejected"), "\(b.stdout)")
        #expect(b.stderr.contains("rejected: \(file): line 4: a value holds a newline"), "\(b.stderr)")
        for line in ["line 6: time 'x' is not an integer", "line 7: column 'v': 'oops' is not a float",
                     "line 8: 2 fields, the header has 5", "line 9: text after a closing quote"] {
            #expect(a.stderr.contains(line) && b.stderr.contains(line), "\(line)\n\(b.stderr)")
        }
        let rows = "SELECT time, host, v, ok, note FROM m WHERE time <> '1970-01-01T00:50:00Z' ORDER BY time"
        #expect(try csv(remote, rows) == csv(local, rows))
        #expect(try csv(remote, rows).split(separator: "\n").count == 5)
        #expect(try csv(remote, "DESCRIBE m") == csv(local, "DESCRIBE m"))

        // Parquet: the fixture's plays out to a file, into the server, the same table as embedded.
        let pq = d.path + "/plays.parquet"
        #expect(try CLI.run(["query", "--data", fx.dataDir, "-f", "parquet", "-o", pq, "SELECT * FROM plays"]).status == 0)
        let load = try CLI.run(["ingest", "-q", pq, "--tags", "artist,track,platform,country,device"] + remote)
        #expect(load.status == 0, "\(load.stderr)")
        #expect(load.stdout.contains("\(CLIFixture.rows.formatted(.number.locale(Locale(identifier: "en_US")))) rows written"), "\(load.stdout)")
        for sql in ["DESCRIBE plays", "SELECT * FROM plays ORDER BY time, user_id, track, duration_ms"] {
            #expect(try csv(remote, sql) == csv(["--data", fx.dataDir], sql), "\(sql)")
        }
    }
}
