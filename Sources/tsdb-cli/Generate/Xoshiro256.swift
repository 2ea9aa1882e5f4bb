/// A fast deterministic pseudo-random generator for synthetic data: xoshiro256**, seeded through
/// SplitMix64 (Blackman & Vigna). Not for secrets. Same seed and stream → same sequence on every platform.
public struct Xoshiro256: Sendable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// `stream` selects an independent sequence for the same seed (e.g. setup vs. rows).
    public init(seed: UInt64, stream: UInt64 = 0) {
        var x = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// The next 64 random bits.
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(45)
        return result
    }

    /// Uniform in `0..<n` by multiply-shift (Lemire), without rejection: the bias, n / 2^64, is negligible here.
    @inlinable @inline(__always)
    public mutating func below(_ n: UInt64) -> UInt64 { next().multipliedFullWidth(by: n).high }

    /// Uniform in [0, 1), 53 random bits.
    @inlinable @inline(__always)
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in [lo, hi).
    @inlinable @inline(__always)
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    /// True with the probability `threshold` / 2^64 (see `threshold(probability:)`).
    @inlinable @inline(__always)
    public mutating func chance(_ threshold: UInt64) -> Bool { next() < threshold }

    /// The `chance` threshold of probability `p` in [0, 1).
    public static func threshold(probability p: Double) -> UInt64 {
        precondition(p >= 0 && p < 1, "BUG: probability \(p) out of [0, 1)")
        return UInt64(p * 0x1p64)
    }
}

extension UInt64 {
    @inlinable @inline(__always)
    func rotatedLeft(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 &- k)) }
}
