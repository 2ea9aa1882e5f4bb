import ColumnStore
import Testing
import TestSupport

/// Truncated, mutated or mislabelled blocks throw CodecError and never trap.
@Suite struct CodecCorruptionTests {
    /// A handful of blocks covering every encoding and compression.
    static func blocks() -> [(ColumnType, Int, [UInt8])] {
        var rng = SeededRandom(seed: 99)
        var result: [(ColumnType, Int, [UInt8])] = []
        for type in ColumnType.allCases {
            for id in EncodingID.allCases where id.applies(to: type) {
                for comp in CodecFixtures.compressions {
                    let n = [1, 70, 300][rng.below(3)]
                    let c = CodecFixtures.column(type, rows: n, rng: &rng, forEncoding: id)
                    var out: [UInt8] = []
                    BlockCodec.encode(c, range: 0..<n, options: CodecOptions(compression: comp, forcedEncoding: id), into: &out)
                    result.append((type, n, out))
                }
            }
        }
        return result
    }

    func decode(_ b: [UInt8], _ type: ColumnType, _ n: Int) throws {
        var d = ColumnVector(type: type)
        do {
            try b.withUnsafeBytes { try BlockCodec.decode($0, type: type, rowCount: n, into: &d) }
        } catch {
            #expect(d.count == 0, "vector emptied after an error")
            throw error
        }
        #expect(d.count == n)
    }

    @Test func everyTruncationThrows() {
        for (type, n, b) in Self.blocks() {
            for len in 0..<b.count {
                #expect(throws: CodecError.self, "\(type) \(b[0]) cut to \(len) of \(b.count)") {
                    try decode(Array(b[0..<len]), type, n)
                }
            }
        }
    }

    @Test func trailingBytesThrow() {
        for (type, n, b) in Self.blocks() where b[1] == CompressionKind.none.rawValue {
            #expect(throws: CodecError.self) { try decode(b + [0], type, n) }
        }
    }

    @Test func headerLiesThrow() {
        for (type, n, b) in Self.blocks() {
            var wrongRows = b; wrongRows[4] &+= 1
            #expect(throws: CodecError.self) { try decode(wrongRows, type, n) }
            #expect(throws: CodecError.self) { try decode(b, type, n + 1) }
            var unknownEncoding = b; unknownEncoding[0] = 200
            #expect(throws: CodecError.self) { try decode(unknownEncoding, type, n) }
            var unknownCompression = b; unknownCompression[1] = 9
            #expect(throws: CodecError.self) { try decode(unknownCompression, type, n) }
            var flags = b; flags[2] |= 0x80
            #expect(throws: CodecError.self) { try decode(flags, type, n) }
            var reserved = b; reserved[3] = 1
            #expect(throws: CodecError.self) { try decode(reserved, type, n) }
            var bodyLength = b; bodyLength[11] = 0x7F
            #expect(throws: CodecError.self) { try decode(bodyLength, type, n) }
        }
        // A type the encoding does not apply to.
        var out: [UInt8] = []
        var c = ColumnVector(type: .bool); c.append(bool: true); c.append(bool: false)
        BlockCodec.encode(c, range: 0..<2, options: CodecOptions(forcedEncoding: .bitmap), into: &out)
        #expect(throws: CodecError.self) { try decode(out, .int64, 2) }
    }

    /// Random bit flips, byte overwrites, insertions and deletions: decoding may succeed (the checksum is the
    /// segment reader's job) but must either return `n` rows or throw.
    @Test func randomMutationsNeverTrap() {
        var rng = SeededRandom(seed: 2024)
        let blocks = Self.blocks()
        var thrown = 0
        for _ in 0..<4000 {
            let (type, n, original) = blocks[rng.below(blocks.count)]
            var b = original
            for _ in 0..<(1 + rng.below(3)) {
                switch rng.below(5) {
                case 0, 1: let i = rng.below(b.count); b[i] ^= 1 << UInt8(rng.below(8))
                case 2: b[rng.below(b.count)] = UInt8(truncatingIfNeeded: rng.next())
                case 3: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.below(b.count + 1))
                default: if b.count > 1 { b.remove(at: rng.below(b.count)) }
                }
            }
            do { try decode(b, type, n) } catch { thrown += 1 }
        }
        #expect(thrown > 1000)
    }
}
