/// `date_diff(part, a, b)` and `date_sub(part, a, b)` on nanosecond timestamps, as DuckDB defines them:
/// `date_diff` counts the part's boundaries crossed from a to b (calendar fields for year … month; whole
/// days between the dates, over 7, for week; floor division of the instant for day and smaller), and
/// `date_sub` counts whole parts elapsed (a month is complete when the day and time of month are
/// reached again, with DuckDB's end-of-month rule; fixed units truncate the difference toward zero).
enum DateDiff {
    /// The parts both functions take.
    enum Part: Sendable {
        case millennium, century, decade, year, quarter, month, week, day, hour, minute, second, millisecond, microsecond

        init?(_ p: DatePart) {
            switch p {
            case .millennium: self = .millennium
            case .century: self = .century
            case .decade: self = .decade
            case .year: self = .year
            case .quarter: self = .quarter
            case .month: self = .month
            case .week: self = .week
            case .day, .doy, .dow, .isodow: self = .day
            case .hour: self = .hour
            case .minute: self = .minute
            case .second: self = .second
            case .millisecond: self = .millisecond
            case .microsecond: self = .microsecond
            default: return nil
            }
        }

        /// Nanoseconds per unit for the fixed-length parts.
        var nanos: Int64? {
            switch self {
            case .week: 7 * 86_400_000_000_000
            case .day: 86_400_000_000_000
            case .hour: 3_600_000_000_000
            case .minute: 60_000_000_000
            case .second: 1_000_000_000
            case .millisecond: 1_000_000
            case .microsecond: 1_000
            default: nil
            }
        }

        /// Months per unit for the calendar parts.
        var months: Int64? {
            switch self {
            case .millennium: 12_000
            case .century: 1_200
            case .decade: 120
            case .year: 12
            case .quarter: 3
            case .month: 1
            default: nil
            }
        }
    }

    /// Boundaries of `part` crossed going from `a` to `b` (negative when b is earlier).
    static func diff(_ part: Part, _ a: Int64, _ b: Int64) -> Int64 {
        switch part {
        case .week:
            return (floorDiv(b, Part.day.nanos!) - floorDiv(a, Part.day.nanos!)) / 7
        case .day, .hour, .minute, .second, .millisecond, .microsecond:
            let u = part.nanos!
            return floorDiv(b, u) - floorDiv(a, u)
        case .millennium, .century, .decade, .year:
            let ya = Int64(CivilTime(a).year), yb = Int64(CivilTime(b).year)
            let per = part.months! / 12
            return floorDiv(yb, per) - floorDiv(ya, per)
        case .quarter, .month:
            let ca = CivilTime(a), cb = CivilTime(b)
            let ma = Int64(ca.year) * 12 + Int64(ca.month - 1), mb = Int64(cb.year) * 12 + Int64(cb.month - 1)
            let per = part.months!
            return floorDiv(mb, per) - floorDiv(ma, per)
        }
    }

    /// Whole parts elapsed from `a` to `b` (negative when b is earlier).
    static func sub(_ part: Part, _ a: Int64, _ b: Int64) throws -> Int64 {
        if let u = part.nanos {
            let (d, o) = b.subtractingReportingOverflow(a)
            if o { throw QueryError("date_sub(): the difference of the timestamps overflows") }
            return d / u
        }
        return wholeMonths(a, b) / part.months!
    }

    /// Complete months from a to b: DuckDB's `DateSub::MonthOperator`.
    static func wholeMonths(_ a: Int64, _ b: Int64) -> Int64 {
        if a > b { return -wholeMonths(b, a) }
        let day = Part.day.nanos!
        let ca = CivilTime(a), cb = CivilTime(b)
        let timeA = a - floorDiv(a, day) * day, timeB = b - floorDiv(b, day) * day
        var startDay = Int64(ca.day)
        // On the last day of b's month, a later day of month in a counts as that last day.
        let endDays = Int64(TimeArithmetic.daysInMonth(cb.year, cb.month))
        if Int64(cb.day) == endDays, startDay > endDays { startDay = endDays }
        var months = (Int64(cb.year) - Int64(ca.year)) * 12 + Int64(cb.month) - Int64(ca.month)
        if startDay > Int64(cb.day) || (startDay == Int64(cb.day) && timeA > timeB) { months -= 1 }
        return months
    }

    @inline(__always) static func floorDiv(_ x: Int64, _ y: Int64) -> Int64 {
        let q = x / y
        return (x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q
    }
}
