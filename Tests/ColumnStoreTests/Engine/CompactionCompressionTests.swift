import Foundation
import Testing
@testable import ColumnStore
import TestSupport

/// Compaction keeps the table's compression by default; `compactedCompression` gives compacted segments their
/// own (zstd after LZ4 flushes), and then even a lone flushed segment of an older day is recompressed once.
@Suite struct CompactionCompressionTests {
    static let t0: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z

    static func batch(_ n: Int, from k: Int) -> WriteBatch {
        var b = BatchBuilder(table: "m")
        for i in k..<(k + n) {
            // Repetitive enough that LZ4 and zstd both shrink most blocks.
            b.add(time: t0 + Int64(i) * 1_000_000_000, [
                ("host", .tag("host-\(i % 7)")), ("note", .string("status ok \(i % 3) and a longer tail")),
                ("cpu", .float(Double(i % 1000) / 100)), ("n", .int(Int64(i % 50))),
            ])
        }
        return b.batch
    }

    /// Compressions of the blocks of every segment of table m, and its rows as text.
    static func state(_ db: Database) throws -> (compressions: Set<UInt8>, rows: [String]) {
        var kinds = Set<UInt8>()
        for s in db.segments(of: "m") { for col in s.footer.blocks { for b in col { kinds.insert(b.compression) } } }
        let rows = try TableReader.rows(db, table: "m").map { row in row.keys.sorted().map { k in "\(k)=\(row[k]!)" }.joined(separator: ",") }
        return (kinds, rows.sorted())
    }

    func run(_ change: ((inout TableOptions) -> Void)?) throws -> (flushed: Set<UInt8>, compacted: Set<UInt8>) {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        o.durability = .batch
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        for k in 0..<3 {
            try db.write([Self.batch(3_000, from: k * 3_000)])
            if k == 0, let change { try db.flush(); try db.setTableOptions("m", change) }
            try db.flush()
        }
        let before = try Self.state(db)
        #expect(try db.compact() >= 3)
        #expect(db.segments(of: "m").count == 1)
        let after = try Self.state(db)
        #expect(after.rows == before.rows && after.rows.count == 9_000, "compaction keeps every row")
        return (before.compressions, after.compressions)
    }

    @Test func compactedSegmentsKeepTheTableCompressionByDefault() throws {
        let r = try run(nil)
        #expect(r.flushed.contains(CompressionKind.lz4.rawValue) && !r.flushed.contains(CompressionKind.zstd.rawValue))
        #expect(r.compacted.contains(CompressionKind.lz4.rawValue) && !r.compacted.contains(CompressionKind.zstd.rawValue))
    }

    @Test func aCompactionCompressionIsUsedByCompaction() throws {
        let zstdAfterLZ4 = try run { $0.compactedCompression = .zstd }
        #expect(zstdAfterLZ4.flushed.contains(CompressionKind.lz4.rawValue))
        #expect(zstdAfterLZ4.compacted.contains(CompressionKind.zstd.rawValue) && !zstdAfterLZ4.compacted.contains(CompressionKind.lz4.rawValue))
        let none = try run { $0.compactedCompression = CompressionKind.none }
        #expect(none.compacted == [CompressionKind.none.rawValue])
        // A table compressed with zstd throughout stays zstd when compacted.
        let zstd = try run { $0.compression = .zstd }
        #expect(zstd.compacted.contains(CompressionKind.zstd.rawValue) && !zstd.compacted.contains(CompressionKind.lz4.rawValue))
    }

    @Test func optionsWithoutTheFieldDecodeAsTheDefault() throws {
        let old = #"{ "columnCompression" : { }, "compression" : "lz4", "sortKey" : [ ], "zstdLevel" : 3 }"#
        let o = try JSONDecoder().decode(TableOptions.self, from: Data(old.utf8))
        #expect(o.compactedCompression == nil)
        #expect(o.compacted.compression == .lz4 && o.compression == .lz4)
    }

    @Test func aLoneFlushedSegmentOfAnOlderDayIsRecompressedOnceNotTheNewestDay() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        o.durability = .batch
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        // Day 1 and day 2, one flushed segment each.
        try db.write([Self.batch(3_000, from: 0), Self.batch(3_000, from: 86_400)])
        try db.flush()
        #expect(try db.compact() == 0, "nothing to merge, nothing to recompress: compaction keeps LZ4")
        try db.setTableOptions("m") { $0.compactedCompression = .zstd }
        #expect(try db.compact() == 1, "the older day is rewritten with zstd")
        #expect(try db.compact() == 0, "once")
        let kinds = db.segments(of: "m").map { s in Set(s.footer.blocks.flatMap { $0.map(\.compression) }) }
        #expect(kinds.contains { $0.contains(CompressionKind.zstd.rawValue) && !$0.contains(CompressionKind.lz4.rawValue) })
        #expect(kinds.contains { $0.contains(CompressionKind.lz4.rawValue) }, "the newest day keeps its flushed segment")
        #expect(try TableReader.rows(db, table: "m").count == 6_000)
    }
}
