import ColumnStore
import Testing
import TestSupport

/// Edge values and shapes: empty, one row, all NULL, extremes, special floats, awkward strings.
@Suite struct CodecEdgeCaseTests {
    static let options: [CodecOptions] = CodecFixtures.compressions.flatMap { c in
        [CodecOptions(compression: c)] + EncodingID.allCases.map { CodecOptions(compression: c, forcedEncoding: $0) }
    }

    /// Round-trips `c` under every compression and every (applicable) forced encoding.
    func everyWay(_ c: ColumnVector) throws {
        for o in Self.options { try CodecFixtures.roundTrip(c, options: o) }
    }

    @Test(arguments: ColumnType.allCases)
    func emptyOneRowAndAllNull(type: ColumnType) throws {
        try everyWay(ColumnVector(type: type))
        for n in [1, 2, 63, 64, 65, 1000] { try everyWay(ColumnVector(type: type, nulls: n)) }
        var one = ColumnVector(type: type)
        switch type {
        case .time, .int64, .date: one.append(int64: -42)
        case .uint64: one.append(uint64: 42)
        case .float64: one.append(float64: 4.2)
        case .bool: one.append(bool: true)
        case .symbol: one.append(code: 7)
        case .string: one.append(string: "forty-two")
        }
        try everyWay(one)
        var withNull = one
        withNull.appendNulls(1)
        try everyWay(withNull)
    }

    @Test func allNullBlockIsTiny() {
        var out: [UInt8] = []
        let s = BlockCodec.encode(ColumnVector(type: .int64, nulls: 65536), range: 0..<65536, options: CodecOptions(), into: &out)
        #expect(s.encoding == .constant)
        #expect(s.storedBytes < 200)
    }

    @Test func integerExtremes() throws {
        var a = ColumnVector(type: .int64), u = ColumnVector(type: .uint64), t = ColumnVector(type: .time)
        var s = ColumnVector(type: .symbol)
        let signed: [Int64] = [.min, .max, 0, -1, 1, .min + 1, .max - 1, .min, .max]
        for v in signed { a.append(int64: v); t.append(int64: v) }
        for v: UInt64 in [.max, 0, 1, .max - 1, 1 << 63, .max, 0] { u.append(uint64: v) }
        for v: UInt32 in [.max, 0, 1, .max - 1, 1 << 31, .max, 0] { s.append(code: v) }
        for c in [a, u, t, s] { try everyWay(c) }
        // Monotone runs that overflow a delta.
        var wrap = ColumnVector(type: .int64)
        for v: Int64 in [.min, .max, .min, .max, 0] { wrap.append(int64: v) }
        try everyWay(wrap)
    }

    @Test func specialFloatsKeepTheirBits() throws {
        var c = ColumnVector(type: .float64)
        let values: [Double] = [.nan, -.nan, Double(bitPattern: 0x7FF0_0000_0000_0001), Double(bitPattern: 0xFFF8_DEAD_BEEF_0001),
                                0.0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNormalMagnitude,
                                .greatestFiniteMagnitude, 1.0, 0.1, 1e300, -1e-300]
        for v in values { c.append(float64: v) }
        try everyWay(c)
    }

    @Test func decimalRefusesWhatItCannotRestore() throws {
        for bad: Double in [-0.0, .nan, .infinity, 1e300, 0.1 + 0.2, 1.0 / 3] {
            var c = ColumnVector(type: .float64)
            for v in [0.25, 1.5, bad] { c.append(float64: v) }
            let (s, _) = try CodecFixtures.roundTrip(c, options: CodecOptions(forcedEncoding: .decimal))
            #expect(s.encoding != .decimal, "\(bad)")
        }
        var money = ColumnVector(type: .float64)
        for v in [0.003512, 0.0, 0.012, 0.0045, 19.99, -7.25] { money.append(float64: v) }
        let (s, _) = try CodecFixtures.roundTrip(money, options: CodecOptions(forcedEncoding: .decimal))
        #expect(s.encoding == .decimal)
    }

    @Test func awkwardStrings() throws {
        var c = ColumnVector(type: .string)
        for s in ["", "a", "", "naïve café", "日本語のテキスト", "🎵🎶", String(repeating: "long ", count: 20_000), "", "\u{0}nul\u{0}"] {
            c.append(string: s)
        }
        c.appendNulls(2)
        c.append(string: "after nulls")
        try everyWay(c)
        var empties = ColumnVector(type: .string)
        for _ in 0..<500 { empties.append(string: "") }
        try everyWay(empties)
    }

    @Test func boolsInEveryBytePosition() throws {
        var rng = SeededRandom(seed: 9)
        for n in 0..<70 {
            var c = ColumnVector(type: .bool)
            for _ in 0..<n { c.append(bool: rng.chance(0.5)) }
            if n % 5 == 0 && n > 0 { c.appendNulls(1) }
            try everyWay(c)
        }
    }
}
