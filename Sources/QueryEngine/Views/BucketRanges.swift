/// A set of half-open time intervals `[lo, hi)` in nanoseconds, kept sorted and merged. A materialized
/// view's not-yet-materialized buckets: each interval starts and ends on bucket boundaries.
struct BucketRanges: Sendable, Equatable, Codable {
    private(set) var intervals: [Interval] = []

    /// `[lo, hi)`; `Int64.min` / `Int64.max` stand for unbounded ends.
    struct Interval: Sendable, Equatable, Codable {
        var lo: Int64
        var hi: Int64
    }

    static let everything = BucketRanges(intervals: [Interval(lo: .min, hi: .max)])

    var isEmpty: Bool { intervals.isEmpty }

    mutating func insert(_ lo: Int64, _ hi: Int64) {
        guard lo < hi else { return }
        var out: [Interval] = []
        var new = Interval(lo: lo, hi: hi)
        var placed = false
        for i in intervals {
            if i.hi < new.lo { out.append(i); continue }
            if i.lo > new.hi {
                if !placed { out.append(new); placed = true }
                out.append(i)
                continue
            }
            new = Interval(lo: min(i.lo, new.lo), hi: max(i.hi, new.hi))
        }
        if !placed { out.append(new) }
        intervals = out
    }

    mutating func formUnion(_ other: BucketRanges) {
        for i in other.intervals { insert(i.lo, i.hi) }
    }

    /// The part at or after `t`.
    func clipped(from t: Int64) -> BucketRanges {
        var out = BucketRanges()
        for i in intervals where i.hi > t { out.intervals.append(Interval(lo: max(i.lo, t), hi: i.hi)) }
        return out
    }

    /// This set without `other`.
    func subtracting(_ other: BucketRanges) -> BucketRanges {
        var out: [Interval] = []
        for var i in intervals {
            for o in other.intervals where o.hi > i.lo && o.lo < i.hi {
                if o.lo > i.lo { out.append(Interval(lo: i.lo, hi: o.lo)) }
                i.lo = o.hi
                if i.lo >= i.hi { break }
            }
            if i.lo < i.hi { out.append(i) }
        }
        return BucketRanges(intervals: out)
    }
}
