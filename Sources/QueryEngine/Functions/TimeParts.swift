import ColumnStore

/// A timestamp broken into calendar fields (UTC, or local wall time after `AT TIME ZONE`).
struct CivilTime {
    var year: Int, month: Int, day: Int
    var hour: Int, minute: Int, second: Int
    /// Nanoseconds within the second.
    var nanos: Int
    /// Days since 1970-01-01.
    var dayNumber: Int

    init(_ ns: Int64) {
        let d = TimeBucket.floorDiv(ns, Day.nanosPerDay)
        let c = Day.civil(Int32(d))
        (year, month, day, dayNumber) = (c.year, c.month, c.day, Int(d))
        var rest = Int(ns - d * Day.nanosPerDay)
        nanos = rest % 1_000_000_000
        rest /= 1_000_000_000
        second = rest % 60
        minute = rest / 60 % 60
        hour = rest / 3600
    }

    /// 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
    var weekday: Int { ((dayNumber % 7) + 11) % 7 }
    /// 1 = Monday … 7 = Sunday.
    var isoWeekday: Int { weekday == 0 ? 7 : weekday }
    var dayOfYear: Int { dayNumber - Int(Day.from(year: year, month: 1, day: 1)) + 1 }

    /// ISO 8601 week-numbering year and week (weeks start on Monday; week 1 holds the year's first Thursday).
    var isoWeek: (year: Int, week: Int) {
        let thursday = dayNumber - isoWeekday + 4
        let y = Int(Day.civil(Int32(thursday)).year)
        let week = (thursday - Int(Day.from(year: y, month: 1, day: 1))) / 7 + 1
        return (y, week)
    }
}

/// The fields `extract(field FROM t)` / `date_part('field', t)` take, with DuckDB's meanings.
enum DatePart: String, CaseIterable, Sendable {
    case year, quarter, month, day, hour, minute, second, millisecond, microsecond, epoch
    case dow, isodow, doy, week, isoyear, yearweek, decade, century, millennium, era

    init?(name: String) {
        switch name.lowercased() {
        case "year", "years", "y", "yr", "yrs": self = .year
        case "quarter", "quarters": self = .quarter
        case "month", "months", "mon", "mons": self = .month
        case "day", "days", "d", "dayofmonth": self = .day
        case "hour", "hours", "h", "hr", "hrs": self = .hour
        case "minute", "minutes", "m", "min", "mins": self = .minute
        case "second", "seconds", "s", "sec", "secs": self = .second
        case "millisecond", "milliseconds", "ms", "msec", "msecs": self = .millisecond
        case "microsecond", "microseconds", "us", "usec", "usecs": self = .microsecond
        case "epoch": self = .epoch
        case "dow", "dayofweek", "weekday": self = .dow
        case "isodow": self = .isodow
        case "doy", "dayofyear": self = .doy
        case "week", "weeks", "w", "weekofyear": self = .week
        case "isoyear": self = .isoyear
        case "yearweek": self = .yearweek
        case "decade", "decades": self = .decade
        case "century", "centuries": self = .century
        case "millennium", "millennia": self = .millennium
        case "era": self = .era
        default: return nil
        }
    }

    /// The field of timestamp `ns` (every field but `epoch`, which is a double).
    func value(_ ns: Int64) -> Int64 {
        let c = CivilTime(ns)
        switch self {
        case .year: return Int64(c.year)
        case .quarter: return Int64((c.month - 1) / 3 + 1)
        case .month: return Int64(c.month)
        case .day: return Int64(c.day)
        case .hour: return Int64(c.hour)
        case .minute: return Int64(c.minute)
        case .second: return Int64(c.second)
        // DuckDB counts the seconds in: 05.123456 s is 5123 ms and 5123456 µs.
        case .millisecond: return Int64(c.second * 1000 + c.nanos / 1_000_000)
        case .microsecond: return Int64(c.second * 1_000_000 + c.nanos / 1000)
        case .epoch: return TimeBucket.floorDiv(ns, 1_000_000_000)
        case .dow: return Int64(c.weekday)
        case .isodow: return Int64(c.isoWeekday)
        case .doy: return Int64(c.dayOfYear)
        case .week: return Int64(c.isoWeek.week)
        case .isoyear: return Int64(c.isoWeek.year)
        case .yearweek: let w = c.isoWeek; return Int64(w.year * 100 + w.week)
        case .decade: return Int64(TimeBucket.floorDiv(Int64(c.year), 10))
        case .century: return Int64(c.year > 0 ? (c.year - 1) / 100 + 1 : -((-c.year) / 100 + 1))
        case .millennium: return Int64(c.year > 0 ? (c.year - 1) / 1000 + 1 : -((-c.year) / 1000 + 1))
        case .era: return c.year > 0 ? 1 : 0
        }
    }

    /// `epoch`: seconds since 1970 with the fraction, as DuckDB's DOUBLE.
    static func epochSeconds(_ ns: Int64) -> Double {
        let s = TimeBucket.floorDiv(ns, 1_000_000_000)
        return Double(s) + Double(ns - s * 1_000_000_000) / 1e9
    }
}

/// Conversions between UTC instants and wall times of a zone, on nanosecond timestamps.
enum ZoneShift {
    static let nanosPerSecond: Int64 = 1_000_000_000

    /// `instant AT TIME ZONE zone` for a TIMESTAMPTZ: the zone's wall time (a TIMESTAMP).
    static func toLocal(_ ns: Int64, _ z: TimeZoneRules) -> Int64 {
        ns &+ z.offset(utc: TimeBucket.floorDiv(ns, nanosPerSecond)) &* nanosPerSecond
    }

    /// `wall AT TIME ZONE zone` for a TIMESTAMP: the instant (a TIMESTAMPTZ) when the zone's clocks show it.
    static func fromLocal(_ ns: Int64, _ z: TimeZoneRules) -> Int64 {
        ns &- z.offset(local: TimeBucket.floorDiv(ns, nanosPerSecond)) &* nanosPerSecond
    }
}
