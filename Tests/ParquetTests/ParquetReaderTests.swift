import ColumnStore
import Foundation
import Testing
import TestSupport
@testable import Parquet

/// Canonical cells of vectors the reader produced, as scripts/parquet_readback.py prints them.
func canonicalCells(_ v: ColumnVector) -> [String?] {
    ParquetFixture(columns: [ParquetColumn(name: "c", type: v.type)], vectors: [v]).cells(column: 0)
}

/// Reads every row group of `path` and concatenates them per column.
func readAll(_ path: String) throws -> (ParquetReader, [ColumnVector]) {
    let reader = try ParquetReader(path: path)
    var all = reader.columns.map { ColumnVector(type: $0.type) }
    for g in 0..<reader.rowGroupCount {
        let vs = try reader.readRowGroup(g)
        for c in vs.indices { all[c].append(contentsOf: vs[c], range: 0..<vs[c].count) }
    }
    return (reader, all)
}

/// Runs Python code with `args`; the test fails with its standard error when it does.
func runPython(_ code: String, _ args: [String]) throws {
    let err = FileManager.default.temporaryDirectory.appendingPathComponent("tsdb-py-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).err")
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: err) }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", code] + args
    p.standardInput = FileHandle.nullDevice
    p.standardError = try FileHandle(forWritingTo: err)
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
        throw ParquetError.io("python failed: \((try? String(contentsOf: err, encoding: .utf8)) ?? "")")
    }
}

/// Files written by pyarrow (every codec, data pages v1 and v2, with and without dictionaries, INT96 and
/// microsecond timestamps), DuckDB and polars; several row groups, NULLs, NaN, empty strings.
let foreignWriters = #"""
import sys, os, math
import pyarrow as pa, pyarrow.parquet as pq
out = sys.argv[1]
n = 1000
def v(i, p, x): return None if i % p == 0 else x
tbl = pa.table({
    "time": pa.array([1_700_000_000_000_000_000 + i * 1_000_003_001 for i in range(n)], type=pa.timestamp("ns", tz="UTC")),
    "i64": pa.array([v(i, 7, (i * 7919) - 500_000 if i % 11 else (-(2**63) if i % 2 else 2**63 - 1)) for i in range(n)], type=pa.int64()),
    "i32": pa.array([v(i, 5, i * 31 - 2**31 + 1 if i % 3 else 2**31 - 1) for i in range(n)], type=pa.int32()),
    "u64": pa.array([v(i, 6, 2**64 - 1 - i) for i in range(n)], type=pa.uint64()),
    "f64": pa.array([v(i, 9, float("nan") if i % 13 == 0 else i / 7 - 40.25) for i in range(n)], type=pa.float64()),
    "f32": pa.array([v(i, 4, i / 3) for i in range(n)], type=pa.float32()),
    "b": pa.array([v(i, 3, i % 2 == 0) for i in range(n)], type=pa.bool_()),
    "tag": pa.array([v(i, 8, ["", "Artist 1", "é😀", "x"][i % 4]) for i in range(n)]),
    "s": pa.array([v(i, 10, "user-%d-%s" % (i * i, "z" * (i % 17))) for i in range(n)]),
    "req": pa.array([i for i in range(n)], type=pa.int64()),
    "none": pa.array([None] * n, type=pa.string()),
})
schema = tbl.schema.set(tbl.schema.get_field_index("req"), pa.field("req", pa.int64(), nullable=False))
tbl = tbl.cast(schema)
for codec in ["none", "snappy", "gzip", "zstd"]:
    for version in ["1.0", "2.0"]:
        pq.write_table(tbl, f"{out}/pyarrow-{codec}-v{version[0]}.parquet", compression=codec,
                       data_page_version=version, row_group_size=300, data_page_size=2000)
