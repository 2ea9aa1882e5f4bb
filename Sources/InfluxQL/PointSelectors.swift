import ColumnStore

/// Queries whose rows are stored points picked per group rather than one computed value per group:
/// `top`/`bottom` (with tag arguments and fields beside them), `distinct`, and a selector with fields or
/// tags beside it (`SELECT max(duration_ms), track`: the other columns come from the selected point).
///
/// Each is one SQL statement: a window ranks the points of every group (GROUP BY tags, and the
/// GROUP BY time bucket), and the outer query keeps the ranked ones.
extension SelectTranslator {
    /// `top(f, [tag, …,] n)` / `bottom(…)`: the n largest (smallest) points of each series and bucket,
    /// earliest first among equal values, listed in time order with their own times. With tag arguments
    /// each tag value's largest (smallest) point competes, and the tags' values are columns after it.
    func topPlan(_ plan: inout SelectPlan, _ fn: String, _ args: [InfluxExpr], at index: Int, condition: String?,
                 tagSQL: [String]) throws(InfluxQLError) -> Bool {
        guard args.count >= 2, case .ref(let field, _) = args[0], case .integer(let n) = args[args.count - 1] else {
            throw InfluxQLError("\(fn)() takes a field, optional tags and a number of points, as in \(fn)(duration_ms, artist, 3)")
        }
        var tagArgs: [String] = []
        for a in args.dropFirst().dropLast() {
            guard case .ref(let t, _) = a else { throw InfluxQLError("only fields or tags are allowed in \(fn)(), found \(InfluxQLPrinter.text(a))") }
            tagArgs.append(t)
        }
        guard n > 0 else { throw InfluxQLError("limit (\(n)) in \(fn) function must be at least 1") }
        if select.limit > 0 && n > Int64(select.limit) {
            throw InfluxQLError("limit (\(n)) in \(fn) function can not be larger than the LIMIT (\(select.limit)) in the select statement")
        }
        guard let type = relation.fields[field] else { return false }
        guard type == .int64 || type == .uint64 || type == .float64 else { throw InfluxQLError("\(fn)() needs a numeric field") }
        let c = SQLText.ident(field), t = relation.timeNanoseconds
        let order = "\(c) \(fn == "top" ? "DESC" : "ASC"), \(t) ASC"
        let keys = partitionKeys()
        let (exprs, names) = try pointColumns(selector: index, selectorSQL: c, tagArgs: tagArgs)
        plan.columns = Self.deduplicated(names)
        let needed = neededColumns(field, tagArgs)
        var source = "(SELECT \(needed) FROM \(relation.from) WHERE " + (condition.map { $0 + " AND " } ?? "") + "\(c) IS NOT NULL) AS \"__f\""
        if keys.isEmpty && tagArgs.isEmpty {
            // One group: the engine's top-k (ORDER BY … LIMIT) instead of ranking every point.
            source = "(SELECT * FROM \(source) ORDER BY \(order) LIMIT \(n)) AS \"__k\""
        }
        if !tagArgs.isEmpty {
            // Each tag value's best point first (InfluxDB's max/min per tag value, the earliest among ties).
            let perValue = keys + tagArgs.map { try? scalarSQL(.ref($0, hint: nil)) }.compactMap { $0 }
            source = "(SELECT * FROM (SELECT *, \(Self.rowNumber(perValue, order)) AS \"__s1\" FROM \(source)) AS \"__p\" WHERE \"__s1\" = 1) AS \"__f1\""
        }
        let ranked = keys.isEmpty && tagArgs.isEmpty ? source
            : "(SELECT *, \(Self.rowNumber(keys, order)) AS \"__s\" FROM \(source)) AS \"__r\""
        var sql = "SELECT \(t) AS \"__t\""
        for tag in tagSQL { sql += ", " + tag }
        for (i, e) in exprs.enumerated() { sql += ", \(e) AS \"__v\(i)\"" }
        sql += ", 1 AS \"__n\" FROM \(ranked)" + (keys.isEmpty && tagArgs.isEmpty ? "" : " WHERE \"__s\" <= \(n)") + " ORDER BY "
        if let b = bucketSQL() { sql += b + (select.descending ? " DESC, " : ", ") }
        // Points at the same time (a subquery's rows all have one) come in rank order, as InfluxDB's.
        sql += "\"__t\", \"__v\(exprs.firstIndex(of: c) ?? 0)\" " + (fn == "top" ? "DESC" : "ASC")
        plan.sql = sql
        // Points keep their own times: rows are shaped as points, buckets are not filled.
        plan.interval = nil
        return true
    }

