import ColumnStore
@testable import QueryEngine

/// The Window operator's algorithm before `WindowOrder`, kept as the property test's reference: one
/// stable sort over (partition keys, order keys) with generic comparisons, boundaries by `RowKeys.equal`,
/// each function sorting again. Sums of doubles are exact (correctly rounded), whatever the engine does.
enum WindowReference {
    static func compute(_ f: WindowFunction, _ b: Batch) throws -> ColumnVector {
        try computeWithMagnitudes(f, b).column
    }

    /// The function's column and, per row, Σ|x| over its frame (sum and avg of doubles; else empty): the
    /// scale a summation's rounding error is measured against.
    static func computeWithMagnitudes(_ f: WindowFunction, _ b: Batch) throws -> (column: ColumnVector, magnitudes: [Double]) {
        let n = b.rowCount
        let keys = f.partition.map { b.columns[$0] } + f.order.map { b.columns[$0.column] }
        let spec = f.partition.map { _ in SortKey(expr: .constant(.null), descending: false, nullsFirst: false) }
            + f.order.map { SortKey(expr: .constant(.null), descending: $0.descending, nullsFirst: $0.nullsFirst) }
        let perm = Sorter.order(keys, spec, rows: n)
        let pk = f.partition.map { b.columns[$0] }, ok = f.order.map { b.columns[$0.column] }
        // Partition and peer-group starts, by sorted position.
        var partStart = [Int](repeating: 0, count: n), peerStart = [Int](repeating: 0, count: n)
        var peerEnd = [Int](repeating: 0, count: n), partEnd = [Int](repeating: 0, count: n)
        for k in 0..<n {
            let newPart = k == 0 || !RowKeys.equal(pk, perm[k], pk, perm[k - 1])
            partStart[k] = newPart ? k : partStart[k - 1]
            peerStart[k] = newPart || !RowKeys.equal(ok, perm[k], ok, perm[k - 1]) ? k : peerStart[k - 1]
        }
        for k in stride(from: n - 1, through: 0, by: -1) {
            let last = k == n - 1 || partStart[k + 1] != partStart[k]
            partEnd[k] = last ? k : partEnd[k + 1]
            peerEnd[k] = last || peerStart[k + 1] != peerStart[k] ? k : peerEnd[k + 1]
        }
        let ranged = try Window.rangeFrames(f, b, perm: perm, partStart: partStart, partEnd: partEnd, peerStart: peerStart, peerEnd: peerEnd)
        func frame(_ k: Int) -> (Int, Int) {
            if let ranged { return (ranged.lo[k], ranged.hi[k]) }
            guard let fr = f.frame else {
                return f.order.isEmpty ? (partStart[k], partEnd[k]) : (partStart[k], peerEnd[k])
            }
            func bound(_ x: WindowFrame.Bound, start: Bool) -> Int {
                switch x {
                case .unboundedPreceding: return partStart[k]
                case .unboundedFollowing: return partEnd[k]
                case .currentRow: return fr.unit == .rows ? k : (start ? peerStart[k] : peerEnd[k])
                case let .preceding(m): return k - Int(clamping: m)
                case let .following(m): return k + Int(clamping: m)
                case .precedingInterval, .followingInterval: return k  // RANGE only (rangeFrames); refused for ROWS when planned
                }
            }
            return (Swift.max(bound(fr.start, start: true), partStart[k]), Swift.min(bound(fr.end, start: false), partEnd[k]))
        }
        /// Whether row `a` beats the best so far (`best` < 0: none yet) for min or max; NULLs never do.
        func better(_ x: ColumnVector, _ a: Int, _ best: Int) -> Bool {
            if x.isNull(a) { return false }
            if best < 0 { return true }
            let c = Sorter.compare(x, a, best)
            return f.kind == .min ? c < 0 : c > 0
        }
        switch f.kind {
        case .rowNumber, .rank, .denseRank, .ntile:
            var out = [Int64](repeating: 0, count: n)
            var dense: Int64 = 0
            for k in 0..<n {
                if k == partStart[k] { dense = 0 }
                if k == peerStart[k] { dense += 1 }
                let i = k - partStart[k]
                switch f.kind {
                case .rowNumber: out[perm[k]] = Int64(i + 1)
                case .rank: out[perm[k]] = Int64(peerStart[k] - partStart[k] + 1)
                case .denseRank: out[perm[k]] = dense
                default:
                    let total = Int64(partEnd[k] - partStart[k] + 1), buckets = f.constant
                    let size = total / buckets, large = total - buckets * size, small = large * (size + 1)
                    let r = Int64(i)
                    out[perm[k]] = r < small ? 1 + r / (size + 1) : 1 + large + (r - small) / size
                }
            }
            var v = ColumnVector(type: .int64)
            v.append(int64s: out[...])
            return (v, [])
        case .lag, .lead, .firstValue, .lastValue:
            var idx = [Int32](repeating: -1, count: n)
            for k in 0..<n {
                var src = -1
                switch f.kind {
                case .lag, .lead:
                    let j = f.kind == .lag ? k - Int(f.constant) : k + Int(f.constant)
                    if j >= partStart[k] && j <= partEnd[k] { src = j }
                default:
                    let (lo, hi) = frame(k)
                    if lo <= hi { src = f.kind == .firstValue ? lo : hi }
                }
                idx[perm[k]] = src < 0 ? -1 : Int32(perm[src])
            }
            let x = b.columns[f.arguments[0]]
            guard f.arguments.count > 1, idx.contains(-1) else { return (RowKeys.gatherOrNull(x, idx), []) }
            let fallback = b.columns[f.arguments[1]]
            var out = ColumnVector(type: x.type, capacity: n)
            for i in 0..<n {
                if idx[i] < 0 { out.append(contentsOf: fallback, range: i..<i + 1) } else { out.append(contentsOf: x, range: Int(idx[i])..<Int(idx[i]) + 1) }
            }
            return (out, [])
        case .count, .sum, .avg:
            // Exact prefix sums over the sorted rows: each frame is a difference of two. Doubles as
            // `ExactSum`s (of the values and of their magnitudes), so no earlier rounding reaches a frame.
            let x = f.arguments.first.map { b.columns[$0] }
            var counts = [Int](repeating: 0, count: n + 1)
            var ints = [Int128](repeating: 0, count: x?.type == .float64 ? 0 : n + 1)
            var doubles = [ExactSum](repeating: ExactSum(), count: x?.type == .float64 ? n + 1 : 0)
            var absolutes = doubles
            var magnitudes = [Double](repeating: 0, count: x?.type == .float64 ? n : 0)
            for k in 0..<n {
                let r = perm[k]
                let present = x.map { !$0.isNull(r) } ?? true
                counts[k + 1] = counts[k] + (present ? 1 : 0)
                guard let x else { continue }
                switch x.type {
                case .float64:
                    doubles[k + 1] = doubles[k]
                    absolutes[k + 1] = absolutes[k]
                    if present {
                        doubles[k + 1].add(x.float64s[r])
                        absolutes[k + 1].add(abs(x.float64s[r]))
                    }
                case .int64, .time: ints[k + 1] = ints[k] + (present ? Int128(x.int64s[r]) : 0)
                case .uint64: ints[k + 1] = ints[k] + (present ? Int128(x.uint64s[r]) : 0)
                case .bool: ints[k + 1] = ints[k] + (present ? Int128(x.bools[r]) : 0)
                default: break
                }
            }
            var out = ColumnVector(type: f.type.columnType, nulls: 0)
            var values = [Int64](repeating: 0, count: f.type == .double ? 0 : n)
            var reals = [Double](repeating: 0, count: f.type == .double ? n : 0)
            var valid = Bitmap(count: n, value: true)
            for k in 0..<n {
                let (lo, hi) = frame(k)
                let r = perm[k]
                let c = lo <= hi ? counts[hi + 1] - counts[lo] : 0
                if f.kind == .count { values[r] = Int64(c); continue }
                if c == 0 { valid[r] = false; continue }
                if x?.type == .float64 {
                    let s = doubles[hi + 1].minus(doubles[lo])
                    magnitudes[r] = absolutes[hi + 1].minus(absolutes[lo]) / (f.kind == .avg ? Double(c) : 1)
                    reals[r] = f.kind == .avg ? s / Double(c) : s
                } else {
                    let s = ints[hi + 1] - ints[lo]
                    if f.kind == .avg { reals[r] = Double(s) / Double(c); continue }
                    guard let v = Int64(exactly: s) else { throw QueryError("sum() OVER (…) is out of range for BIGINT") }
                    values[r] = v
                }
            }
            if f.type == .double { out.float64s = reals } else { out.int64s = values }
            out._setCount(n)
            if f.kind != .count { out.validity = valid }
            return (out, magnitudes)
        case .min, .max:
            let x = b.columns[f.arguments[0]]
            var idx = [Int32](repeating: -1, count: n)
            var best = -1, runLo = -1, runHi = -1
            for k in 0..<n {
                let (lo, hi) = frame(k)
                if lo > hi { continue }
                // A frame from the partition's start grows row by row: extend the running best.
                if lo == runLo && hi >= runHi {
                    var j = Swift.max(runHi + 1, lo)
                    while j <= hi {
                        if better(x, perm[j], best) { best = perm[j] }
                        j += 1
                    }
                } else {
                    best = -1
                    for j in lo...hi where better(x, perm[j], best) { best = perm[j] }
                }
                (runLo, runHi) = (lo, hi)
                idx[perm[k]] = Int32(best)
            }
            return (RowKeys.gatherOrNull(x, idx), [])
        }
    }
}

