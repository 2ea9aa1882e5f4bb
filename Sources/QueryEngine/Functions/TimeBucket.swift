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
        let width = w &+ i.nanoseconds
        guard width > 0 else { return nil }
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

    @inline(__always) func apply(_ t: Int64) -> Int64 {
        switch self {
        case let .fixed(w, o):
            return Self.floorDiv(t &- o, w) &* w &+ o
        case let .months(m, o):
            let day = Day.of(t)
            let c = Day.civil(day)
            let idx = Int64(c.year) * 12 + Int64(c.month - 1)
            let b = Self.floorDiv(idx - o, m) * m + o
            let y = Self.floorDiv(b, 12), mo = b - y * 12
            return Int64(Day.from(year: Int(y), month: Int(mo) + 1, day: 1)) * Self.nanosPerDay
        }
    }

    /// Applies the bucket to every value of `src` into `dst`.
    func apply(_ src: UnsafeBufferPointer<Int64>, _ dst: UnsafeMutableBufferPointer<Int64>) {
        switch self {
        case let .fixed(w, o):
            // Rows come in time order, so most fall in the previous row's bucket: a range check instead of
            // a 64-bit division (which stays for rows outside it).
            var start = Int64.max, end = Int64.min
            for i in src.indices {
                let t = src[i]
                if t >= start && t < end { dst[i] = start; continue }
                let x = t &- o
                let q = x / w
                let b = (q &- ((x % w) < 0 ? 1 : 0)) &* w &+ o
                dst[i] = b
                (start, end) = (b, b &+ w > b ? b &+ w : Int64.max)
            }
        case .months:
            // Rows of a day share a month: convert once per run of equal days.
            var lastDay = Int32.min, lastOut: Int64 = 0
            for i in src.indices {
                let d = Day.of(src[i])
                if d != lastDay { lastDay = d; lastOut = apply(src[i]) }
                dst[i] = lastOut
            }
        }
    }
}

/// Calendar arithmetic: a timestamp plus an interval (months first, then days and time, like DuckDB).
enum TimeArithmetic {
    static func add(_ t: Int64, _ i: SQLInterval, negate: Bool) -> Int64 {
        let sign: Int64 = negate ? -1 : 1
        var r = t
        if i.months != 0 {
            let day = Day.of(t)
            let tod = t - Int64(day) * TimeBucket.nanosPerDay
            let c = Day.civil(day)
            var idx = Int64(c.year) * 12 + Int64(c.month - 1) + sign * Int64(i.months)
            let y = TimeBucket.floorDiv(idx, 12)
            idx -= y * 12
            let month = Int(idx) + 1
            let dim = daysInMonth(Int(y), month)
            r = Int64(Day.from(year: Int(y), month: month, day: min(c.day, dim))) * TimeBucket.nanosPerDay + tod
        }
        return r &+ sign &* (Int64(i.days) &* TimeBucket.nanosPerDay &+ i.nanoseconds)
    }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