    /// `SELECT max(f), track, artist …`: per series (and bucket) the selected point's row; its time
    /// without GROUP BY time, the bucket's with it.
    func selectedPointPlan(_ plan: inout SelectPlan, _ fn: String, _ args: [InfluxExpr], at index: Int, condition: String?,
                           tagSQL: [String]) throws(InfluxQLError) -> Bool {
        guard case .ref(let field, _) = args.first, args.count == (fn == "percentile" ? 2 : 1) else {
            throw InfluxQLError("invalid arguments to \(fn)()")
        }
        guard let type = relation.fields[field] else { return false }
        let numeric = type == .int64 || type == .uint64 || type == .float64
        if fn != "first" && fn != "last" && !(numeric || (type == .bool && fn != "percentile")) { return false }
        let c = SQLText.ident(field), t = relation.timeNanoseconds
        let keys = partitionKeys()
        let order: String, pick: String
        var extra = ""
        switch fn {
        case "max": order = "\(c) DESC, \(t) ASC"; pick = "\"__s\" = 1"
        case "min": order = "\(c) ASC, \(t) ASC"; pick = "\"__s\" = 1"
        case "first": order = "\(t) ASC"; pick = "\"__s\" = 1"
        case "last": order = "\(t) DESC"; pick = "\"__s\" = 1"
        default:
            // percentile: InfluxDB's nearest rank among the group's points.
            order = "\(c) ASC, \(t) ASC"
            pick = "\"__s\" = floor(\"__c\" * \(percentileArgument(args)) / 100.0 + 0.5)"
            extra = ", count(*) OVER (\(keys.isEmpty ? "" : "PARTITION BY " + keys.joined(separator: ", "))) AS \"__c\""
        }
        let source = "(SELECT \(neededColumns(field, [])) FROM \(relation.from) WHERE " + (condition.map { $0 + " AND " } ?? "") + "\(c) IS NOT NULL) AS \"__f\""
        let ranked = "(SELECT *, \(Self.rowNumber(keys, order)) AS \"__s\"\(extra) FROM \(source)) AS \"__r\""
        let (exprs, names) = try pointColumns(selector: index, selectorSQL: c, tagArgs: [])
        plan.columns = Self.deduplicated(names)
        var sql = "SELECT \(bucketSQL() ?? t) AS \"__t\""
        for tag in tagSQL { sql += ", " + tag }
        for (i, e) in exprs.enumerated() { sql += ", \(e) AS \"__v\(i)\"" }
        sql += ", 1 AS \"__n\" FROM \(ranked) WHERE \(pick)"
        plan.sql = sql
        return true
    }

    /// `SELECT distinct(f)`: each distinct value of a series (and bucket) as its own row, in the order
    /// the values first appear, at the bucket's (or the range's) start time.
    func distinctPlan(_ plan: inout SelectPlan, _ args: [InfluxExpr], alias: String?, condition: String?,
                      tagSQL: [String], lower: Int64?) throws(InfluxQLError) -> Bool {
        guard args.count == 1, case .ref(let field, _) = args[0] else { throw InfluxQLError("distinct function requires at least one argument") }
        guard relation.fields[field] != nil else { return false }
        let c = SQLText.ident(field)
        plan.columns = [alias ?? "distinct"]
        let bucket = bucketSQL()
        var sql = "SELECT \(bucket ?? "\(lower ?? 0)") AS \"__t\""
        for t in tagSQL { sql += ", " + t }
        sql += ", \(c) AS \"__v0\", min(\(relation.timeNanoseconds)) AS \"__first\", count(*) AS \"__n\" FROM \(relation.from) WHERE "
        sql += (condition.map { $0 + " AND " } ?? "") + "\(c) IS NOT NULL"
        sql += " GROUP BY " + ((bucket == nil ? [] : ["\"__t\""]) + tagSQL + [c]).joined(separator: ", ")
        sql += " ORDER BY " + (bucket == nil ? "" : "\"__t\"" + (select.descending ? " DESC, " : ", ")) + "\"__first\""
        plan.sql = sql
        // Several rows per bucket, none for an empty one: shaped as points, not filled.
        plan.interval = nil
        return true
    }

    /// The output columns of a point query in SELECT order: the selector's value at `selector` (then the
    /// tag arguments of top/bottom), the other items as the point's fields and tags.
    private func pointColumns(selector: Int, selectorSQL: String, tagArgs: [String]) throws(InfluxQLError) -> ([String], [String]) {
        var exprs: [String] = [], names: [String] = []
        for (i, f) in select.fields.enumerated() {
            if i == selector {
                guard case .call(let fn, _) = f.expr else { continue }
                exprs.append(selectorSQL)
                names.append(f.alias ?? fn)
                for tag in tagArgs {
                    exprs.append(try scalarSQL(.ref(tag, hint: nil)))
                    names.append(tag)
                }
                continue
            }
            guard case .ref(let name, _) = f.expr, name.lowercased() != "time" else {
                if case .ref = f.expr { continue }  // `time` is always the first column
                throw InfluxQLError("mixing aggregate and non-aggregate queries is not supported")
            }
            exprs.append(try scalarSQL(f.expr))
            names.append(f.alias ?? name)
        }
        return (exprs, names)
    }

    /// The columns a point query reads: time, the tags, the selected field and the names beside it (only
    /// those, so the ranking carries no other column).
    private func neededColumns(_ field: String, _ tagArgs: [String]) -> String {
        var names = Set(relation.tags.filter { select.groupAllTags || select.groupTags.contains($0) || tagArgs.contains($0) })
        names.insert(field)
        for f in select.fields { if case .ref(let n, _) = f.expr, relation.fields[n] != nil || relation.tags.contains(n) { names.insert(n) } }
        names.remove("time")
        return (["\"time\""] + names.sorted().map(SQLText.ident)).joined(separator: ", ")
    }

    /// `row_number() OVER (PARTITION BY keys ORDER BY order)`.
    static func rowNumber(_ keys: [String], _ order: String) -> String {
        "row_number() OVER (\(keys.isEmpty ? "" : "PARTITION BY " + keys.joined(separator: ", ") + " ")ORDER BY \(order))"
    }
}
