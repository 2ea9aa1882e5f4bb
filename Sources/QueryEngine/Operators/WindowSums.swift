/// A running sum of doubles with Neumaier's compensation: `c` keeps the low-order bits each addition
/// rounds away, so adding large then small values loses nothing the result can hold.
struct CompensatedSum {
    var s = 0.0, c = 0.0

    @inline(__always) mutating func add(_ x: Double) {
        let t = s + x
        if abs(s) >= abs(x) { c += (s - t) + x } else { c += (x - t) + s }
        s = t
    }

    @inline(__always) mutating func add(_ o: CompensatedSum) {
        add(o.s)
        c += o.c
    }

    /// The sum; once it is infinite or NaN the compensation means nothing (∞ - ∞) and is left out.
    @inline(__always) var value: Double { s.isFinite ? s + c : s }
}

/// The sums of DOUBLE window frames over a layout's sorted values, each from that frame's values only
/// (a difference of batch-wide prefix sums carries the rounding of every earlier value into it, so
/// a frame of zeros after a large value could sum to non-zero).
///
/// A frame that starts at its partition's start reads a compensated running sum restarted per
/// partition, one that ends at the partition's end a running sum from the end: O(1) per row, the
/// running and whole-partition frames of most queries. A sliding frame of a few rows is summed
/// directly; a wider one reads O(log n) nodes of a segment tree over the values, as DuckDB's window
/// aggregates do. Every path adds with compensation, and NaN or ±∞ reach only frames holding them.
struct WindowSums {
    /// The values by sorted position (NULL as 0; the caller counts the non-NULL rows).
    private let values: [Double]
    private let partStart: [Int], partEnd: [Int]
    private var prefix: [CompensatedSum] = [], suffix: [CompensatedSum] = [], tree: [CompensatedSum] = []
    private var leaves = 0
    /// Frames up to this many rows wide are summed directly.
    static let directRows = 64

    init(values: [Double], partStart: [Int], partEnd: [Int]) {
        self.values = values
        self.partStart = partStart
        self.partEnd = partEnd
    }

    /// Bytes the segment tree would hold (charged before the first wide sliding frame builds it).
    var treeBytes: Int { 2 * values.count.nextPowerOfTwo * MemoryLayout<CompensatedSum>.stride }
    var hasTree: Bool { leaves > 0 }

    /// The sum of sorted positions `lo...hi` (`lo <= hi`, both in position `k`'s partition).
    mutating func sum(_ k: Int, _ lo: Int, _ hi: Int) -> Double {
        if lo == partStart[k] {
            if prefix.isEmpty { prefix = Self.running(values, partStart, forward: true) }
            return prefix[hi].value
        }
        if hi == partEnd[k] {
            if suffix.isEmpty { suffix = Self.running(values, partEnd, forward: false) }
            return suffix[lo].value
        }
        if hi - lo < Self.directRows {
            var acc = CompensatedSum()
            values.withUnsafeBufferPointer { v in for j in lo...hi { acc.add(v[j]) } }
            return acc.value
        }
        if leaves == 0 { buildTree() }
        var acc = CompensatedSum()
        tree.withUnsafeBufferPointer { t in
            var l = lo + leaves, r = hi + leaves + 1
            while l < r {
                if l & 1 == 1 { acc.add(t[l]); l += 1 }
                if r & 1 == 1 { r -= 1; acc.add(t[r]) }
                l >>= 1; r >>= 1
            }
        }
        return acc.value
    }

    /// Per position, the compensated sum from its partition's first position to it (`forward`), or
    /// from it to its partition's last (`bound` is then the partition ends).
    private static func running(_ v: [Double], _ bound: [Int], forward: Bool) -> [CompensatedSum] {
        let n = v.count
        var out = [CompensatedSum](repeating: CompensatedSum(), count: n)
        out.withUnsafeMutableBufferPointer { o in
            v.withUnsafeBufferPointer { x in
                var acc = CompensatedSum()
                for i in 0..<n {
                    let k = forward ? i : n - 1 - i
                    if bound[k] == k { acc = CompensatedSum() }
                    acc.add(x[k])
                    o[k] = acc
                }
            }
        }
        return out
    }

    /// A bottom-up segment tree: leaf `leaves + i` holds value i, node j the sum of nodes 2j and 2j + 1.
    private mutating func buildTree() {
        leaves = values.count.nextPowerOfTwo
        tree = [CompensatedSum](repeating: CompensatedSum(), count: 2 * leaves)
        let n = values.count, base = leaves
        tree.withUnsafeMutableBufferPointer { t in
            for i in 0..<n { t[base + i].s = values[i] }
            var j = base - 1
            while j >= 1 {
                var node = t[2 * j]
                node.add(t[2 * j + 1])
                t[j] = node
                j -= 1
            }
        }
    }
}

private extension Int {
    /// The least power of two at least `self` (1 for 0).
    var nextPowerOfTwo: Int {
        var p = 1
        while p < self { p <<= 1 }
        return p
    }
}
