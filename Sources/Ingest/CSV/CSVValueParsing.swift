import Glibc

/// Parses CSV field text into typed values, on raw bytes (no String per field).
enum CSVValueParsing {
    static func int64(_ b: UnsafeRawBufferPointer) -> Int64? {
        var i = 0, negative = false
        if b.count > 0 && (b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: "+")) { negative = b[0] == UInt8(ascii: "-"); i = 1 }
        guard i < b.count else { return nil }
        var v: Int64 = 0
        while i < b.count {
            let d = b[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            v = s; i += 1
        }
        return v
    }

    static func float64(_ b: UnsafeRawBufferPointer) -> Double? {
        guard b.count > 0, b.count < 64 else { return b.count == 0 ? nil : Double(String(decoding: b, as: UTF8.self)) }
        // strtod needs a terminator; a small stack copy keeps this allocation-free.
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { s -> Double? in
            for k in 0..<b.count { s[k] = CChar(bitPattern: b[k]) }
            s[b.count] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(s.baseAddress!, &end)
            guard end == s.baseAddress! + b.count, b[0] != UInt8(ascii: " ") else { return nil }
            return v
        }
    }

    static func bool(_ b: UnsafeRawBufferPointer) -> Bool? {
        switch b.count {
        case 4 where b[0] | 0x20 == UInt8(ascii: "t") && b[1] | 0x20 == UInt8(ascii: "r") && b[2] | 0x20 == UInt8(ascii: "u") && b[3] | 0x20 == UInt8(ascii: "e"): true
        case 5 where b[0] | 0x20 == UInt8(ascii: "f") && b[1] | 0x20 == UInt8(ascii: "a") && b[2] | 0x20 == UInt8(ascii: "l") && b[3] | 0x20 == UInt8(ascii: "s") && b[4] | 0x20 == UInt8(ascii: "e"): false
        default: nil
        }
    }

    /// RFC 3339 / ISO 8601 as DuckDB writes it: `YYYY-MM-DD[(T| )hh:mm:ss[.fraction]][Z|±hh:mm|±hh]`, to
    /// nanoseconds since the epoch.
    static func timestamp(_ b: UnsafeRawBufferPointer) -> Int64? {
        func num(_ at: Int, _ width: Int) -> Int64? {
            guard at + width <= b.count else { return nil }
            var v: Int64 = 0
            for k in at..<(at + width) {
                let d = b[k] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                v = v * 10 + Int64(d)
            }
            return v
        }
        guard b.count >= 10, let y = num(0, 4), b[4] == UInt8(ascii: "-"), let mo = num(5, 2), b[7] == UInt8(ascii: "-"),
              let d = num(8, 2), (1...12).contains(mo), (1...31).contains(d) else { return nil }
        var i = 10
        var secs: Int64 = 0, frac: Int64 = 0
        if i < b.count && (b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: " ")) {
            guard let h = num(i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), let mi = num(i + 4, 2),
                  i + 6 < b.count, b[i + 6] == UInt8(ascii: ":"), let s = num(i + 7, 2), h < 24, mi < 60, s < 61 else { return nil }
            secs = h * 3600 + mi * 60 + s
            i += 9
            if i < b.count && b[i] == UInt8(ascii: ".") {
                i += 1
                var digits = 0
                while i < b.count, b[i] &- UInt8(ascii: "0") < 10 {
                    if digits < 9 { frac = frac * 10 + Int64(b[i] - UInt8(ascii: "0")) }
                    digits += 1; i += 1
                }
                guard digits > 0 else { return nil }
                if digits < 9 { for _ in digits..<9 { frac *= 10 } }
            }
        }
        var offset: Int64 = 0
        if i < b.count {
            if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                i += 1
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
                guard let oh = num(i + 1, 2) else { return nil }
                var om: Int64 = 0
                i += 3
                if i < b.count {
                    if b[i] == UInt8(ascii: ":") { i += 1 }
                    guard let m = num(i, 2) else { return nil }
                    om = m; i += 2
                }
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(y, mo, d)
        let (t1, o1) = (days * 86_400 + secs - offset).multipliedReportingOverflow(by: 1_000_000_000)
        let (t2, o2) = t1.addingReportingOverflow(frac)
        return o1 || o2 ? nil : t2
    }

    /// Days since 1970-01-01 of `YYYY-MM-DD` (a day that exists), or nil.
    static func date(_ b: UnsafeRawBufferPointer) -> Int64? {
        guard b.count == 10, timestamp(b) != nil else { return nil }
        func num(_ r: Range<Int>) -> Int64 { r.reduce(Int64(0)) { $0 * 10 + Int64(b[$1] - UInt8(ascii: "0")) } }
        let y = num(0..<4), m = num(5..<7), d = num(8..<10)
        // `timestamp` takes day 31 of any month: the day must exist in its month.
        let first = daysFromCivil(y, m, 1)
        let next = m == 12 ? daysFromCivil(y + 1, 1, 1) : daysFromCivil(y, m + 1, 1)
        return d <= next - first ? first + d - 1 : nil
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
