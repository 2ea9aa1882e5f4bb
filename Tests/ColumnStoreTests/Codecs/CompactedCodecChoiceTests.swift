@testable import ColumnStore
import Foundation
import Testing
import TestSupport

/// Compaction's heavier choice rules (`CodecOptions.compacting`): on gen_plays-shaped blocks user ids take ranked
/// Huffman under prefixedInteger and skewed bools take zstd, where a flush keeps frame of reference and LZ4; tags
/// and timestamps keep their encodings; every block decodes to the same rows; the rankedHuffman hash count ranks
/// exactly as counting by sorting does.
@Suite struct CompactedCodecChoiceTests {
    static let rows = 27_000  // a day of gen_plays at 10M rows a year: one block

    static func flush(_ compression: CompressionKind = .lz4) -> CodecOptions { CodecOptions(compression: compression) }
    static func compaction(_ compression: CompressionKind = .lz4) -> CodecOptions { CodecOptions(compression: compression, compacting: true) }

    /// Codes drawn from `weights` (first-seen numbering: the frequent ones small), shuffled by arrival.
    static func codes(_ weights: [Double], _ rng: inout SeededRandom) -> ColumnVector {
        let total = weights.reduce(0, +)
        var c = ColumnVector(type: .symbol)
        for _ in 0..<rows {
            var u = rng.unit() * total, k = 0
            while k < weights.count - 1 && u >= weights[k] { u -= weights[k]; k += 1 }
            c.append(code: UInt32(k))
        }
        return c
    }

