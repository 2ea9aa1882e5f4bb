import ColumnStore
import Testing

/// Golden bytes pin the block format: a change here is a format change (new encoding id or a version bump).
@Suite struct CodecGoldenTests {
    static func ints(_ type: ColumnType, _ v: [Int64?]) -> ColumnVector {
        var c = ColumnVector(type: type)
        for x in v { if let x { c.append(int64: x) } else { c.appendNulls(1) } }
        return c
    }
    static let int64s = ints(.int64, [100, 103, 101, 107, 90])
    static let floats: ColumnVector = { var c = ColumnVector(type: .float64); for x in [1.5, 1.5, 2.25, -0.5] { c.append(float64: x) }; return c }()
    static let bools: ColumnVector = { var c = ColumnVector(type: .bool); for x in [1, 0, 1, 1, 0, 0, 0, 0, 1] { c.append(bool: x == 1) }; return c }()
    static let strings: ColumnVector = { var c = ColumnVector(type: .string); for s in ["b", "a", "", "b"] { c.append(string: s) }; return c }()
    static let codes: ColumnVector = { var c = ColumnVector(type: .symbol); for x: UInt32 in [3, 1, 2] { c.append(code: x) }; return c }()

    /// (column, forced encoding, expected block in hex) — all uncompressed.
    static let cases: [(String, ColumnVector, EncodingID, String)] = [
        ("int64 plain", int64s, .plain, "0000000005000000280000006400000000000000670000000000000065000000000000006b000000000000005a00000000000000"),
        ("int64 constant", ints(.int64, [7, 7, 7]), .constant, "0100000003000000080000000700000000000000"),
        ("int64 for", int64s, .frameOfReference, "02000000050000000d0000005a0000000000000005aaad0800"),
        ("int64 delta", int64s, .delta, "0300000005000000140000006400000000000000efffffffffffffff05f45d00"),
        ("int64 delta-zigzag", int64s, .deltaZigZag, "04000000050000000c000000640000000000000006c6c084"),
        ("int64 delta-of-delta", int64s, .deltaOfDelta, "050000000500000014000000640000000000000003000000000000000609d402"),
        ("int64 narrow", int64s, .narrow, "06000000050000000e0000005a00000000000000010a0d0b1100"),
        ("int64 delta-narrow", int64s, .deltaNarrow, "0700000005000000150000006400000000000000efffffffffffffff01140f1700"),
        ("int64 for with nulls", ints(.int64, [5, nil, 7]), .frameOfReference, "02000100030000000c00000005000000000000000003c501"),
        ("symbol for", codes, .frameOfReference, "02000000030000000a00000001000000000000000212"),
        ("float plain", floats, .plain, "000000000400000020000000000000000000f83f000000000000f83f0000000000000240000000000000e0bf"),
        ("float gorilla", floats, .gorilla, "080000000400000010000000000000000000f83f0e9afe7fc089ff03"),
        ("float byte-shuffle", floats, .byteShuffle, "090000000400000020000000000000000000000000000000000000000000000000000000f8f802e03f3f40bf"),
        ("float decimal", floats, .decimal, "0a00000004000000100000000202ceffffffffffffff09c8904d0400"),
        ("bool bitmap", bools, .bitmap, "0b00000009000000020000000d01"),
        ("bool plain", bools, .plain, "000000000900000009000000010001010000000001"),
        ("string plain", strings, .plain, "00000000040000001300000001000000010000000000000001000000626162"),
        ("string lengths", strings, .stringLengths, "0c000000040000000d0000000000000000000000010b626162"),
        ("string dictionary", strings, .stringDictionary, "0d000000040000001a0000000300000000000000000000000106616200000000000000000286"),
    ]

    @Test func uncompressedBlocksMatchGoldenBytes() throws {
        for (name, c, id, golden) in Self.cases {
            var out: [UInt8] = []
            let s = BlockCodec.encode(c, range: 0..<c.count, options: CodecOptions(compression: .none, forcedEncoding: id), into: &out)
            #expect(s.encoding == id, "\(name)")
                        #expect(CodecFixtures.hex(out) == golden, "\(name)")
            var d = ColumnVector(type: c.type)
            let bytes = try #require(Self.bytes(golden))
            try bytes.withUnsafeBytes { try BlockCodec.decode($0, type: c.type, rowCount: c.count, into: &d) }
            CodecFixtures.expectSameRows(d, c, 0..<c.count)
        }
    }

    /// Compressed blocks written by this version must keep decoding (compressor output itself may change
    /// with the library version, so only decoding is pinned).
    @Test func compressedGoldenBlocksDecode() throws {
        var c = ColumnVector(type: .string)
        for _ in 0..<4 { c.append(string: "spotify"); c.append(string: "spotify, again") }
        for (comp, golden) in [(CompressionKind.lz4, "0001000008000000740000008f070000000e0000000800057373706f746966790700732c20616761696e0e000307000f15001950616761696e"),
                              (.zstd, "00020000080000007400000028b52ffd20740d0100b0070000000e00000073706f746966792c20616761696e0300c4298d4a6606162e")] {
            let bytes = try #require(Self.bytes(golden))
            #expect(bytes[1] == comp.rawValue)
            var d = ColumnVector(type: .string)
            try bytes.withUnsafeBytes { try BlockCodec.decode($0, type: .string, rowCount: 8, into: &d) }
            CodecFixtures.expectSameRows(d, c, 0..<8)
        }
    }

    /// A decimal block over delta-zigzag (e = 2, inner 4): the gauges 12.34, 12.35, 12.31, 12.40 as the
    /// integers 1234… — first value, then the zigzagged deltas 2, 7, 18 packed 5 bits wide.
    @Test func decimalOverDeltaZigZagDecodes() throws {
        let bytes = try #require(Self.bytes("0a00000004000000" + "0d000000" + "0204" + "d204000000000000" + "05e248"))
        var d = ColumnVector(type: .float64)
        try bytes.withUnsafeBytes { try BlockCodec.decode($0, type: .float64, rowCount: 4, into: &d) }
        #expect(d.float64s.map(\.bitPattern) == [12.34, 12.35, 12.31, 12.40].map(\.bitPattern))
        // A cut payload or a wider bit width than the bytes hold is refused, not misread.
        for bad in ["0a000000040000000c0000000204d204000000000000" + "05e2", "0a000000040000000d0000000204d204000000000000" + "41e248"] {
            let b = try #require(Self.bytes(bad))
            var v = ColumnVector(type: .float64)
            #expect(throws: CodecError.self) { try b.withUnsafeBytes { try BlockCodec.decode($0, type: .float64, rowCount: 4, into: &v) } }
        }
    }

    static func bytes(_ hex: String) -> [UInt8]? {
        let u = Array(hex.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for i in stride(from: 0, to: u.count, by: 2) {
            guard let b = UInt8(String(decoding: u[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(b)
        }
        return out
    }
}
