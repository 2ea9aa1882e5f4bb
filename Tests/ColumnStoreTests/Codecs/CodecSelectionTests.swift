import ColumnStore
import Testing
import TestSupport

/// The automatic choice picks the encoding that should win on typical data, and compression falls back to none.
@Suite struct CodecSelectionTests {
    func encode(_ c: ColumnVector, _ compression: CompressionKind = .lz4) throws -> BlockSummary {
        try CodecFixtures.roundTrip(c, options: CodecOptions(compression: compression)).0
    }

    @Test func sortedTimestampsUseADeltaEncoding() throws {
        var rng = SeededRandom(seed: 1)
        var c = ColumnVector(type: .time)
        var t: Int64 = 1_763_683_200_000_000_000
        for _ in 0..<30_000 { t += Int64(rng.below(6_000_000_000)); c.append(int64: t) }
        let s = try encode(c, .none)
        #expect([.delta, .deltaZigZag].contains(s.encoding))
        #expect(Double(s.storedBytes) / 30_000 < 4.6)  // ~33 bits of gap a row
    }

    @Test func regularTimestampsUseDeltaOfDelta() throws {
        var c = ColumnVector(type: .time)
        for i in 0..<10_000 { c.append(int64: 1_700_000_000_000_000_000 + Int64(i) * 10_000_000_000 + (i % 1000 == 0 ? 7 : 0)) }
        let s = try encode(c, .none)
        #expect(s.encoding == .deltaOfDelta)
        #expect(s.storedBytes < 2_000)
    }

    @Test func smallCodesUseFrameOfReferenceOrNarrow() throws {
        var rng = SeededRandom(seed: 2)
        var c = ColumnVector(type: .symbol)
        for _ in 0..<20_000 { c.append(code: UInt32(1000 + rng.below(6))) }
        let s = try encode(c, .none)
        #expect(s.encoding == .frameOfReference)
        #expect(s.storedBytes < 20_000 * 3 / 8 + 300)
    }

    @Test func constantColumnsCostAFewBytes() throws {
        var c = ColumnVector(type: .string)
        for _ in 0..<1000 { c.append(string: "spotify") }
        let s = try encode(c)
        #expect(s.encoding == .constant)
        #expect(s.storedBytes == BlockCodec.headerSize + 4 + 7)
    }

    @Test func moneyUsesDecimal() throws {
        var rng = SeededRandom(seed: 3)
        var c = ColumnVector(type: .float64)
        for _ in 0..<10_000 {
            c.append(float64: rng.chance(0.23) ? 0 : (Double(rng.below(6000)) + 2000).rounded() / 1_000_000)
        }
        for comp in CodecFixtures.compressions {
            let s = try encode(c, comp)
            #expect(s.encoding == .decimal)
            #expect(s.storedBytes < 10_000 * 2)
        }
    }

    /// Two-decimal gauges that move a little from row to row (one host's CPU): decimal over delta-zigzag,
    /// ~9 bits a row where frame of reference would need 14.
    @Test func randomWalkGaugesUseDecimalOverDeltaZigZag() throws {
        var rng = SeededRandom(seed: 6)
        var c = ColumnVector(type: .float64)
        var v = 5_000
        for _ in 0..<20_000 {
            v = min(max(v + Int(rng.below(201)) - 100, 0), 10_000)
            c.append(float64: Double(v) / 100)
        }
        for comp in CodecFixtures.compressions {
            var out: [UInt8] = []
            let s = BlockCodec.encode(c, range: 0..<c.count, options: CodecOptions(compression: comp), into: &out)
            #expect(s.encoding == .decimal)
            if s.compression == CompressionKind.none { #expect(out[BlockCodec.headerSize + 1] == EncodingID.deltaZigZag.rawValue) }
            #expect(s.storedBytes < 20_000 * 10 / 8, "\(comp): \(s.storedBytes) bytes")
            _ = try CodecFixtures.roundTrip(c, options: CodecOptions(compression: comp))
        }
    }

    @Test func repeatedStringsUseTheDictionary() throws {
        var rng = SeededRandom(seed: 4)
        var c = ColumnVector(type: .string)
        for _ in 0..<10_000 { c.append(string: "user-\(rng.below(200))-with-a-long-suffix") }
        #expect(try encode(c, .none).encoding == .stringDictionary)
    }

    @Test func incompressibleBodiesAreStoredUncompressed() throws {
        var rng = SeededRandom(seed: 5)
        var c = ColumnVector(type: .uint64)
        for _ in 0..<5000 { c.append(uint64: rng.next()) }
        for comp in CodecFixtures.compressions {
            let s = try encode(c, comp)
            #expect(s.compression == .none)
            #expect(s.storedBytes <= BlockCodec.headerSize + 8 * 5000)
            #expect(s.rawBytes == 8 * 5000)
        }
    }

    @Test func compressibleBodiesAreCompressed() throws {
        var c = ColumnVector(type: .string)
        for i in 0..<5000 { c.append(string: "the same long sentence, again and again, row \(i % 3)") }
        for comp in [CompressionKind.lz4, .zstd] {
            var out: [UInt8] = []
            let s = BlockCodec.encode(c, range: 0..<5000, options: CodecOptions(compression: comp, forcedEncoding: .plain), into: &out)
            #expect(s.compression == comp)
            #expect(out[1] == comp.rawValue)
        }
    }

    @Test func forcingAnInapplicableEncodingFallsBack() throws {
        var c = ColumnVector(type: .bool)
        for i in 0..<100 { c.append(bool: i % 3 == 0) }
        let s = try CodecFixtures.roundTrip(c, options: CodecOptions(forcedEncoding: .gorilla)).0
        #expect(s.encoding == .bitmap)
    }

    @Test func idsAreStable() {
        // Raw values are on disk: this table may grow, never change.
        let ids: [(EncodingID, UInt8)] = [(.plain, 0), (.constant, 1), (.frameOfReference, 2), (.delta, 3), (.deltaZigZag, 4),
                                          (.deltaOfDelta, 5), (.narrow, 6), (.deltaNarrow, 7), (.gorilla, 8), (.byteShuffle, 9),
                                          (.decimal, 10), (.bitmap, 11), (.stringLengths, 12), (.stringDictionary, 13),
                                          (.prefixedInteger, 14), (.alp, 15), (.huffman, 16), (.deltaHuffman, 17),
                                          (.rankedHuffman, 18)]
        #expect(ids.count == EncodingID.allCases.count)
        for (id, raw) in ids { #expect(id.rawValue == raw) }
        #expect([CompressionKind.none, .lz4, .zstd].map(\.rawValue) == [0, 1, 2])
    }
}
