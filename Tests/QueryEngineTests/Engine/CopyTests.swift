import ColumnStore
import Foundation
import Parquet
import Testing
import TestSupport
@testable import QueryEngine

private let t0: Int64 = 1_767_225_600_000_000_123  // 2026-01-01T00:00:00.000000123Z

/// A table with every column type, NULLs, extreme values and empty strings.
private func fixture(_ body: (QueryEngine, String) throws -> Void) throws {
    let dir = TempDirectory("copy"); defer { dir.remove() }
    var o = DatabaseOptions()
    o.background = false
    let db = try Database(path: dir.path + "/db", options: o)
    defer { try? db.close() }
    var b = BatchBuilder(table: "plays")
    let ints: [Int64] = [.min, .max, 0, -7]
    let uints: [UInt64] = [.max, 0, 1 << 63]
    let floats: [Double] = [.infinity, -.infinity, -0.0, 1.5e-300, .nan]
    for i in 0..<300 {
        var row: [(String, BatchBuilder.Value)] = [("artist", .tag(["A", "", "Ünïcode 😀"][i % 3]))]
        if i % 7 != 0 { row.append(("n", .int(ints[i % ints.count]))) }
        if i % 5 != 0 { row.append(("u", .uint(uints[i % uints.count]))) }
        if i % 6 != 0 { row.append(("f", .float(floats[i % floats.count]))) }
        if i % 4 != 0 { row.append(("ok", .bool(i % 3 == 0))) }
        if i % 9 != 0 { row.append(("s", .string(i % 2 == 0 ? "" : "s,\"\(i)\"\n"))) }
        b.add(time: t0 + Int64(i) * 3_600_000_000_001, row)
    }
    try db.write([b.batch])
    try db.flush()
    try body(QueryEngine(database: db, threads: 2), dir.path)
}

/// Canonical cells as scripts/parquet_readback.py prints them.
private func cells(_ r: QueryResult, _ c: Int, micros: Bool) -> [String?] {
    ParquetReadback.cells(r.columns[c].vector, micros: micros)
}

private func readback(_ path: String) throws -> [String: ParquetReadback.View] {
    try ParquetReadback.read(path, readers: ["duckdb", "pyarrow", "polars", "chdb"])
}

@Suite struct CopyParserTests {
    @Test func duckDBSyntaxParses() throws {
        guard case .copy(let c) = try SQLParser.parse("COPY (SELECT * FROM plays) TO 'out.parquet' (FORMAT parquet, COMPRESSION snappy)") else {
            Issue.record("not a COPY"); return
        }
        #expect(c.format == .parquet && c.compression == .snappy && c.path == "out.parquet")
        guard case .copy(let t) = try SQLParser.parse("copy plays to '/tmp/it''s.csv' (HEADER false);") else {
            Issue.record("not a COPY"); return
        }
        #expect(t.source == .table(TableName("plays", at: SourcePosition(line: 1, column: 1, offset: 0))))
        #expect(t.format == .csv && !t.header && t.path == "/tmp/it's.csv")
        guard case .copy(let j) = try SQLParser.parse("COPY plays TO 'x.out' (FORMAT 'json', ARRAY)") else { return }
        #expect(j.format == .json && j.jsonArray)
        guard case .copy(let e) = try SQLParser.parse("COPY plays TO 'x.parquet'") else { return }
        #expect(e.format == .parquet && e.compression == .zstd)
    }

    @Test func descriptionParsesBack() throws {
        for sql in ["COPY (SELECT a FROM t WHERE a > 1) TO 'a.parquet' (FORMAT parquet, COMPRESSION uncompressed, ROW_GROUP_SIZE 10)",
                    "COPY t TO 'b.csv' (HEADER false)", "COPY t TO 'c.json' (FORMAT json, ARRAY true)"] {
            let s = try SQLParser.parse(sql)
            #expect(try SQLParser.parse(s.description) == s, "\(s)")
        }
    }

