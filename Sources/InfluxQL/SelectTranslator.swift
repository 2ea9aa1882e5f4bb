import ColumnStore

/// Window columns an aggregate query needs before it aggregates: `first` over the filtered rows,
/// `second` over those (ranks of values by their counts, for mode).
struct WindowColumns {
    var first: [String] = []
    var second: [String] = []
    var percentiles = 0
    var modes = 0
}

/// Translates a SELECT on one relation into SQL for tsdb's engine (one engine: InfluxQL is planned
/// and executed as SQL is) and a `SelectPlan` for shaping its rows into series.
struct SelectTranslator {
    let select: InfluxSelect
    let relation: Relation
    let now: Int64

    /// The functions that aggregate a field into one value per group.
    static let aggregates: Set<String> = ["count", "sum", "mean", "median", "spread", "stddev", "min", "max", "first", "last",
                                          "percentile", "mode", "distinct", "top", "bottom"]
    /// Selectors return one of the points, so alone in a query they give that point's time.
    static let selectors: Set<String> = ["min", "max", "first", "last", "percentile"]

    func plan() throws(InfluxQLError) -> SelectPlan? {
        let whereT = WhereTranslator(relation: relation, now: now)
        let (lower, upper) = whereT.bounds(select.condition)
        let condition = try select.condition.map { (e) throws(InfluxQLError) in try whereT.sql(e) }
        // Series keys list their tags sorted by key, as InfluxDB's do.
        let groupTags = select.groupAllTags ? relation.tags.sorted() : Array(Set(select.groupTags)).sorted()
        let knownTags = groupTags.filter { relation.tags.contains($0) }
        let isAggregate = select.fields.contains { containsCall($0.expr) }
        if select.interval != nil && !isAggregate {
            throw InfluxQLError("GROUP BY requires at least one aggregate function")
        }
        let zone = select.timeZone.flatMap(ZoneClock.init)
        if zone != nil && relation.timeIsNanoseconds && select.interval != nil {
            throw InfluxQLError("tz() with GROUP BY time over a subquery is not supported")
        }
        var plan = SelectPlan(kind: isAggregate ? .aggregate : .raw, sql: "", measurement: relation.name, groupTags: groupTags,
                              knownTags: knownTags, columns: [], countColumns: [], interval: select.interval,
                              intervalOffset: select.intervalOffset, fill: select.fill, lower: lower, upper: upper, now: now,
                              descending: select.descending, zone: zone, limit: select.limit, offset: select.offset)
        let tagSQL = knownTags.map { SQLText.ident($0) }
        if isAggregate {
            guard try aggregatePlan(&plan, condition: condition, tagSQL: tagSQL, lower: lower) else { return nil }
        } else {
            guard try rawPlan(&plan, condition: condition, tagSQL: tagSQL) else { return nil }
        }
        return plan
    }

    // MARK: raw points

    private func rawPlan(_ plan: inout SelectPlan, condition: String?, tagSQL: [String]) throws(InfluxQLError) -> Bool {
        var exprs: [String] = [], names: [String] = []
        var fieldRefs: [String] = []
        for f in select.fields {
            switch f.expr {
            case .wildcard, .regex:
                for name in try expand(f.expr, excluding: Set(plan.groupTags)) {
                    exprs.append(SQLText.ident(name))
                    names.append(name)
                    if relation.fields[name] != nil { fieldRefs.append(name) }
                }
            case .ref(let n, _) where n.lowercased() == "time":
                continue
            default:
                let refs = references(f.expr)
                fieldRefs += refs.filter { relation.fields[$0] != nil }
                exprs.append(try scalarSQL(f.expr))
                names.append(f.alias ?? refs.first ?? "")
            }
        }
        // InfluxDB answers nothing for a query that selects no field of this measurement.
        guard !fieldRefs.isEmpty else { return false }
        plan.columns = Self.deduplicated(names)
        var sql = "SELECT \(relation.timeNanoseconds) AS \"__t\""
        for t in tagSQL { sql += ", " + t }
        for (i, e) in exprs.enumerated() { sql += ", \(e) AS \"__v\(i)\"" }
        sql += " FROM \(relation.from)"
        var terms: [String] = []
        if let condition { terms.append(condition) }
        terms.append("(" + Set(fieldRefs).sorted().map { "\(SQLText.ident($0)) IS NOT NULL" }.joined(separator: " OR ") + ")")
        sql += " WHERE " + terms.joined(separator: " AND ")
        sql += " ORDER BY \"__t\"" + (select.descending ? " DESC" : "")
        if plan.groupTags.isEmpty {
            // One series: the engine applies LIMIT and OFFSET.
            if select.limit > 0 { sql += " LIMIT \(select.limit)" }
            if select.offset > 0 { sql += (select.limit > 0 ? "" : " LIMIT 9223372036854775807") + " OFFSET \(select.offset)" }
            plan.limit = 0
            plan.offset = 0
        }
        plan.sql = sql
        return true
    }

