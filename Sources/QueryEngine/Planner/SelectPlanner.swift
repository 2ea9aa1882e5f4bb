import ColumnStore

/// Turns a parsed SELECT into a `SelectPlan`: resolves names, splits aggregation from projection,
/// rewrites tag predicates onto dictionary codes and extracts what can prune partitions and blocks.
struct SelectPlanner {
    let engine: QueryEngine
    let now: Int64
    let control: QueryControl?
    var session = QuerySession()
    /// Plans subquery expressions (set by `QueryPlanner`); without it they are refused.
    var subquery: ((Expr, Binder) throws -> BoundExpr)? = nil
    /// Set when the FROM table is a materialized view's stored table read as the view: its columns go
    /// by the view's names (the bucket, stored as `time`, under its alias) and `*` lists them in the view's order.
    var viewColumns: ViewColumns? = nil

    /// Plans `s` over a base table (its FROM) or none, or over `input`: the columns of a child operator
    /// (a subquery, join, CTE or table function) whose rows the scan receives when it runs.
    func plan(_ s: SelectStatement, input: PlanInput? = nil) throws -> SelectPlan {
        // The source, before binding (a table's snapshot is taken after the time range is known).
        var names: [String] = [], types: [ValueType] = [], storage: [ColumnType] = []
        var tableName: String?
        var rows: PlanSource = .none
        var snapshotSchema: TableSchema?
        var virtualSnapshot: TableSnapshot?
        var star: [Int]?
        if let input {
            names = input.columns.map(\.name)
            types = input.columns.map(\.type)
            storage = types.map(\.columnType)
            star = input.star
            rows = .rows([], count: 0)  // filled in by the operator when it runs
        } else if let from = s.from {
            guard case let .table(t) = from.source else {
                throw QueryError("internal error: a FROM that is not a table must be planned as an input")
            }
            if let virtual = engine.virtualTables.table(named: t.name) {
                // Computed now, whole: a virtual table's snapshot is its rows.
                let snap = try virtual.snapshot(engine)
                tableName = t.name
                virtualSnapshot = snap
                names = snap.schema.columns.map(\.name)
                types = virtual.valueTypes
                storage = snap.schema.columns.map(\.type)
            } else {
                try engine.database.checkNotDamaged(t.name)
                guard let schema = engine.database.schema(of: t.name) else {
                    let known = engine.database.tableNames()
                    throw QueryError("unknown table '\(t.name)'" + (known.isEmpty ? "" : " (tables: \(known.joined(separator: ", ")))"), at: t.position)
                }
                tableName = t.name
                snapshotSchema = schema
                names = schema.columns.map(\.name)
                if let v = viewColumns, v.names.count == names.count {
                    names = v.names
                    star = v.star
                }
                types = schema.columns.map { ValueType($0.type) }
                storage = schema.columns.map(\.type)
            }
        }
        let sourceTypes = types
        var scan = Binder(resolveColumn: { name, pos in
            if let input { return try input.resolve(nil, name, pos) }
            if let i = names.firstIndex(of: name) ?? names.firstIndex(where: { $0.lowercased() == name }) {
                return .column(i, sourceTypes[i])
            }
            let where_ = tableName.map { " in table '\($0)'" } ?? " (the query has no FROM)"
            let hint = Suggestions.closest(to: name, in: names).map { " (did you mean '\($0)'?)" } ?? ""
            throw QueryError("unknown column '\(name)'\(where_)\(hint)", at: pos)
        }, hook: nil, now: now, session: session)
        if let input { scan.resolveQualified = { try input.resolve($0, $1, $2) } }
        if input == nil, let from = s.from, case let .table(t) = from.source {
            // `q.column` over one table: `q` must be its alias, or its name when it has none (as in DuckDB,
            // an alias hides the name).
            let bare = scan.resolveColumn
            let own = from.alias ?? t.name
            scan.resolveQualified = { q, name, pos in
                guard q == own || q.lowercased() == own.lowercased() || (from.alias == nil && t.name.hasSuffix("." + q)) else {
                    let hint = (q.count > 1 ? Suggestions.closest(to: q, in: [own]) : nil).map { " (did you mean '\($0)'?)" }
                        ?? " (the FROM has '\(own)')"
                    throw QueryError("unknown table or alias '\(q)' in '\(q).\(name)'\(hint)", at: pos)
                }
                return try bare(name, pos)
            }
        }
        scan.subquery = subquery

        // Select items, with * expanded.
        var items: [(Expr?, BoundExpr?, String)] = []  // (ast, pre-bound for *, name)
        for item in s.items {
            switch item {
            case .wildcard:
                guard s.from != nil || input != nil else { throw QueryError("SELECT * needs a FROM", at: s.position) }
                for i in star ?? Array(names.indices) { items.append((nil, .column(i, types[i]), names[i])) }
            case let .expr(e, alias):
                items.append((e, nil, alias ?? Self.name(of: e)))
            }
        }

        let hasAggregate = s.items.contains { if case let .expr(e, _) = $0 { Self.containsAggregate(e) } else { false } }
            || (s.having.map(Self.containsAggregate) ?? false)
            || s.orderBy.contains { Self.containsAggregate($0.expr) }
        let isAggregate = hasAggregate || !s.groupBy.isEmpty || s.distinct || s.having != nil

        // WHERE sees the source's columns first; a name no column has may be a select-list alias (DuckDB's
        // fallback), bound to the item's expression over the source rows.
        var whereBinder = scan
        whereBinder.hook = { [scan] e in
            guard case let .column(nil, name) = e.kind, (try? scan.resolveColumn(name, e.position)) == nil,
                  let ast = items.first(where: { $0.2 == name && $0.0 != nil })?.0 else { return nil }
            if Self.containsAggregate(ast) {
                throw QueryError("WHERE cannot use '\(name)': it names an aggregate of the select list (use HAVING)", at: e.position)
            }
            if ast.kind.containsWindow {
                throw QueryError("WHERE cannot use '\(name)': it names a window function of the select list (use QUALIFY)", at: e.position)
            }
            return try scan.bind(ast)
        }
        var filter = try s.where.map { try whereBinder.boolean(try whereBinder.bind($0), $0.position).foldingConstantOperands() }
        var plan = SelectPlan(source: rows, sourceNames: names, sourceTypes: types, filter: nil, timeRange: Int64.min...Int64.max,
                              prune: [], isAggregate: isAggregate, keys: [], aggregates: [], having: nil, outputs: [],
                              outputNames: items.map(\.2), order: [], limit: s.limit, offset: s.offset ?? 0)
        if let l = s.limit, l < 0 { throw QueryError("LIMIT must not be negative", at: s.position) }
        if let o = s.offset, o < 0 { throw QueryError("OFFSET must not be negative", at: s.position) }

        if isAggregate {
            // Group keys as written (ordinals and aliases resolved to the select items).
            var keyASTs: [Expr] = []
            var keyBound: [BoundExpr] = []
            let groupItems = s.distinct ? items.map { $0.0 ?? Expr(.column(table: nil, name: $0.2), at: s.position) } : []
            for g in s.groupBy + groupItems {
                var e = g
                if case let .literal(.int(k)) = g.kind {
                    guard k >= 1 && Int(k) <= items.count, let ast = items[Int(k) - 1].0 else {
                        throw QueryError("GROUP BY position \(k) is not in the select list (1…\(items.count))", at: g.position)
                    }
                    e = ast
                } else if case let .column(_, name) = g.kind, !names.contains(name), let it = items.first(where: { $0.2 == name && $0.0 != nil }) {
                    e = it.0!
                }
                if Self.containsAggregate(e) { throw QueryError("aggregate functions are not allowed in GROUP BY", at: g.position) }
                if keyASTs.contains(e) { continue }
                keyASTs.append(e)
                keyBound.append(try scan.bind(e))
            }
            var specs: [AggregateSpec] = []
            var specASTs: [FunctionCall] = []
            // first()/last() take the value of the earliest/latest row by the table's time column.
            let timeColumn: BoundExpr? = tableName != nil && types.first == .time ? .column(0, .time) : nil
            let keyTypes = keyBound.map(\.type)
            var post = Binder(resolveColumn: { name, pos in
                throw QueryError("column '\(name)' must appear in the GROUP BY clause or be used in an aggregate function", at: pos)
            }, hook: nil, now: now, session: session)
            post.subquery = subquery
            let keyCount = keyASTs.count
            // HAVING (and ORDER BY expressions) may name a select-list alias that is not a source column,
            // as DuckDB allows; `resolvingAlias` stops an alias from resolving through itself.
            var resolvingAlias = false
            let selfRef = BinderReference()
            defer { selfRef.binder = nil }  // the hook refers to its binder: break the cycle after planning
            let keyMatcher = GroupKeyMatcher(keys: keyASTs, scan: scan)
            post.hook = { e in
                if let i = keyASTs.firstIndex(of: e) ?? keyMatcher.key(e) { return .column(i, keyTypes[i]) }
                if !resolvingAlias, case let .column(nil, name) = e.kind, !names.contains(name),
                   let ast = items.first(where: { $0.2 == name && $0.0 != nil })?.0 {
                    resolvingAlias = true
                    defer { resolvingAlias = false }
                    return try selfRef.binder!.bind(ast)
                }
                guard case let .function(call) = e.kind, let kind = AggregateKind(name: call.name) else { return nil }
                if let j = specASTs.firstIndex(of: call) { return .column(keyCount + j, specs[j].resultType) }
                let spec = try Self.aggregate(kind, call, e.position, scan, timeColumn: timeColumn)
                specASTs.append(call)
                specs.append(spec)
                return .column(keyCount + specs.count - 1, spec.resultType == .null ? .int : spec.resultType)
            }
            selfRef.binder = post
            var outputs: [BoundExpr] = []
            for (ast, pre, _) in items {
                if let ast { outputs.append(try post.bind(ast)) } else {
                    // `*` with GROUP BY: each column must be a key.
                    guard case let .column(i, _)? = pre, let k = keyASTs.firstIndex(where: { if case let .column(_, n) = $0.kind { n == names[i] } else { false } }) else {
                        throw QueryError("SELECT * with GROUP BY needs every column in the GROUP BY clause", at: s.position)
                    }
                    outputs.append(.column(k, keyTypes[k]))
                }
            }
            plan.having = try s.having.map { try post.boolean(try post.bind($0), $0.position) }
            plan.order = try s.orderBy.map { o in
                SortKey(expr: try orderExpr(o.expr, items: items, outputs: outputs, binder: post), descending: o.descending,
                        nullsFirst: o.nulls == .first)
            }
            plan.outputs = outputs
            plan.keys = keyBound
            plan.aggregates = specs
        } else {
            var outputs: [BoundExpr] = []
            for (ast, pre, _) in items { outputs.append(try pre ?? scan.bind(ast!)) }
            plan.outputs = outputs
            plan.order = try s.orderBy.map { o in
                SortKey(expr: try orderExpr(o.expr, items: items, outputs: outputs, binder: scan), descending: o.descending,
                        nullsFirst: o.nulls == .first)
            }
        }

        // Snapshot with the time range, then rewrite tag predicates onto its dictionaries.
        if let schema = snapshotSchema, let t = tableName {
            if let f = filter { plan.timeRange = Self.timeRange(f) }
            let used = plan.sourceColumns(filter: filter)
            guard let snap = try engine.database.readSnapshot(table: t, range: plan.timeRange, symbolColumns: used) else {
                throw QueryError("table '\(t)' was dropped while planning")
            }
            let dicts = (0..<schema.count).map { used.contains($0) ? snap.dictionary($0) : nil }
            let sym = SymbolRewriter(storage: storage, dicts: dicts)
            filter = filter.map(sym.rewrite)
            plan.keys = plan.keys.map(sym.rewrite)
            plan.aggregates = plan.aggregates.map {
                var a = $0
                a.argument = a.argument.map(sym.rewrite)
                a.second = a.second.map(sym.rewrite)
                a.filter = a.filter.map(sym.rewrite)
                return a
            }
            if !isAggregate {
                plan.outputs = plan.outputs.map(sym.rewrite)
                plan.order = plan.order.map { var k = $0; k.expr = sym.rewrite(k.expr); return k }
            }
            plan.source = .table(snap)
        } else if let snap = virtualSnapshot {
            plan.source = .table(snap)
        }
        plan.filter = filter
        if let f = filter {
            plan.prune = Self.prunePredicates(f)
            plan.conjuncts = Self.conjuncts(f).map { ($0, Self.prunePredicates($0).first) }
        }
        return plan
    }

