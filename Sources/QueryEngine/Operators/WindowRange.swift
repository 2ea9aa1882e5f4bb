import ColumnStore

/// RANGE frames with offsets (`RANGE BETWEEN INTERVAL '6 days' PRECEDING AND CURRENT ROW`, `RANGE
/// BETWEEN 2 PRECEDING AND 2 FOLLOWING`): a row's frame holds the rows of its partition whose single
/// ORDER BY value lies within the offsets of its own, found by binary search in the sorted partition.
/// A row whose key is NULL frames its NULL peers, as DuckDB does.
extension Window {
    /// Whether a bound is an offset (a number or an interval).
    static func isOffset(_ b: WindowFrame.Bound) -> Bool {
        switch b {
        case .preceding, .following, .precedingInterval, .followingInterval: true
        case .unboundedPreceding, .unboundedFollowing, .currentRow: false
        }
    }

    /// Each sorted position's frame (first, last sorted position; first > last when empty) for a RANGE
    /// frame with an offset; nil for any other frame.
    static func rangeFrames(_ f: WindowFunction, _ b: Batch, perm: [Int], partStart: [Int], partEnd: [Int],
                            peerStart: [Int], peerEnd: [Int]) throws -> (lo: [Int], hi: [Int])? {
        guard let fr = f.frame, fr.unit == .range, isOffset(fr.start) || isOffset(fr.end), let order = f.order.first else { return nil }
        let key = b.columns[order.column]
        let n = b.rowCount
        var lo = [Int](repeating: 0, count: n), hi = [Int](repeating: 0, count: n)
        // Sorted position p's value comes before value t in the sort (NULLs where NULLS FIRST/LAST puts them).
        func ends<T: Comparable>(_ values: [T], _ shift: (T, WindowFrame.Bound) throws -> T) throws {
            func before(_ p: Int, _ t: T) -> Bool {
                let r = perm[p]
                if key.isNull(r) { return order.nullsFirst }
                return order.descending ? values[r] > t : values[r] < t
            }
            func after(_ p: Int, _ t: T) -> Bool {
                let r = perm[p]
                if key.isNull(r) { return !order.nullsFirst }
                return order.descending ? values[r] < t : values[r] > t
            }
            /// The first position in `from...to` where `pred` turns false (`to + 1` when it never does).
            func firstFalse(_ from: Int, _ to: Int, _ pred: (Int) -> Bool) -> Int {
                var (l, h) = (from, to + 1)
                while l < h {
                    let m = (l + h) / 2
                    if pred(m) { l = m + 1 } else { h = m }
                }
                return l
            }
            func position(_ k: Int, _ bound: WindowFrame.Bound, start: Bool) throws -> Int {
                switch bound {
                case .unboundedPreceding: return partStart[k]
                case .unboundedFollowing: return partEnd[k]
                case .currentRow: return start ? peerStart[k] : peerEnd[k]
                case .preceding, .following, .precedingInterval, .followingInterval:
                    if key.isNull(perm[k]) { return start ? peerStart[k] : peerEnd[k] }
                    let t = try shift(values[perm[k]], bound)
                    return start ? firstFalse(partStart[k], partEnd[k]) { before($0, t) }
                                 : firstFalse(partStart[k], partEnd[k]) { !after($0, t) } - 1
                }
            }
            for k in 0..<n {
                lo[k] = try position(k, fr.start, start: true)
                hi[k] = try position(k, fr.end, start: false)
            }
        }
        // PRECEDING moves against the sort direction, FOLLOWING with it.
        func forward(_ bound: WindowFrame.Bound) -> Bool {
            switch bound {
            case .following, .followingInterval: !order.descending
            default: order.descending
            }
        }
        switch key.type {
        case .float64:
            try ends(key.float64s) { v, bound in
                switch bound {
                case let .preceding(m), let .following(m): return forward(bound) ? v + Double(m) : v - Double(m)
                default: return v
                }
            }
        case .int64:
            try ends(key.int64s) { v, bound in
                let m: Int64
                switch bound {
                case let .preceding(x), let .following(x): m = x
                default: return v
                }
                let (r, o) = forward(bound) ? v.addingReportingOverflow(m) : v.subtractingReportingOverflow(m)
                return o ? (forward(bound) ? .max : .min) : r
            }
        case .time:
            try ends(key.int64s) { v, bound in
                switch bound {
                case let .precedingInterval(i), let .followingInterval(i):
                    let negate = !forward(bound)
                    return (try? TimeArithmetic.add(v, i, negate: negate)) ?? (negate ? .min : .max)
                default: return v
                }
            }
        default:
            throw QueryError("a RANGE frame with an offset needs a numeric or TIMESTAMP ORDER BY key")
        }
        return (lo, hi)
    }
}
