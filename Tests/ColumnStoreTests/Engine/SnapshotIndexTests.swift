import Foundation
import Testing
@testable import ColumnStore
import TestSupport

private let day: Int64 = 86_400_000_000_000
private let t0: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z

private func options() -> DatabaseOptions {
    var o = DatabaseOptions()
    o.background = false
    o.durability = .batch
    return o
}

/// `n` seeded rows over `days` days from `t0`.
private func rows(_ n: Int, days: Int, seed: UInt64) -> WriteBatch {
    var rng = SeededRandom(seed: seed)
    var b = BatchBuilder(table: "plays")
    for _ in 0..<n {
        let t = t0 + Int64(rng.below(days)) * day + Int64(rng.below(86_400)) * 1_000_000_000
        b.add(time: t, [("artist", .tag("Artist \(rng.below(30))")), ("ms", .int(Int64(rng.below(10_000))))])
    }
    return b.batch
}

/// Every row in `range` as sorted text.
private func contents(_ db: Database, range: ClosedRange<Int64> = Int64.min...Int64.max) throws -> [String] {
    try TableReader.rows(db, table: "plays", range: range).map { r in r.keys.sorted().map { "\($0)=\(r[$0]!)" }.joined(separator: ",") }.sorted()
}

/// A read-only view answers repeated snapshots from its `SnapshotIndex` (built on the first, reused by the
/// next): each must equal a writable open's snapshot of the same range, rows, row groups and pruning counts.
@Suite("Read-only snapshot index")
struct SnapshotIndexTests {
    /// Checks `reader` against `writer` for `range`, twice (the second from the index).
    private func same(_ reader: Database, _ writer: Database, _ range: ClosedRange<Int64>) throws {
        let eager = try #require(writer.snapshot(table: "plays", range: range))
        for _ in 0..<2 {
            let lazy = try #require(try reader.readSnapshot(table: "plays", range: range))
            #expect(lazy.stats == eager.stats)
            #expect(lazy.rowGroups.map(\.rowCount) == eager.rowGroups.map(\.rowCount))
            #expect(lazy.rowGroups.map(\.minTime) == eager.rowGroups.map(\.minTime))
        }
        #expect(try contents(reader, range: range) == (try contents(writer, range: range)))
    }

    /// Seeded ranges (cutting days and blocks, outside every row, the whole table) over several segments
    /// a day, some rows deleted and some still in the WAL.
    @Test func repeatedSnapshotsMatchAWritableOpen() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let writer = try Database(path: dir.path, options: options())
        defer { try? writer.close() }
        for s in 0..<4 {
            try writer.write([rows(900, days: 20, seed: 300 + UInt64(s))])
            try writer.flush()
        }
        let ms = try #require(writer.schema(of: "plays")?.columns.firstIndex { $0.name == "ms" })
        let deleted = try writer.delete(from: "plays", timeRange: (t0 + 2 * day)...(t0 + 5 * day)) { g in
            var v = ColumnVector(type: .int64)
            try g.read(ms, type: .int64, into: &v)
            return (0..<g.rowCount).filter { v.int64s[$0] % 3 == 0 }.map(Int32.init)
        }
        #expect(deleted > 0)
        try writer.write([rows(300, days: 20, seed: 399)])
        let reader = try Database.openReadOnly(path: dir.path, options: options())
        defer { try? reader.close() }
        try same(reader, writer, Int64.min...Int64.max)
        #expect(reader.readOnly!.indexes["plays"]?.all != nil, "a whole-table snapshot keeps its row groups")
        var rng = SeededRandom(seed: 7)
        for _ in 0..<30 {
            let a = t0 - 2 * day + Int64(rng.below(24 * 86_400)) * 1_000_000_000
            let b = a + Int64(rng.below(4 * 86_400)) * 1_000_000_000
            try same(reader, writer, a...b)
        }
        try same(reader, writer, (t0 - 10 * day)...(t0 - 5 * day))
        try same(reader, writer, (t0 + 40 * day)...(t0 + 41 * day))
        try same(reader, writer, t0...t0)
        try same(reader, writer, Int64.min...Int64.max)
    }

    /// The index belongs to one view: after the writer logs more rows, flushes or compacts, a refreshed
    /// view answers from a new index and sees the change.
    @Test func aRefreshedViewBuildsANewIndex() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let writer = try Database(path: dir.path, options: options())
        defer { try? writer.close() }
        try writer.write([rows(500, days: 6, seed: 310)])
        try writer.flush()
        let reader = try Database.openReadOnly(path: dir.path, options: options())
        defer { try? reader.close() }
        try same(reader, writer, Int64.min...Int64.max)
        try writer.write([rows(200, days: 6, seed: 311)])
        #expect(try reader.refresh() == .wal)
        try same(reader, writer, Int64.min...Int64.max)
        try writer.flush()
        #expect(try reader.refresh() == .manifest)
        try same(reader, writer, Int64.min...Int64.max)
        #expect(try writer.compact(minSegments: 2) > 0)
        #expect(try reader.refresh() == .manifest)
        try same(reader, writer, Int64.min...Int64.max)
        try same(reader, writer, (t0 + day)...(t0 + 2 * day - 1))
    }

    /// A table with no segments (rows only in the WAL, or none) and one with a single row.
    @Test func emptyAndOneRowTables() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let writer = try Database(path: dir.path, options: options())
        defer { try? writer.close() }
        try writer.write([rows(1, days: 1, seed: 320)])
        let reader = try Database.openReadOnly(path: dir.path, options: options())
        defer { try? reader.close() }
        try same(reader, writer, Int64.min...Int64.max)
        #expect(reader.readOnly!.indexes["plays"]?.entries.isEmpty == true)
        try writer.flush()
        #expect(try reader.refresh() == .manifest)
        try same(reader, writer, Int64.min...Int64.max)
        try same(reader, writer, (t0 + day)...(t0 + 2 * day))
        #expect(try contents(reader).count == 1)
    }
}