    /// ORDER BY key: an ordinal or output alias picks that output; otherwise an expression in `binder`'s scope.
    private func orderExpr(_ e: Expr, items: [(Expr?, BoundExpr?, String)], outputs: [BoundExpr], binder: Binder) throws -> BoundExpr {
        if case let .literal(.int(k)) = e.kind {
            guard k >= 1 && Int(k) <= outputs.count else {
                throw QueryError("ORDER BY position \(k) is not in the select list (1…\(outputs.count))", at: e.position)
            }
            return outputs[Int(k) - 1]
        }
        if case let .column(_, name) = e.kind, let i = items.firstIndex(where: { $0.2 == name }) {
            return outputs[i]
        }
        if let i = items.firstIndex(where: { $0.0 == e }) { return outputs[i] }
        return try binder.bind(e)
    }

    static func aggregate(_ kind: AggregateKind, _ call: FunctionCall, _ p: SourcePosition, _ scan: Binder,
                          timeColumn: BoundExpr? = nil) throws -> AggregateSpec {
        let filter = try call.filter.map { f -> BoundExpr in
            if containsAggregate(f) { throw QueryError("aggregate functions are not allowed in FILTER", at: f.position) }
            return try scan.boolean(try scan.bind(f), f.position)
        }
        if call.star {
            guard kind == .count else { throw QueryError("\(call.name)(*) is not allowed; only count(*)", at: p) }
            return AggregateSpec(kind: .count, argument: nil, distinct: false, filter: filter)
        }
        for a in call.arguments where containsAggregate(a) { throw QueryError("aggregate functions cannot be nested", at: a.position) }
        let arity: ClosedRange<Int> = switch kind {
        case .argMax, .argMin, .corr, .covarSamp, .covarPop, .quantileCont, .quantileDisc, .approxQuantile: 2...2
        case .stringAgg: 1...2
        default: 1...1
        }
        guard arity.contains(call.arguments.count) else {
            let n = arity.lowerBound == arity.upperBound ? "\(arity.lowerBound) argument\(arity.lowerBound == 1 ? "" : "s")" : "1 or 2 arguments"
            throw QueryError("\(call.name)() takes \(n), got \(call.arguments.count)", at: p)
        }
        let arg = try scan.bind(call.arguments[0])
        var spec = AggregateSpec(kind: kind, argument: arg, distinct: call.distinct && (kind == .count), filter: filter)
        func number(_ b: BoundExpr, _ e: Expr) throws {
            guard b.type.isNumeric || b.type == .null else { throw QueryError("\(call.name)() needs a number, got \(b.type)", at: e.position) }
        }
        switch kind {
        case .sum, .avg:
            guard arg.type.isNumeric || arg.type == .bool || arg.type == .null else {
                throw QueryError("\(call.name)() needs a number, got \(arg.type)", at: p)
            }
        case .median, .quantileCont, .quantileDisc, .approxQuantile:
            guard arg.type.isNumeric || arg.type == .time || arg.type == .null else {
                throw QueryError("\(call.name)() needs a number or a timestamp, got \(arg.type)", at: call.arguments[0].position)
            }
            if call.arguments.count == 2 {
                let q = call.arguments[1]
                guard case let .constant(v) = try scan.bind(q), let f = v.asDouble else {
                    throw QueryError("\(call.name)() needs a constant fraction between 0 and 1 (lists of fractions are not supported)", at: q.position)
                }
                guard f >= 0 && f <= 1 else { throw QueryError("\(call.name)() fraction must be between 0 and 1, got \(f)", at: q.position) }
                spec.fraction = f
            }
        case .stddevSamp, .stddevPop, .varSamp, .varPop:
            try number(arg, call.arguments[0])
        case .corr, .covarSamp, .covarPop:
            try number(arg, call.arguments[0])
            let y = try scan.bind(call.arguments[1])
            try number(y, call.arguments[1])
            spec.second = y
        case .argMax, .argMin:
            let by = try scan.bind(call.arguments[1])
            guard by.type != .interval else { throw QueryError("\(call.name)() cannot order by an interval", at: call.arguments[1].position) }
            spec.second = by
        case .first, .last:
            spec.second = timeColumn
        case .stringAgg:
            guard arg.type == .string || arg.type == .null else {
                throw QueryError("string_agg() needs a string, got \(arg.type); cast it with ::VARCHAR", at: call.arguments[0].position)
            }
            if call.arguments.count == 2 {
                let sep = call.arguments[1]
                guard case let .constant(v) = try scan.bind(sep), case let .string(text) = v else {
                    throw QueryError("string_agg() needs a constant string separator", at: sep.position)
                }
                spec.separator = text
            }
        case .boolAnd, .boolOr:
            guard arg.type == .bool || arg.type == .null else {
                throw QueryError("\(call.name)() needs a boolean, got \(arg.type)", at: call.arguments[0].position)
            }
        default: break
        }
        return spec
    }

