/// Timestamp text ⇄ nanoseconds since 1970-01-01 00:00:00 UTC, the engine's time unit.
///
/// Accepted: `YYYY-MM-DD`, then optionally `T` or a space and `HH:MM[:SS[.fraction]]`, then optionally a
/// zone that means UTC (`Z`, `+00`, `+00:00`, ` UTC`). Other offsets are refused: DuckDB's TIMESTAMP
/// ignores them, so accepting one would silently mean a different instant. The planner uses this too,
/// to compare `time` with strings like `'2026-09-01'`.
public enum SQLTimestamp {
    /// Why timestamp text was refused.
    public struct ParseError: Error, Sendable {
        public var message: String
    }

    /// Nanoseconds since the epoch for timestamp text.
    public static func parse(_ text: String) throws(ParseError) -> Int64 {
        let bytes = Array(text.utf8)
        var index = 0
        func fail(_ message: String) -> ParseError {
            ParseError(message: message + "; expected YYYY-MM-DD[ HH:MM[:SS[.fraction]]][Z]")
        }
        func digits(_ minCount: Int, _ maxCount: Int) -> Int64? {
            var value: Int64 = 0
            var count = 0
            while index < bytes.count, count < maxCount, bytes[index] &- UInt8(ascii: "0") < 10 {
                value = value * 10 + Int64(bytes[index] &- UInt8(ascii: "0"))
                index += 1
                count += 1
            }
            return count >= minCount ? value : nil
        }
        func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = digits(4, 4), take(UInt8(ascii: "-")), let month = digits(1, 2), take(UInt8(ascii: "-")),
              let day = digits(1, 2) else { throw fail("bad date") }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year, month) else {
            throw fail("no such date")
        }
        var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, fraction: Int64 = 0
        if take(UInt8(ascii: "T")) || take(UInt8(ascii: "t")) || take(UInt8(ascii: " ")) {
            guard let h = digits(1, 2), take(UInt8(ascii: ":")), let m = digits(2, 2) else { throw fail("bad time") }
            hour = h
            minute = m
            if take(UInt8(ascii: ":")) {
                guard let s = digits(2, 2) else { throw fail("bad time") }
                second = s
                if take(UInt8(ascii: ".")) {
                    var scale: Int64 = 100_000_000
                    let start = index
                    while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
                        fraction += Int64(bytes[index] &- UInt8(ascii: "0")) * scale
                        scale /= 10
                        index += 1
                    }
                    guard index > start else { throw fail("bad fraction of a second") }
                }
            }
            let endOfDay = hour == 24 && minute == 0 && second == 0 && fraction == 0
            guard hour < 24 || endOfDay, minute < 60, second < 60 else { throw fail("no such time") }
            // A zone, if any, must be UTC.
            let zoneStart = index
            _ = take(UInt8(ascii: " "))
            if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) {
            } else if take(UInt8(ascii: "+")) || take(UInt8(ascii: "-")) {
                guard let offset = digits(2, 2) else { throw fail("bad time zone offset") }
                var minutes: Int64 = 0
                if take(UInt8(ascii: ":")) {
                    guard let m = digits(2, 2) else { throw fail("bad time zone offset") }
                    minutes = m
                } else if let m = digits(2, 2) {
                    minutes = m
                }
                if offset != 0 || minutes != 0 {
                    let zone = String(decoding: bytes[zoneStart..<index], as: UTF8.self)
                    throw ParseError(message: "time zone offset '\(zone)' is not supported: write the time in UTC")
                }
            } else if index + 3 == bytes.count, bytes[index...].map({ $0 | 0x20 }) == Array("utc".utf8) {
                index += 3
            } else {
                index = zoneStart
            }
        }
        guard index == bytes.count else { throw fail("unexpected text after the timestamp") }
        let days = daysFromCivil(year, month, day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
        let (scaled, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (nanoseconds, o2) = scaled.addingReportingOverflow(fraction)
        guard !o1, !o2 else {
            throw ParseError(message: "timestamp is out of range (1677-09-21 to 2262-04-11 in nanoseconds)")
        }
        return nanoseconds
    }

    /// `YYYY-MM-DD HH:MM:SS[.fraction]` (UTC), the form `parse` and DuckDB read back.
    public static func format(_ nanoseconds: Int64) -> String {
        let (secondsQuotient, nanosRemainder) = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        let seconds = nanosRemainder < 0 ? secondsQuotient - 1 : secondsQuotient
        let nanos = nanosRemainder < 0 ? nanosRemainder + 1_000_000_000 : nanosRemainder
        let (dayQuotient, secondRemainder) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let days = secondRemainder < 0 ? dayQuotient - 1 : dayQuotient
        let secondOfDay = secondRemainder < 0 ? secondRemainder + 86_400 : secondRemainder
        let (year, month, day) = civilFromDays(days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) "
            + "\(pad(secondOfDay / 3_600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if nanos != 0 {
            var digits = pad(nanos, 9)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }

    static func daysInMonth(_ year: Int64, _ month: Int64) -> Int64 {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (the era-based method: 400-year eras of 146097 days).
    static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysFromCivil`.
    static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
