import Foundation
import Testing
@testable import tsdb_server

/// `query_sql?format=parquet`: a Parquet file DuckDB reads back row for row.
@Suite struct ParquetEndpointTests {
    @Test func parquetAnswersReadBackInDuckDB() throws {
        let s = try QueryEndpointTests.server()
        defer { s.stop() }
        let c = try s.client()
        let q = urlEncode(QueryEndpointTests.sql)
        for codec in ["", "&compression=snappy", "&compression=uncompressed"] {
            let r = try c.request("GET", "/api/v3/query_sql?db=q&q=\(q)&format=parquet\(codec)")
            #expect(r.status == 200, "\(r.text)")
            #expect(r.header("Content-Type") == "application/vnd.apache.parquet")
            #expect(Array(r.body.prefix(4)) == Array("PAR1".utf8) && Array(r.body.suffix(4)) == Array("PAR1".utf8))
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("tsdb-endpoint-\(getpid())-\(codec.count).parquet").path
            try Data(r.body).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let out = path + ".txt"
            _ = FileManager.default.createFile(atPath: out, contents: nil)
            defer { try? FileManager.default.removeItem(atPath: out) }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", "-c", "import duckdb, sys; print(duckdb.sql(f\"SELECT * FROM read_parquet('{sys.argv[1]}')\").fetchall())", path]
            p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            try p.run()
            p.waitUntilExit()
            let rows = try String(contentsOfFile: out, encoding: .utf8)
            #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines)
                    == #"[('A', 100, True, 0.5, 'u1'), ('B', 200, False, 1.25, 'u,2'), ('A', 300, True, 2.0, 'u"3')]"#, "\(codec)")
        }
        let bad = try c.request("GET", "/api/v3/query_sql?db=q&q=\(q)&format=parquet&compression=lzma")
        #expect(bad.status == 400 && bad.text.contains("invalid compression 'lzma'"), "\(bad.text)")
    }
}