    // MARK: aggregates

    private func aggregatePlan(_ plan: inout SelectPlan, condition: String?, tagSQL: [String], lower: Int64?) throws(InfluxQLError) -> Bool {
        // Queries whose rows are points: top/bottom, distinct, a selector with fields or tags beside it.
        let calls = select.fields.indices.filter { containsCall(select.fields[$0].expr) }
        let beside = select.fields.count - calls.count
        if calls.count == 1, case .call(let fn, let args) = select.fields[calls[0]].expr {
            if fn == "distinct" && beside == 0 {
                return try distinctPlan(&plan, args, alias: select.fields[calls[0]].alias, condition: condition, tagSQL: tagSQL, lower: lower)
            }
            if fn == "top" || fn == "bottom" {
                return try topPlan(&plan, fn, args, at: calls[0], condition: condition, tagSQL: tagSQL)
            }
            if beside > 0 && Self.selectors.contains(fn) {
                return try selectedPointPlan(&plan, fn, args, at: calls[0], condition: condition, tagSQL: tagSQL)
            }
        }
        if beside > 0 {
            let allSelectors = calls.allSatisfy { if case .call(let fn, _) = select.fields[$0].expr { Self.selectors.contains(fn) } else { false } }
            throw InfluxQLError(allSelectors && calls.count > 1 ? "mixing multiple selector functions with tags or fields is not supported"
                                                                : "mixing aggregate and non-aggregate queries is not supported")
        }
        var exprs: [String] = [], names: [String] = []
        var fieldRefs: [String] = []
        var selectorTime: String?
        var countColumns = Set<Int>()
        var windows = WindowColumns()
        for f in select.fields {
            // count(*), mean(/re/): one column per matching field, named fn_field.
            if case .call(let fn, let args) = f.expr, let arg = args.first, arg == .wildcard || isRegex(arg) {
                for name in try expand(arg, excluding: Set(relation.tags)) where relation.fields[name] != nil {
                    let call = InfluxExpr.call(fn, [.ref(name, hint: nil)] + args.dropFirst())
                    if fn == "count" { countColumns.insert(exprs.count) }
                    exprs.append(try aggregateSQL(call, fieldRefs: &fieldRefs, windows: &windows))
                    names.append("\(fn)_\(name)")
                }
                continue
            }
            if case .call("count", _) = f.expr { countColumns.insert(exprs.count) }
            exprs.append(try aggregateSQL(f.expr, fieldRefs: &fieldRefs, windows: &windows))
            names.append(f.alias ?? Self.columnName(f.expr))
        }
        guard !fieldRefs.isEmpty, !exprs.isEmpty else { return false }
        // A lone selector gives its point's time (unless buckets give the time).
        if select.interval == nil, select.fields.count == 1, case .call(let fn, let args) = select.fields[0].expr,
           Self.selectors.contains(fn), let arg = args.first, case .ref(let field, _) = arg, relation.fields[field] != nil {
            let c = SQLText.ident(field), t = relation.timeNanoseconds
            switch fn {
            case "min": selectorTime = "arg_min(\(t), \(c))"
            case "max": selectorTime = "arg_max(\(t), \(c))"
            case "first": selectorTime = "min(\(t)) FILTER (WHERE \(c) IS NOT NULL)"
            case "last": selectorTime = "max(\(t)) FILTER (WHERE \(c) IS NOT NULL)"
            case "percentile": selectorTime = windows.percentiles == 0 ? nil : "min(\(t)) FILTER (WHERE \"__r0\" = floor(\"__c0\" * \(percentileArgument(args)) / 100.0 + 0.5))"
            default: selectorTime = nil
            }
        }
        plan.columns = Self.deduplicated(names)
        plan.countColumns = countColumns
        let timeSQL: String
        if let b = bucketSQL() {
            timeSQL = b
        } else if let s = selectorTime {
            timeSQL = s
        } else {
            timeSQL = "\(lower ?? 0)"
        }
        var sql = "SELECT \(timeSQL) AS \"__t\""
        for t in tagSQL { sql += ", " + t }
        for (i, e) in exprs.enumerated() { sql += ", \(e) AS \"__v\(i)\"" }
        let present = Set(fieldRefs).sorted().map { "\(SQLText.ident($0)) IS NOT NULL" }.joined(separator: " OR ")
        sql += ", count(*) FILTER (WHERE \(present)) AS \"__n\""
        if windows.first.isEmpty {
            sql += " FROM \(relation.from)"
            if let condition { sql += " WHERE " + condition }
        } else {
            // Percentiles and modes rank rows in windows over the filtered rows; the aggregate picks the ranked one.
            var from = "(SELECT *, " + windows.first.joined(separator: ", ") + " FROM \(relation.from)"
            if let condition { from += " WHERE " + condition }
            from += ") AS \"__w\""
            if !windows.second.isEmpty {
                from = "(SELECT *, " + windows.second.joined(separator: ", ") + " FROM \(from)) AS \"__w2\""
            }
            sql += " FROM " + from
        }
        var keys = tagSQL
        if select.interval != nil { keys.insert("\"__t\"", at: 0) }
        if !keys.isEmpty { sql += " GROUP BY " + keys.joined(separator: ", ") }
        plan.sql = sql
        return true
    }

