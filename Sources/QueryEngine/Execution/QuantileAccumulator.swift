import ColumnStore

/// A number type exact quantiles collect: how to read a batch and interpolate.
protocol QuantileValue: Comparable & Sendable {
    static func read(_ v: Vec) -> [Self]
    var asDouble: Double { get }
    /// The nearest value to `d` (an interpolated timestamp).
    init(nearest d: Double)
    /// Integer values exactly (timestamps, whose nanoseconds a Double can't hold).
    var exactInt: Int64 { get }
    init(exactInt: Int64)
    /// The order quantiles sort in (for doubles DuckDB's: NaN after every number).
    static func before(_ a: Self, _ b: Self) -> Bool
    static func storeQuantiles(_ values: [Self], in out: inout ColumnVector)
}

extension Int64: QuantileValue {
    static func read(_ v: Vec) -> [Int64] { v.type == .bool ? v.col.bools.map { Int64($0) } : v.col.int64s }
    var asDouble: Double { Double(self) }
    init(nearest d: Double) { self = Int64(exactly: d.rounded()) ?? (d < 0 ? .min : .max) }
    var exactInt: Int64 { self }
    init(exactInt: Int64) { self = exactInt }
    @inline(__always) static func before(_ a: Int64, _ b: Int64) -> Bool { a < b }
    static func storeQuantiles(_ values: [Int64], in out: inout ColumnVector) { out.int64s = values }
}

extension UInt64: QuantileValue {
    static func read(_ v: Vec) -> [UInt64] { v.col.uint64s }
    var asDouble: Double { Double(self) }
    init(nearest d: Double) { self = UInt64(exactly: d.rounded()) ?? (d < 0 ? 0 : .max) }
    var exactInt: Int64 { Int64(clamping: self) }
    init(exactInt: Int64) { self = UInt64(clamping: exactInt) }
    @inline(__always) static func before(_ a: UInt64, _ b: UInt64) -> Bool { a < b }
    static func storeQuantiles(_ values: [UInt64], in out: inout ColumnVector) { out.uint64s = values }
}

extension Double: QuantileValue {
    static func read(_ v: Vec) -> [Double] { v.col.float64s }
    var asDouble: Double { self }
    init(nearest d: Double) { self = d }
    var exactInt: Int64 { Int64(exactly: rounded()) ?? 0 }
    init(exactInt: Int64) { self = Double(exactInt) }
    @inline(__always) static func before(_ a: Double, _ b: Double) -> Bool { ValueSlots.order(a, b) < 0 }
    static func storeQuantiles(_ values: [Double], in out: inout ColumnVector) { out.float64s = values }
}

/// Which quantile: the fraction, and whether it interpolates (`quantile_cont`, `median`) or picks (`quantile_disc`).
struct QuantileMode: Sendable { var fraction: Double; var continuous: Bool }

/// Exact `median`, `quantile_cont` and `quantile_disc`: every non-NULL value with its group, in two flat
/// typed arrays (no per-group or per-row allocation); at the end values are bucketed by group (counting
/// sort) and each group's quantile is selected in its bucket.
///
/// DuckDB's positions: `quantile_disc(q)` takes the value at index ⌈n·q⌉ − 1 of the sorted group;
/// `quantile_cont(q)` interpolates between the values at ⌊(n−1)·q⌋ and ⌈(n−1)·q⌉. NaN sorts last.
final class QuantileAccumulator<T: QuantileValue>: Accumulator {
    let type: ValueType
    let mode: QuantileMode
    var values: [T] = []
    var groups: [Int32] = []
    var groupCount = 0

    init(type: ValueType, mode: QuantileMode) {
        self.type = type
        self.mode = mode
    }

    var memoryBytes: Int { values.capacity * MemoryLayout<T>.stride + groups.capacity * 4 }
    func resize(_ n: Int) { groupCount = max(groupCount, n) }

