import ColumnStore
import Testing
import TestSupport

/// The ALP-style float encoding (decimals with exceptions): exact bits back for every value, chosen when
/// a few values would keep `.decimal` from applying, golden bytes, and clear errors on corrupt fields.
@Suite struct ALPCodecTests {
    static func floats(_ values: [Double]) -> ColumnVector {
        var c = ColumnVector(type: .float64)
        for v in values { c.append(float64: v) }
        return c
    }

    /// Values no decimal restores: NaNs (quiet, signalling, with payloads, negative), ±inf, -0.0,
    /// subnormals, binary fractions with long expansions, and numbers beyond 2^53.
    static func awkward(_ rng: inout SeededRandom) -> Double {
        switch rng.below(9) {
        case 0: return .nan
        case 1: return Double(bitPattern: 0x7FF0_0000_0000_0001 | (rng.next() & 0x000F_FFFF_FFFF_FFFF))  // signalling NaN payloads
        case 2: return Double(bitPattern: 0xFFF8_0000_0000_0000 | UInt64(rng.below(1000)))  // negative quiet NaN
        case 3: return rng.chance(0.5) ? .infinity : -.infinity
        case 4: return -0.0
        case 5: return Double(bitPattern: 1 + rng.next() % 0x000F_FFFF_FFFF_FFFF)  // subnormal
        case 6: return Double(bitPattern: rng.next())  // anything
        case 7: return rng.unit() / 3  // a full-precision reading
        default: return 1e300 * (rng.chance(0.5) ? 1 : -1) * rng.unit()
        }
    }

    @Test func seededBlocksOfDecimalsWithExceptionsRoundTripBitExact() throws {
        var rng = SeededRandom(seed: 1515)
        var alpChosen = 0
        for round in 0..<80 {
            let n = [1, 2, 5, 127, 128, 129, 1000, 4099, 20_000][rng.below(9)]
            let digits = rng.below(7)  // 0…6 decimals
            let scale = [1.0, 10, 100, 1000, 10_000, 100_000, 1_000_000][digits]
            let share = [0.0, 0.001, 0.01, 0.05, 0.2, 0.5][rng.below(6)]
            var values: [Double] = []
            var walk = Int64(rng.below(100_000)) - 50_000
            for _ in 0..<n {
                walk += Int64(rng.below(201)) - 100
                values.append(rng.chance(share) ? Self.awkward(&rng) : Double(walk) / scale)
            }
            let c = Self.floats(values)
            for comp in CodecFixtures.compressions {
                let (auto, _) = try CodecFixtures.roundTrip(c, options: CodecOptions(compression: comp))
                let (forced, _) = try CodecFixtures.roundTrip(c, options: CodecOptions(compression: comp, forcedEncoding: .alp))
                if forced.encoding == .alp { alpChosen += 1 }
                // The automatic choice tries ALP among the rest, so it never stores more.
                #expect(auto.storedBytes <= forced.storedBytes, "round \(round), \(comp)")
            }
        }
        #expect(alpChosen > 60, "the property test exercised the encoding: \(alpChosen)")
    }

    @Test func gaugesWithAFewGapsPickItAndStaySmall() throws {
        var rng = SeededRandom(seed: 16)
        var values: [Double] = []
        var v = 5_000
        for _ in 0..<65_536 {
            v = min(max(v + Int(rng.below(201)) - 100, 0), 10_000)
            values.append(rng.chance(0.005) ? .nan : Double(v) / 100)  // a sensor that misses a reading now and then
        }
        for comp in CodecFixtures.compressions {
            let (s, _) = try CodecFixtures.roundTrip(Self.floats(values), options: CodecOptions(compression: comp))
            #expect(s.encoding == .alp, "\(comp)")
            // ~9–14 bits a value plus 96 bits per gap; byte shuffle or Gorilla need 40+.
            #expect(Double(s.storedBytes) / 65_536 < 2.2, "\(comp): \(Double(s.storedBytes) / 65_536) bytes/row")
        }
        // Without the gaps every value is a decimal and .decimal, 4 bytes smaller, wins.
        let clean = values.map { $0.isNaN ? 1.5 : $0 }
        let (s, _) = try CodecFixtures.roundTrip(Self.floats(clean), options: CodecOptions(compression: .lz4))
        #expect(s.encoding == .decimal)
        // Mostly noise: not worth it, another encoding stores it.
        let noise = (0..<1000).map { _ in rng.unit() }
        let (n, _) = try CodecFixtures.roundTrip(Self.floats(noise), options: CodecOptions(compression: .none, forcedEncoding: .alp))
        #expect(n.encoding != .alp)
    }

    /// header (id 15, 32-byte body) · e 2 · inner for (2) · 1 exception: row 1, NaN's bits · base −50 ·
    /// width 9 · 200, 200 (the NaN row takes its predecessor's 150), 275, 0
    static let goldenHex = "0f000000040000002000000002020100000001000000000000000000f87fceffffffffffffff09c8904d0400"

    @Test func goldenBytes() throws {
        let c = Self.floats([1.5, .nan, 2.25, -0.5])
        var out: [UInt8] = []
        BlockCodec.encode(c, range: 0..<4, options: CodecOptions(compression: .none, forcedEncoding: .alp), into: &out)
        let golden = Self.goldenHex
        #expect(CodecFixtures.hex(out) == golden)
        var d = ColumnVector(type: .float64)
        let bytes = try #require(CodecGoldenTests.bytes(golden))
        try bytes.withUnsafeBytes { try BlockCodec.decode($0, type: .float64, rowCount: 4, into: &d) }
        CodecFixtures.expectSameRows(d, c, 0..<4)
    }

    /// Field-by-field lies in an uncompressed block: each is a CodecError naming the problem.
    @Test func corruptFieldsThrowClearErrors() throws {
        let golden = try #require(CodecGoldenTests.bytes(Self.goldenHex))
        let p = BlockCodec.headerSize  // e at 12, inner at 13, k at 14, row at 18, value at 22, inner payload at 30
        func expectError(_ b: [UInt8], rows: Int = 4, _ fragment: String) {
            var d = ColumnVector(type: .float64)
            do {
                try b.withUnsafeBytes { try BlockCodec.decode($0, type: .float64, rowCount: rows, into: &d) }
                Issue.record("decoded a corrupt block (\(fragment))")
            } catch {
                #expect(fragment.isEmpty || "\(error)".contains(fragment), "\(error)")
                #expect(d.count == 0)
            }
        }
        var exponent = golden; exponent[p] = 19
        expectError(exponent, "exponent 19")
        var inner = golden; inner[p + 1] = EncodingID.gorilla.rawValue
        expectError(inner, "not an integer encoding")
        var count = golden; count[p + 2] = 5
        expectError(count, "claims 5 exceptions")
        var many = golden; many[p + 2] = 2  // two exceptions: the second row eats the inner payload's bytes
        expectError(many, "")
        var row = golden; row[p + 6] = 4
        expectError(row, "exception row 4")
        // Two exceptions at the same row: rebuild the block with k = 2 and rows 1, 1.
        var twice = Array(golden[0..<p])
        twice[8] = 0x2C  // body 44 bytes
        twice += [2, 2, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0] + Array(golden[(p + 10)..<(p + 18)]) + Array(golden[(p + 10)..<(p + 18)])
        twice += Array(golden[(p + 18)...])
        expectError(twice, "is not ascending")
        // Every cut is refused.
        for len in 0..<golden.count { expectError(Array(golden[0..<len]), "") }
    }
}
