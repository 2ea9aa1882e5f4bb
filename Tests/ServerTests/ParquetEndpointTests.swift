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

    /// `format=xlsx`: an Excel workbook, read back with openpyxl; nothing is left in the temporary directory.
    @Test func xlsxAnswersReadBackWithOpenpyxl() throws {
        let s = try QueryEndpointTests.server()
        defer { s.stop() }
        let c = try s.client()
        let tmp = NSTemporaryDirectory()
        let leftovers = { (try? FileManager.default.contentsOfDirectory(atPath: tmp))?.filter { $0.hasPrefix("tsdb-answer-\(getpid())-") } ?? [] }
        let r = try c.request("GET", "/api/v3/query_sql?db=q&q=\(urlEncode(QueryEndpointTests.sql))&format=xlsx")
        #expect(r.status == 200, "\(r.text)")
        #expect(r.header("Content-Type") == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        #expect(Array(r.body.prefix(2)) == Array("PK".utf8))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tsdb-endpoint-\(getpid()).xlsx").path
        try Data(r.body).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/xlsx_readback.py").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", """
            import json, subprocess, sys
            book = json.loads(subprocess.check_output([sys.executable, sys.argv[1], sys.argv[2]]))
            for sheet in book["sheets"]:
                print(sheet["name"], json.dumps(sheet["rows"]))
            """, script, path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2, "\(text)")
        let header = #"Result [[["s", "artist"], ["s", "duration_ms"], ["s", "liked"], ["s", "revenue"], ["s", "user_id"]], "#
        let first = #"[["s", "A"], ["n", 100], ["b", true], ["n", 0.5], ["s", "u1"]], "#
        let second = #"[["s", "B"], ["n", 200], ["b", false], ["n", 1.25], ["s", "u,2"]], "#
        let third = #"[["s", "A"], ["n", 300], ["b", true], ["n", 2], ["s", "u\"3"]]]"#
        #expect(lines.first.map(String.init) == header + first + second + third, "\(text)")
        #expect(lines.last?.hasPrefix(#"Query [[["s", "sheet"], ["s", "query"], ["s", "ran_at"], ["s", "rows"]], [["s", "Result"], ["s", "SELECT artist"#) == true, "\(text)")
        #expect(leftovers().isEmpty, "\(leftovers())")
        // An error is JSON, and leaves no file either.
        let bad = try c.request("GET", "/api/v3/query_sql?db=q&q=\(urlEncode("SELECT nope FROM plays"))&format=xlsx")
        #expect(bad.status == 400 && bad.text.contains("nope"), "\(bad.text)")
        #expect(leftovers().isEmpty)
    }
}
