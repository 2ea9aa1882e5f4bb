import ColumnStore
import QueryEngine

/// Turns the engine's rows for one SELECT into InfluxDB series: one per tag set (ordered by tags),
/// GROUP BY time buckets completed over the WHERE range and filled as `fill()` says, LIMIT/OFFSET per series.
struct SeriesShaper {
    let plan: SelectPlan
    /// At most this many rows in all (filled buckets included); nil: no cap beyond `maxBuckets`.
    var maxRows: Int? = nil

    /// More buckets than this in one series is refused rather than built (a typo such as time(1s) over years).
    static let maxBuckets = 1_000_000

    func series(_ result: QueryResult) throws(InfluxQLError) -> [InfluxSeries] {
        let tagCount = plan.knownTags.count
        let valueCount = plan.columns.count
        let rows = result.rowCount
        let cols = result.columns
        guard cols.count >= 1 + tagCount + valueCount else { preconditionFailure("BUG: InfluxQL plan and result disagree") }
        // Group rows by tag values, keeping the engine's order within each group.
        var groups: [String: Int] = [:]
        var keys: [[String]] = []
        var members: [[Int]] = []
        for r in 0..<rows {
            if plan.kind == .aggregate && plan.interval == nil && Self.int(cols[cols.count - 1].vector, r) == 0 {
                continue  // no points: no series (no row)
            }
            var tagValues: [String] = []
            tagValues.reserveCapacity(tagCount)
            for t in 0..<tagCount { tagValues.append(Self.string(cols[1 + t].vector, r)) }
            let key = tagValues.joined(separator: "\u{0}")
            if let g = groups[key] { members[g].append(r) } else {
                groups[key] = keys.count
                keys.append(tagValues)
                members.append([r])
            }
        }
        var out: [InfluxSeries] = []
        var firstBucket: Int64?
        if plan.interval != nil {
            // Without a lower time bound, buckets start at the first one holding points (over all series).
            for r in 0..<rows where !cols[0].vector.isNull(r) && Self.int(cols[cols.count - 1].vector, r) > 0 {
                firstBucket = min(firstBucket ?? .max, cols[0].vector.int64s[r])
            }
        }
        var total = 0
        for (g, tagValues) in keys.enumerated() {
            var tags: [(String, String)]?
            if !plan.groupTags.isEmpty {
                tags = plan.groupTags.map { t in (t, plan.knownTags.firstIndex(of: t).map { tagValues[$0] } ?? "") }
            }
            guard let w = plan.interval else {
                // Points (or one row per series): read from the result as they are written out.
                var rows = members[g]
                if plan.offset > 0 { rows = Array(rows.dropFirst(plan.offset)) }
                if plan.limit > 0 { rows = Array(rows.prefix(plan.limit)) }
                if rows.isEmpty { continue }
                let points = InfluxPointRows(result: result, rows: rows, tagCount: tagCount, valueCount: valueCount, zone: plan.zone)
                out.append(InfluxSeries(name: plan.measurement, tags: tags, columns: ["time"] + plan.columns, points: points))
                continue
            }
            var values = try buckets(w, members[g], cols, firstBucket: firstBucket)
            total += values.count
            if let cap = maxRows, total > cap {
                throw InfluxQLError("the result has more than \(cap) rows with its filled GROUP BY time buckets (--max-result-rows); narrow the time range, widen the interval or use fill(none)")
            }
            if let zone = plan.zone {
                for i in values.indices { if case .time(let t) = values[i][0] { values[i][0] = .zonedTime(t, offset: zone.offsetSeconds(at: t)) } }
            }
            if plan.offset > 0 { values = Array(values.dropFirst(plan.offset)) }
            if plan.limit > 0 { values = Array(values.prefix(plan.limit)) }
            if values.isEmpty { continue }
            out.append(InfluxSeries(name: plan.measurement, tags: tags, columns: ["time"] + plan.columns, values: values))
        }
        out.sort { $0.tagKey < $1.tagKey }
        return out
    }

