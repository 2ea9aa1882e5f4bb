/// Draws from a discrete distribution in O(1) with one random word: Walker's alias method, built with
/// Vose's linear-time algorithm.
///
/// Slot `i` (chosen uniformly) yields its own value when the low 32 random bits fall under its threshold,
/// else its alias's value. Slots carry the *values* to return (e.g. `permutation[i]`), not indices, so a
/// permuted draw costs one memory access.
public struct AliasTable: Sendable {
    /// One 12-byte slot: `threshold` / 2^32 is the chance of `value`, the rest goes to `alias`.
    public struct Slot: Sendable {
        public var threshold: UInt32
        public var value: UInt32
        public var alias: UInt32
    }

    public let slots: [Slot]

    /// A table drawing `values[i]` (default `i`) with probability `weights[i] / Σ weights`.
    public init(weights: [Double], values: [UInt32]? = nil) {
        let n = weights.count
        precondition(n > 0 && n <= Int(UInt32.max), "BUG: alias table of \(n) weights")
        precondition(values == nil || values!.count == n, "BUG: \(values!.count) values for \(n) weights")
        let total = weights.reduce(0, +)
        precondition(total > 0 && total.isFinite, "BUG: weights sum to \(total)")
        var q = weights.map { $0 * Double(n) / total }
        var prob = [Double](repeating: 1, count: n)
        var alias = [Int](0..<n)
        var small: [Int] = [], large: [Int] = []
        for i in 0..<n { if q[i] < 1 { small.append(i) } else { large.append(i) } }
        while let s = small.last, let l = large.last {
            small.removeLast(); large.removeLast()
            prob[s] = q[s]
            alias[s] = l
            q[l] = (q[l] + q[s]) - 1
            if q[l] < 1 { small.append(l) } else { large.append(l) }
        }
        // Leftovers (from rounding) keep probability 1 and alias themselves.
        var slots: [Slot] = []
        slots.reserveCapacity(n)
        for i in 0..<n {
            let v = values?[i] ?? UInt32(i)
            if prob[i] >= 1 {
                slots.append(Slot(threshold: .max, value: v, alias: v))
            } else {
                let a = values?[alias[i]] ?? UInt32(alias[i])
                slots.append(Slot(threshold: UInt32(prob[i] * 0x1p32), value: v, alias: a))
            }
        }
        self.slots = slots
    }

    /// The value drawn by the random word `r`: its high 32 bits pick the slot, its low 32 bits the side.
    @inlinable @inline(__always)
    public func sample(_ r: UInt64) -> UInt32 {
        let i = Int(truncatingIfNeeded: ((r >> 32) &* UInt64(slots.count)) >> 32)
        let s = slots.withUnsafeBufferPointer { $0[i] }
        return UInt32(truncatingIfNeeded: r) < s.threshold ? s.value : s.alias
    }
}