    static func containsAggregate(_ e: Expr) -> Bool {
        if case let .function(call) = e.kind, AggregateKind(name: call.name) != nil { return true }
        var found = false
        e.kind.forEachChild { if !found && containsAggregate($0) { found = true } }
        return found
    }

    /// The output column name DuckDB would show: a column's name, otherwise the expression's text.
    static func name(of e: Expr) -> String {
        if case let .column(_, n) = e.kind { return n }
        if case let .function(call) = e.kind, call.star, call.name == "count" {
            return "count_star()" + (call.filter.map { " FILTER (WHERE \($0.description))" } ?? "")
        }
        return e.description
    }

    /// The time range implied by top-level AND-ed comparisons of `time` (column 0) with constants, and
    /// of a floor of it (`time::DATE`, `date_trunc`, `time_bucket`; `TimeFloor`) or either IN a list.
    static func timeRange(_ f: BoundExpr) -> ClosedRange<Int64> {
        var lo = Int64.min, hi = Int64.max
        for c in conjuncts(f) {
            if let r = TimeFloor.range(of: c) {
                lo = max(lo, r.lo)
                hi = min(hi, r.hi)
                continue
            }
            guard case let .compare(op, a, b) = c else { continue }
            var o = op, t: Int64
            if case .column(0, .time) = a, case let .constant(.time(v)) = b { t = v }
            else if case .column(0, .time) = b, case let .constant(.time(v)) = a { t = v; o = op.flipped }
            else { continue }
            switch o {
            case .eq: lo = max(lo, t); hi = min(hi, t)
            case .ge: lo = max(lo, t)
            case .gt: lo = max(lo, t == .max ? t : t + 1)
            case .le: hi = min(hi, t)
            case .lt: hi = min(hi, t == .min ? t : t - 1)
            case .ne: break
            }
        }
        if lo > hi { return Int64.max...Int64.max }  // nothing can match; the filter still decides
        return lo...hi
    }