    @_specialize(where T == Int64)
    @_specialize(where T == Double)
    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ pool: inout StringPool) {
        guard let arg, arg.constant != .null else { return }
        let v = arg.spread()
        let xs = T.read(v)
        let valid = v.col.validity
        // No reserveCapacity per batch: it would grow to the exact size and copy everything each time;
        // append's doubling keeps the copies linear.
        xs.withUnsafeBufferPointer { x in
            for (j, g) in gids.enumerated() {
                let r = row(sel, j)
                if let valid, !valid[r] { continue }
                values.append(x[r])
                groups.append(g)
            }
        }
    }

    func merge(_ other: Accumulator, map: [Int32], from: StringPool, into: inout StringPool) {
        let o = other as! QuantileAccumulator<T>
        for (i, g) in o.groups.enumerated() where map[Int(g)] >= 0 {
            values.append(o.values[i])
            groups.append(map[Int(g)])
        }
    }

    @_specialize(where T == Int64)
    @_specialize(where T == Double)
    func finalize(_ pool: StringPool) -> ColumnVector {
        // Bucket the values by group.
        var starts = [Int](repeating: 0, count: groupCount + 1)
        for g in groups { starts[Int(g) + 1] += 1 }
        for g in 0..<groupCount { starts[g + 1] += starts[g] }
        var fill = starts
        var sorted = values
        for (i, g) in groups.enumerated() { sorted[fill[Int(g)]] = values[i]; fill[Int(g)] += 1 }
        let discrete = !mode.continuous
        let resultIsDouble = mode.continuous && type != .time
        var ints: [T] = []
        var doubles: [Double] = []
        var validity = Bitmap(count: groupCount, value: true)
        sorted.withUnsafeMutableBufferPointer { buf in
            for g in 0..<groupCount {
                let lo = starts[g], n = starts[g + 1] - lo
                if n == 0 {
                    validity[g] = false
                    if resultIsDouble { doubles.append(0) } else { ints.append(T(nearest: 0)) }
                    continue
                }
                let group = UnsafeMutableBufferPointer(rebasing: buf[lo..<(lo + n)])
                if discrete {
                    let k = min(n - 1, max(0, Int((Double(n) * mode.fraction).rounded(.up)) - 1))
                    ints.append(Self.select(group, k))
                    continue
                }
                let position = Double(n - 1) * mode.fraction
                let a = Int(position.rounded(.down)), b = Int(position.rounded(.up))
                // The a-th smallest by selection; the b-th (a + 1) is then the least of what lies above it.
                let x = Self.select(group, a)
                var y = x
                if b > a {
                    y = group[a + 1]
                    for i in (a + 2)..<max(a + 2, n) where T.before(group[i], y) { y = group[i] }
                }
                if type == .time {
                    // As DuckDB: the answer is a microsecond TIMESTAMP (even one of the values, truncated),
                    // interpolated as lo + (hi − lo)·d rounded.
                    let d = position - Double(a)
                    let lo = TimeBucket.floorDiv(x.exactInt, 1000), hi = TimeBucket.floorDiv(y.exactInt, 1000)
                    let us = a == b ? lo : lo + Int64((Double(hi - lo) * d).rounded())
                    ints.append(T(exactInt: us * 1000))
                } else {
                    let xd = x.asDouble, yd = y.asDouble
                    doubles.append(a == b ? xd : xd + (position - Double(a)) * (yd - xd))
                }
            }
        }
        var out: ColumnVector
        if resultIsDouble {
            out = ColumnVector(type: .float64)
            out.float64s = doubles
        } else {
            out = ColumnVector(type: type == .null ? .int64 : type.columnType)
            T.storeQuantiles(ints, in: &out)
        }
        out._setCount(groupCount)
        out.validity = validity.allSet ? nil : validity
        return out
    }

    /// The k-th smallest of `v` (0-based), leaving v partitioned around it: Hoare's quickselect with a
    /// median-of-three pivot, O(n) on average (what DuckDB's `nth_element` does), not a full sort.
    @inline(__always)
    static func select(_ v: UnsafeMutableBufferPointer<T>, _ k: Int) -> T {
        var lo = 0, hi = v.count - 1
        while hi > lo {
            let mid = lo + (hi - lo) / 2
            // Median of three to v[mid].
            if T.before(v[mid], v[lo]) { v.swapAt(mid, lo) }
            if T.before(v[hi], v[lo]) { v.swapAt(hi, lo) }
            if T.before(v[hi], v[mid]) { v.swapAt(hi, mid) }
            let pivot = v[mid]
            var i = lo, j = hi
            while i <= j {
                while T.before(v[i], pivot) { i += 1 }
                while T.before(pivot, v[j]) { j -= 1 }
                if i <= j { v.swapAt(i, j); i += 1; j -= 1 }
            }
            // v[lo...j] ≤ pivot ≤ v[i...hi]; between them (j < x < i) are elements equal to the pivot.
            if k <= j { hi = j } else if k >= i { lo = i } else { return v[k] }
        }
        return v[k]
    }
}
