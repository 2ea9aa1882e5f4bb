import ColumnStore

/// Which quantile: the fraction, and whether it interpolates (`quantile_cont`, `median`) or picks (`quantile_disc`).
struct QuantileMode: Sendable { var fraction: Double; var continuous: Bool }

/// A number as a word whose unsigned order is the number's order (DuckDB's for doubles: NaN after every
/// number), so collecting and selecting is one untyped loop over `UInt64`s whatever the column's type.
enum OrderedWord {
    private static let sign: UInt64 = 1 << 63

    @inline(__always) static func of(int x: Int64) -> UInt64 { UInt64(bitPattern: x) ^ sign }
    @inline(__always) static func int(_ w: UInt64) -> Int64 { Int64(bitPattern: w ^ sign) }

    /// Negative doubles have their bits flipped, others their sign bit set; every NaN is the one positive
    /// NaN, above +inf.
    @inline(__always) static func of(double x: Double) -> UInt64 {
        let b = x.isNaN ? Double.nan.bitPattern : x.bitPattern
        return b & sign != 0 ? ~b : b | sign
    }
    @inline(__always) static func double(_ w: UInt64) -> Double {
        Double(bitPattern: w & sign != 0 ? w & ~sign : ~w)
    }
}

/// Exact `median`, `quantile_cont` and `quantile_disc`: every non-NULL value (as an `OrderedWord`) with its
/// group, in fixed-size chunks of two flat arrays (no per-group or per-row allocation, and nothing copied
/// as they fill: growing one array by doubling copied and re-faulted every value several times); at the
/// end values are bucketed by group (counting sort) and each group's quantile is selected in its bucket
/// (quickselect, not a sort).
///
/// DuckDB's positions: `quantile_disc(q)` takes the value at index ⌈n·q⌉ − 1 of the sorted group;
/// `quantile_cont(q)` interpolates between the values at ⌊(n−1)·q⌋ and ⌈(n−1)·q⌉. NaN sorts last.
final class QuantileAccumulator: Accumulator {
    /// Values per chunk.
    static let chunk = 1 << 16
    let type: ValueType
    let mode: QuantileMode
    /// Filled chunks, and the one being filled (reserved at `chunk`, never grown).
    var words: [[UInt64]] = []
    var groups: [[Int32]] = []
    var current: [UInt64] = []
    var currentGroups: [Int32] = []
    var groupCount = 0

    init(type: ValueType, mode: QuantileMode) {
        self.type = type
        self.mode = mode
    }

