/// Writes nanosecond timestamps as RFC 3339 UTC text: `2026-09-01T12:00:00Z`,
/// `2026-09-01T12:00:00.5Z`, `2026-09-01T12:00:00.123456789Z` (fraction only when non-zero, trailing
/// zeros trimmed, like Go's RFC3339Nano). Every Int64 falls in years 1677…2262, so the year has 4 digits.
public enum RFC3339 {
    /// Appends the text of `ns` (ns since the Unix epoch) to `out`.
    public static func append(_ ns: Int64, to out: inout [UInt8]) {
        let (secs, frac) = floorDivMod(ns, 1_000_000_000)
        let (days, sod) = floorDivMod(secs, 86_400)
        let (y, m, d) = civil(fromDays: days)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { p in
            // YYYY-MM-DDTHH:MM:SS then .fraction, Z
            digits(y, 4, p, 0); p[4] = 0x2D
            digits(m, 2, p, 5); p[7] = 0x2D
            digits(d, 2, p, 8); p[10] = 0x54
            digits(Int(sod / 3600), 2, p, 11); p[13] = 0x3A
            digits(Int(sod / 60 % 60), 2, p, 14); p[16] = 0x3A
            digits(Int(sod % 60), 2, p, 17)
            var n = 19
            if frac != 0 {
                p[n] = 0x2E
                var f = Int(frac), width = 9
                while f % 10 == 0 { f /= 10; width -= 1 }
                digits(f, width, p, n + 1)
                n += 1 + width
            }
            p[n] = 0x5A
            out.append(contentsOf: UnsafeBufferPointer(rebasing: p[0...n]))
        }
    }

    /// Writes `v` ≥ 0 as exactly `width` digits, zero-padded, at `p[at...]`.
    @inline(__always)
    static func digits(_ v: Int, _ width: Int, _ p: UnsafeMutableBufferPointer<UInt8>, _ at: Int) {
        var x = v
        var i = at + width
        while i > at {
            i -= 1
            p[i] = UInt8(truncatingIfNeeded: 48 &+ x % 10)
            x /= 10
        }
    }

    /// The text of `ns`.
    public static func string(_ ns: Int64) -> String {
        var out: [UInt8] = []
        append(ns, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The proleptic Gregorian (year, month, day) of `days` since 1970-01-01.
    ///
    /// Counts in 400-year eras of 146097 days from 0000-03-01, so that the leap day ends each year.
    public static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468  // days since 0000-03-01
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097  // day of era, 0…146096
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365  // year of era, 0…399
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)  // day of the March-based year, 0…365
        let mp = (5 * doy + 2) / 153  // March = 0
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    @inline(__always)
    static func floorDivMod(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }
}