    /// SQL for an expression over aggregates: calls become the engine's aggregates, math stays math.
    private func aggregateSQL(_ e: InfluxExpr, fieldRefs: inout [String], windows: inout WindowColumns) throws(InfluxQLError) -> String {
        switch e {
        case .call(let fn, let args):
            return try callSQL(fn, args, fieldRefs: &fieldRefs, windows: &windows)
        case .binary(let op, let l, let r) where [.add, .sub, .mul, .div, .mod].contains(op):
            return "(\(try aggregateSQL(l, fieldRefs: &fieldRefs, windows: &windows)) \(op.rawValue) \(try aggregateSQL(r, fieldRefs: &fieldRefs, windows: &windows)))"
        case .paren(let inner):
            return try aggregateSQL(inner, fieldRefs: &fieldRefs, windows: &windows)
        case .integer(let v): return "\(v)"
        case .number(let v): return SQLText.number(v)
        case .ref(let n, _):
            throw InfluxQLError("mixing aggregate and non-aggregate queries is not supported (\(n))")
        default:
            throw InfluxQLError("unsupported expression in an aggregate query: \(InfluxQLPrinter.text(e))")
        }
    }

    private func callSQL(_ fn: String, _ args: [InfluxExpr], fieldRefs: inout [String], windows: inout WindowColumns) throws(InfluxQLError) -> String {
        // count(distinct(f))
        if fn == "count", args.count == 1, case .call("distinct", let inner) = args[0] {
            guard inner.count == 1, case .ref(let f, _) = inner[0] else { throw InfluxQLError("expected field argument in distinct()") }
            guard relation.fields[f] != nil else { return "CAST(NULL AS BIGINT)" }
            fieldRefs.append(f)
            return "count(DISTINCT \(SQLText.ident(f)))"
        }
        guard Self.aggregates.contains(fn) else { throw InfluxQLError("undefined function \(fn)()") }
        let expectedArgs = fn == "percentile" || fn == "top" || fn == "bottom" ? 2 : 1
        guard args.count == expectedArgs else {
            throw InfluxQLError("invalid number of arguments for \(fn), expected \(expectedArgs), got \(args.count)")
        }
        guard case .ref(let field, _) = args[0] else { throw InfluxQLError("expected field argument in \(fn)()") }
        guard let type = relation.fields[field] else {
            // A tag or a name this measurement does not have: no values.
            return "CAST(NULL AS DOUBLE)"
        }
        let numeric = type == .int64 || type == .uint64 || type == .float64
        let c = SQLText.ident(field)
        fieldRefs.append(field)
        switch fn {
        case "count": return "count(\(c))"
        case "sum", "mean", "median", "spread", "stddev":
            guard numeric else { return "CAST(NULL AS DOUBLE)" }
            switch fn {
            case "sum": return "sum(\(c))"
            case "mean": return "avg(\(c))"
            case "median": return "median(\(c))"
            case "spread": return "(max(\(c)) - min(\(c)))"
            default: return "stddev_samp(\(c))"
            }
        case "min", "max":
            guard numeric || type == .bool else { return "CAST(NULL AS DOUBLE)" }
            return "\(fn)(\(c))"
        case "first": return "arg_min(\(c), \"time\")"
        case "last": return "arg_max(\(c), \"time\")"
        case "percentile":
            // InfluxDB's nearest rank: the floor(n·p/100 + 0.5)-th smallest value (none when that is 0 or
            // beyond n), ranked by a window over the same groups.
            guard numeric else { return "CAST(NULL AS DOUBLE)" }
            let p: Double
            switch args[1] {
            case .integer(let v): p = Double(v)
            case .number(let v): p = v
            default: throw InfluxQLError("expected float argument in percentile()")
            }
            return "min(\(c)) FILTER (WHERE \(percentileRank(&windows, c, p)))"
        case "mode":
            // The most frequent value, the smallest among equally frequent ones: count each value in a
            // window, then rank values by that count in a second one. (InfluxDB agrees when one value is
            // most frequent or all are unique; its other ties follow its sort's order of equal values.)
            let k = windows.modes
            windows.modes += 1
            let keys = partitionKeys()
            windows.first.append("count(\(c)) OVER (PARTITION BY \((keys + [c]).joined(separator: ", "))) AS \"__mf\(k)\"")
            let partition = keys.isEmpty ? "" : "PARTITION BY " + keys.joined(separator: ", ") + " "
            windows.second.append("row_number() OVER (\(partition)ORDER BY \"__mf\(k)\" DESC, \(c) ASC) AS \"__mr\(k)\"")
            return "min(\(c)) FILTER (WHERE \"__mr\(k)\" = 1)"
        default:
            throw InfluxQLError("\(fn)() is not supported yet by tsdb's InfluxQL")
        }
    }

