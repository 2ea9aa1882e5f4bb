import NIOCore
import Testing
@testable import PGWire

/// Arrays in binary format (`array_send`): golden bytes for an `int4[]` with a NULL, a `text[]`, and an
/// empty array (no dimensions); and the array types' OIDs and names.
@Suite struct PGArrayBinaryTests {
    @Test func int4ArrayWithNull() {
        let bytes = PGValueTests.value { w in
            w.beginArray(element: .int4, count: 3, hasNull: true)
            w.writeInteger(1, as: .int4, .binary)
            w.writeNull()
            w.writeInteger(-2, as: .int4, .binary)
            w.endArray()
        }
        #expect(bytes == [
            0, 0, 0, 40,  // value length: 20 header bytes + 8 + 4 + 8
            0, 0, 0, 1,  // one dimension
            0, 0, 0, 1,  // has NULLs
            0, 0, 0, 23,  // element type int4
            0, 0, 0, 3, 0, 0, 0, 1,  // 3 elements, lower bound 1
            0, 0, 0, 4, 0, 0, 0, 1,
            0xFF, 0xFF, 0xFF, 0xFF,  // NULL
            0, 0, 0, 4, 0xFF, 0xFF, 0xFF, 0xFE,
        ])
    }

    @Test func textArray() {
        let bytes = PGValueTests.value { w in
            w.beginArray(element: .text, count: 2, hasNull: false)
            for s in ["a", "bc"] { Array(s.utf8).withUnsafeBytes { w.writeText($0) } }
            w.endArray()
        }
        #expect(bytes == [0, 0, 0, 31, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 25, 0, 0, 0, 2, 0, 0, 0, 1,
                          0, 0, 0, 1, 0x61, 0, 0, 0, 2, 0x62, 0x63])
    }

    /// An empty array has no dimensions, so neither length nor lower bound follows the element type.
    @Test func emptyArray() {
        let bytes = PGValueTests.value { w in
            w.beginArray(element: .int8, count: 0, hasNull: false)
            w.endArray()
        }
        #expect(bytes == [0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20])
    }

    /// Two arrays in one row: each patches its own length.
    @Test func twoArraysInARow() {
        var w = PGDataRowWriter(buffer: ByteBuffer())
        w.beginRow(columns: 2)
        for v: Int64 in [5, 6] {
            w.beginArray(element: .int8, count: 1, hasNull: false)
            w.writeInteger(v, as: .int8, .binary)
            w.endArray()
        }
        w.endRow()
        let b = Array(w.buffer.readableBytesView)
        let array: [UInt8] = [0, 0, 0, 32, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0]
        #expect(b == [0x44, 0, 0, 0, 78, 0, 2] + array + [5] + array + [6])
    }

    @Test func arrayTypes() {
        #expect(PGType.array(of: .int4) == PGType(oid: 1007, size: -1, name: "_int4"))
        #expect(PGType.array(of: .int8)?.oid == 1016)
        #expect(PGType.array(of: .text)?.name == "_text")
        #expect(PGType.array(of: .timestamptz)?.oid == 1185)
        #expect(PGType.array(of: .interval) == nil)
    }
}
