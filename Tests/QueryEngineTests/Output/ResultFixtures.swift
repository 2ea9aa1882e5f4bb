import ColumnStore
@testable import QueryEngine

/// Small results for the formatter tests.
enum ResultFixtures {
    /// 2026-09-01T12:00:00Z in ns.
    static let noon: Int64 = 1_788_264_000 * 1_000_000_000

    /// Every result type, NULLs, escapes and non-ASCII, in three rows.
    static func allTypes() -> QueryResult {
        var time = ColumnVector(type: .time)
        time.append(int64: noon); time.append(int64: noon + 123_456_789); time.appendNulls(1)
        var artist = ColumnVector(type: .string)
        artist.append(string: "Abba"); artist.append(string: "Sigur Rós, \"live\"\n"); artist.append(string: "")
        var plays = ColumnVector(type: .int64)
        plays.append(int64: 12); plays.append(int64: -3); plays.appendNulls(1)
        var listeners = ColumnVector(type: .uint64)
        listeners.append(uint64: 7); listeners.append(uint64: .max); listeners.appendNulls(1)
        var revenue = ColumnVector(type: .float64)
        revenue.append(float64: 0.1); revenue.append(float64: 1e-05); revenue.append(float64: .nan)
        var liked = ColumnVector(type: .bool)
        liked.append(bool: true); liked.append(bool: false); liked.appendNulls(1)
        return QueryResult(columns: [
            ResultColumn(name: "time", vector: time), ResultColumn(name: "artist", vector: artist),
            ResultColumn(name: "plays", vector: plays), ResultColumn(name: "listeners", vector: listeners),
            ResultColumn(name: "revenue", vector: revenue), ResultColumn(name: "liked", vector: liked),
        ])
    }

    /// `n` rows of (i, "row i", i / 4).
    static func counting(_ n: Int) -> QueryResult {
        var a = ColumnVector(type: .int64), b = ColumnVector(type: .string), c = ColumnVector(type: .float64)
        for i in 0..<n {
            a.append(int64: Int64(i)); b.append(string: "row \(i)"); c.append(float64: Double(i) / 4)
        }
        return QueryResult(columns: [ResultColumn(name: "i", vector: a), ResultColumn(name: "label", vector: b),
                                     ResultColumn(name: "quarter", vector: c)])
    }

    /// One string column.
    static func strings(_ name: String, _ values: [String?]) -> QueryResult {
        var v = ColumnVector(type: .string)
        for s in values { if let s { v.append(string: s) } else { v.appendNulls(1) } }
        return QueryResult(columns: [ResultColumn(name: name, vector: v)])
    }
}

/// A seeded SplitMix64 for reproducible test data.
struct OutputTestRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
