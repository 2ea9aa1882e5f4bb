/// The `time` range a comparison of a fixed-width floor of `time` with a constant implies: `time::DATE`
/// (the UTC day, as DuckDB casts a TIMESTAMP), `date_trunc('day'|'hour'|…, time)`, `time_bucket(w, time)`.
/// Such a floor is monotone, so `floor(time) op c` is exactly a range of `time`: `time::DATE = d` is
/// `[d 00:00, d+1 00:00)`. The planner narrows its partition and block pruning to it; the filter still
/// decides every row.
struct TimeFloor {
    /// Buckets of `width` ns starting at `origin` (ns).
    let width: Int64
    let origin: Int64

    /// The floor `e` computes of `time` (column 0), or nil when `e` is not one.
    static func of(_ e: BoundExpr) -> TimeFloor? {
        switch e {
        case .cast(.column(0, .time), .date), .cast(.cast(.column(0, .time), .date), .time):
            return TimeFloor(width: TimeBucket.nanosPerDay, origin: 0)
        case let .timeBucket(.fixed(w, o), .column(0, .time)), let .cast(.timeBucket(.fixed(w, o), .column(0, .time)), .date):
            // A bucket cast to a DATE is its day: the same range when the buckets are whole days from midnight.
            if case .cast = e, w % TimeBucket.nanosPerDay != 0 || o % TimeBucket.nanosPerDay != 0 { return nil }
            return TimeFloor(width: w, origin: o)
        default:
            return nil
        }
    }

    /// A constant compared with a floor, in nanoseconds: a TIMESTAMP, or a DATE's midnight.
    static func nanoseconds(_ v: Value) -> Int128? {
        switch v {
        case let .time(t): Int128(t)
        case let .date(d): Int128(d) * Int128(TimeBucket.nanosPerDay)
        default: nil
        }
    }

    /// The start of the bucket holding `t`.
    private func start(_ t: Int128) -> Int128 {
        let w = Int128(width), x = t - Int128(origin)
        var q = x / w
        if x % w < 0 { q -= 1 }
        return q * w + Int128(origin)
    }

    /// The times whose floor compares `op` with `c` (`floor(time) op c`), as an inclusive range; nil for
    /// `<>`, which is no range.
    func range(_ op: CompareOp, _ c: Int128) -> (lo: Int128, hi: Int128)? {
        let w = Int128(width)
        switch op {
        case .eq:
            // Only a bucket's start is ever equal: any other constant matches nothing.
            let s = start(c)
            return s == c ? (s, s + w - 1) : (1, 0)
        case .ge: let s = start(c); return (s == c ? s : s + w, .max)
        case .gt: return (start(c) + w, .max)
        case .le: return (.min, start(c) + w - 1)
        case .lt: return (.min, start(c - 1) + w - 1)
        case .ne: return nil
        }
    }

    /// The range of `time` a predicate on a floor of it implies: a comparison with a constant, or an IN
    /// list of constants (the span from its least to its greatest). Nil when `p` is neither.
    static func range(of p: BoundExpr) -> (lo: Int64, hi: Int64)? {
        var r: (lo: Int128, hi: Int128)?
        switch p {
        case let .compare(op, a, .constant(v)):
            if let f = of(a), let c = nanoseconds(v) { r = f.range(op, c) }
        case let .compare(op, .constant(v), b):
            if let f = of(b), let c = nanoseconds(v) { r = f.range(op.flipped, c) }
        case let .inList(x, values, negated: false):
            let f: TimeFloor? = if case .column(0, .time) = x { TimeFloor(width: 1, origin: 0) } else { of(x) }
            guard let f else { return nil }
            var lo = Int128.max, hi = Int128.min
            for v in values where v != .null {
                guard let c = nanoseconds(v), let e = f.range(.eq, c) else { return nil }
                if e.lo <= e.hi { lo = min(lo, e.lo); hi = max(hi, e.hi) }
            }
            r = (lo, hi)
        default:
            break
        }
        guard let r else { return nil }
        if r.lo > r.hi { return (.max, .min) }
        func clamp(_ x: Int128) -> Int64 { Int64(clamping: x) }
        return (clamp(r.lo), clamp(r.hi))
    }
}
