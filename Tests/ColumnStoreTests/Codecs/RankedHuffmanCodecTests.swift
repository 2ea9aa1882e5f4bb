@testable import ColumnStore
import Foundation
import Testing
import TestSupport

/// The `ranked-huffman` encoding: exact values back for every lane and shape, chosen for durations whose values
/// repeat (gen_plays' completed plays are a track's length) where bit packing and `huffman` are larger, golden
/// bytes derived by hand, and clear errors on corrupt fields.
@Suite struct RankedHuffmanCodecTests {
    /// Shapes: play durations (a few lengths repeat often, skips uniform), Zipf ids over a wide range, values
    /// that never repeat (the encoding opts out), huge and wrapping values, a single value, small repeats.
    static func values(_ shape: Int, _ n: Int, _ rng: inout SeededRandom) -> [UInt64] {
        let lengths = (0..<50).map { _ in UInt64(120_000 + rng.below(240_000)) }
        return (0..<n).map { i -> UInt64 in
            switch shape {
            case 0: return Self.duration(lengths, &rng)
            case 1: return UInt64(Double(1_000_000) * pow(rng.unit(), 6)) &* 2_654_435_761 % 1_000_000
            case 2: return UInt64(i) &* 1_000_003
            case 3: return [0, 1, UInt64.max, UInt64.max - 1, 1 << 63, rng.next()][rng.below(6)]
            case 4: return 42
            default: return UInt64(rng.below(5)) &- 2  // -2…2 as bit patterns: signed minimum, wrapping offsets
            }
        }
    }

    /// A play's duration: skipped (uniform 1–30 s), completed (one of a few popular tracks' lengths), or partial.
    static func duration(_ lengths: [UInt64], _ rng: inout SeededRandom) -> UInt64 {
        let length = lengths[Int(Double(lengths.count) * pow(rng.unit(), 3))]
        if rng.chance(0.23) { return UInt64(1_000 + rng.below(29_000)) }
        return rng.chance(0.71) ? length : UInt64(Double(length) * (0.3 + 0.65 * rng.unit()))
    }

    @Test func seededBlocksRoundTripForEveryLaneAndShape() throws {
        var rng = SeededRandom(seed: 1818)
        var chosen = 0
        for round in 0..<100 {
            let n = [1, 2, 3, 127, 128, 129, 1000, 4099, 20_000][rng.below(9)]
            let shape = rng.below(6)
            let type: ColumnType = [.time, .int64, .uint64, .symbol][rng.below(4)]
            var c = HuffmanCodecTests.column(type, Self.values(shape, n, &rng))
            if rng.chance(0.2) && n > 2 {  // NULL rows keep a zero value in the payload
                var d = ColumnVector(type: type)
                d.append(contentsOf: c, range: 0..<1)
                d.appendNulls(1)
                d.append(contentsOf: c, range: 2..<n)
                c = d
            }
            for comp in CodecFixtures.compressions {
                let (s, _) = try CodecFixtures.roundTrip(c, options: CodecOptions(compression: comp, forcedEncoding: .rankedHuffman))
                if s.encoding == .rankedHuffman { chosen += 1 }
                #expect(s.compression == .none || s.encoding != .rankedHuffman, "round \(round): a Huffman body is never compressed")
            }
        }
        #expect(chosen > 100, "the property test exercised the encoding: \(chosen)")
    }

    @Test func repeatedDurationsPickItUnderTheDefaultCompression() throws {
        var rng = SeededRandom(seed: 5)
        let lengths = (0..<2_000).map { _ in UInt64(120_000 + rng.below(240_000)) }
        let c = HuffmanCodecTests.column(.int64, (0..<30_000).map { _ in Self.duration(lengths, &rng) })
        let (auto, _) = try CodecFixtures.roundTrip(c, options: CodecOptions(compression: .lz4))
        let (packed, _) = try CodecFixtures.roundTrip(c, options: CodecOptions(compression: .none, forcedEncoding: .frameOfReference))
        let (huffman, _) = try CodecFixtures.roundTrip(c, options: CodecOptions(compression: .none, forcedEncoding: .huffman))
        #expect(auto.encoding == .rankedHuffman)
        #expect(Double(auto.storedBytes) < 0.85 * Double(packed.storedBytes), "\(auto.storedBytes) vs \(packed.storedBytes)")
        // Forcing huffman falls back to the automatic choice where its estimate is not clearly below bit packing.
        #expect(huffman.encoding != .huffman || auto.storedBytes < huffman.storedBytes, "\(auto.storedBytes) vs \(huffman.storedBytes)")
        // Sorted timestamps never repeat: the sample says so and the encoding opts out.
        var t: UInt64 = 1_763_683_200_000_000_000
        let times = HuffmanCodecTests.column(.time, (0..<30_000).map { _ in t &+= UInt64(1 + rng.below(6_000_000_000)); return t })
        let (s, _) = try CodecFixtures.roundTrip(times, options: CodecOptions(compression: .none, forcedEncoding: .rankedHuffman))
        #expect(s.encoding != .rankedHuffman)
    }

