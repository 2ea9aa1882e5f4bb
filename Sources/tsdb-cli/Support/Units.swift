/// Numbers for people: counts with thousands separators, sizes in KB/MB/GB, rates, seconds.
enum Units {
    /// `1234567` → `1,234,567`.
    static func count(_ n: Int) -> String {
        let s = String(n.magnitude)
        var out = ""
        for (i, ch) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    /// `1 row`, `2,000 rows`.
    static func plural(_ n: Int, _ noun: String) -> String {
        count(n) + " " + (n == 1 ? noun : noun + "s")
    }

    /// Decimal units, one decimal: `512 B`, `1.5 KB`, `230.4 MB`, `2.1 GB`.
    static func bytes(_ n: Int) -> String {
        let v = Double(n)
        if v < 1000 { return "\(n) B" }
        for (scale, unit) in [(1e3, "KB"), (1e6, "MB"), (1e9, "GB"), (1e12, "TB")] where v < scale * 999.95 {
            return fixed(v / scale, 1) + " " + unit
        }
        return fixed(v / 1e15, 1) + " PB"
    }

    /// A per-second rate with a short suffix: `950`, `12.3K`, `1.25M`.
    static func short(_ v: Double) -> String {
        guard v.isFinite else { return "-" }
        if v < 1000 { return fixed(v, v < 10 ? 1 : 0) }
        for (scale, unit) in [(1e3, "K"), (1e6, "M"), (1e9, "G")] where v < scale * 999.5 {
            let x = v / scale
            return fixed(x, x < 10 ? 2 : x < 100 ? 1 : 0) + unit
        }
        return fixed(v / 1e12, 1) + "T"
    }

    /// `v` with exactly `decimals` digits after the point (no locale).
    static func fixed(_ v: Double, _ decimals: Int) -> String {
        guard v.isFinite else { return String(v) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let n = (v.magnitude * scale).rounded()
        guard n < 9e18 else { return String(v) }
        let i = Int(n)
        let ip = i / Int(scale), fp = i % Int(scale)
        var s = String(ip)
        if decimals > 0 {
            var f = String(fp)
            while f.count < decimals { f = "0" + f }
            s += "." + f
        }
        return v < 0 && n != 0 ? "-" + s : s
    }

    /// Seconds for a summary: `0.42 s`, `12.3 s`, `2m05s`.
    static func seconds(_ s: Double) -> String {
        if s < 10 { return fixed(s, 2) + " s" }
        if s < 60 { return fixed(s, 1) + " s" }
        let t = Int(s.rounded())
        let m = t / 60, r = t % 60
        return "\(m)m" + (r < 10 ? "0" : "") + "\(r)s"
    }
}