pq.write_table(tbl, f"{out}/pyarrow-plain.parquet", use_dictionary=False, row_group_size=400)
t2 = tbl.set_column(0, "time", tbl.column("time").cast(pa.timestamp("us"), safe=False))
pq.write_table(t2, f"{out}/pyarrow-micros.parquet", row_group_size=512)
pq.write_table(t2, f"{out}/pyarrow-int96.parquet", use_deprecated_int96_timestamps=True)
import duckdb
duckdb.sql(f"COPY (SELECT * FROM read_parquet('{out}/pyarrow-plain.parquet')) TO '{out}/duckdb.parquet' (FORMAT parquet, ROW_GROUP_SIZE 300)")
import polars as pl
pl.read_parquet(f"{out}/pyarrow-plain.parquet").write_parquet(f"{out}/polars.parquet", row_group_size=300)
pl.read_parquet(f"{out}/pyarrow-plain.parquet").write_parquet(f"{out}/polars-snappy.parquet", compression="snappy", use_pyarrow=False, data_page_size=1500)
"""#

@Suite struct ParquetReaderTests {
    @Test(arguments: [ParquetCompression.zstd, .snappy, .uncompressed])
    func tsdbFilesRoundTripExactly(_ compression: ParquetCompression) throws {
        let dir = TempDirectory("parquet-reader")
        defer { dir.remove() }
        let fixture = ParquetFixture.make(rows: 3000, seed: 99)
        var options = ParquetWriterOptions(compression: compression)
        options.rowGroupRows = 1100
        options.pageRows = 250
        options.dictionaryBytes = 8192
        let path = dir.path + "/rt.parquet"
        let file = try ParquetFileWriter(path: path, columns: fixture.columns, options: options)
        try file.write(fixture.vectors, rows: 0..<3000)
        try file.finish()
        let (reader, vectors) = try readAll(path)
        #expect(reader.rowGroupCount == 3)
        #expect(reader.columns.map(\.name) == fixture.columns.map(\.name))
        #expect(reader.columns.map(\.type) == fixture.columns.map(\.type))
        for c in fixture.columns.indices {
            #expect(canonicalCells(vectors[c]) == fixture.cells(column: c), "\(fixture.columns[c].name)")
        }
    }

    @Test func filesOfOtherWritersReadAsPyarrowReadsThem() throws {
        let dir = TempDirectory("parquet-foreign")
        defer { dir.remove() }
        try runPython(foreignWriters, [dir.path])
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".parquet") }.sorted()
        #expect(files.count == 14)
        for file in files {
            let path = dir.path + "/" + file
            let expected = try #require(try Readback.read(path, readers: ["pyarrow"])["pyarrow"])
            let (reader, vectors) = try readAll(path)
            #expect(reader.columns.map(\.name) == expected.names, "\(file)")
            for (c, column) in reader.columns.enumerated() {
                #expect(canonicalCells(vectors[c]) == expected.columns?[c], "\(file) \(column.name)")
            }
            #expect(reader.columns.first?.type == .time, "\(file)")
            #expect(reader.columns.first(where: { $0.name == "u64" })?.type == .uint64, "\(file)")
        }
    }

    @Test func truncatedAndDamagedFilesThrowClearErrors() throws {
        let dir = TempDirectory("parquet-corrupt")
        defer { dir.remove() }
        let fixture = ParquetFixture.make(rows: 500, seed: 5)
        var options = ParquetWriterOptions()
        options.rowGroupRows = 200
        let path = dir.path + "/good.parquet"
        let file = try ParquetFileWriter(path: path, columns: fixture.columns, options: options)
        try file.write(fixture.vectors, rows: 0..<500)
        try file.finish()
        let good = try FileIO.readFile(path)
        let bad = dir.path + "/bad.parquet"
        // Every cut shorter than the file: the magic or the footer is gone.
        for cut in [0, 3, 4, 11, 100, good.count / 2, good.count - 9, good.count - 8, good.count - 1] {
            try FileIO.writeFileAtomically(bad, Array(good.prefix(cut)))
            #expect(throws: ParquetError.self, "cut at \(cut)") { _ = try readAll(bad) }
        }
        // A footer length past the start of the file.
        var longFooter = good
        longFooter[good.count - 5] = 0x7F
        try FileIO.writeFileAtomically(bad, longFooter)
        #expect(throws: ParquetError.self) { _ = try readAll(bad) }
        // Damage inside the data: zstd's checksums or the page structure catch it, or the values differ; never a crash.
        var rng = SeededRandom(seed: 3)
        var caught = 0
        for _ in 0..<200 {
            var damaged = good
            let at = 4 + rng.below(good.count - 12)
            damaged[at] ^= UInt8(1 + rng.below(255))
            try FileIO.writeFileAtomically(bad, damaged)
            do { _ = try readAll(bad) } catch is ParquetError { caught += 1 }
        }
        #expect(caught > 0)
    }

    @Test func notParquetSaysSo() throws {
        let dir = TempDirectory("parquet-corrupt")
        defer { dir.remove() }
        let path = dir.path + "/x.parquet"
        try FileIO.writeFileAtomically(path, Array("time,value\n1,2\n3,4\n5,6\n".utf8))
        do {
            _ = try ParquetReader(path: path)
            Issue.record("read a CSV file as Parquet")
        } catch let e as ParquetError {
            #expect(e.description.contains("not a Parquet file"), "\(e)")
        }
        #expect(throws: ParquetError.self) { _ = try ParquetReader(path: dir.path + "/missing.parquet") }
    }
}
