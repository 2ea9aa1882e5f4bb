/// INTERVAL values computed per row (`time - lag(time)`, `a - b` of timestamps) live in a vector as one
/// Int64: nanoseconds, a day counted as 24 hours and a month as 30 days — DuckDB's rule for comparing
/// intervals, and exactly what a difference of timestamps is (days and a time part, no months).
/// A constant `INTERVAL '…'` stays an `SQLInterval` (months kept) until it meets a vector.
enum IntervalValues {
    static let nanosPerDay: Int64 = 86_400_000_000_000

    /// The vector word of `i`: its length in nanoseconds (months as 30 days), or nil past ±292 years.
    static func nanoseconds(_ i: SQLInterval) -> Int64? {
        let days = (Int64(i.months) * 30).addingReportingOverflow(Int64(i.days))
        let (dayNanos, o1) = days.partialValue.multipliedReportingOverflow(by: nanosPerDay)
        let (total, o2) = dayNanos.addingReportingOverflow(i.nanoseconds)
        return o1 || o2 ? nil : total
    }

    /// The word of a constant interval for a vector, or an error naming it.
    static func checkedNanoseconds(_ i: SQLInterval) throws -> Int64 {
        guard let v = nanoseconds(i) else { throw QueryError("INTERVAL '\(i)' is too long to compute with (over 292 years)") }
        return v
    }

    /// A vector word as an interval of whole days and a time part of the same sign, as DuckDB's
    /// timestamp subtraction gives it.
    static func interval(_ ns: Int64) -> SQLInterval {
        SQLInterval(months: 0, days: Int32(clamping: ns / nanosPerDay), nanoseconds: ns % nanosPerDay)
    }

    /// DuckDB's text of an interval: `1 year 2 months 3 days 04:05:06.5`, `-1 day -02:00:00`, `00:00:00`.
    static func text(_ i: SQLInterval) -> String {
        var parts: [String] = []
        let years = i.months / 12, months = i.months % 12
        if years != 0 { parts.append("\(years) year\(years.magnitude == 1 ? "" : "s")") }
        if months != 0 { parts.append("\(months) month\(months.magnitude == 1 ? "" : "s")") }
        if i.days != 0 { parts.append("\(i.days) day\(i.days.magnitude == 1 ? "" : "s")") }
        if i.nanoseconds != 0 || parts.isEmpty {
            let m = i.nanoseconds.magnitude
            func two(_ x: UInt64) -> String { x < 10 ? "0\(x)" : "\(x)" }
            var t = i.nanoseconds < 0 ? "-" : ""
            t += "\(two(m / 3_600_000_000_000)):\(two(m / 60_000_000_000 % 60)):\(two(m / 1_000_000_000 % 60))"
            let fraction = m % 1_000_000_000
            if fraction != 0 {
                var digits = String(fraction)
                digits = String(repeating: "0", count: 9 - digits.count) + digits
                while digits.hasSuffix("0") { digits.removeLast() }
                t += "." + digits
            }
            parts.append(t)
        }
        return parts.joined(separator: " ")
    }

    /// The seconds in an interval, as `epoch(interval)` gives them (a month is 30 days, a day 24 hours).
    static func epochSeconds(_ ns: Int64) -> Double { Double(ns) / 1e9 }
}
