/// UTC day arithmetic for partitioning: a day is `floor(ns / 86_400e9)` days since 1970-01-01.
public enum Day {
    public static let nanosPerDay: Int64 = 86_400_000_000_000

    @inlinable public static func of(_ ns: Int64) -> Int32 {
        let d = ns / nanosPerDay
        return Int32(truncatingIfNeeded: (ns % nanosPerDay < 0) ? d - 1 : d)
    }

    public static func start(_ day: Int32) -> Int64 { Int64(day) * nanosPerDay }

    /// (year, month, day) of a day number (Howard Hinnant's civil_from_days).
    public static func civil(_ day: Int32) -> (year: Int, month: Int, day: Int) {
        let z = Int(day) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Day number of a civil date.
    public static func from(year: Int, month: Int, day: Int) -> Int32 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(era * 146_097 + doe - 719_468)
    }

    /// The partition folder name, `YYYY-MM-DD`.
    public static func name(_ day: Int32) -> String {
        let c = civil(day)
        func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }

    /// Parses a partition folder name.
    public static func parse(_ name: String) -> Int32? {
        // On the UTF-8 bytes: a manifest lists one name per segment, and every cold open parses them all.
        var name = name
        return name.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// Parses a partition folder name given as its UTF-8 bytes: exactly `YYYY-MM-DD`, ASCII digits.
    static func parse(_ b: UnsafeRawBufferPointer) -> Int32? {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func number(_ from: Int, _ to: Int) -> Int? {
            var v = 0
            for i in from..<to {
                let d = b[i] &- 0x30
                guard d <= 9 else { return nil }
                v = v &* 10 &+ Int(d)
            }
            return v
        }
        guard let y = number(0, 4), let m = number(5, 7), let d = number(8, 10),
              (1...12).contains(m), (1...daysIn(month: m, year: y)).contains(d) else { return nil }
        return from(year: y, month: m, day: d)
    }

    /// The number of days of `month` (1–12) in `year` (proleptic Gregorian: leap years are divisible
    /// by 4, except centuries not divisible by 400).
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
