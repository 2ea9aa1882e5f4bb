@testable import ColumnStore
import Foundation
import Testing
import TestSupport

/// The Huffman-coded integer encodings (`huffman`, `delta-huffman`): exact values back for every shape and
/// lane width, chosen where values are skewed, golden bytes derived by hand, and clear errors on corrupt fields.
@Suite struct HuffmanCodecTests {
    static func column(_ type: ColumnType, _ values: [UInt64]) -> ColumnVector {
        var c = ColumnVector(type: type, capacity: values.count)
        for v in values {
            switch type {
            case .time, .int64, .date: c.append(int64: Int64(bitPattern: v))
            case .uint64: c.append(uint64: v)
            case .symbol: c.append(code: UInt32(truncatingIfNeeded: v))
            default: preconditionFailure("not an integer type")
            }
        }
        return c
    }

    /// Values in shapes the coder meets: Zipf-like codes, exponential gaps, uniform, full-width and huge
    /// values (extra bits beyond 44), a few distinct values, a single value.
    static func values(_ shape: Int, _ n: Int, _ rng: inout SeededRandom) -> [UInt64] {
        var t: UInt64 = 1_763_683_200_000_000_000
        return (0..<n).map { i -> UInt64 in
            switch shape {
            case 0: return UInt64(Double(5000) * rng.unit() * rng.unit() * rng.unit())  // skewed codes
            case 1: t &+= UInt64(-3.1e9 * log(1 - rng.unit())); return t  // sorted timestamps
            case 2: return UInt64(rng.below(300_000))
            case 3: return rng.next()  // full width: tokens near the top of the alphabet
            case 4: return [0, 1, UInt64.max, UInt64.max - 1, 1 << 63][rng.below(5)]
            case 5: return UInt64(rng.below(3))
            case 6: return rng.chance(0.001) ? rng.next() >> UInt64(rng.below(64)) : UInt64(i % 7)
            default: return 42
            }
        }
    }

