import ColumnStore
import Testing
import TestSupport

/// The prefixed-integer string encoding: exact bytes back or an opt-out, never a wrong string.
@Suite struct PrefixedIntegerCodecTests {
    static let forced = CodecFixtures.compressions.map { CodecOptions(compression: $0, forcedEncoding: .prefixedInteger) }

    static func strings(_ values: [String?]) -> ColumnVector {
        var c = ColumnVector(type: .string)
        for v in values { if let v { c.append(string: v) } else { c.appendNulls(1) } }
        return c
    }

    /// Round-trips `c` forced to prefixedInteger under every compression; returns whether the encoding applied.
    @discardableResult
    func forced(_ c: ColumnVector, sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        var applied: [Bool] = []
        for o in Self.forced {
            let (s, _) = try CodecFixtures.roundTrip(c, options: o, sourceLocation: sourceLocation)
            applied.append(s.encoding == .prefixedInteger)
        }
        #expect(Set(applied).count == 1, "the data decides, not the compression", sourceLocation: sourceLocation)
        return applied[0]
    }

    @Test func randomBlocksRoundTrip() throws {
        var rng = SeededRandom(seed: 1414)
        for _ in 0..<60 {
            let n = [1, 2, 127, 128, 129, 1000, 5000][rng.below(7)]
            let prefix = ["", "u", "user-", "Ünïcødé 🎵 #", String(repeating: "p", count: 9 + rng.below(30))][rng.below(5)]
            let width = 1 + rng.below(19)
            let fixed = rng.chance(0.5)
            let nullRate = [0.0, 0.0, 0.1, 0.9][rng.below(4)]
            var c = ColumnVector(type: .string)
            for _ in 0..<n {
                if rng.chance(nullRate) { c.appendNulls(1); continue }
                let v = rng.next() % (width == 19 ? 10_000_000_000_000_000_000 : Self.pow10(width))
                c.append(string: prefix + (fixed ? CodecFixtures.zeroPadded(v, width) : String(v >> UInt64(rng.below(64)))))
            }
            #expect(try forced(c), "\(n) rows, prefix \(prefix.utf8.count) bytes, width \(width), fixed \(fixed)")
        }
    }

