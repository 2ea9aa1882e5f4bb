import ColumnStore
import Testing
import TestSupport

/// Every encoding × every type it applies to × every compression round-trips seeded random data.
@Suite struct CodecRoundTripTests {
    static let cases: [(ColumnType, EncodingID)] = ColumnType.allCases.flatMap { t in
        EncodingID.allCases.filter { $0.applies(to: t) }.map { (t, $0) }
    }

    @Test(arguments: cases)
    func forcedEncodingRoundTrips(type: ColumnType, encoding: EncodingID) throws {
        var rng = SeededRandom(seed: UInt64(type.rawValue) << 8 | UInt64(encoding.rawValue))
        for compression in CodecFixtures.compressions {
            for n in CodecFixtures.sizes {
                for _ in 0..<2 {
                    let c = CodecFixtures.column(type, rows: n, rng: &rng, forEncoding: encoding)
                    let options = CodecOptions(compression: compression, zstdLevel: 3, forcedEncoding: encoding)
                    let (s, _) = try CodecFixtures.roundTrip(c, options: options)
                    // Constant needs a row, ALP a decimal and an exception; the Huffman encodings opt out from 256
                    // values on where bit packing is about as small, ranked-huffman wherever no value repeats 3 times;
                    // every other encoding applies to any data generated for it.
                    let huffman = encoding == .huffman || encoding == .deltaHuffman
                    if (n > 0 || encoding != .constant) && (n > 1 || encoding != .alp) && (n < 256 || !huffman)
                        && encoding != .rankedHuffman {
                        #expect(s.encoding == encoding, "\(type) \(n) rows \(compression)")
                    }
                    #expect(s.compression == .none || s.compression == compression)
                }
            }
        }
    }

    @Test(arguments: cases)
    func fullBlockRoundTrips(type: ColumnType, encoding: EncodingID) throws {
        var rng = SeededRandom(seed: 65536 &+ UInt64(encoding.rawValue))
        let c = CodecFixtures.column(type, rows: 65536, rng: &rng, forEncoding: encoding)
        let compression = CodecFixtures.compressions[Int(encoding.rawValue) % 3]
        let (s, _) = try CodecFixtures.roundTrip(c, options: CodecOptions(compression: compression, forcedEncoding: encoding))
        // The Huffman encodings opt out where bit packing is about as small (the fixture's shape decides).
        if encoding != .huffman && encoding != .deltaHuffman && encoding != .rankedHuffman { #expect(s.encoding == encoding) }
    }

    /// Bit packing has a loop specialised per width for whole groups of 8 values and a value-by-value
    /// tail: every width, group-aligned and ragged lengths, with and without a frame-of-reference base.
    @Test func frameOfReferenceRoundTripsEveryBitWidth() throws {
        var rng = SeededRandom(seed: 4242)
        for width in 1...64 {
            for n in [1, 7, 8, 9, 64, 1001, 4096] {
                for base: Int64 in [0, -1_000_000_007] {
                    var c = ColumnVector(type: .int64, capacity: n)
                    let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
                    for i in 0..<n {
                        // The first value pins the frame's base, the second its full width.
                        let offset: UInt64 = i == 0 ? 0 : i == 1 ? mask : rng.next() & mask
                        c.append(int64: base &+ Int64(bitPattern: offset))
                    }
                    let (s, _) = try CodecFixtures.roundTrip(c, options: CodecOptions(compression: .none, forcedEncoding: .frameOfReference))
                    #expect(s.encoding == .frameOfReference, "width \(width), \(n) rows")
                }
            }
        }
    }

    @Test(arguments: ColumnType.allCases)
    func automaticChoiceRoundTripsSlices(type: ColumnType) throws {
        var rng = SeededRandom(seed: 77 &+ UInt64(type.rawValue))
        for compression in CodecFixtures.compressions {
            for n in CodecFixtures.sizes {
                let c = CodecFixtures.column(type, rows: n + 10, rng: &rng)
                let lo = rng.below(11)
                try CodecFixtures.roundTrip(c, range: lo..<(lo + n), options: CodecOptions(compression: compression))
            }
        }
    }

    @Test func encoderAppendsWithoutOverwriting() throws {
        var rng = SeededRandom(seed: 5)
        var out: [UInt8] = [0xDE, 0xAD, 0xBE, 0xEF]
        var blocks: [(ColumnVector, Range<Int>)] = []
        for type in ColumnType.allCases {
            let c = CodecFixtures.column(type, rows: 300, rng: &rng)
            let start = out.count
            let s = BlockCodec.encode(c, range: 0..<300, options: CodecOptions(), into: &out)
            #expect(out.count == start + s.storedBytes)
            blocks.append((c, start..<out.count))
        }
        #expect(Array(out[0..<4]) == [0xDE, 0xAD, 0xBE, 0xEF])
        for (c, r) in blocks {
            var d = ColumnVector(type: c.type)
            try out.withUnsafeBytes { try BlockCodec.decode(UnsafeRawBufferPointer(rebasing: $0[r]), type: c.type, rowCount: 300, into: &d) }
            CodecFixtures.expectSameRows(d, c, 0..<300)
        }
    }

    @Test func decodeReusesAndEmptiesTheVector() throws {
        var rng = SeededRandom(seed: 6)
        let big = CodecFixtures.column(.string, rows: 500, rng: &rng, nulls: true)
        let small = CodecFixtures.column(.string, rows: 3, rng: &rng, nulls: false)
        var out: [UInt8] = []
        BlockCodec.encode(small, range: 0..<3, options: CodecOptions(), into: &out)
        var d = big
        try out.withUnsafeBytes { try BlockCodec.decode($0, type: .string, rowCount: 3, into: &d) }
        CodecFixtures.expectSameRows(d, small, 0..<3)
    }
}