    @Test func seededBlocksRoundTripForEveryLaneAndShape() throws {
        var rng = SeededRandom(seed: 1616)
        var chosen = 0
        for round in 0..<120 {
            let n = [0, 1, 2, 3, 127, 128, 129, 1000, 4099, 20_000][rng.below(10)]
            let shape = rng.below(8)
            let type: ColumnType = [.time, .int64, .uint64, .symbol][rng.below(4)]
            var c = Self.column(type, Self.values(shape, n, &rng))
            if rng.chance(0.2) && n > 2 {  // NULL rows keep a zero value in the payload
                var d = ColumnVector(type: type)
                d.append(contentsOf: c, range: 0..<1)
                d.appendNulls(1)
                d.append(contentsOf: c, range: 2..<n)
                c = d
            }
            for id in [EncodingID.huffman, .deltaHuffman] {
                for comp in CodecFixtures.compressions {
                    let (s, _) = try CodecFixtures.roundTrip(c, options: CodecOptions(compression: comp, forcedEncoding: id))
                    if s.encoding == id { chosen += 1 }
                    #expect(s.compression == .none || s.encoding != id, "round \(round): a Huffman body is never compressed")
                    // Forcing falls back only where the encoder's estimate says bit packing is as small.
                    if s.encoding != id { #expect(c.count >= 256, "round \(round): \(c.count) rows") }
                }
            }
            // The stream coder itself takes any values (no estimate below 256 values; above, write it anyway).
            var vals = [UInt64](repeating: 0, count: c.count)
            for i in 0..<c.count {
                switch type {
                case .time, .int64, .date: vals[i] = UInt64(bitPattern: c.int64s[i])
                case .uint64: vals[i] = c.uint64s[i]
                default: vals[i] = UInt64(c.codes[i])
                }
            }
            try Self.streamRoundTrip(vals)
        }
        #expect(chosen > 300, "the property test exercised the encoding: \(chosen)")
    }

    /// Every value through `encodeStream` (chunks under the estimate threshold, so none is refused) and back.
    static func streamRoundTrip(_ v: [UInt64]) throws {
        var lo = 0
        while lo < v.count || lo == 0 {
            let hi = min(v.count, lo + 255)
            let part = Array(v[lo..<hi])
            var out: [UInt8] = []
            #expect(part.withUnsafeBufferPointer { HuffmanCodec.encodeStream($0, into: &out) })
            var back = [UInt64](repeating: 0, count: part.count + 1)
            try out.withUnsafeBytes { b in
                var r = PayloadReader(b)
                try back.withUnsafeMutableBufferPointer { try HuffmanCodec.decodeStream(&r, count: part.count, into: $0.baseAddress!) }
                try r.expectEnd("stream")
            }
            #expect(Array(back[0..<part.count]) == part)
            lo = hi
            if v.isEmpty { break }
        }
    }

    @Test func skewedCodesPickItAndShrink() throws {
        var rng = SeededRandom(seed: 7)
        // Codes numbered in first-seen order of a Zipf-like popularity: small codes are the frequent ones.
        let codes = (0..<65_536).map { _ in UInt64(Double(200_000) * pow(rng.unit(), 4)) }
        let c = Self.column(.symbol, codes)
        let (auto, _) = try CodecFixtures.roundTrip(c, options: CodecOptions(compression: .zstd))
        let (packed, _) = try CodecFixtures.roundTrip(c, options: CodecOptions(compression: .none, forcedEncoding: .frameOfReference))
        #expect(auto.encoding == .huffman)
        #expect(Double(auto.storedBytes) < 0.88 * Double(packed.storedBytes), "\(auto.storedBytes) vs \(packed.storedBytes)")
        // Under LZ4 (the default) Huffman must also save 2 bits a row to pay for its decode: these codes save
        // 2.6 (bit packing keeps them), codes twice as steep save 5.3 and take it.
        let (lz4, _) = try CodecFixtures.roundTrip(c, options: CodecOptions(compression: .lz4))
        #expect(lz4.encoding == .frameOfReference)
        let steep = Self.column(.symbol, (0..<65_536).map { _ in UInt64(Double(200_000) * pow(rng.unit(), 8)) })
        let (steepLZ4, _) = try CodecFixtures.roundTrip(steep, options: CodecOptions(compression: .lz4))
        #expect(steepLZ4.encoding == .huffman)
        // Uniform codes gain nothing worth a slower decode: the estimate opts out, so it is never encoded.
        let flat = Self.column(.symbol, (0..<65_536).map { _ in UInt64(rng.below(1 << 14)) })
        let (u, _) = try CodecFixtures.roundTrip(flat, options: CodecOptions(compression: .zstd))
        #expect(u.encoding != .huffman)
    }

    @Test func decimalsAndPrefixedNumbersTakeItAsTheirInnerEncoding() throws {
        var rng = SeededRandom(seed: 99)
        var f = ColumnVector(type: .float64)
        for _ in 0..<10_000 { f.append(float64: rng.chance(0.25) ? 0 : Double(2800 + rng.below(1400)) / 1_000_000) }
        let (s, block) = try CodecFixtures.roundTrip(f, options: CodecOptions(compression: .none, forcedEncoding: .decimal, forcedInner: .huffman))
        #expect(s.encoding == .decimal)
        #expect(block[BlockCodec.headerSize + 1] == EncodingID.huffman.rawValue)
        var u = ColumnVector(type: .string)
        for _ in 0..<5000 { u.append(string: "u" + String(1_000_000 + Int(Double(900_000) * pow(rng.unit(), 3)))) }
        let (p, _) = try CodecFixtures.roundTrip(u, options: CodecOptions(compression: .none, forcedEncoding: .prefixedInteger, forcedInner: .huffman))
        #expect(p.encoding == .prefixedInteger)
    }

    @Test func codeLengthsStayWithinTheTableLimit() throws {
        // Fibonacci counts make the optimal code as deep as the alphabet: lengths must be flattened to 12.
        var fib = [1, 1]
        while fib.count < 25 { fib.append(fib[fib.count - 1] + fib[fib.count - 2]) }
        var values: [UInt64] = []
        for (v, k) in fib.enumerated() { values += Array(repeating: UInt64(v), count: k) }
        let c = Self.column(.uint64, values)
        let (s, block) = try CodecFixtures.roundTrip(c, options: CodecOptions(compression: .none, forcedEncoding: .huffman))
        #expect(s.encoding == .huffman)
        // Every 4-bit length after the header fields is at most 12.
        let at = BlockCodec.headerSize + 8 + 4
        let tokens = Int(block[at - 2]) | Int(block[at - 1]) << 8
        for i in 0..<tokens {
            let b = block[at + i / 2]
            #expect((i % 2 == 0 ? b & 15 : b >> 4) <= 12)
        }
    }

    /// A stream of `v` as `encodeStream` writes it (whatever its size).
    static func stream(_ v: [UInt64]) -> [UInt8] {
        var out: [UInt8] = []
        // Chunks of 255 are never refused; a longer stream is written when the estimate lets it.
        let written = v.withUnsafeBufferPointer { HuffmanCodec.encodeStream($0, into: &out) }
        precondition(written || v.count >= HuffmanCodec.estimateFrom)
        return out
    }

    static func decode(_ stream: [UInt8], count n: Int, kernels: Bool) throws -> [UInt64] {
        var back = [UInt64](repeating: 0, count: n)
        try stream.withUnsafeBytes { b in
            var r = PayloadReader(b)
            try back.withUnsafeMutableBufferPointer { o in
                try HuffmanCodec.decodeStream(&r, count: n, into: o.baseAddress!, kernels: kernels)
            }
            try r.expectEnd("stream")
        }
        return back
    }

    /// The unchecked kernels (one value a lookup, and up to four for short codes) give exactly what the
    /// bounds-checked value-by-value path gives, on seeded streams of every shape and of lengths around the
    /// rounds' edges (the kernels stop 7 bytes before a stream's end and 4 rows before its last).
    @Test func kernelsAgreeWithTheCheckedPath() throws {
        var rng = SeededRandom(seed: 2024)
        var multi = 0, single = 0, streams = 0
        for round in 0..<60 {
            let n = [255, 256, 257, 1001, 4096, 9999, 65_536][rng.below(7)]
            let shape = [0, 1, 2, 5, 6, 7, 8][rng.below(7)]
            let v: [UInt64] = shape == 8
                ? (0..<n).map { _ in rng.chance(0.7) ? 0 : rng.chance(0.8) ? UInt64(1 + rng.below(3)) : UInt64(rng.below(200)) }
                : Self.values(shape, n, &rng)
            let offsets = shape == 1 ? zip(v.dropFirst(), v).map { $0 &- $1 } : v
            let bytes = Self.stream(offsets)
            guard !bytes.isEmpty else { continue }
            streams += 1
            let fast = try Self.decode(bytes, count: offsets.count, kernels: true)
            let checked = try Self.decode(bytes, count: offsets.count, kernels: false)
            #expect(fast == offsets, "round \(round), shape \(shape), \(n) values")
            #expect(checked == offsets, "round \(round)")
            // Which kernel the block gets: short codes (shapes 5, 7, 8) the multi-value one.
            let lengths = Self.codeLengths(bytes)
            let t = try HuffmanCodec.decodeTables(lengths.lengths, lengths.tokens, at: 0)
            if t.meanBits * 2 <= Double(HuffmanCodec.multiBits) { multi += 1 } else { single += 1 }
        }
        #expect(streams > 40 && multi > 5 && single > 5, "\(streams) streams: \(multi) multi-value, \(single) single")
    }

    /// The code lengths and token split of a stream's header.
    static func codeLengths(_ b: [UInt8]) -> (lengths: [UInt8], tokens: HuffmanCodec.Tokens) {
        let count = Int(b[2]) | Int(b[3]) << 8
        var lengths = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            let byte: UInt8 = b[4 + i / 2]
            lengths[i] = i % 2 == 0 ? byte & 15 : byte >> 4
        }
        return (lengths, HuffmanCodec.Tokens(split: Int(b[0]), msbBits: Int(b[1])))
    }

