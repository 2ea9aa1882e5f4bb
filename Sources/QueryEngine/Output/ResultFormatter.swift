import ColumnStore

/// Formats whole query results (`ResultWriter` streams them) and timings for people.
public enum ResultFormatter {
    /// All of `result` in `format`; `table` lays out the `.table` format.
    public static func format(_ result: QueryResult, as format: ResultFormat,
                              table: TableStyle = TableStyle()) -> [UInt8] {
        if format == .table { return TableFormatter.render(result, table) }
        var writer = ResultWriter(format: format, for: result)
        var out: [UInt8] = []
        writer.writeHeader(into: &out)
        writer.writeRows(of: result, 0..<result.rowCount, into: &out)
        writer.writeFooter(into: &out)
        return out
    }

    /// All of `result` in `format`, as a `String`.
    public static func string(_ result: QueryResult, as format: ResultFormat,
                              table: TableStyle = TableStyle()) -> String {
        String(decoding: self.format(result, as: format, table: table), as: UTF8.self)
    }

    /// A duration for people, three significant digits: `850 ns`, `12.3 µs`, `4.56 ms`, `1.23 s`,
    /// `2m03s`, `1h02m03s`.
    public static func formatDuration(_ d: Duration) -> String {
        let (s, atto) = d.components
        return formatDuration(seconds: Double(s) + Double(atto) * 1e-18)
    }

    /// `formatDuration` of a number of seconds.
    public static func formatDuration(seconds: Double) -> String {
        guard seconds.isFinite else { return String(seconds) }
        if seconds < 0 { return "-" + formatDuration(seconds: -seconds) }
        let ns = seconds * 1e9
        if ns < 999.5 { return "\(Int(ns.rounded())) ns" }
        for (scale, unit, limit) in [(1e3, "µs", 999.5), (1e6, "ms", 999.5), (1e9, "s", 59.95)] {
            let v = ns / scale
            if v < limit { return threeDigits(v) + " " + unit }
        }
        var total = Int(seconds.rounded())
        let h = total / 3600
        total %= 3600
        let m = total / 60, s = total % 60
        func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
        return h > 0 ? "\(h)h\(two(m))m\(two(s))s" : "\(m)m\(two(s))s"
    }

    /// `v` in [1, 999.5) with three significant digits: `1.23`, `12.3`, `123`.
    static func threeDigits(_ v: Double) -> String {
        let decimals = v < 9.995 ? 2 : v < 99.95 ? 1 : 0
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let n = Int((v * scale).rounded())
        if decimals == 0 { return String(n) }
        let ip = n / Int(scale), fp = n % Int(scale)
        var f = String(fp)
        while f.count < decimals { f = "0" + f }
        return "\(ip).\(f)"
    }
}
