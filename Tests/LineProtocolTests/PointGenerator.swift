import LineProtocol
import TestSupport

/// Random valid points for property tests: names with every escapable character, every field type,
/// extreme values.
struct PointGenerator {
    var rng: SeededRandom

    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    /// Bytes names and strings are drawn from: plain letters, every byte some element escapes,
    /// a comment mark, control bytes, and a multi-byte UTF-8 character.
    static let alphabet: [[UInt8]] = {
        var a: [[UInt8]] = "abcxyzAZ09_-.".utf8.map { [$0] }
        for c in [",", "=", " ", "\"", "\\", "#", "\t", "\r", "\0", "'"] { a.append(Array(c.utf8)) }
        a.append(Array("é".utf8))
        a.append(Array("🎵".utf8))
        return a
    }()

    mutating func bytes(_ minCount: Int, _ maxCount: Int) -> [UInt8] {
        let n = minCount + rng.below(maxCount - minCount + 1)
        var out: [UInt8] = []
        for _ in 0..<n { out += Self.alphabet[rng.below(Self.alphabet.count)] }
        return out
    }

    mutating func int64() -> Int64 {
        switch rng.below(6) {
        case 0: return .min
        case 1: return .max
        case 2: return 0
        case 3: return Int64(rng.below(2000)) - 1000
        default: return Int64(bitPattern: rng.next())
        }
    }

    mutating func uint64() -> UInt64 {
        switch rng.below(4) {
        case 0: return .max
        case 1: return 0
        default: return rng.next() >> UInt64(rng.below(64))
        }
    }

    mutating func float64() -> Double {
        switch rng.below(10) {
        case 0: return [0.0, -0.0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                        .leastNonzeroMagnitude, .leastNormalMagnitude, 1e22, 1e23, 9007199254740992, 9007199254740991][rng.below(10)]
        case 1: return Double(rng.below(1_000_000)) / 1_000_000  // like gen_plays revenue
        case 2: return Double(Int64(bitPattern: rng.next()) >> 11)
        default:
            while true {
                let d = Double(bitPattern: rng.next())
                if d.isFinite { return d }
            }
        }
    }

    mutating func value() -> LineProtocolPoint.Value {
        switch rng.below(5) {
        case 0: return .int(int64())
        case 1: return .uint(uint64())
        case 2: return .float(float64())
        case 3: return .bool(rng.chance(0.5))
        default: return .string(bytes(0, 12))
        }
    }

    /// `count` non-empty byte strings that differ from each other.
    mutating func distinctKeys(_ count: Int) -> [[UInt8]] {
        var keys: [[UInt8]] = []
        while keys.count < count {
            let k = bytes(1, 8)
            if !keys.contains(k) { keys.append(k) }
        }
        return keys
    }

    mutating func point() -> LineProtocolPoint {
        var m = bytes(1, 10)
        if m[0] == UInt8(ascii: "#") { m[0] = UInt8(ascii: "m") }  // would read as a comment
        let tagKeys = distinctKeys(rng.below(5))
        let fieldKeys = distinctKeys(1 + rng.below(5))
        return LineProtocolPoint(
            measurement: m,
            tags: tagKeys.map { .init(key: $0, value: bytes(1, 10)) },
            fields: fieldKeys.map { .init(key: $0, value: value()) },
            timestamp: rng.chance(0.8) ? int64() : nil)
    }
}

/// Serialises points into one document.
func serialise(_ points: [LineProtocolPoint]) throws -> [UInt8] {
    var out: [UInt8] = []
    for p in points { try LineProtocolSerializer.append(p, to: &out) }
    return out
}

/// Parses bytes with a `PointCollector`.
func collect(bytes: [UInt8], maxLineLength: Int = 1 << 20) -> (points: [LineProtocolPoint], lines: [Int], parser: LineProtocolParser) {
    var parser = LineProtocolParser(maxLineLength: maxLineLength, maxErrors: 1000)
    var c = PointCollector()
    parser.parse(bytes, into: &c)
    return (c.points, c.lines, parser)
}