    static func conjuncts(_ e: BoundExpr) -> [BoundExpr] {
        if case let .and(a, b) = e { return conjuncts(a) + conjuncts(b) }
        return [e]
    }

    static func prunePredicates(_ f: BoundExpr) -> [PrunePredicate] {
        var out: [PrunePredicate] = []
        for c in conjuncts(f) {
            switch c {
            case let .compare(op, .column(i, t), .constant(v)) where t != .string && v != .null:
                out.append(.compare(column: i, op, v))
            case let .compare(op, .constant(v), .column(i, t)) where t != .string && v != .null:
                out.append(.compare(column: i, op.flipped, v))
            case let .symbolPredicate(.column(i, _), set):
                out.append(.symbol(column: i, set))
            case let .column(i, .bool):
                out.append(.compare(column: i, .eq, .bool(true)))
            default: break
            }
        }
        return out
    }
}

/// Rewrites predicates on tag columns into `symbolPredicate`s: evaluated once per dictionary entry,
/// then a byte lookup (or one integer compare) per row.
struct SymbolRewriter {
    let storage: [ColumnType]
    let dicts: [SymbolDictionary?]

    private func symbolColumn(_ e: BoundExpr) -> (Int, SymbolDictionary)? {
        if case let .column(i, _) = e, i < storage.count, storage[i] == .symbol, let d = dicts[i] { return (i, d) }
        return nil
    }

