/// DATE values: days since 1970-01-01 (the engine's DATE unit), their text `YYYY-MM-DD`, and the
/// conversions to and from TIMESTAMP (nanoseconds since 1970, UTC).
public enum SQLDate {
    static let nanosPerDay: Int64 = 86_400_000_000_000
    /// The DATEs a TIMESTAMP can hold (1677-09-22 … 2262-04-11): the ones that convert to one.
    static let timeRange: ClosedRange<Int64> = (Int64.min / nanosPerDay + 1)...(Int64.max / nanosPerDay)
    /// The DATEs tsdb reads and prints: years 0001 to 9999.
    static let range: ClosedRange<Int64> = SQLTimestamp.daysFromCivil(1, 1, 1)...SQLTimestamp.daysFromCivil(9999, 12, 31)

    /// Days since the epoch of date text: `YYYY-MM-DD`, spaces around it, and (as DuckDB reads
    /// `'2026-01-02 10:00'::DATE`) an optional time after it, which is dropped.
    public static func parse(_ text: String) throws(SQLTimestamp.ParseError) -> Int64 {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        var end = bytes.count
        while end > index, bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        func fail(_ message: String) -> SQLTimestamp.ParseError {
            SQLTimestamp.ParseError(message: "\(message) in date '\(text)'; expected YYYY-MM-DD")
        }
        func digits(_ minCount: Int, _ maxCount: Int) -> Int64? {
            var value: Int64 = 0
            var count = 0
            while index < end, count < maxCount, bytes[index] &- UInt8(ascii: "0") < 10 {
                value = value * 10 + Int64(bytes[index] &- UInt8(ascii: "0"))
                index += 1
                count += 1
            }
            return count >= minCount ? value : nil
        }
        func take(_ byte: UInt8) -> Bool {
            guard index < end, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = digits(4, 4), take(UInt8(ascii: "-")), let month = digits(1, 2), take(UInt8(ascii: "-")),
              let day = digits(1, 2) else { throw fail("bad date") }
        guard year >= 1, (1...12).contains(month), day >= 1, day <= SQLTimestamp.daysInMonth(year, month) else {
            throw fail("no such date")
        }
        let days = SQLTimestamp.daysFromCivil(year, month, day)
        if index == end { return days }
        // A time after the date must be a valid one; its day is the date's.
        let rest = String(decoding: bytes[index..<end], as: UTF8.self)
        guard rest.first == " " || rest.first == "T" || rest.first == "t" else { throw fail("unexpected text after the date") }
        let t = try SQLTimestamp.parse("1970-01-01" + rest)
        return days + floorDays(t)
    }

    /// The day (UTC) of a TIMESTAMP.
    @inline(__always)
    static func floorDays(_ nanoseconds: Int64) -> Int64 {
        let q = nanoseconds / nanosPerDay
        return nanoseconds % nanosPerDay < 0 ? q - 1 : q
    }

    /// Midnight of a DATE as a TIMESTAMP, or nil outside what a TIMESTAMP holds.
    @inline(__always)
    static func midnight(_ days: Int64) -> Int64? {
        let (t, o) = days.multipliedReportingOverflow(by: nanosPerDay)
        return o ? nil : t
    }

    /// Midnight of a DATE as a TIMESTAMP, or an error naming the DATE when a TIMESTAMP cannot hold it.
    static func checkedMidnight(_ days: Int64) throws -> Int64 {
        guard let t = midnight(days) else { throw QueryError("DATE \(format(days)) is out of range for a TIMESTAMP (1677-09-22 to 2262-04-11)") }
        return t
    }

    /// `YYYY-MM-DD`, as DuckDB and PostgreSQL print a DATE.
    public static func format(_ days: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10)
        write(days, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `YYYY-MM-DD` of `days` to `out` (a year past 9999 gets more digits; one before year 1 a sign).
    public static func write(_ days: Int64, into out: inout [UInt8]) {
        let (year, month, day) = SQLTimestamp.civilFromDays(days)
        var y = year
        if y < 0 { out.append(UInt8(ascii: "-")); y = -y }
        let yearText = Array(String(y).utf8)
        for _ in yearText.count..<max(4, yearText.count) { out.append(UInt8(ascii: "0")) }
        out.append(contentsOf: yearText)
        out.append(UInt8(ascii: "-"))
        out.append(UInt8(ascii: "0") + UInt8(month / 10)); out.append(UInt8(ascii: "0") + UInt8(month % 10))
        out.append(UInt8(ascii: "-"))
        out.append(UInt8(ascii: "0") + UInt8(day / 10)); out.append(UInt8(ascii: "0") + UInt8(day % 10))
    }

    /// The last day of the month `days` is in.
    static func lastOfMonth(_ days: Int64) -> Int64 {
        let (y, m, d) = SQLTimestamp.civilFromDays(days)
        return days - d + SQLTimestamp.daysInMonth(y, m)
    }
}
