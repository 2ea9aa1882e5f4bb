/// An interval value as DuckDB keeps it: months, days and a time part, which don't convert into each
/// other (a month is not always 30 days, a day not always 24 hours across DST in other engines).
/// The time part is in nanoseconds, the engine's timestamp unit (DuckDB keeps microseconds).
public struct SQLInterval: Sendable, Hashable, CustomStringConvertible {
    public var months: Int32
    public var days: Int32
    public var nanoseconds: Int64

    public init(months: Int32 = 0, days: Int32 = 0, nanoseconds: Int64 = 0) {
        self.months = months
        self.days = days
        self.nanoseconds = nanoseconds
    }

    /// The interval in the form `INTERVAL '…'` accepts, e.g. `1 year 2 months 3 days 4 hours 30 minutes 1.5 seconds`.
    public var description: String {
        var parts: [String] = []
        func add(_ count: Int64, _ unit: String) {
            if count != 0 { parts.append("\(count) \(unit)\(count.magnitude == 1 ? "" : "s")") }
        }
        add(Int64(months) / 12, "year")
        add(Int64(months) % 12, "month")
        add(Int64(days), "day")
        add(nanoseconds / 3_600_000_000_000, "hour")
        add(nanoseconds % 3_600_000_000_000 / 60_000_000_000, "minute")
        let seconds = nanoseconds % 60_000_000_000
        if seconds != 0 || parts.isEmpty {
            let magnitude = seconds.magnitude
            var text = seconds < 0 ? "-" : ""
            text += String(magnitude / 1_000_000_000)
            let fraction = magnitude % 1_000_000_000
            if fraction != 0 {
                var digits = String(fraction)
                digits = String(repeating: "0", count: 9 - digits.count) + digits
                while digits.hasSuffix("0") { digits.removeLast() }
                text += "." + digits
            }
            parts.append(text + (magnitude == 1_000_000_000 ? " second" : " seconds"))
        }
        return parts.joined(separator: " ")
    }
}

/// A unit of `INTERVAL` text, with how it adds up.
enum IntervalUnit: Sendable {
    /// A whole number of months per unit (years, quarters, …); fractions truncate to whole months.
    case months(Int64)
    /// Months whose fraction spills into 30-day days, then time (DuckDB's rule).
    case month
    /// Whole days per unit (day, week); fractions spill into time.
    case days(Int64)
    /// Nanoseconds per unit.
    case nanoseconds(Int64)

    /// The unit for a lower-case name. `fullNamesOnly` (for `INTERVAL 2 HOURS`) refuses abbreviations
    /// like `h` or `s`, which would read as aliases.
    static func named(_ name: String, fullNamesOnly: Bool = false) -> IntervalUnit? {
        switch name {
        case "millennium", "millennia", "millenniums": return .months(12_000)
        case "century", "centuries": return .months(1_200)
        case "decade", "decades": return .months(120)
        case "year", "years": return .months(12)
        case "quarter", "quarters": return .months(3)
        case "month", "months": return .month
        case "week", "weeks": return .days(7)
        case "day", "days": return .days(1)
        case "hour", "hours": return .nanoseconds(3_600_000_000_000)
        case "minute", "minutes": return .nanoseconds(60_000_000_000)
        case "second", "seconds": return .nanoseconds(1_000_000_000)
        case "millisecond", "milliseconds": return .nanoseconds(1_000_000)
        case "microsecond", "microseconds": return .nanoseconds(1_000)
        default: break
        }
        if fullNamesOnly { return nil }
        switch name {
        case "mil", "mils": return .months(12_000)
        case "y", "yr", "yrs": return .months(12)
        case "mon", "mons": return .month
        case "w": return .days(7)
        case "d": return .days(1)
        case "h", "hr", "hrs": return .nanoseconds(3_600_000_000_000)
        case "m", "min", "mins": return .nanoseconds(60_000_000_000)
        case "s", "sec", "secs": return .nanoseconds(1_000_000_000)
        case "ms", "msec", "msecs": return .nanoseconds(1_000_000)
        case "us", "usec", "usecs": return .nanoseconds(1_000)
        default: return nil
        }
    }
}