    /// Damage inside long streams, where the kernels run: a code made incomplete, stream boundaries moved,
    /// random bytes flipped. Each is an error or (for flipped stream bits) some values, never a trap.
    @Test func damagedLongStreamsFailCleanly() throws {
        var rng = SeededRandom(seed: 77)
        for shape in [0, 5, 8] {
            let v: [UInt64] = shape == 8
                ? (0..<20_000).map { _ in rng.chance(0.7) ? 0 : UInt64(1 + rng.below(3)) }
                : Self.values(shape, 20_000, &rng)
            let bytes = Self.stream(v)
            #expect(!bytes.isEmpty)
            let tokens = Int(bytes[2]) | Int(bytes[3]) << 8
            let sizesAt = 4 + (tokens + 1) / 2
            // The most frequent token (the shortest code) loses its code: its patterns start no code.
            let (lengths, _) = Self.codeLengths(bytes)
            let shortest = lengths.indices.filter { lengths[$0] > 0 }.min { lengths[$0] < lengths[$1] }!
            var gap = bytes
            gap[4 + shortest / 2] &= shortest & 1 == 0 ? 0xF0 : 0x0F
            #expect(throws: CodecError.self) { try Self.decode(gap, count: v.count, kernels: true) }
            // Stream 0 two bytes shorter, stream 1 two longer: stream 0 runs out before its values.
            var moved = bytes
            let s0: UInt32 = bytes[sizesAt..<sizesAt + 4].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            let s1: UInt32 = bytes[sizesAt + 4..<sizesAt + 8].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            withUnsafeBytes(of: s0 - 2) { moved.replaceSubrange(sizesAt..<sizesAt + 4, with: $0) }
            withUnsafeBytes(of: s1 + 2) { moved.replaceSubrange(sizesAt + 4..<sizesAt + 8, with: $0) }
            #expect(throws: CodecError.self) { try Self.decode(moved, count: v.count, kernels: true) }
            // Random bytes anywhere: an error, or values; the same answer from both paths.
            for _ in 0..<200 {
                var b = bytes
                for _ in 0..<1 + rng.below(4) { b[rng.below(b.count)] ^= UInt8(1 + rng.below(255)) }
                let fast = Result { try Self.decode(b, count: v.count, kernels: true) }
                let checked = Result { try Self.decode(b, count: v.count, kernels: false) }
                switch (fast, checked) {
                case (.success(let x), .success(let y)): #expect(x == y)
                case (.failure, .failure): break
                default: Issue.record("the kernels and the checked path disagree on damaged bytes: \(fast) vs \(checked)")
                }
            }
        }
    }