    private func table(_ d: SymbolDictionary, _ test: (UnsafeRawBufferPointer) -> Bool) -> CodeSet {
        CodeSet(table: d.withTable { t in (0..<t.count).map { c in t.withBytes(UInt32(c)) { test($0) ? 1 : 0 } } })
    }

    func rewrite(_ e: BoundExpr) -> BoundExpr {
        switch e {
        case let .compare(op, a, b):
            if let (_, d) = symbolColumn(a), case let .constant(.string(s)) = b { return .symbolPredicate(a, codeSet(d, op, s)) }
            if let (_, d) = symbolColumn(b), case let .constant(.string(s)) = a { return .symbolPredicate(b, codeSet(d, op.flipped, s)) }
            return .compare(op, rewrite(a), rewrite(b))
        case let .like(x, p, negated):
            if let (_, d) = symbolColumn(x) { return .symbolPredicate(x, table(d) { p.matches($0) != negated }) }
            return .like(rewrite(x), p, negated: negated)
        case let .inList(x, values, negated) where !values.contains(.null):
            if let (_, d) = symbolColumn(x) {
                var t = [UInt8](repeating: negated ? 1 : 0, count: d.count)
                for case let .string(s) in values { if let c = d.code(of: s), Int(c) < t.count { t[Int(c)] = negated ? 0 : 1 } }
                return .symbolPredicate(x, CodeSet(table: t))
            }
            return .inList(rewrite(x), values, negated: negated)
        case let .and(a, b): return .and(rewrite(a), rewrite(b))
        case let .or(a, b): return .or(rewrite(a), rewrite(b))
        case let .not(a): return .not(rewrite(a))
        case let .caseWhen(br, o, t): return .caseWhen(br.map { (rewrite($0.0), rewrite($0.1)) }, rewrite(o), t)
        case let .cast(x, t): return .cast(rewrite(x), t)
        case let .arithmetic(op, a, b, t): return .arithmetic(op, rewrite(a), rewrite(b), t)
        case let .negate(x, t): return .negate(rewrite(x), t)
        case let .isNull(x, n): return .isNull(rewrite(x), negated: n)
        case let .isBool(x, v, n): return .isBool(rewrite(x), v, negated: n)
        case let .scalar(f, args, t): return .scalar(f, args.map(rewrite), t)
        case let .shiftTime(x, i, n): return .shiftTime(rewrite(x), i, negate: n)
        case let .timeBucket(b, x): return .timeBucket(b, rewrite(x))
        default: return e
        }
    }

    private func codeSet(_ d: SymbolDictionary, _ op: CompareOp, _ s: String) -> CodeSet {
        if op == .eq {
            var t = [UInt8](repeating: 0, count: d.count)
            if let c = d.code(of: s), Int(c) < t.count { t[Int(c)] = 1 }
            return CodeSet(table: t)
        }
        var s = s
        return s.withUTF8 { sp in table(d) { Kernels.test(op, Kernels.order($0, UnsafeRawBufferPointer(sp)), 0) } }
    }
}

/// A binder its own hook can call back into (to bind the expression behind a select-list alias).
final class BinderReference {
    var binder: Binder?
}
