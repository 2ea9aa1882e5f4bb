import Foundation

/// Draws `count` timestamps from a piecewise-uniform distribution over hour buckets and returns them in
/// ascending order, one at a time, in O(1) memory — as if `count` independent draws had been sorted.
///
/// Why it works: the k-th smallest of n uniforms is `1 - exp(-X_k)` with `X_k = Σ_{j≤k} E_j / (n - j + 1)`
/// and `E_j` standard exponentials (Rényi's representation of exponential order statistics). Mapping that
/// through the inverse CDF of the buckets, which is monotone, keeps the order, and the bucket cursor only
/// ever moves forward.
public struct SortedTimeSampler: Sendable {
    /// `cumulative[b]` = P(bucket < b); `count` = buckets + 1, last entry exactly 1.
    let cumulative: [Double]
    let start: Int64
    let bucketNanos: Int64
    var bucket = 0
    var x: Double = 0
    var remaining: Int

    /// `weights[b]` is the relative weight of bucket `b`, which spans
    /// `start + b·bucketNanos ..< start + (b+1)·bucketNanos`.
    public init(weights: [Double], start: Int64, bucketNanos: Int64, count: Int) {
        precondition(!weights.isEmpty && count >= 0, "BUG: \(weights.count) buckets, \(count) draws")
        let total = weights.reduce(0, +)
        var cum = [0.0]
        cum.reserveCapacity(weights.count + 1)
        var acc = 0.0
        for w in weights { acc += w; cum.append(acc / total) }
        cum[cum.count - 1] = 1
        cumulative = cum
        self.start = start
        self.bucketNanos = bucketNanos
        remaining = count
    }

    /// The next timestamp, never smaller than the previous one.
    public mutating func next(_ rng: inout Xoshiro256) -> Int64 {
        precondition(remaining > 0, "BUG: more timestamps drawn than requested")
        // E = -log(U) with U in (0, 1].
        let e = -log(Double((rng.next() >> 11) + 1) * 0x1p-53)
        x += e / Double(remaining)
        remaining -= 1
        let u = -expm1(-x)
        return cumulative.withUnsafeBufferPointer { cum in
            let last = cum.count - 2
            while bucket < last && u >= cum[bucket + 1] { bucket += 1 }
            let lo = cum[bucket], width = cum[bucket + 1] - lo
            var frac = width > 0 ? (u - lo) / width : 0
            frac = min(max(frac, 0), 1)
            let within = min(Int64(frac * Double(bucketNanos)), bucketNanos - 1)
            return start + Int64(bucket) * bucketNanos + within
        }
    }
}