    /// Huffman would code platform, country and device ~20–40% smaller, but the public queries scan them most and
    /// paid +18% CPU for it (docs/benchmarks.md, 2026-12-08): compaction keeps bit packing for tags, as a flush does.
    @Test func lowCardinalityTagsKeepBitPackingWhenCompacted() throws {
        var rng = SeededRandom(seed: 10)
        let platform = [0.45, 0.20, 0.12, 0.08, 0.06, 0.04, 0.03, 0.02]
        let device = [0.62, 0.18, 0.06, 0.06, 0.05, 0.03]
        let country = (1...60).map { 1 / Double($0) }
        for (name, weights) in [("platform", platform), ("device", device), ("country", country)] {
            let c = Self.codes(weights, &rng)
            let (flushed, _) = try CodecFixtures.roundTrip(c, options: Self.flush())
            let (compacted, _) = try CodecFixtures.roundTrip(c, options: Self.compaction())
            var forced = Self.compaction()
            forced.forcedEncoding = .huffman
            let (huffman, _) = try CodecFixtures.roundTrip(c, options: forced)
            #expect(flushed.encoding == .frameOfReference && compacted.encoding == .frameOfReference, "\(name)")
            #expect(huffman.encoding == .huffman && Double(huffman.storedBytes) < 0.9 * Double(compacted.storedBytes),
                    "\(name): Huffman \(huffman.storedBytes) vs \(compacted.storedBytes)")
        }
    }

    @Test func skewedBoolsTakeZstdOnlyWhenCompactedUnderLZ4() throws {
        var rng = SeededRandom(seed: 11)
        for (share, zstd) in [(0.03, true), (0.23, true), (0.547, false)] {
            var c = ColumnVector(type: .bool)
            for _ in 0..<Self.rows { c.append(bool: rng.chance(share)) }
            let (flushed, _) = try CodecFixtures.roundTrip(c, options: Self.flush())
            let (compacted, _) = try CodecFixtures.roundTrip(c, options: Self.compaction())
            #expect(flushed.compression != .zstd)
            #expect(compacted.encoding == .bitmap)
            #expect((compacted.compression == .zstd) == zstd, "\(share) true: \(compacted.compression)")
            #expect(compacted.storedBytes <= flushed.storedBytes)
            if zstd {
                // Within 1/8 of a bit of the flag's entropy a row, well below LZ4's.
                let entropy = -(share * log2(share) + (1 - share) * log2(1 - share))
                #expect(Double(compacted.storedBytes * 8) / Double(Self.rows) < entropy + 0.125, "\(share): \(compacted.storedBytes)")
                #expect(Double(compacted.storedBytes) < 0.85 * Double(flushed.storedBytes))
            }
            // A table set to none, or to zstd already, is compressed as it says.
            #expect(try CodecFixtures.roundTrip(c, options: Self.compaction(.none)).0.compression == CompressionKind.none)
            #expect(try CodecFixtures.roundTrip(c, options: Self.compaction(.zstd)).0.compression != .lz4)
        }
        // Bools with NULLs: the validity bitmap goes through zstd with the values and comes back.
        var n = ColumnVector(type: .bool)
        for i in 0..<Self.rows { if i % 100 == 7 { n.appendNulls(1) } else { n.append(bool: rng.chance(0.03)) } }
        #expect(try CodecFixtures.roundTrip(n, options: Self.compaction()).0.compression == .zstd)
    }

    @Test func userIDsTakeRankedHuffmanUnderPrefixedIntegerOnlyWhenCompacted() throws {
        var rng = SeededRandom(seed: 12)
        var u = ColumnVector(type: .string)
        for _ in 0..<Self.rows {
            // Zipf-like users over a million ids: heavy users recur in a day.
            let rank = Int(pow(1_000_000.0, rng.unit() * rng.unit()))
            u.append(string: "u" + CodecFixtures.zeroPadded(UInt64(rank) &* 2_654_435_761 % 1_000_000, 7))
        }
        let (flushed, _) = try CodecFixtures.roundTrip(u, options: Self.flush())
        let (compacted, block) = try CodecFixtures.roundTrip(u, options: Self.compaction())
        #expect(flushed.encoding == .prefixedInteger && compacted.encoding == .prefixedInteger)
        #expect(compacted.compression == CompressionKind.none)
        // Block header (12) · prefixLength u32 · "u" · width u8 · inner u8.
        #expect(block[12] == 1 && block[16] == UInt8(ascii: "u") && block[17] == 7)
        #expect(block[18] == EncodingID.rankedHuffman.rawValue, "inner \(block[18])")
        #expect(compacted.storedBytes < flushed.storedBytes, "\(compacted.storedBytes) vs \(flushed.storedBytes)")
    }

    @Test func sortedTimestampsStayDeltaWhenCompacted() throws {
        var rng = SeededRandom(seed: 13)
        var c = ColumnVector(type: .time)
        var t: Int64 = 1_763_683_200_000_000_000
        for _ in 0..<Self.rows { t += Int64(rng.below(6_400_000_000)); c.append(int64: t) }
        #expect(try CodecFixtures.roundTrip(c, options: Self.compaction()).0.encoding == .delta)
    }

    /// Seeded blocks of every integer lane and shape: the hash-counted ranking lists exactly the values a
    /// count by sorting finds (≥ 3 repeats, most frequent first, ties smaller first, at most 1,024).
    @Test func hashCountRanksAsASortDoes() throws {
        var rng = SeededRandom(seed: 14)
        var checked = 0
        for round in 0..<60 {
            let n = [5, 300, 4_099, 20_000, 65_536][rng.below(5)]
            let spread = [3, 50, 2_000, 100_000][rng.below(4)]
            let v = (0..<n).map { _ in UInt64(Double(spread) * pow(rng.unit(), 3)) &* 7_919 &+ (round.isMultiple(of: 2) ? UInt64.max - 1_000_000_000 : 0) }
            var out: [UInt8] = []
            let encoded = v.withUnsafeBufferPointer { RankedHuffmanCodec.encode($0, signed: false, into: &out) }
            let base = v.min()!
            var counts: [UInt64: Int] = [:]
            for x in v { counts[x &- base, default: 0] += 1 }
            var expected = counts.filter { $0.value >= RankedHuffmanCodec.minRepeats }.map { (offset: $0.key, count: $0.value) }
            expected.sort { ($0.count, $1.offset) > ($1.count, $0.offset) }
            expected = Array(expected.prefix(RankedHuffmanCodec.maxRanked))
            guard encoded else { continue }
            checked += 1
            try out.withUnsafeBytes { (b) throws in
                var r = PayloadReader(b)
                #expect(try IntegerTransforms.field(&r, "base", as: UInt64.self) == base)
                let f = Int(UInt16(littleEndian: try r.take(2, "count").loadUnaligned(as: UInt16.self)))
                #expect(f == expected.count, "round \(round)")
                var ranked = [UInt64](repeating: 0, count: f)
                try ranked.withUnsafeMutableBufferPointer { (p) throws in try BitPacking.unpack(&r, count: f, into: p.baseAddress!, adding: 0) }
                #expect(ranked == expected.map(\.offset), "round \(round)")
            }
            var d = [UInt64](repeating: 0, count: n)
            try out.withUnsafeBytes { (b) throws in
                var r = PayloadReader(b)
                try d.withUnsafeMutableBufferPointer { (p) throws in try RankedHuffmanCodec.decode(&r, count: n, into: p.baseAddress!) }
            }
            #expect(d == v, "round \(round)")
        }
        #expect(checked > 20, "the test exercised the encoder: \(checked)")
    }
}