    @Test func badOptionsAreSyntaxErrors() {
        for (sql, text) in [("COPY t TO 'x' (FORMAT xlsx2)", "unknown COPY format 'xlsx2'"),
                            ("COPY t TO 'x' (COMPRESS zstd)", "unknown COPY option 'compress'"),
                            ("COPY t TO 'x' (FORMAT csv, COMPRESSION zstd)", "FORMAT parquet only"),
                            ("COPY t TO 'x' (FORMAT parquet, FORMAT csv)", "given twice"),
                            ("COPY t 'x'", "expected TO"),
                            ("COPY t TO x", "a file path in quotes")] {
            do {
                _ = try SQLParser.parse(sql)
                Issue.record("\(sql) parsed")
            } catch {
                #expect(error.description.contains(text), "\(sql): \(error)")
            }
        }
    }
}

@Suite struct CopyRunnerTests {
    @Test(arguments: ["zstd", "snappy", "uncompressed"])
    func parquetReadsBackInDuckDBPyarrowPolarsAndChDB(_ codec: String) throws {
        try fixture { e, dir in
            let path = dir + "/out.parquet"
            let query = "SELECT time, artist, n, u, f, ok, s, n * 0 + 1 AS one FROM plays ORDER BY time"
            let r = try e.execute("COPY (\(query)) TO '\(path)' (FORMAT parquet, COMPRESSION \(codec), ROW_GROUP_SIZE 100)")
            #expect(r.columns.map(\.name) == ["count"] && r.columns[0].vector.int64s == [300])
            let expected = try e.execute(query)
            let views = try readback(path)
            for reader in ["duckdb", "pyarrow", "polars", "chdb"] {
                let v = try #require(views[reader])
                #expect(v.error == nil, "\(reader): \(v.error ?? "")")
                #expect(v.names == expected.columns.map(\.name), "\(reader)")
                for c in expected.columns.indices {
                    let micros = reader == "duckdb" && (v.types?[c] ?? "").contains("TIME ZONE")
                    #expect(v.columns?[c] == cells(expected, c, micros: micros), "\(reader) \(expected.columns[c].name)")
                }
            }
        }
    }

    @Test func tableCopiesEveryRow() throws {
        try fixture { e, dir in
            let r = try e.execute("COPY plays TO '\(dir)/plays.parquet'")
            #expect(r.columns[0].vector.int64s == [300])
            let views = try readback(dir + "/plays.parquet")
            #expect(views["duckdb"]?.columns?.first?.count == 300)
            #expect(Set(views["pyarrow"]?.names ?? []) == ["time", "artist", "n", "u", "f", "ok", "s"])
        }
    }

    @Test func csvAndJSONMatchTheFormatters() throws {
        try fixture { e, dir in
            let query = "SELECT time, artist, n, f, s FROM plays ORDER BY time LIMIT 50"
            let result = try e.execute(query)
            _ = try e.execute("COPY (\(query)) TO '\(dir)/a.csv'")
            #expect(try FileIO.readFile(dir + "/a.csv") == ResultFormatter.format(result, as: .csv))
            _ = try e.execute("COPY (\(query)) TO '\(dir)/b.csv' (HEADER false)")
            let csv = ResultFormatter.format(result, as: .csv)
            #expect(try FileIO.readFile(dir + "/b.csv") == Array(csv[(csv.firstIndex(of: 0x0A)! + 1)...]))
            _ = try e.execute("COPY (\(query)) TO '\(dir)/c.json' (FORMAT json)")
            #expect(try FileIO.readFile(dir + "/c.json") == ResultFormatter.format(result, as: .jsonl))
            _ = try e.execute("COPY (\(query)) TO '\(dir)/d.json' (FORMAT json, ARRAY true)")
            #expect(try FileIO.readFile(dir + "/d.json") == ResultFormatter.format(result, as: .json))
        }
    }

    @Test func errorsLeaveNoFile() throws {
        try fixture { e, dir in
            #expect(throws: QueryError.self) { try e.execute("COPY nope TO '\(dir)/x.parquet'") }
            #expect(throws: QueryError.self) { try e.execute("COPY (SELECT nope FROM plays) TO '\(dir)/x.parquet'") }
            #expect(throws: QueryError.self) { try e.execute("COPY plays TO '\(dir)/missing/dir/x.parquet'") }
            #expect(!FileManager.default.fileExists(atPath: dir + "/x.parquet"))
        }
    }
}
