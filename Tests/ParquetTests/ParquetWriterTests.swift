import ColumnStore
import Foundation
import Testing
import TestSupport
@testable import Parquet

@Suite struct ParquetWriterTests {
    /// Writes the fixture with several row groups and pages, then checks DuckDB, pyarrow and polars
    /// each read back every value exactly.
    @Test(arguments: [ParquetCompression.zstd, .snappy, .uncompressed])
    func everyReaderSeesEveryValue(_ compression: ParquetCompression) throws {
        let dir = TempDirectory("parquet-writer")
        defer { dir.remove() }
        let fixture = ParquetFixture.make(rows: 2500, seed: 42)
        var options = ParquetWriterOptions(compression: compression)
        options.rowGroupRows = 1000
        options.pageRows = 300
        options.dictionaryBytes = 4096  // `tag` stays a dictionary, `text` falls back to PLAIN
        let path = dir.path + "/all.parquet"
        let file = try ParquetFileWriter(path: path, columns: fixture.columns, options: options)
        // Uneven slices, to cross row-group boundaries inside one write.
        var lo = 0
        for size in [7, 993, 1200, 300] {
            try file.write(fixture.vectors, rows: lo..<min(lo + size, 2500))
            lo += size
        }
        try file.finish()

        let views = try Readback.read(path)
        for reader in ["duckdb", "pyarrow", "polars"] {
            let view = try #require(views[reader], "\(reader) missing")
            #expect(view.error == nil, "\(reader): \(view.error ?? "")")
            guard let columns = view.columns else { continue }
            #expect(view.names == fixture.columns.map(\.name), "\(reader)")
            for c in fixture.columns.indices {
                let micros = reader == "duckdb" && (view.types?[c] ?? "").contains("WITH TIME ZONE")
                let expected = fixture.cells(column: c, timestampMicros: micros)
                let got = columns[c]
                #expect(got.count == expected.count, "\(reader) \(fixture.columns[c].name): \(got.count) rows")
                if let r = got.indices.first(where: { $0 < expected.count && got[$0] != expected[$0] }) {
                    Issue.record("\(reader) \(fixture.columns[c].name) row \(r): \(got[r] ?? "NULL") != \(expected[r] ?? "NULL")")
                }
            }
        }
    }

    @Test func typesAndStatisticsAsReadersSeeThem() throws {
        let dir = TempDirectory("parquet-writer")
        defer { dir.remove() }
        let fixture = ParquetFixture.make(rows: 100, seed: 7)
        let path = dir.path + "/types.parquet"
        let file = try ParquetFileWriter(path: path, columns: fixture.columns)
        try file.write(fixture.vectors, rows: 0..<100)
        try file.finish()
        let views = try Readback.read(path, readers: ["pyarrow"])
        #expect(views["pyarrow"]?.types == ["timestamp[ns, tz=UTC]", "int64", "uint64", "double", "bool",
                                            "string", "string", "int64"])
        let stats = try ParquetStatisticsCheck.read(path)
        #expect(stats.contains("i min=\(fixture.minInt64(1)) max=\(fixture.maxInt64(1)) nulls=\(fixture.vectors[1].nullCount)"), "\(stats)")
        #expect(stats.contains("nothing nulls=100"), "\(stats)")
    }

    @Test func anEmptyResultIsAValidFile() throws {
        let dir = TempDirectory("parquet-writer")
        defer { dir.remove() }
        let path = dir.path + "/empty.parquet"
        let file = try ParquetFileWriter(path: path, columns: [ParquetColumn(name: "time", type: .time),
                                                                ParquetColumn(name: "s", type: .string)])
        try file.finish()
        let views = try Readback.read(path)
        for reader in ["duckdb", "pyarrow", "polars"] {
            #expect(views[reader]?.error == nil, "\(reader): \(views[reader]?.error ?? "")")
            #expect(views[reader]?.columns?.map(\.count) == [0, 0], "\(reader)")
        }
    }

    @Test func aFailedWriteLeavesNoFile() throws {
        let dir = TempDirectory("parquet-writer")
        defer { dir.remove() }
        let path = dir.path + "/gone.parquet"
        do {
            let file = try ParquetFileWriter(path: path, columns: [ParquetColumn(name: "s", type: .string)])
            var v = ColumnVector(type: .string)
            v.append(string: "x")
            try file.write([v], rows: 0..<1)
            file.abandon()
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}

extension ParquetFixture {
    func minInt64(_ c: Int) -> Int64 { (0..<vectors[c].count).filter { !vectors[c].isNull($0) }.map { vectors[c].int64s[$0] }.min()! }
    func maxInt64(_ c: Int) -> Int64 { (0..<vectors[c].count).filter { !vectors[c].isNull($0) }.map { vectors[c].int64s[$0] }.max()! }
}

/// Column-chunk statistics as pyarrow reads them from the footer.
enum ParquetStatisticsCheck {
    static func read(_ path: String) throws -> String {
        let code = """
        import pyarrow.parquet as pq, sys
        m = pq.ParquetFile(sys.argv[1]).metadata
        for c in range(m.num_columns):
            s = m.row_group(0).column(c).statistics
            name = m.schema.column(c).name
            if s.has_min_max: print(f"{name} min={s.min_raw} max={s.max_raw} nulls={s.null_count}")
            else: print(f"{name} nulls={s.null_count}")
        """
        let out = path + ".stats"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", code, path]
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        try p.run()
        p.waitUntilExit()
        return try String(contentsOfFile: out, encoding: .utf8)
    }
}