    /// Symbol codes 3, 1, 2, 1, 1 (base 1; offsets 2, 0, 1, 0, 0): split 1, msb bits 1, tokens 0, 1, 2 with
    /// counts 3, 1, 1 → lengths 1, 2, 2, canonical codes 0, 10, 11 (written bit-reversed: 0, 01, 11);
    /// values go round-robin into four streams: stream 0 holds rows 0 and 4 (11 · 0 = 0x03), stream 1 row 1
    /// (0 = 0x00), stream 2 row 2 (10 = 0x01, LSB-first), stream 3 row 3 (0x00); one byte each.
    static let goldenHex = "100000000500000022000000" + "0100000000000000" + "0101" + "0300" + "2102"
        + "01000000" + "01000000" + "01000000" + "01000000" + "03000100"
    /// Times 100, 103, 106, 110, 111: deltas 3, 3, 4, 1, minimum 1, offsets 2, 2, 3, 0; split 0, msb bits 0,
    /// tokens 0 (value 0) and 2 (leading one at bit 1, one extra bit) with lengths 1, 0, 1; one value a
    /// stream: 1·0 = 0x01, 1·0 = 0x01, 1·1 = 0x03, 0 = 0x00.
    static let goldenDeltaHex = "11000000050000002a000000" + "6400000000000000" + "0100000000000000" + "0000" + "0300" + "0101"
        + "01000000" + "01000000" + "01000000" + "01000000" + "01010300"

