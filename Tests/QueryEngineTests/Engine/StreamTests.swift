import ColumnStore
import Foundation
import Testing
import TestSupport
@testable import QueryEngine

/// `QueryEngine.stream`: the answer in batches, in order, equal to `execute`'s, with memory bounded by
/// a few row groups for a projection of a table.
@Suite struct StreamTests {
    static let rows = 200_000

    /// `rows` rows over 23 days (a row group or more a day), flushed to segments (several row groups), plus some in the memtable.
    private func fixture(_ body: (QueryEngine) throws -> Void) throws {
        let dir = TempDirectory("stream"); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path + "/db", options: o)
        defer { try? db.close() }
        var rng = SeededRandom(seed: 17)
        let t0: Int64 = 1_767_225_600_000_000_000
        for part in 0..<2 {
            var b = BatchBuilder(table: "m")
            let n = part == 0 ? Self.rows - 1_000 : 1_000
            for i in 0..<n {
                let k = part == 0 ? i : Self.rows - 1_000 + i
                var row: [(String, BatchBuilder.Value)] = [("host", .tag("h\(rng.next() % 50)")), ("v", .int(Int64(k)))]
                if k % 3 != 0 { row.append(("f", .float(Double(rng.next() % 1_000) / 8))) }
                b.add(time: t0 + Int64(k) * 10_000_000_000, row)
            }
            try db.write([b.batch])
            if part == 0 { try db.flush() }
        }
        try body(QueryEngine(database: db, threads: 2))
    }

    private func collect(_ e: QueryEngine, _ sql: String, control: QueryControl? = nil) throws -> (batches: Int, result: QueryResult) {
        var batches = 0
        var merged: QueryResult?
        try e.stream(sql, control: control) { batch in
            batches += 1
            if merged == nil { merged = batch; return }
            for c in merged!.columns.indices {
                merged!.columns[c].vector.append(contentsOf: batch.columns[c].vector, range: 0..<batch.rowCount)
            }
        }
        return (batches, merged!)
    }

    /// Each row as text, sorted (a projection's row order is unspecified).
    private func rows(_ r: QueryResult) -> [String] {
        String(decoding: ResultFormatter.format(r, as: .csv), as: UTF8.self).split(separator: "\n").dropFirst().map(String.init).sorted()
    }

    @Test func aScanStreamsInManyBatchesWithTheSameRowsAsExecute() throws {
        try fixture { e in
            for sql in ["SELECT * FROM m", "SELECT time, v * 2 AS w, upper(host) FROM m WHERE f > 60 AND v % 7 <> 3",
                        "SELECT host FROM m WHERE time >= '2026-01-03' AND time < '2026-01-06'"] {
                let (batches, streamed) = try collect(e, sql)
                let whole = try e.execute(sql)
                #expect(batches > 1, "\(sql): one batch")
                #expect(streamed.columns.map(\.name) == whole.columns.map(\.name))
                #expect(streamed.columns.map(\.type) == whole.columns.map(\.type))
                #expect(streamed.rowCount == whole.rowCount, "\(sql)")
                #expect(rows(streamed) == rows(whole), "\(sql)")
            }
        }
    }

    @Test func limitAndOffsetCutTheStreamedRows() throws {
        try fixture { e in
            let all = Set(rows(try e.execute("SELECT v FROM m")))
            for (limit, offset) in [(10, 0), (70_000, 5), (1_000, 199_500), (5, 250_000), (0, 0)] {
                let (_, r) = try collect(e, "SELECT v FROM m LIMIT \(limit) OFFSET \(offset)")
                #expect(r.rowCount == max(0, min(limit, Self.rows - offset)), "LIMIT \(limit) OFFSET \(offset)")
                let got = rows(r)
                #expect(Set(got).count == got.count && Set(got).isSubset(of: all))
            }
            // Without LIMIT, OFFSET alone.
            #expect(try collect(e, "SELECT v FROM m OFFSET 150000").result.rowCount == 50_000)
        }
    }

    @Test func anEmptyAnswerIsOneEmptyBatchThatNamesTheColumns() throws {
        try fixture { e in
            let (batches, r) = try collect(e, "SELECT time, host AS h, f FROM m WHERE v < 0")
            #expect(batches == 1)
            #expect(r.rowCount == 0)
            #expect(r.columns.map(\.name) == ["time", "h", "f"])
            #expect(r.columns.map(\.type) == [.time, .string, .float64])
        }
    }

    @Test func queriesThatCannotStreamGiveExecutesAnswerInOrder() throws {
        try fixture { e in
            for sql in ["SELECT host, count(*), sum(v) FROM m GROUP BY host ORDER BY host",
                        "SELECT v FROM m ORDER BY v DESC LIMIT 100000",
                        "SELECT count(*) FROM m", "SHOW TABLES", "DESCRIBE m"] {
                let (_, streamed) = try collect(e, sql)
                let whole = try e.execute(sql)
                #expect(ResultFormatter.format(streamed, as: .csv) == ResultFormatter.format(whole, as: .csv), "\(sql)")
            }
        }
    }

    @Test func theRowCapStopsAStreamedScan() throws {
        try fixture { e in
            let control = QueryControl(maxRows: 100_000)
            #expect(throws: QueryError.self) { try collect(e, "SELECT * FROM m", control: control) }
            let ok = try collect(e, "SELECT * FROM m LIMIT 100000", control: QueryControl(maxRows: 100_000))
            #expect(ok.result.rowCount == 100_000)
        }
    }

    /// A projection streams: what it charges to the query's memory stays at a few row groups' worth,
    /// far below the answer's size, while `execute` holds it all.
    @Test func aStreamedScanHoldsAFewRowGroupsNotTheAnswer() throws {
        try fixture { e in
            let streaming = QueryControl()
            var bytes = 0
            try e.stream("SELECT time, host, v, f FROM m", control: streaming) { batch in
                bytes += batch.columns.reduce(0) { $0 + MemorySize.of($1.vector) }
            }
            let whole = QueryControl()
            _ = try e.execute("SELECT time, host, v, f FROM m", control: whole)
            #expect(streaming.memory.peak * 3 < bytes, "peak \(streaming.memory.peak) of \(bytes) streamed")
            #expect(whole.memory.peak >= bytes / 2, "execute's peak \(whole.memory.peak) of \(bytes)")
        }
    }
}
