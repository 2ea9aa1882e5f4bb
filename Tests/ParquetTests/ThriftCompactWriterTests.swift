import Testing
import TestSupport
@testable import Parquet

@Suite struct ThriftCompactWriterTests {
    /// Golden bytes worked out by hand from the compact protocol specification.
    @Test func fieldsEncodeAsTheSpecificationSays() {
        var w = ThriftCompactWriter()
        w.writeStructBody { s in
            s.i32(1, 1)                  // delta 1, type i32 (5): 0x15; zigzag(1) = 2
            s.string(4, "ab")            // delta 3, binary (8): 0x38; length 2; "ab"
            s.bool(5, true)              // delta 1, BOOLEAN_TRUE (1): 0x11
            s.i64(20, -1)                // delta 15, i64 (6): 0xF6; zigzag(-1) = 1
            s.i32(40, 300)               // delta 20 > 15: type byte 0x05, zigzag id 80 = 0x50; zigzag(300) = 600 = 0xD8 0x04
            s.structure(41) { t in       // delta 1, struct (12): 0x1C
                t.i32(1, -2)             // 0x15; zigzag(-2) = 3
            }                            // stop 0x00
            s.i32List(42, [0, 1, 2])     // delta 1, list (9): 0x19; 3 << 4 | i32 = 0x35; 0x00 0x02 0x04
            s.bool(43, false)            // delta 1, BOOLEAN_FALSE (2): 0x12
        }                                // stop 0x00
        #expect(w.bytes == [0x15, 0x02, 0x38, 0x02, 0x61, 0x62, 0x11, 0xF6, 0x01, 0x05, 0x50, 0xD8, 0x04,
                            0x1C, 0x15, 0x03, 0x00, 0x19, 0x35, 0x00, 0x02, 0x04, 0x12, 0x00])
    }

    @Test func longListsCarryTheirSizeAsAVarint() {
        var w = ThriftCompactWriter()
        w.writeStructBody { $0.i32List(1, Array(repeating: 7, count: 20)) }
        #expect(Array(w.bytes.prefix(3)) == [0x19, 0xF5, 20])
        #expect(w.bytes.count == 3 + 20 + 1)
    }

    @Test func pageHeaderGoldenBytes() {
        let h = PageHeader(type: .dataPage, uncompressedSize: 100, compressedSize: 64, numValues: 10, encoding: .plain)
        var w = ThriftCompactWriter()
        w.writeStructBody { h.encode(&$0) }
        #expect(w.bytes == [0x15, 0x00,         // type DATA_PAGE
                            0x15, 0xC8, 0x01,   // uncompressed 100
                            0x15, 0x80, 0x01,   // compressed 64
                            0x2C,               // field 5, struct: data_page_header
                            0x15, 0x14,         //   num_values 10
                            0x15, 0x00,         //   encoding PLAIN
                            0x15, 0x06,         //   definition levels RLE (3)
                            0x15, 0x06,         //   repetition levels RLE
                            0x00,               // end of data_page_header
                            0x00])
    }
}

@Suite struct RLEHybridTests {
    @Test func runsOfEightOrMoreAreRLE() {
        var out: [UInt8] = []
        [UInt32](repeating: 1, count: 10).withUnsafeBufferPointer { RLEHybrid.encode($0, bitWidth: 1, into: &out) }
        #expect(out == [0x14, 0x01])
    }

    @Test func shortRunsAreBitPacked() {
        var out: [UInt8] = []
        [UInt32]([1, 0, 1]).withUnsafeBufferPointer { RLEHybrid.encode($0, bitWidth: 1, into: &out) }
        #expect(out == [0x03, 0x05])
        out = []
        [UInt32]([0, 1, 2, 3, 4, 5, 6, 7]).withUnsafeBufferPointer { RLEHybrid.encode($0, bitWidth: 3, into: &out) }
        // The specification's own example: 0..7 in 3 bits is 10001000 11000110 11111010.
        #expect(out == [0x03, 0x88, 0xC6, 0xFA])
    }

    @Test func seededValuesRoundTrip() throws {
        var rng = SeededRandom(seed: 17)
        for _ in 0..<200 {
            let width = Int(rng.next() % 21)
            let n = Int(rng.next() % 3000)
            var values: [UInt32] = []
            while values.count < n {
                let v = width == 0 ? 0 : UInt32(truncatingIfNeeded: rng.next()) & UInt32((UInt64(1) << UInt64(width)) - 1)
                let run = rng.next() % 4 == 0 ? Int(rng.next() % 40) : 1
                values.append(contentsOf: repeatElement(v, count: min(run, n - values.count)))
            }
            var encoded: [UInt8] = []
            values.withUnsafeBufferPointer { RLEHybrid.encode($0, bitWidth: width, into: &encoded) }
            var decoded: [UInt32] = []
            try encoded.withUnsafeBytes { try RLEHybrid.decode($0, bitWidth: width, count: n, into: &decoded) }
            #expect(decoded == values)
        }
    }

    @Test func truncatedRunsThrow() {
        var encoded: [UInt8] = []
        [UInt32](0..<64).withUnsafeBufferPointer { RLEHybrid.encode($0, bitWidth: 6, into: &encoded) }
        var decoded: [UInt32] = []
        #expect(throws: ParquetError.self) {
            try encoded.dropLast(3).withUnsafeBytes { try RLEHybrid.decode($0, bitWidth: 6, count: 64, into: &decoded) }
        }
    }
}

