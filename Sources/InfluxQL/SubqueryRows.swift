/// A subquery's rows as InfluxDB hands them to the outer query, as SQL: GROUP BY time buckets
/// completed over the range and filled as the inner `fill()` says, then the inner LIMIT/OFFSET per
/// series. Columns: `__t`, the inner GROUP BY tags, `__v0`, `__v1`, ….
struct SubqueryRows {
    let plan: SelectPlan

    /// `firstBucket`: the first bucket holding points, for a range without a lower time bound.
    func sql(firstBucket: () throws(InfluxQLError) -> Int64?) throws(InfluxQLError) -> String? {
        let tags = plan.knownTags.map(SQLText.ident)
        let values = plan.columns.indices.map { "\"__v\($0)\"" }
        var rows: String
        if plan.kind == .aggregate, let w = plan.interval, needsGrid {
            guard let grid = try grid(w, firstBucket: firstBucket) else { return nil }
            rows = try filled(grid, tags: tags, values: values)
        } else {
            rows = "SELECT * FROM (\(plan.sql)) AS \"__a\"" + (plan.kind == .aggregate ? " WHERE \"__n\" > 0" : "")
        }
        if plan.limit > 0 || plan.offset > 0 {
            let rank = SelectTranslator.rowNumber(tags, "\"__t\"" + (plan.descending ? " DESC" : ""))
            var keep = "\"__k\" > \(plan.offset)"
            if plan.limit > 0 { keep += " AND \"__k\" <= \(plan.offset + plan.limit)" }
            rows = "SELECT * FROM (SELECT *, \(rank) AS \"__k\" FROM (\(rows)) AS \"__l\") AS \"__m\" WHERE \(keep)"
        }
        return rows
    }

    /// Empty buckets are rows of their own when a fill gives them values (with fill(null) InfluxDB hands
    /// the outer query no row for them, and the inner LIMIT does not count them).
    private var needsGrid: Bool {
        switch plan.fill {
        case .none, .null: false
        case .previous, .linear, .value: true
        }
    }

    /// The buckets of the range: first, last, width.
    private func grid(_ w: Int64, firstBucket: () throws(InfluxQLError) -> Int64?) throws(InfluxQLError) -> (Int64, Int64, Int64)? {
        guard plan.zone == nil else { throw InfluxQLError("fill() or LIMIT in a subquery with tz() is not supported") }
        let off = ((plan.intervalOffset % w) + w) % w
        func bucket(_ t: Int64) -> Int64 {
            let x = t - off
            return (x >= 0 || x % w == 0 ? x / w : x / w - 1) * w + off
        }
        var first = plan.lower.map(bucket)
        if first == nil { first = try firstBucket().map(bucket) }
        guard let start = first else { return nil }
        let last = bucket(plan.upper ?? plan.now)
        guard last >= start else { return nil }
        guard (last - start) / w + 1 <= Int64(SeriesShaper.maxBuckets) else {
            throw InfluxQLError("GROUP BY time(\(Duration.goText(w))) in the subquery makes more than \(SeriesShaper.maxBuckets) buckets; narrow the WHERE time range or widen the interval")
        }
        return (start, last, w)
    }

    /// Every bucket of every series that has points, the inner rows joined on, empty ones filled.
    private func filled(_ grid: (Int64, Int64, Int64), tags: [String], values: [String]) throws(InfluxQLError) -> String {
        let base = "(\(plan.sql))"
        let series = tags.isEmpty
            ? "(SELECT count(*) AS \"__c\" FROM \(base) AS \"__a\" WHERE \"__n\" > 0) AS \"__s\""
            : "(SELECT DISTINCT \(tags.joined(separator: ", ")) FROM \(base) AS \"__a\" WHERE \"__n\" > 0) AS \"__s\""
        var on = ["\"__i\".\"__t\" = \"__g\".\"__t\""]
        for t in tags { on.append("(\"__i\".\(t) = \"__s\".\(t) OR (\"__i\".\(t) IS NULL AND \"__s\".\(t) IS NULL))") }
        var sql = "SELECT \"__g\".\"__t\" AS \"__t\""
        for t in tags { sql += ", \"__s\".\(t) AS \(t)" }
        for v in values {
            let value = "CASE WHEN \"__i\".\"__n\" > 0 THEN \"__i\".\(v) END"
            if case .value(let x) = plan.fill {
                sql += ", coalesce(\(value), \(x == x.rounded() && abs(x) < 9e15 ? String(Int64(x)) : SQLText.number(x))) AS \(v)"
            } else {
                sql += ", \(value) AS \(v)"
            }
        }
        sql += " FROM \(series) CROSS JOIN generate_series(\(grid.0), \(grid.1), \(grid.2)) AS \"__g\"(\"__t\")"
        sql += " LEFT JOIN \(base) AS \"__i\" ON " + on.joined(separator: " AND ")
        if tags.isEmpty { sql += " WHERE \"__s\".\"__c\" > 0" }
        switch plan.fill {
        case .previous:
            // Each value carries forward: number the runs that start at a value, take each run's first.
            let partition = tags.isEmpty ? "" : "PARTITION BY " + tags.joined(separator: ", ") + " "
            let frame = "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
            var runs = "SELECT *"
            for (i, v) in values.enumerated() { runs += ", count(\(v)) OVER (\(partition)ORDER BY \"__t\" \(frame)) AS \"__run\(i)\"" }
            runs += " FROM (\(sql)) AS \"__f\""
            var out = "SELECT \"__t\"" + tags.map { ", " + $0 }.joined()
            for (i, v) in values.enumerated() {
                let p = "PARTITION BY " + (tags + ["\"__run\(i)\""]).joined(separator: ", ")
                out += ", first_value(\(v)) OVER (\(p) ORDER BY \"__t\" \(frame)) AS \(v)"
            }
            return out + " FROM (\(runs)) AS \"__p\""
        case .linear:
            throw InfluxQLError("fill(linear) inside a subquery is not supported by tsdb's InfluxQL")
        default:
            return sql
        }
    }
}
