import ColumnStore
import Testing
import TestSupport

/// Column builders and checkers shared by the codec tests.
enum CodecFixtures {
    static let sizes = [0, 1, 2, 3, 63, 64, 65, 127, 128, 129, 1000, 4099]
    static let compressions: [CompressionKind] = [.none, .lz4, .zstd]

    /// Random values of `type` in one of several shapes (chosen by `rng`), with NULLs in some columns.
    static func column(_ type: ColumnType, rows n: Int, rng: inout SeededRandom, nulls: Bool? = nil,
                       forEncoding id: EncodingID? = nil) -> ColumnVector {
        var c = ColumnVector(type: type, capacity: n)
        let shape = rng.below(5)
        let withNulls = nulls ?? rng.chance(0.3)
        let nullRate = [0.01, 0.3, 0.95][rng.below(3)]
        let constant = id == .constant
        var t = Int64(1_763_683_200_000_000_000) + Int64(rng.below(1 << 40))
        let constantInt = Int64(bitPattern: rng.next())
        for i in 0..<n {
            if withNulls && rng.chance(nullRate) && !constant && !(id == .alp && i % 8 == 1) { c.appendNulls(1); continue }
            switch type {
            case .time, .int64, .date:
                let v: Int64
                if constant { v = constantInt } else {
                    switch shape {
                    case 0: v = Int64(bitPattern: rng.next())
                    case 1: t += Int64(rng.below(4_000_000_000)); v = t
                    case 2: v = Int64(rng.below(1000)) - 500
                    case 3: v = [Int64.min, Int64.max, 0, -1, 1][rng.below(5)]
                    default: t += 1_000_000_000 + (rng.chance(0.1) ? Int64(rng.below(1000)) : 0); v = t
                    }
                }
                c.append(int64: v)
            case .uint64:
                let v: UInt64
                if constant { v = UInt64(bitPattern: constantInt) } else {
                    switch shape {
                    case 0: v = rng.next()
                    case 1: v = UInt64(i) * 7 + UInt64(rng.below(3))
                    case 2: v = UInt64(rng.below(300_000))
                    case 3: v = [UInt64.max, 0, 1, UInt64.max - 1][rng.below(4)]
                    default: v = UInt64.max - UInt64(rng.below(100))
                    }
                }
                c.append(uint64: v)
            case .symbol:
                let v: UInt32
                if constant { v = UInt32(truncatingIfNeeded: constantInt) } else {
                    switch shape {
                    case 0: v = UInt32(truncatingIfNeeded: rng.next())
                    case 1: v = UInt32(rng.below(8))
                    case 2: v = UInt32(Double(200_000) * rng.unit() * rng.unit())
                    case 3: v = [UInt32.max, 0, 1][rng.below(3)]
                    default: v = UInt32(i / 7)
                    }
                }
                c.append(code: v)
            case .float64:
                let v: Double
                if constant { v = Double(bitPattern: UInt64(bitPattern: constantInt)) } else if id == .decimal {
                    v = Double(rng.below(2_000_000) - 1_000_000) / 1_000_000
                } else if id == .alp {
                    // Two-decimal gauges with an exception every 8th row (one in a block of 2 or 3).
                    v = i % 8 == 1 ? [.nan, -0.0, .infinity, 1.0 / 3, 5e-324][rng.below(5)] : Double(rng.below(10_001)) / 100
                } else {
                    switch shape {
                    case 0: v = Double(bitPattern: rng.next())  // includes NaN payloads and infinities
                    case 1: v = Double(rng.below(20_000)) / 1_000_000
                    case 2: v = 20 + sin(Double(i) / 50) * 3 + Double(rng.below(100)) / 100
                    case 3: v = [0.0, -0.0, .infinity, -.infinity, .nan, Double(bitPattern: 0x7FF4_0000_0000_0001),
                                 .leastNonzeroMagnitude, .greatestFiniteMagnitude, -1.5][rng.below(9)]
                    default: v = rng.unit()
                    }
                }
                c.append(float64: v)
            case .bool:
                c.append(bool: constant ? constantInt & 1 == 1 : rng.chance([0.5, 0.03, 0.97, 0.0, 0.23][shape]))
            case .string:
                if constant { c.append(string: "constant \(constantInt) ✓"); continue }
                if id == .prefixedInteger { c.append(string: prefixedNumber(shape, rng: &rng)); continue }
                switch shape {
                case 0: c.append(string: "u\(1_000_000 + rng.below(3000))")
                case 1: c.append(string: ["spotify", "", "apple_music", "Ünïcødé 🎵", "tidal"][rng.below(5)])
                case 2: c.append(string: String(repeating: "x", count: rng.chance(0.01) ? 1000 + rng.below(4000) : rng.below(10)))
                case 3: c.append(string: "")
                default:
                    let bytes = (0..<rng.below(40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                    bytes.withUnsafeBytes { c.append(string: $0) }  // not UTF-8: codecs carry bytes
                }
            }
        }
        return c
    }

    /// A string that a block of the same `shape` can store as prefix + number: fixed-width ids, canonical
    /// numbers of varying length, bare digits, a non-ASCII prefix, 19-digit numbers.
    static func prefixedNumber(_ shape: Int, rng: inout SeededRandom) -> String {
        switch shape {
        case 0: return "u" + zeroPadded(UInt64(rng.below(1_000_000)), 7)
        case 1: let v = rng.next() >> 1; return "order-\(v >> UInt64(rng.below(63)))"  // ≤ 19 digits
        case 2: return "\(rng.below(1000))"
        case 3: return "Ünïcødé 🎵 #" + zeroPadded(UInt64(rng.below(100)), 3)
        default: return zeroPadded(rng.next() % 10_000_000_000_000_000_000, 19)
        }
    }

    static func zeroPadded(_ v: UInt64, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// Encodes rows `range` of `c` and decodes them back, checking the header's promises on the way.
    @discardableResult
    static func roundTrip(_ c: ColumnVector, range: Range<Int>? = nil, options: CodecOptions,
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> (BlockSummary, [UInt8]) {
        let range = range ?? 0..<c.count
        var out: [UInt8] = []
        let s = BlockCodec.encode(c, range: range, options: options, into: &out)
        #expect(s.storedBytes == out.count, sourceLocation: sourceLocation)
        var d = ColumnVector(type: c.type)
        try out.withUnsafeBytes { try BlockCodec.decode($0, type: c.type, rowCount: range.count, into: &d) }
        expectSameRows(d, c, range, sourceLocation: sourceLocation)
        return (s, out)
    }

    /// `d` holds exactly rows `range` of `c` (floats compared by bit pattern).
    static func expectSameRows(_ d: ColumnVector, _ c: ColumnVector, _ range: Range<Int>,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        let e = c.slice(range)
        #expect(d.count == e.count, sourceLocation: sourceLocation)
        #expect(d.validity == e.validity, "validity", sourceLocation: sourceLocation)
        switch c.type {
        case .time, .int64, .date: #expect(d.int64s == e.int64s, sourceLocation: sourceLocation)
        case .uint64: #expect(d.uint64s == e.uint64s, sourceLocation: sourceLocation)
        case .symbol: #expect(d.codes == e.codes, sourceLocation: sourceLocation)
        case .float64: #expect(d.float64s.map(\.bitPattern) == e.float64s.map(\.bitPattern), sourceLocation: sourceLocation)
        case .bool: #expect(d.bools == e.bools, sourceLocation: sourceLocation)
        case .string:
            #expect(d.offsets == e.offsets, sourceLocation: sourceLocation)
            #expect(d.bytes == e.bytes, sourceLocation: sourceLocation)
        }
    }

    static func hex(_ b: [UInt8]) -> String {
        b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

#if canImport(Glibc)
import Glibc
#endif