    @Test func prefixedNumbersTakeItAsTheirInnerEncoding() throws {
        var rng = SeededRandom(seed: 77)
        var u = ColumnVector(type: .string)
        for _ in 0..<5000 {
            let id = UInt64(Double(1_000_000) * pow(rng.unit(), 8)) &* 2_654_435_761 % 1_000_000
            u.append(string: "u" + CodecFixtures.zeroPadded(id, 7))
        }
        let (p, block) = try CodecFixtures.roundTrip(u, options: CodecOptions(compression: .none, forcedEncoding: .prefixedInteger,
                                                                          forcedInner: .rankedHuffman))
        #expect(p.encoding == .prefixedInteger)
        // header · prefix length u32 · "u" · width · inner
        #expect(block[BlockCodec.headerSize + 4 + 1 + 1] == EncodingID.rankedHuffman.rawValue)
    }

    /// int64 rows 7, 7, 5, 7, 9, 7: base 5, offsets 2, 2, 0, 2, 4, 2; only offset 2 occurs 3 times or more, so
    /// F = 1 and the ranked list is [2] (one frame of width 2: byte 0x02, then 0b10 = 0x02). Codes: rank 0 for
    /// offset 2, 1 + offset for the others: 0, 0, 1, 0, 5, 0. Huffman stream (split 0, msb bits 0): value 0 is
    /// token 0, value 1 token 1 (leading one at bit 0, no extra bits), value 5 token 3 (leading one at bit 2, two
    /// extra bits 01), counts 4, 1, 0, 1 → lengths 1, 2, 0, 2 (nibbles 0x21, 0x20), canonical codes 0, 10, 11
    /// (bit-reversed 0, 01, 11). Streams hold rows 0 and 4 (0, then 11 and extra bits 1, 0: 0b01110 = 0x0E), row 1
    /// (0), row 2 (01 → 0x01), row 3 (0); one byte each. Body: 8 + 2 + 2 + 4 + 2 + 16 + 4 = 38 bytes.
    static let goldenHex = "120000000600000026000000" + "0500000000000000" + "0100" + "02" + "02"
        + "0000" + "0400" + "2120" + "01000000" + "01000000" + "01000000" + "01000000" + "0e000100"

    @Test func goldenBytes() throws {
        let c = HuffmanCodecTests.column(.int64, [7, 7, 5, 7, 9, 7])
        var out: [UInt8] = []
        BlockCodec.encode(c, range: 0..<6, options: CodecOptions(compression: .none, forcedEncoding: .rankedHuffman), into: &out)
        #expect(CodecFixtures.hex(out) == Self.goldenHex)
        var d = ColumnVector(type: .int64)
        let bytes = try #require(CodecGoldenTests.bytes(Self.goldenHex))
        try bytes.withUnsafeBytes { try BlockCodec.decode($0, type: .int64, rowCount: 6, into: &d) }
        CodecFixtures.expectSameRows(d, c, 0..<6)
    }

    /// Field-by-field lies in an uncompressed block: each is a CodecError naming the problem.
    @Test func corruptFieldsThrowClearErrors() throws {
        let golden = try #require(CodecGoldenTests.bytes(Self.goldenHex))
        let p = BlockCodec.headerSize + 8  // count at p, ranked frame width p+2, ranked values p+3, Huffman stream p+4
        func expectError(_ b: [UInt8], _ fragment: String) {
            var d = ColumnVector(type: .int64)
            do {
                try b.withUnsafeBytes { try BlockCodec.decode($0, type: .int64, rowCount: 6, into: &d) }
                Issue.record("decoded a corrupt block (\(fragment))")
            } catch {
                #expect(fragment.isEmpty || "\(error)".contains(fragment), "\(error)")
                #expect(d.count == 0)
            }
        }
        var zero = golden; zero[p] = 0
        expectError(zero, "ranked-huffman count 0 at offset 8 is not 1…1024")
        var many = golden; many[p] = 0x01; many[p + 1] = 0x04  // 1025
        expectError(many, "ranked-huffman count 1025")
        var wide = golden; wide[p + 2] = 65
        expectError(wide, "bit width 65 of frame 0 exceeds 64")
        var split = golden; split[p + 4] = 9
        expectError(split, "huffman token split 9/0 is out of range")
        var incomplete = golden; incomplete[p + 8] = 0x01  // lengths 1, 0, 0, 2: the pattern 11 starts no code
        expectError(incomplete, "no code starts with")
        for len in 0..<golden.count { expectError(Array(golden[0..<len]), "") }
    }
}
