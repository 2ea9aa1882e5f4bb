import Foundation
import Testing
@testable import ColumnStore
import TestSupport

/// Compaction writes with its own codec rules (`CodecOptions.compacting`): a skewed flag's blocks become zstd
/// under an LZ4 table, every row survives, segments flushed before (bit packing, LZ4) keep reading beside the
/// compacted ones, and a compacted segment is not taken for "compressed otherwise" and rewritten again.
@Suite struct CompactedCodecCompactionTests {
    static let t0: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z

    static func batch(_ n: Int, from k: Int, _ rng: inout SeededRandom) -> WriteBatch {
        let platforms = ["spotify", "spotify", "spotify", "youtube", "apple_music", "deezer", "tidal", "pandora"]
        var b = BatchBuilder(table: "m")
        for i in k..<(k + n) {
            b.add(time: t0 + Int64(i) * 1_000_000_000, [
                ("platform", .tag(platforms[rng.below(rng.chance(0.5) ? 1 : platforms.count)])),
                ("liked", .bool(rng.chance(0.03))), ("n", .int(Int64(rng.below(1000)))),
            ])
        }
        return b.batch
    }

    /// Table m's rows as sorted text.
    static func rows(_ db: Database) throws -> [String] {
        try TableReader.rows(db, table: "m").map { row in row.keys.sorted().map { k in "\(k)=\(row[k]!)" }.joined(separator: ",") }.sorted()
    }

    static func compressions(_ db: Database, column: String) -> [Set<UInt8>] {
        db.segments(of: "m").map { s in
            let c = s.footer.columns.firstIndex { $0.name == column }!
            return Set(s.footer.blocks[c].map(\.compression))
        }
    }

    @Test func compactedBoolsTakeZstdOnceAndEveryRowSurvives() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        o.durability = .batch
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        var rng = SeededRandom(seed: 31)
        // Day 1 in two flushed segments (to merge), day 2 in one (the newest, left alone).
        try db.write([Self.batch(20_000, from: 0, &rng)])
        try db.flush()
        try db.write([Self.batch(20_000, from: 20_000, &rng), Self.batch(5_000, from: 86_400, &rng)])
        try db.flush()
        #expect(Self.compressions(db, column: "liked").allSatisfy { !$0.contains(CompressionKind.zstd.rawValue) }, "flushes keep LZ4")
        let before = try Self.rows(db)

        #expect(try db.compact() == 2)
        let liked = Self.compressions(db, column: "liked")
        #expect(liked.filter { $0 == [CompressionKind.zstd.rawValue] }.count == 1, "the merged day's flag is zstd: \(liked)")
        #expect(liked.contains { !$0.contains(CompressionKind.zstd.rawValue) }, "the newest day keeps its flushed segment")
        #expect(try db.compact() == 0, "a compacted segment's zstd flags are compaction's own: not rewritten again")
        let after = try Self.rows(db)
        #expect(after == before && after.count == 45_000)

        // Reopened (the flushed segment and the compacted one side by side), the rows read the same.
        try db.close()
        let again = try Database(path: dir.path, options: o)
        defer { try? again.close() }
        let reopened = try Self.rows(again)
        #expect(reopened == before)
    }
}
