import ColumnStore

/// Truncation of timestamps to buckets: `time_bucket(INTERVAL, t)` and `date_trunc(unit, t)`, as integer arithmetic.
///
/// Fixed-width buckets count from an origin: DuckDB's default for `time_bucket` is 2000-01-03 (a Monday)
/// for day/time widths and 2000-01-01 for month widths; `date_trunc('week')` starts weeks on Monday.
enum TimeBucket: Sendable, Equatable {
    /// Buckets of `width` ns starting at `origin`.
    case fixed(width: Int64, origin: Int64)
    /// Buckets of `months` calendar months counted from month index `origin` (year × 12 + month − 1).
    case months(Int64, origin: Int64)

    static let nanosPerDay: Int64 = 86_400_000_000_000
    /// 2000-01-03T00:00:00Z, a Monday.
    static let mondayOrigin: Int64 = 946_857_600_000_000_000
    static let monthOrigin: Int64 = 2000 * 12

    /// The bucket of `time_bucket(interval, t)`; nil when the interval mixes months with days or time, or is not positive.
    static func timeBucket(_ i: SQLInterval) -> TimeBucket? {
        if i.months != 0 {
            guard i.days == 0, i.nanoseconds == 0, i.months > 0 else { return nil }
            return .months(Int64(i.months), origin: monthOrigin)
        }
        let (w, o) = Int64(i.days).multipliedReportingOverflow(by: nanosPerDay)
        guard !o else { return nil }
        let (width, o2) = w.addingReportingOverflow(i.nanoseconds)
        guard !o2, width > 0 else { return nil }
        return .fixed(width: width, origin: mondayOrigin)
    }

    /// The bucket of `date_trunc(unit, t)`; nil for an unknown unit.
    static func dateTrunc(_ unit: String) -> TimeBucket? {
        switch unit.lowercased() {
        case "microsecond", "microseconds", "us": .fixed(width: 1_000, origin: 0)
        case "millisecond", "milliseconds", "ms": .fixed(width: 1_000_000, origin: 0)
        case "second", "seconds", "s": .fixed(width: 1_000_000_000, origin: 0)
        case "minute", "minutes", "m": .fixed(width: 60_000_000_000, origin: 0)
        case "hour", "hours", "h": .fixed(width: 3_600_000_000_000, origin: 0)
        case "day", "days", "d": .fixed(width: nanosPerDay, origin: 0)
        case "week", "weeks", "w": .fixed(width: 7 * nanosPerDay, origin: mondayOrigin)
        case "month", "months", "mon": .months(1, origin: 0)
        case "quarter", "quarters": .months(3, origin: 0)
        case "year", "years", "y": .months(12, origin: 0)
        case "decade", "decades": .months(120, origin: 0)
        default: nil
        }
    }

    @inline(__always) static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// The bucket of `t`; nil when its start lies outside the timestamp range (before 1677-09-21).
    @inline(__always) func apply(_ t: Int64) -> Int64? {
        switch self {
        case let .fixed(w, o):
            return Self.fixedStart(t, w, o)
        case let .months(m, o):
            let day = Day.of(t)
            let c = Day.civil(day)
            let idx = Int64(c.year) * 12 + Int64(c.month - 1)
            let b = Self.floorDiv(idx - o, m) * m + o
            let y = Self.floorDiv(b, 12), mo = b - y * 12
            let days = SQLTimestamp.daysFromCivil(y, mo + 1, 1)
            let (r, overflow) = days.multipliedReportingOverflow(by: Self.nanosPerDay)
            return overflow ? nil : r
        }
    }

    /// `floor((t - o) / w) * w + o`, or nil when that is not a 64-bit nanosecond time.
    @inline(__always) static func fixedStart(_ t: Int64, _ w: Int64, _ o: Int64) -> Int64? {
        let (x, o1) = t.subtractingReportingOverflow(o)
        if o1 {
            let x128 = Int128(t) - Int128(o)
            var q = x128 / Int128(w)
            if x128 % Int128(w) < 0 { q -= 1 }
            return Int64(exactly: q * Int128(w) + Int128(o))
        }
        let q = x / w &- ((x % w) < 0 ? 1 : 0)
        let (p, o2) = q.multipliedReportingOverflow(by: w)
        let (b, o3) = p.addingReportingOverflow(o)
        return o2 || o3 ? nil : b
    }