    var memoryBytes: Int { words.count * Self.chunk * 12 + current.capacity * 12 }
    func resize(_ n: Int) { groupCount = max(groupCount, n) }

    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ pool: inout StringPool) {
        guard let arg, arg.constant != .null else { return }
        let v = arg.spread()
        let col = v.col
        // The chunk as locals (uniquely owned): no exclusivity check per appended row.
        var ws = current, gs = currentGroups
        current = []; currentGroups = []
        defer { current = ws; currentGroups = gs }
        var j = 0
        while j < gids.count {
            if ws.count == Self.chunk || ws.capacity < Self.chunk {
                if !ws.isEmpty { words.append(ws); groups.append(gs) }
                ws = []; gs = []
                ws.reserveCapacity(Self.chunk)
                gs.reserveCapacity(Self.chunk)
            }
            let end = min(gids.count, j + (Self.chunk - ws.count))
            switch col.type {
            case .float64:
                col.float64s.withUnsafeBufferPointer { x in Self.collect(j..<end, gids, sel, col.validity, &ws, &gs) { OrderedWord.of(double: x[$0]) } }
            case .uint64:
                col.uint64s.withUnsafeBufferPointer { x in Self.collect(j..<end, gids, sel, col.validity, &ws, &gs) { x[$0] } }
            case .bool:
                col.bools.withUnsafeBufferPointer { x in Self.collect(j..<end, gids, sel, col.validity, &ws, &gs) { OrderedWord.of(int: Int64(x[$0])) } }
            default:
                col.int64s.withUnsafeBufferPointer { x in Self.collect(j..<end, gids, sel, col.validity, &ws, &gs) { OrderedWord.of(int: x[$0]) } }
            }
            j = end
        }
    }

    /// Appends the word and group of each valid selected row of positions `js` (there is room for all).
    @inline(__always)
    private static func collect(_ js: Range<Int>, _ gids: [Int32], _ sel: [Int32]?, _ valid: Bitmap?, _ ws: inout [UInt64],
                                _ gs: inout [Int32], _ word: (Int) -> UInt64) {
        gids.withUnsafeBufferPointer { g in
            if let sel, valid == nil {
                sel.withUnsafeBufferPointer { s in
                    for j in js { ws.append(word(Int(s[j]))); gs.append(g[j]) }
                }
                return
            }
            for j in js {
                let r = row(sel, j)
                if let valid, !valid[r] { continue }
                ws.append(word(r))
                gs.append(g[j])
            }
        }
    }

    func merge(_ other: Accumulator, map: [Int32], from: StringPool, into: inout StringPool) {
        let o = other as! QuantileAccumulator
        // The other's chunks join this one's list: values are shared (no copy) unless a group is left
        // out; only the group ids are rewritten.
        let keepsAll = !map.contains { $0 < 0 }
        for (w, g) in zip(o.words + [o.current], o.groups + [o.currentGroups]) where !w.isEmpty {
            if keepsAll {
                words.append(w)
                groups.append(g.map { map[Int($0)] })
                continue
            }
            var kw: [UInt64] = [], kg: [Int32] = []
            for i in g.indices where map[Int(g[i])] >= 0 { kw.append(w[i]); kg.append(map[Int(g[i])]) }
            if !kw.isEmpty { words.append(kw); groups.append(kg) }
        }
    }

    func finalize(_ pool: StringPool) -> ColumnVector {
        let chunks = words + [current], chunkGroups = groups + [currentGroups]
        // Bucket the words by group.
        var starts = [Int](repeating: 0, count: groupCount + 1)
        for gs in chunkGroups { for g in gs { starts[Int(g) + 1] += 1 } }
        for g in 0..<groupCount { starts[g + 1] += starts[g] }
        var bucketed = [UInt64](repeating: 0, count: starts[groupCount])
        var fill = starts
        bucketed.withUnsafeMutableBufferPointer { out in
            fill.withUnsafeMutableBufferPointer { fill in
                for (ws, gs) in zip(chunks, chunkGroups) {
                    ws.withUnsafeBufferPointer { w in
                        gs.withUnsafeBufferPointer { gs in
                            for i in 0..<gs.count { let g = Int(gs[i]); out[fill[g]] = w[i]; fill[g] += 1 }
                        }
                    }
                }
            }
        }
        let discrete = !mode.continuous
        let resultIsDouble = mode.continuous && type != .time
        var out = ColumnVector(type: resultIsDouble ? .float64 : (type == .null ? .int64 : type.columnType), capacity: groupCount)
        bucketed.withUnsafeMutableBufferPointer { buf in
            for g in 0..<groupCount {
                let lo = starts[g], n = starts[g + 1] - lo
                if n == 0 { out.appendNulls(1); continue }
                let group = UnsafeMutableBufferPointer(rebasing: buf[lo..<(lo + n)])
                if discrete {
                    let k = min(n - 1, max(0, Int((Double(n) * mode.fraction).rounded(.up)) - 1))
                    appendWord(Self.select(group, k), to: &out)
                    continue
                }
                let position = Double(n - 1) * mode.fraction
                let a = Int(position.rounded(.down)), b = Int(position.rounded(.up))
                // The a-th smallest by selection; the b-th (a + 1) is then the least of what lies above it.
                let x = Self.select(group, a)
                var y = x
                if b > a {
                    y = group[a + 1]
                    for i in (a + 2)..<max(a + 2, n) where group[i] < y { y = group[i] }
                }
                if type == .time {
                    // As DuckDB: the answer is a microsecond TIMESTAMP (even one of the values, truncated),
                    // interpolated as lo + (hi − lo)·d rounded.
                    let d = position - Double(a)
                    let lo = TimeBucket.floorDiv(OrderedWord.int(x), 1000), hi = TimeBucket.floorDiv(OrderedWord.int(y), 1000)
                    let us = a == b ? lo : lo + Int64((Double(hi - lo) * d).rounded())
                    out.append(int64: us * 1000)
                } else {
                    let xd = asDouble(x), yd = asDouble(y)
                    out.append(float64: a == b ? xd : xd + (position - Double(a)) * (yd - xd))
                }
            }
        }
        return out
    }

    /// A collected word as the number it orders.
    @inline(__always) private func asDouble(_ w: UInt64) -> Double {
        switch type {
        case .double: OrderedWord.double(w)
        case .uint: Double(w)
        default: Double(OrderedWord.int(w))
        }
    }

    /// A collected word as a value of the argument's type (`quantile_disc` answers one of the values).
    @inline(__always) private func appendWord(_ w: UInt64, to out: inout ColumnVector) {
        switch type {
        case .double: out.append(float64: OrderedWord.double(w))
        case .uint: out.append(uint64: w)
        case .bool: out.append(bool: OrderedWord.int(w) != 0)
        default: out.append(int64: OrderedWord.int(w))
        }
    }

    /// The k-th smallest of `v` (0-based), leaving v partitioned around it: Hoare's quickselect with a
    /// median-of-three pivot, O(n) on average (what DuckDB's `nth_element` does), not a full sort.
    static func select(_ v: UnsafeMutableBufferPointer<UInt64>, _ k: Int) -> UInt64 {
        var lo = 0, hi = v.count - 1
        while hi > lo {
            let mid = lo + (hi - lo) / 2
            // Median of three to v[mid].
            if v[mid] < v[lo] { v.swapAt(mid, lo) }
            if v[hi] < v[lo] { v.swapAt(hi, lo) }
            if v[hi] < v[mid] { v.swapAt(hi, mid) }
            let pivot = v[mid]
            var i = lo, j = hi
            while i <= j {
                while v[i] < pivot { i += 1 }
                while pivot < v[j] { j -= 1 }
                if i <= j { v.swapAt(i, j); i += 1; j -= 1 }
            }
            // v[lo...j] ≤ pivot ≤ v[i...hi]; between them (j < x < i) are elements equal to the pivot.
            if k <= j { hi = j } else if k >= i { lo = i } else { return v[k] }
        }
        return v[k]
    }
}

extension Int64 {
    /// The nearest integer to an interpolated quantile `d`, clamped to the type's range.
    init(nearest d: Double) { self = Int64(exactly: d.rounded()) ?? (d < 0 ? .min : .max) }
}

extension UInt64 {
    /// The nearest integer to an interpolated quantile `d`, clamped to the type's range.
    init(nearest d: Double) { self = UInt64(exactly: d.rounded()) ?? (d < 0 ? 0 : .max) }
}
