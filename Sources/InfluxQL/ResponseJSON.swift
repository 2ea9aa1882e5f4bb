import Foundation

/// InfluxDB 1.x's JSON for query answers: `{"results":[{"statement_id":0,"series":[…]}]}`.
public struct InfluxResponseJSON: Sendable {
    /// `epoch=` unit in nanoseconds (times as numbers), or nil for RFC 3339 text.
    public var epochUnit: Int64?
    public var pretty: Bool

    public init(epochUnit: Int64? = nil, pretty: Bool = false) {
        self.epochUnit = epochUnit
        self.pretty = pretty
    }

    /// The `epoch=` values InfluxDB accepts, as nanoseconds per unit.
    public static func epochUnit(_ name: String) -> Int64? {
        switch name {
        case "ns", "n": 1
        case "u", "µ", "us": 1_000
        case "ms": 1_000_000
        case "s": 1_000_000_000
        case "m": 60_000_000_000
        case "h": 3_600_000_000_000
        default: nil
        }
    }

    /// The whole answer.
    public func body(_ results: [InfluxStatementResult]) -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: Array("{\"results\":[".utf8))
        for (i, r) in results.enumerated() {
            if i > 0 { out.append(0x2C) }
            result(r, partial: false, into: &out)
        }
        out.append(contentsOf: Array("]}".utf8))
        return finish(out)
    }

    /// `{"error":"…"}`: a request that has no statements to answer.
    public func error(_ message: String) -> [UInt8] {
        var out = Array("{\"error\":".utf8)
        Self.string(message, into: &out)
        out.append(0x7D)
        return finish(out)
    }

    /// chunked=true: one JSON object a line, each with at most `size` rows of one series; `partial`
    /// marks a series (and a statement) that continues in the next chunk. Lines are made one at a time
    /// (`InfluxChunks`); this collects them all.
    public func chunks(_ results: [InfluxStatementResult], size: Int) -> [[UInt8]] {
        let chunks = InfluxChunks(results: results, json: self, size: size)
        var out: [[UInt8]] = []
        while let line = chunks.next() { out.append(line) }
        return out
    }

    /// One chunk line: `rows` of series `si` of `r` (or, for a statement without series, the statement).
    func chunkLine(_ r: InfluxStatementResult, series si: Int, rows: Range<Int>) -> [UInt8] {
        if r.error != nil || r.series.isEmpty { return line(r, partial: false) }
        let s = r.series[si]
        let seriesPartial = rows.upperBound < s.rowCount
        let statementPartial = seriesPartial || si < r.series.count - 1
        var out = Array("{\"results\":[".utf8)
        out.append(contentsOf: Array("{\"statement_id\":\(r.statementID),\"series\":[".utf8))
        series(s, rows: rows, partial: seriesPartial, into: &out)
        out.append(0x5D)
        if statementPartial { out.append(contentsOf: Array(",\"partial\":true".utf8)) }
        out.append(contentsOf: Array("}]}".utf8))
        return finish(out)
    }

    private func line(_ r: InfluxStatementResult, partial: Bool, seriesPartial: Bool = false) -> [UInt8] {
        var out = Array("{\"results\":[".utf8)
        result(r, partial: partial, seriesPartial: seriesPartial, into: &out)
        out.append(contentsOf: Array("]}".utf8))
        // finish() ends the object with the newline that separates chunks.
        return finish(out)
    }

    private func finish(_ compact: [UInt8]) -> [UInt8] {
        guard pretty, let object = try? JSONSerialization.jsonObject(with: Data(compact), options: [.fragmentsAllowed]),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed]) else {
            return compact + [0x0A]
        }
        return Array(data) + [0x0A]
    }

    private func result(_ r: InfluxStatementResult, partial: Bool, seriesPartial: Bool = false, into out: inout [UInt8]) {
        out.append(contentsOf: Array("{\"statement_id\":\(r.statementID)".utf8))
        if !r.series.isEmpty {
            out.append(contentsOf: Array(",\"series\":[".utf8))
            for (i, s) in r.series.enumerated() {
                if i > 0 { out.append(0x2C) }
                series(s, rows: 0..<s.rowCount, partial: seriesPartial, into: &out)
            }
            out.append(0x5D)
        }
        if let e = r.error {
            out.append(contentsOf: Array(",\"error\":".utf8))
            Self.string(e, into: &out)
        }
        if partial { out.append(contentsOf: Array(",\"partial\":true".utf8)) }
        out.append(0x7D)
    }

    private func series(_ s: InfluxSeries, rows: Range<Int>, partial: Bool, into out: inout [UInt8]) {
        out.append(0x7B)
        var first = true
        func key(_ k: String) {
            if !first { out.append(0x2C) }
            first = false
            out.append(contentsOf: Array("\"\(k)\":".utf8))
        }
        if let name = s.name { key("name"); Self.string(name, into: &out) }
        if let tags = s.tags {
            key("tags")
            out.append(0x7B)
            for (i, (k, v)) in tags.enumerated() {
                if i > 0 { out.append(0x2C) }
                Self.string(k, into: &out)
                out.append(0x3A)
                Self.string(v, into: &out)
            }
            out.append(0x7D)
        }
        key("columns")
        out.append(0x5B)
        for (i, c) in s.columns.enumerated() {
            if i > 0 { out.append(0x2C) }
            Self.string(c, into: &out)
        }
        out.append(0x5D)
        if !rows.isEmpty {
            key("values")
            out.append(0x5B)
            for i in rows {
                if i > rows.lowerBound { out.append(0x2C) }
                out.append(0x5B)
                if let p = s.points {
                    for c in 0...p.valueCount {
                        if c > 0 { out.append(0x2C) }
                        value(p.value(i, c), into: &out)
                    }
                } else {
                    for (j, v) in s.values[i].enumerated() {
                        if j > 0 { out.append(0x2C) }
                        value(v, into: &out)
                    }
                }
                out.append(0x5D)
            }
            out.append(0x5D)
        }
        if partial { out.append(contentsOf: Array(",\"partial\":true".utf8)) }
        out.append(0x7D)
    }

    private func value(_ v: InfluxValue, into out: inout [UInt8]) {
        switch v {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .int(let x): out.append(contentsOf: Array(String(x).utf8))
        case .uint(let x): out.append(contentsOf: Array(String(x).utf8))
        case .float(let x): out.append(contentsOf: Array(Self.goFloat(x).utf8))
        case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .string(let s): Self.string(s, into: &out)
        case .time(let ns):
            if let unit = epochUnit {
                // Go's integer division truncates toward zero.
                out.append(contentsOf: Array(String(ns / unit).utf8))
            } else {
                Self.string(formatRFC3339(ns), into: &out)
            }
        case .zonedTime(let ns, let offset):
            if let unit = epochUnit {
                out.append(contentsOf: Array(String(ns / unit).utf8))
            } else {
                Self.string(Self.zonedRFC3339(ns, offset), into: &out)
            }
        }
    }

    /// One JSON object of named values (InfluxDB 3's row shape).
    public func object(_ members: [(String, InfluxValue)]) -> [UInt8] {
        var out: [UInt8] = [0x7B]
        for (i, (k, v)) in members.enumerated() {
            if i > 0 { out.append(0x2C) }
            Self.string(k, into: &out)
            out.append(0x3A)
            value(v, into: &out)
        }
        out.append(0x7D)
        return out
    }

    /// RFC 3339 on a zone's clock: `2026-01-01T01:00:00+01:00` (`Z` when the offset is 0), as Go writes it.
    static func zonedRFC3339(_ ns: Int64, _ offset: Int32) -> String {
        guard offset != 0 else { return formatRFC3339(ns) }
        var s = formatRFC3339(ns + Int64(offset) * 1_000_000_000)
        s.removeLast()
        let a = abs(Int(offset))
        return s + (offset < 0 ? "-" : "+") + String(format: "%02d:%02d", a / 3600, a / 60 % 60)
    }

    /// A float as Go's encoding/json writes it: no `.0` on whole numbers, exponents only outside 1e-6…1e21.
    static func goFloat(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        let a = abs(x)
        if a < 1e21 && x == x.rounded() { return String(format: "%.0f", x) }
        var s = "\(x)"
        if a >= 1e-6 && a < 1e21, s.contains("e") {
            // Swift chose an exponent where Go writes plain digits.
            s = String(format: "%.17f", x)
            while s.hasSuffix("0") { s.removeLast() }
            if let d = Double(s), d != x { s = "\(x)" }
        }
        return s
    }

    /// A JSON string literal.
    static func string(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20: out.append(contentsOf: Array(String(format: "\\u%04x", b).utf8))
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}