    @Test func edgeCasesApply() throws {
        let cases: [[String?]] = [
            [], [nil], [nil, nil, nil], ["7"], ["0"], ["u0"], [nil, "u12", nil, "u9", nil], ["u1", "u22", nil],
            ["-1"], ["-1", "-23"], ["+5", "+5000"], ["a.0001", "a.9999"], ["1.5", "1.25"],  // the prefix is up to the last non-digit
            ["日本語の番号 ١٢ 42"], ["u9999999999999999999", "u0000000000000000000"], ["9999999999999999999", "0", "10"],
        ]
        for values in cases { #expect(try forced(Self.strings(values)), "\(values)") }
        // Every digit count in canonical form, around each power of ten.
        var boundaries: [String] = []
        for e in 0...18 { let p = Self.pow10(e); boundaries += ["x\(p &- 1)", "x\(p)", "x\(p &+ 1)"] }
        boundaries += ["x9999999999999999999"]
        #expect(try forced(Self.strings(boundaries)))
        // Every 4-digit group in both halves of an 8-digit number (the decoder formats digits 4 at a time).
        #expect(try forced(Self.strings((0..<10_000).map { "q" + CodecFixtures.zeroPadded(UInt64($0) * 10_001, 8) })))
        // Every fixed width with its extremes.
        for w in 1...19 {
            let top = w == 19 ? 9_999_999_999_999_999_999 : Self.pow10(w) - 1
            #expect(try forced(Self.strings(["id", "id", "id"].enumerated().map { k, p in p + CodecFixtures.zeroPadded([0, 1, top][k], w) })))
        }
    }

    @Test func stringsThatAlmostMatchOptOut() throws {
        let cases: [[String?]] = [
            [""], ["u1", ""], ["u1", nil, ""],                                  // an empty present row has no digits
            ["abc"], ["u12x"], ["u1", "v1"], ["u1", "U1"],                     // no trailing digits, other prefixes
            ["5", "+5"], ["5", "-5"], ["-5", "+5"], ["u 5", "u5"], ["u5", "u٥"], // signs, spaces, non-ASCII digits
            ["u01", "u123"], ["u0", "u00"], ["00", "1"],                        // leading zeros with mixed widths
            ["u12345678901234567890"], ["18446744073709551616"], ["99999999999999999999"], // 20 digits
            ["u" + String(repeating: "0", count: 40)],
        ]
        for values in cases {
            #expect(try !forced(Self.strings(values)), "\(values)")
        }
    }

    @Test func userIDsPickItAndShrink() throws {
        var rng = SeededRandom(seed: 7)
        var c = ColumnVector(type: .string)
        for _ in 0..<65_536 { c.append(string: "u" + CodecFixtures.zeroPadded(UInt64(rng.below(1_000_000)), 7)) }
        for comp in CodecFixtures.compressions {
            let (s, _) = try CodecFixtures.roundTrip(c, options: CodecOptions(compression: comp))
            #expect(s.encoding == .prefixedInteger, "\(comp)")
            #expect(Double(s.storedBytes) / 65_536 < 2.6, "\(comp): 20 bits a row")  // vs ~3.4 (zstd), ~5.5 (lz4) before
        }
        // Sequence numbers in sort order pack their deltas.
        var seq = ColumnVector(type: .string)
        for i in 0..<10_000 { seq.append(string: "order-\(1_000_000 + 3 * i + rng.below(3))") }
        let (s, _) = try CodecFixtures.roundTrip(seq, options: CodecOptions(compression: .none))
        #expect(s.encoding == .prefixedInteger)
        #expect(s.storedBytes < 10_000 / 2)
    }

    @Test func goldenBytes() throws {
        let c = Self.strings(["u07", nil, "u42"])
        var out: [UInt8] = []
        BlockCodec.encode(c, range: 0..<3, options: CodecOptions(compression: .none, forcedEncoding: .prefixedInteger), into: &out)
        // header (id 14, 20-byte body) · validity 0b101 · prefix length 1, "u" · width 2 · inner for (2) · base 7 ·
        // frame width 6 · 0, 0 (the NULL takes its predecessor's 7), 35 in 6 bits each
        let golden = "0e00010003000000140000000501000000750202070000000000000006003002"
        #expect(CodecFixtures.hex(out) == golden)
        var d = ColumnVector(type: .string)
        let bytes = try #require(CodecGoldenTests.bytes(golden))
        try bytes.withUnsafeBytes { try BlockCodec.decode($0, type: .string, rowCount: 3, into: &d) }
        CodecFixtures.expectSameRows(d, c, 0..<3)
    }

    /// Field-by-field lies in an uncompressed block: each is a CodecError naming the problem.
    @Test func corruptFieldsThrowClearErrors() throws {
        let c = Self.strings(["u0000042", "u0000007", "u0001000"])
        var block: [UInt8] = []
        BlockCodec.encode(c, range: 0..<3, options: CodecOptions(compression: .none, forcedEncoding: .prefixedInteger), into: &block)
        let payload = BlockCodec.headerSize  // no validity: prefix length u32 at 12, "u" at 16, width at 17, inner at 18, base at 19
        func expectError(_ b: [UInt8], _ fragment: String) {
            var d = ColumnVector(type: .string)
            do {
                try b.withUnsafeBytes { try BlockCodec.decode($0, type: .string, rowCount: 3, into: &d) }
                Issue.record("decoded a corrupt block (\(fragment))")
            } catch {
                #expect("\(error)".contains(fragment), "\(error)")
                #expect(d.count == 0)
            }
        }
        var wide = block; wide[payload + 5] = 20
        expectError(wide, "digit width 20")
        var inner = block; inner[payload + 6] = EncodingID.stringDictionary.rawValue
        expectError(inner, "not an integer encoding")
        var longPrefix = block; longPrefix[payload + 3] = 0x40
        expectError(longPrefix, "prefix bytes")
        var tooBig = block; tooBig[payload + 7 + 3] = 0x01  // base += 2^24: 8 digits in a width of 7
        expectError(tooBig, "more than 7 digits")
        var canonical = block; canonical[payload + 5] = 0; canonical[payload + 7 + 7] = 0xF0  // base ≥ 10^19
        expectError(canonical, "more than 19 digits")
        // A narrower width is fine as long as the numbers fit it.
        var narrower = block; narrower[payload + 5] = 4
        var d = ColumnVector(type: .string)
        try narrower.withUnsafeBytes { try BlockCodec.decode($0, type: .string, rowCount: 3, into: &d) }
        #expect(d.bytes == Array("u0042u0007u1000".utf8))
    }

    static func pow10(_ e: Int) -> UInt64 { (0..<e).reduce(1) { acc, _ in acc * 10 } }
}
