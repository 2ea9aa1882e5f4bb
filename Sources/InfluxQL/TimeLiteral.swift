/// Time values of WHERE clauses: RFC 3339 strings, epoch literals and `now() ± duration`, as nanoseconds.
enum TimeLiteral {
    /// Parses `2023-11-14T22:13:20Z`, `2023-11-14T22:13:20.5+01:00`, `2023-11-14 22:13:20` or `2023-11-14`.
    static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        var i = 0
        func num(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in i..<(i + n) {
                guard b[k] >= 0x30 && b[k] <= 0x39 else { return nil }
                v = v * 10 + Int64(b[k] - 0x30)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let y = num(4), expect(0x2D), let mo = num(2), expect(0x2D), let d = num(2),
              (1...12).contains(mo), (1...31).contains(d) else { return nil }
        var secs = days(year: y, month: mo, day: d) * 86_400
        var frac: Int64 = 0
        if i < b.count {
            guard b[i] == 0x54 || b[i] == 0x20 else { return nil }
            i += 1
            guard let h = num(2), expect(0x3A), let mi = num(2), expect(0x3A), let s = num(2),
                  h < 24, mi < 60, s < 61 else { return nil }
            secs += h * 3600 + mi * 60 + s
            if i < b.count && b[i] == 0x2E {
                i += 1
                var digits = 0
                while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 {
                    if digits < 9 { frac = frac * 10 + Int64(b[i] - 0x30) }
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { return nil }
                for _ in min(digits, 9)..<9 { frac *= 10 }
            }
            if i < b.count {
                if b[i] == 0x5A { i += 1 }
                else if b[i] == 0x2B || b[i] == 0x2D {
                    let sign: Int64 = b[i] == 0x2B ? 1 : -1
                    i += 1
                    guard let oh = num(2), expect(0x3A), let om = num(2) else { return nil }
                    secs -= sign * (oh * 3600 + om * 60)
                } else { return nil }
            }
        }
        guard i == b.count else { return nil }
        let (ns, o1) = secs.multipliedReportingOverflow(by: 1_000_000_000)
        let (t, o2) = ns.addingReportingOverflow(frac)
        return o1 || o2 ? nil : t
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The nanoseconds an expression on the other side of `time` stands for; nil when it is not a time.
    static func evaluate(_ e: InfluxExpr, now: Int64) -> Int64? {
        switch e {
        case .now: return now
        case .duration(let v), .integer(let v): return v
        case .number(let v): return v.isFinite && abs(v) < 9.2e18 ? Int64(v) : nil
        case .string(let s): return parse(s)
        case .paren(let inner): return evaluate(inner, now: now)
        case .binary(.add, let a, let b):
            guard let x = evaluate(a, now: now), let y = evaluate(b, now: now) else { return nil }
            let (r, o) = x.addingReportingOverflow(y)
            return o ? nil : r
        case .binary(.sub, let a, let b):
            guard let x = evaluate(a, now: now), let y = evaluate(b, now: now) else { return nil }
            let (r, o) = x.subtractingReportingOverflow(y)
            return o ? nil : r
        default: return nil
        }
    }
}