    /// Adds the rank and count windows of `column` and returns the condition that picks the p-th percentile row.
    private func percentileRank(_ windows: inout WindowColumns, _ column: String, _ p: Double) -> String {
        let k = windows.percentiles
        windows.percentiles += 1
        let keys = partitionKeys()
        let partition = keys.isEmpty ? "" : "PARTITION BY " + keys.joined(separator: ", ")
        windows.first.append("row_number() OVER (\(partition) ORDER BY \(column)) AS \"__r\(k)\"")
        windows.first.append("count(\(column)) OVER (\(partition)) AS \"__c\(k)\"")
        return "\"__r\(k)\" = floor(\"__c\(k)\" * \(SQLText.number(p)) / 100.0 + 0.5)"
    }

    /// The groups of an aggregate query as SQL: the time bucket, then the GROUP BY tags.
    func partitionKeys() -> [String] {
        var keys: [String] = []
        if let b = bucketSQL() { keys.append(b) }
        let groupTags = select.groupAllTags ? relation.tags.sorted() : Array(Set(select.groupTags)).sorted()
        keys += groupTags.filter { relation.tags.contains($0) }.map(SQLText.ident)
        return keys
    }

    /// GROUP BY time's bucket of a row: aligned to the epoch plus the offset, as InfluxDB's (floor
    /// division on instants ≥ 0).
    func bucketSQL() -> String? {
        guard let w = select.interval else { return nil }
        let off = ((select.intervalOffset % w) + w) % w
        if let tz = select.timeZone, let zone = ZoneClock(tz), !relation.timeIsNanoseconds {
            // Buckets on the zone's clock: bucket the wall-clock reading, then back to the instant it shows.
            let z = SQLText.string(zone.name)
            let local = "epoch_ns(\"time\" AT TIME ZONE 'UTC' AT TIME ZONE \(z))"
            return "epoch_ns(make_timestamp((((\(local) - \(off)) // \(w)) * \(w) + \(off)) // 1000) AT TIME ZONE \(z))"
        }
        return "((\(relation.timeNanoseconds) - \(off)) // \(w)) * \(w) + \(off)"
    }