    /// The bucket of `t`, or an error when its start is before the earliest timestamp.
    func checkedApply(_ t: Int64) throws -> Int64 {
        guard let b = apply(t) else {
            throw QueryError("timestamp out of range: the bucket of \(SQLTimestamp.format(t)) starts before 1677-09-21 (the range of nanosecond timestamps)")
        }
        return b
    }

    /// Applies the bucket to every value of `src` into `dst`; returns the first row whose bucket is out of
    /// range (its `dst` is 0), nil when there is none.
    func apply(_ src: UnsafeBufferPointer<Int64>, _ dst: UnsafeMutableBufferPointer<Int64>) -> Int? {
        var failed: Int?
        switch self {
        case let .fixed(w, o):
            // Rows come in time order, so most fall in the previous row's bucket: a range check instead of
            // a 64-bit division (which stays for rows outside it).
            var start = Int64.max, end = Int64.min
            for i in src.indices {
                let t = src[i]
                if t >= start && t < end { dst[i] = start; continue }
                guard let b = Self.fixedStart(t, w, o) else { dst[i] = 0; failed = failed ?? i; continue }
                dst[i] = b
                (start, end) = (b, b &+ w > b ? b &+ w : Int64.max)
            }
        case .months:
            // Rows of a day share a month: convert once per run of equal days.
            var lastDay = Int32.min, lastOut: Int64 = 0
            for i in src.indices {
                let d = Day.of(src[i])
                if d != lastDay {
                    lastDay = d
                    guard let b = apply(src[i]) else { dst[i] = 0; failed = failed ?? i; lastDay = Int32.min; continue }
                    lastOut = b
                }
                dst[i] = lastOut
            }
        }
        return failed
    }
}

/// Calendar arithmetic: a timestamp plus an interval (months first, then days and time, like DuckDB).
/// A result outside the nanosecond range (1677-09-21 to 2262-04-11) is an error, never a wrapped time.
enum TimeArithmetic {
    static func outOfRange(_ t: Int64, _ i: SQLInterval, negate: Bool) -> QueryError {
        QueryError("timestamp out of range: \(SQLTimestamp.format(t)) \(negate ? "-" : "+") INTERVAL '\(i)' is outside "
                   + "1677-09-21 to 2262-04-11 (the range of nanosecond timestamps)")
    }

    /// The days and time of `i` in nanoseconds, negated when subtracting (128-bit: 2^31 days do not fit 64).
    static func fixedPart(_ i: SQLInterval, negate: Bool) -> Int128 {
        let f = Int128(i.days) * Int128(TimeBucket.nanosPerDay) + Int128(i.nanoseconds)
        return negate ? -f : f
    }

    static func add(_ t: Int64, _ i: SQLInterval, negate: Bool) throws -> Int64 {
        var r = t
        if i.months != 0 {
            let sign: Int64 = negate ? -1 : 1
            let day = Day.of(t)
            let tod = t - Int64(day) * TimeBucket.nanosPerDay
            let c = Day.civil(day)
            var idx = Int64(c.year) * 12 + Int64(c.month - 1) + sign * Int64(i.months)
            let y = TimeBucket.floorDiv(idx, 12)
            idx -= y * 12
            let month = Int(idx) + 1
            // Years far outside the range must not reach 32-bit day numbers: refuse them first.
            guard y > 1000, y < 3000 else { throw outOfRange(t, i, negate: negate) }
            let dim = daysInMonth(Int(y), month)
            let days = SQLTimestamp.daysFromCivil(y, Int64(month), Int64(min(c.day, dim)))
            let (ns, o1) = days.multipliedReportingOverflow(by: TimeBucket.nanosPerDay)
            let (sum, o2) = ns.addingReportingOverflow(tod)
            guard !o1, !o2 else { throw outOfRange(t, i, negate: negate) }
            r = sum
        }
        guard let out = Int64(exactly: Int128(r) + fixedPart(i, negate: negate)) else { throw outOfRange(t, i, negate: negate) }
        return out
    }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
