import ColumnStore

/// Incremental maintenance: a bucket that only received appended rows since it was materialized gets the
/// count/sum/min/max of just those rows merged into its stored row, instead of being recomputed from raw.
///
/// Only views whose every aggregate merges exactly qualify: `count(*)`, `count(x)`, `sum` of an integer,
/// `min`, `max` — each optionally with FILTER, none DISTINCT — and no HAVING (a group HAVING dropped would
/// lose its partial). Float sums do not (adding partial sums can differ from the raw sum in the last bits),
/// nor distinct counts, quantiles or avg: those views recompute from raw.
enum ViewMerge {
    /// How a stored aggregate column combines with the same aggregate of new rows.
    enum Rule: Equatable {
        case key
        case bucket
        /// `sum` of the two: count, and sum of integers.
        case add
        case min
        case max
    }

    /// The rule of each of `d`'s columns, or nil when some aggregate does not merge. Sums are checked
    /// for integer arguments by `rules(_:stored:)`, which knows the stored types.
    static func candidateRules(_ d: ViewDefinition) -> [Rule]? {
        guard d.query.having == nil else { return nil }
        var rules: [Rule] = []
        for (i, item) in d.query.items.enumerated() {
            if i == d.bucketItem { rules.append(.bucket); continue }
            guard case let .expr(e, _) = item else { return nil }
            guard case let .function(call) = e.kind, AggregateKind.names.contains(call.name) else {
                if containsAggregate(e) { return nil }
                rules.append(.key)
                continue
            }
            guard !call.distinct else { return nil }
            switch call.name {
            case "count" where call.star || call.arguments.count == 1: rules.append(.add)
            case "sum" where call.arguments.count == 1: rules.append(.add)
            case "min" where call.arguments.count == 1: rules.append(.min)
            case "max" where call.arguments.count == 1: rules.append(.max)
            default: return nil
            }
        }
        // Regrouping by the stored keys is only right when they are the whole grouping: a GROUP BY term
        // not selected would make several stored rows share their keys.
        for g in d.query.groupBy {
            let selected = d.query.items.enumerated().contains { i, item in
                guard rules[i] == .key || rules[i] == .bucket, case let .expr(e, _) = item else { return false }
                if e == g { return true }
                if case let .column(nil, n) = g.kind, n == d.columnNames[i] { return true }
                if case let .literal(.int(k)) = g.kind, k == i + 1 { return true }
                return false
            }
            if !selected { return nil }
        }
        return rules
    }

    /// `candidateRules` with sums checked against the view's stored column types: nil unless every sum is
    /// of integers (stored as `integer`).
    static func rules(_ d: ViewDefinition, stored: TableSchema) -> [Rule]? {
        guard let rules = candidateRules(d) else { return nil }
        for (i, r) in rules.enumerated() where r == .add {
            guard case let .expr(e, _) = d.query.items[i], case let .function(call) = e.kind else { return nil }
            if call.name == "sum", stored.column(d.columnNames[i])?.type != .int64 { return nil }
        }
        return rules
    }

    private static func containsAggregate(_ e: Expr) -> Bool {
        if case let .function(call) = e.kind, AggregateKind.names.contains(call.name) { return true }
        var found = false
        e.kind.forEachChild { if containsAggregate($0) { found = true } }
        return found
    }

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// The view's new rows for `ranges`: its stored rows there and the defining query over the appended
    /// rows (read by an engine on which the raw table's name is those rows), regrouped by bucket and keys,
    /// each aggregate combined by its rule. Columns in the view's order, the bucket as `time`.
    static func query(_ d: ViewDefinition, rules: [Rule], ranges: BucketRanges) throws -> SelectStatement {
        let p = d.query.position
        let names = d.columnNames.enumerated().map { i, n in i == d.bucketItem ? TableSchema.timeColumn : n }
        let stored = "SELECT " + names.map(quoted).joined(separator: ", ") + " FROM " + quoted(d.name)
            + (ViewDefinition.predicate(ranges, column: TableSchema.timeColumn, at: p).map { " WHERE \($0.description)" } ?? "")
        let appended = d.materializeQuery(ranges).description
        var items: [String] = [], keys: [String] = []
        for (n, r) in zip(names, rules) {
            let c = quoted(n)
            switch r {
            case .key, .bucket: items.append(c); keys.append(c)
            case .add: items.append("sum(\(c)) AS \(c)")
            case .min: items.append("min(\(c)) AS \(c)")
            case .max: items.append("max(\(c)) AS \(c)")
            }
        }
        let sql = "SELECT \(items.joined(separator: ", ")) FROM (\(stored) UNION ALL \(appended)) AS merged GROUP BY \(keys.joined(separator: ", "))"
        guard case let .select(q) = try SQLParser.parse(sql) else { throw QueryError("BUG: the merge query of view \(d.name) is not a SELECT", at: p) }
        return q
    }
}