    @Test func goldenBytes() throws {
        let codes = Self.column(.symbol, [3, 1, 2, 1, 1])
        var out: [UInt8] = []
        BlockCodec.encode(codes, range: 0..<5, options: CodecOptions(compression: .none, forcedEncoding: .huffman), into: &out)
        #expect(CodecFixtures.hex(out) == Self.goldenHex)
        let times = Self.column(.time, [100, 103, 106, 110, 111])
        var outD: [UInt8] = []
        BlockCodec.encode(times, range: 0..<5, options: CodecOptions(compression: .none, forcedEncoding: .deltaHuffman), into: &outD)
        #expect(CodecFixtures.hex(outD) == Self.goldenDeltaHex)
        for (hex, c) in [(Self.goldenHex, codes), (Self.goldenDeltaHex, times)] {
            var d = ColumnVector(type: c.type)
            let bytes = try #require(CodecGoldenTests.bytes(hex))
            try bytes.withUnsafeBytes { try BlockCodec.decode($0, type: c.type, rowCount: 5, into: &d) }
            CodecFixtures.expectSameRows(d, c, 0..<5)
        }
    }

    /// Field-by-field lies in an uncompressed block: each is a CodecError naming the problem.
    @Test func corruptFieldsThrowClearErrors() throws {
        let golden = try #require(CodecGoldenTests.bytes(Self.goldenHex))
        let p = BlockCodec.headerSize + 8  // split at p, msb bits p+1, token count p+2, lengths p+4, stream length p+6
        func expectError(_ b: [UInt8], type: ColumnType = .symbol, _ fragment: String) {
            var d = ColumnVector(type: type)
            do {
                try b.withUnsafeBytes { try BlockCodec.decode($0, type: type, rowCount: 5, into: &d) }
                Issue.record("decoded a corrupt block (\(fragment))")
            } catch {
                #expect(fragment.isEmpty || "\(error)".contains(fragment), "\(error)")
                #expect(d.count == 0)
            }
        }
        var split = golden; split[p] = 9
        expectError(split, "split 9/1 is out of range")
        var msb = golden; msb[p + 1] = 3
        expectError(msb, "out of range")
        var msbOverSplit = golden; msbOverSplit[p] = 0
        expectError(msbOverSplit, "out of range")
        // With split 1 and one msb bit, 2 + (32 - 1) << 1 = 64 tokens name every 32-bit value; 65 would name a 33-bit one.
        var tokens = golden; tokens[p + 2] = 65
        expectError(tokens, "token count 65 does not fit 32-bit values")
        var zeroTokens = golden; zeroTokens[p + 2] = 0
        expectError(zeroTokens, "token count 0")
        var over = golden; over[p + 4] = 0x11  // lengths 1, 1, 2: over-subscribed
        expectError(over, "do not form a prefix code")
        var long = golden; long[p + 5] = 0x0D
        expectError(long, "code length 13 exceeds 12")
        var gap = golden; gap[p + 5] = 0x00  // lengths 1, 2: the pattern 11 starts no code
        expectError(gap, "no code starts with")
        var short = golden; short[p + 6] = 0x02  // stream 0 claims 2 bytes: the streams need 5, the block holds 4
        expectError(short, "huffman streams needs 5 bytes")
        var early = golden; early[p + 6] = 0x00; early[p + 10] = 0x02  // stream 0 empty: its values run past its end
        expectError(early, "bits before its values")
        // A stream whose values need more bits than it has: five rows of 12-bit codes in one byte.
        var deep = golden; deep[p + 4] = 0xCC; deep[p + 5] = 0x0C  // lengths 12, 12, 12
        expectError(deep, "")
        // Every cut is refused.
        for len in 0..<golden.count { expectError(Array(golden[0..<len]), "") }
        let goldenD = try #require(CodecGoldenTests.bytes(Self.goldenDeltaHex))
        for len in 0..<goldenD.count { expectError(Array(goldenD[0..<len]), type: .time, "") }
    }
}