/// An exact sum of doubles: Shewchuk's non-overlapping partials for the finite values (as Python's
/// `math.fsum`), counts for the infinite and NaN ones. Exact prefix sums subtract exactly.
struct ExactSum {
    var partials: [Double] = []
    var positive = 0, negative = 0, nan = 0

    mutating func add(_ v: Double) {
        if v.isNaN { nan += 1; return }
        if v.isInfinite { if v > 0 { positive += 1 } else { negative += 1 }; return }
        add(finite: v, 1)
    }

    private mutating func add(finite v: Double, _ sign: Double) {
        var x = v * sign
        var kept = 0
        for y in partials {
            let (a, b) = abs(x) < abs(y) ? (y, x) : (x, y)
            let hi = a + b, lo = b - (hi - a)
            if lo != 0 { partials[kept] = lo; kept += 1 }
            x = hi
        }
        partials.removeSubrange(kept...)
        partials.append(x)
    }

    /// `self - other`, correctly rounded (NaN or ±∞ as IEEE addition gives them for the frame's values).
    func minus(_ other: ExactSum) -> Double {
        if nan > other.nan { return .nan }
        let p = positive - other.positive, m = negative - other.negative
        if p > 0 && m > 0 { return .nan }
        if p > 0 { return .infinity }
        if m > 0 { return -.infinity }
        var d = self
        for y in other.partials { d.add(finite: y, -1) }
        return d.rounded
    }

    /// The partials' sum, correctly rounded (fsum's final step, half-way cases included).
    private var rounded: Double {
        var p = partials.filter { $0 != 0 }
        guard var hi = p.popLast() else { return 0 }
        var lo = 0.0
        while let y = p.popLast() {
            let x = hi
            hi = x + y
            let yr = hi - x
            lo = y - yr
            if lo != 0 { break }
        }
        if let next = p.last, (lo < 0 && next < 0) || (lo > 0 && next > 0) {
            let y = lo * 2, x = hi + y, yr = x - hi
            if y == yr { hi = x }
        }
        return hi
    }
}