    /// SQL for a raw expression: field and tag references, literals and arithmetic.
    func scalarSQL(_ e: InfluxExpr) throws(InfluxQLError) -> String {
        switch e {
        case .ref(let n, _):
            return relation.fields[n] != nil || relation.tags.contains(n) ? SQLText.ident(n) : "CAST(NULL AS DOUBLE)"
        case .integer(let v): return "\(v)"
        case .number(let v): return SQLText.number(v)
        case .string(let s): return SQLText.string(s)
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .paren(let inner): return try scalarSQL(inner)
        case .binary(let op, let l, let r) where [.add, .sub, .mul, .div, .mod].contains(op):
            return "(\(try scalarSQL(l)) \(op.rawValue) \(try scalarSQL(r)))"
        default:
            throw InfluxQLError("unsupported expression: \(InfluxQLPrinter.text(e))")
        }
    }

    // MARK: names

    /// Fields and tags matching `*` or a regex, sorted by name as InfluxDB lists them.
    private func expand(_ e: InfluxExpr, excluding: Set<String>) throws(InfluxQLError) -> [String] {
        let all = (Array(relation.fields.keys) + Array(relation.tags)).filter { !excluding.contains($0) }
        switch e {
        case .regex(let pattern):
            let re = try WhereTranslator(relation: relation, now: now).regex(pattern)
            return all.filter { WhereTranslator.matches(re, $0) }.sorted()
        default:
            return all.sorted()
        }
    }

    func percentileArgument(_ args: [InfluxExpr]) -> String {
        switch args.count > 1 ? args[1] : .integer(0) {
        case .integer(let v): "\(v).0"
        case .number(let v): SQLText.number(v)
        default: "0"
        }
    }

    private func isRegex(_ e: InfluxExpr) -> Bool { if case .regex = e { true } else { false } }

    func containsCall(_ e: InfluxExpr) -> Bool {
        switch e {
        case .call: true
        case .binary(_, let l, let r): containsCall(l) || containsCall(r)
        case .paren(let inner): containsCall(inner)
        default: false
        }
    }

    private func references(_ e: InfluxExpr) -> [String] {
        switch e {
        case .ref(let n, _): [n]
        case .binary(_, let l, let r): references(l) + references(r)
        case .paren(let inner): references(inner)
        case .call(_, let args): args.flatMap(references)
        default: []
        }
    }

    /// InfluxDB's name for an output column: the function, the field, or the functions of an expression
    /// joined by `_` (`sum(a) / count(a)` is `sum_count`).
    static func columnName(_ e: InfluxExpr) -> String {
        func names(_ e: InfluxExpr) -> [String] {
            switch e {
            case .call(let fn, _): [fn]
            case .ref(let n, _): [n]
            case .binary(_, let l, let r): names(l) + names(r)
            case .paren(let inner): names(inner)
            default: []
            }
        }
        return names(e).joined(separator: "_")
    }

    /// Repeated names get `_1`, `_2`, … as InfluxDB's do (`max`, `max_1`).
    static func deduplicated(_ names: [String]) -> [String] {
        var seen: [String: Int] = [:]
        var used = Set(names)
        return names.map { n in
            guard let k = seen[n] else { seen[n] = 0; return n }
            var i = k + 1
            while used.contains("\(n)_\(i)") { i += 1 }
            seen[n] = i
            used.insert("\(n)_\(i)")
            return "\(n)_\(i)"
        }
    }
}
