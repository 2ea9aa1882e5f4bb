/// InfluxQL duration literals (`5m`, `1h30m`, `1700000000000ms`) as nanoseconds, and back to InfluxDB's text.
public enum Duration {
    /// Nanoseconds in one `unit`; nil for an unknown unit.
    public static func unitNanoseconds(_ unit: String) -> Int64? {
        switch unit {
        case "ns": 1
        case "u", "µ": 1_000
        case "ms": 1_000_000
        case "s": 1_000_000_000
        case "m": 60_000_000_000
        case "h": 3_600_000_000_000
        case "d": 86_400_000_000_000
        case "w": 604_800_000_000_000
        default: nil
        }
    }

    /// The nanoseconds a literal like `90s` or `1h30m` spells; nil when it is not one or overflows.
    public static func nanoseconds(_ text: String) -> Int64? {
        var total: Int64 = 0
        var s = Substring(text)
        guard !s.isEmpty else { return nil }
        while !s.isEmpty {
            let digits = s.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let n = Int64(digits) else { return nil }
            s = s.dropFirst(digits.count)
            let unit = s.prefix { !($0.isASCII && $0.isNumber) }
            guard let u = unitNanoseconds(String(unit)) else { return nil }
            s = s.dropFirst(unit.count)
            let (v, o1) = n.multipliedReportingOverflow(by: u)
            let (t, o2) = total.addingReportingOverflow(v)
            guard !o1, !o2 else { return nil }
            total = t
        }
        return total
    }

    /// Go's `time.Duration` text, as SHOW RETENTION POLICIES prints it (`0s`, `168h0m0s`).
    public static func goText(_ ns: Int64) -> String {
        if ns == 0 { return "0s" }
        let s = ns / 1_000_000_000
        let h = s / 3600, m = s / 60 % 60, sec = s % 60
        if h > 0 { return "\(h)h\(m)m\(sec)s" }
        if m > 0 { return "\(m)m\(sec)s" }
        return "\(sec)s"
    }
}