    /// One series' rows over every bucket of the range, filled.
    private func buckets(_ w: Int64, _ rows: [Int], _ cols: [ResultColumn], firstBucket: Int64?) throws(InfluxQLError) -> [[InfluxValue]] {
        let tagCount = plan.knownTags.count, valueCount = plan.columns.count
        let nColumn = cols[cols.count - 1].vector
        var byBucket: [Int64: Int] = [:]
        for r in rows where !cols[0].vector.isNull(r) && Self.int(nColumn, r) > 0 {
            byBucket[cols[0].vector.int64s[r]] = r
        }
        if byBucket.isEmpty { return [] }
        let off = ((plan.intervalOffset % w) + w) % w
        // Buckets are cut on the tz() clock's readings (UTC's when there is none), then shown as instants.
        let zone = plan.zone
        func local(_ t: Int64) -> Int64 { zone?.local(t) ?? t }
        func instant(_ l: Int64) -> Int64 { zone?.instant(l) ?? l }
        func bucket(_ t: Int64) -> Int64 {
            let x = local(t) - off
            let q = x >= 0 || x % w == 0 ? x / w : x / w - 1
            return q * w + off
        }
        guard let startLocal = plan.lower.map(bucket) ?? firstBucket.map(bucket) else { return [] }
        let end = plan.upper ?? plan.now
        guard end >= instant(startLocal) else { return [] }
        let count = (local(end) - startLocal) / w + 1
        guard count <= Int64(Self.maxBuckets) else {
            throw InfluxQLError("GROUP BY time(\(Duration.goText(w))) makes \(count) buckets in the time range, more than \(Self.maxBuckets); narrow the WHERE time range or widen the interval")
        }
        var out: [[InfluxValue]] = []
        out.reserveCapacity(Int(count))
        var previous = [InfluxValue](repeating: .null, count: valueCount)
        var l = startLocal
        while instant(l) <= end {
            let t = instant(l)
            l += w
            var row: [InfluxValue] = [.time(t)]
            if let r = byBucket[t] {
                for v in 0..<valueCount { row.append(Self.value(cols[1 + tagCount + v].vector, r)) }
            } else {
                if plan.fill == .none { continue }
                for v in 0..<valueCount { row.append(plan.countColumns.contains(v) && plan.fill == .null ? .int(0) : .null) }
            }
            for v in 0..<valueCount {
                switch plan.fill {
                case .value(let x) where row[1 + v] == .null: row[1 + v] = x == x.rounded() && abs(x) < 9e15 ? .int(Int64(x)) : .float(x)
                case .previous where row[1 + v] == .null: row[1 + v] = previous[v]
                default: break
                }
                if row[1 + v] != .null { previous[v] = row[1 + v] }
            }
            out.append(row)
        }
        if plan.fill == .linear { Self.interpolate(&out, valueCount) }
        if plan.descending { out.reverse() }
        return out
    }

    /// fill(linear): a run of nulls between two values gets the values on the line between them.
    static func interpolate(_ rows: inout [[InfluxValue]], _ valueCount: Int) {
        for v in 1...max(1, valueCount) where v <= valueCount {
            var last: Int?
            for i in 0..<rows.count where rows[i][v] != .null {
                if let l = last, i - l > 1, let a = number(rows[l][v]), let b = number(rows[i][v]) {
                    let bothInt = { if case .int = rows[l][v], case .int = rows[i][v] { return true } else { return false } }()
                    for k in (l + 1)..<i {
                        let y = a + (b - a) * Double(k - l) / Double(i - l)
                        rows[k][v] = bothInt ? .int(Int64(y)) : .float(y)
                    }
                }
                last = i
            }
        }
    }

    private static func number(_ v: InfluxValue) -> Double? {
        switch v {
        case .int(let x): Double(x)
        case .uint(let x): Double(x)
        case .float(let x): x
        default: nil
        }
    }

    static func int(_ v: ColumnVector, _ r: Int) -> Int64 {
        v.isNull(r) ? 0 : (v.type == .uint64 ? Int64(truncatingIfNeeded: v.uint64s[r]) : v.int64s[r])
    }

    static func string(_ v: ColumnVector, _ r: Int) -> String {
        guard v.type == .string, !v.isNull(r) else { return "" }
        let a = Int(v.offsets[r]), b = Int(v.offsets[r + 1])
        return String(decoding: v.bytes[a..<b], as: UTF8.self)
    }

    /// A result cell as an InfluxDB value.
    static func value(_ v: ColumnVector, _ r: Int) -> InfluxValue {
        if v.isNull(r) { return .null }
        switch v.type {
        case .int64, .date: return .int(v.int64s[r])
        case .time: return .time(v.int64s[r])
        case .uint64: return .uint(v.uint64s[r])
        case .float64:
            let x = v.float64s[r]
            return x.isFinite ? .float(x) : .null
        case .bool: return .bool(v.bools[r] != 0)
        case .string: return .string(string(v, r))
        case .symbol: return .null
        }
    }
}
