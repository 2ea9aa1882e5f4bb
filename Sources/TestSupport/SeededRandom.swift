/// A seeded, reproducible random number generator (SplitMix64) for property tests and benchmark data.
///
/// Not cryptographic; the same seed gives the same sequence on every platform and run.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }

    /// A value in `0..<bound` (bound > 0), faster than `Int.random(in:using:)` and stable across Swift versions.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "BUG: below(\(bound))")
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A Double in [0, 1).
    public mutating func unit() -> Double { Double(next() &>> 11) * 0x1p-53 }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }
}
