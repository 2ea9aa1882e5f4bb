/// Set-returning functions in a select list (`SELECT unnest(a), generate_series(1, 3)`,
/// `(information_schema._pg_expandarray(i.indkey)).n`) and `unnest(…)` in FROM. A SELECT with them runs
/// in three steps: the SELECT without them computes their arguments and every other value of the select
/// list (FROM, WHERE, GROUP BY, HAVING); `ProjectSet` expands each row; a SELECT over that evaluates the
/// select list, DISTINCT, ORDER BY and LIMIT.
extension QueryPlanner {
    /// The set-returning functions a select list may call.
    static let setFunctions: Set<String> = ["unnest", "generate_series", "_pg_expandarray"]

    static func isSetFunction(_ e: Expr) -> Bool {
        if case let .function(call) = e.kind, setFunctions.contains(call.name) { true } else { false }
    }

    /// Whether `e` calls a set-returning function (not counting subqueries, which are queries of their own).
    static func containsSetFunction(_ e: Expr) -> Bool {
        if isSetFunction(e) { return true }
        var found = false
        e.kind.forEachChild { if !found, containsSetFunction($0) { found = true } }
        return found
    }

    static func hasSetFunction(_ s: SelectStatement) -> Bool {
        s.items.contains { if case let .expr(e, _) = $0 { containsSetFunction(e) } else { false } }
    }

    func projectSet(_ s: SelectStatement, capsRows: Bool) throws -> any Operator {
        if s.qualify != nil || !s.distinctOn.isEmpty || s.items.contains(where: { if case let .expr(e, _) = $0 { e.kind.containsWindow } else { false } }) {
            throw QueryError("set-returning functions cannot be combined with window functions, QUALIFY or DISTINCT ON in one SELECT (use a subquery)", at: s.position)
        }
        var innerItems: [SelectItem] = s.items.contains { if case .wildcard = $0 { true } else { false } } ? [.wildcard] : []
        var calls: [(call: FunctionCall, position: SourcePosition)] = []
        func hidden(_ e: Expr) -> String {
            for case let .expr(x, alias?) in innerItems where x == e { return alias }
            let name = "\u{1}e\(innerItems.count)"
            innerItems.append(.expr(e, alias: name))
            return name
        }
        func ref(_ name: String, _ p: SourcePosition) -> Expr { Expr(.column(table: nil, name: name), at: p) }
        func rewrite(_ e: Expr) throws -> Expr {
            if case let .function(call) = e.kind, Self.setFunctions.contains(call.name) {
                if call.arguments.contains(where: Self.containsSetFunction) {
                    throw QueryError("set-returning functions cannot be nested: \(call.name)() takes a set-returning function's result", at: e.position)
                }
                if call.distinct || call.star || call.filter != nil { throw QueryError("\(call.name)() takes no DISTINCT, * or FILTER", at: e.position) }
                if let k = calls.firstIndex(where: { $0.call == call }) { return ref("\u{1}s\(k)", e.position) }
                for a in call.arguments where !Self.isIntervalStep(a) { _ = hidden(a) }
                calls.append((call, e.position))
                return ref("\u{1}s\(calls.count - 1)", e.position)
            }
            if !Self.containsSetFunction(e) { return ref(hidden(e), e.position) }
            switch e.kind {
            case let .function(call) where AggregateKind(name: call.name) != nil:
                throw QueryError("aggregate function calls cannot contain set-returning function calls", at: e.position)
            case .caseWhen:
                throw QueryError("set-returning functions are not allowed in CASE (use a subquery)", at: e.position)
            default:
                return Expr(try e.kind.mapChildren(rewrite), at: e.position)
            }
        }
        var outer = SelectStatement(items: [], position: s.position)
        var names: [String] = []
        for item in s.items {
            switch item {
            case .wildcard: outer.items.append(.wildcard)
            case let .expr(e, alias):
                let name = alias ?? Self.setItemName(e)
                outer.items.append(.expr(try rewrite(e), alias: name))
                names.append(name)
            }
        }
        outer.orderBy = try s.orderBy.map { o in
            var o = o
            if case .literal(.int) = o.expr.kind { return o }
            if case let .column(nil, n) = o.expr.kind, names.contains(n) { return o }
            o.expr = try rewrite(o.expr)
            return o
        }
        outer.distinct = s.distinct
        outer.limit = s.limit
        outer.offset = s.offset
        var inner = SelectStatement(items: innerItems, from: s.from, where: s.where, groupBy: s.groupBy, having: s.having, position: s.position)
        inner.items = innerItems
        // GROUP BY ordinals name the original select list.
        inner.groupBy = try s.groupBy.map { g in
            guard case let .literal(.int(k)) = g.kind else { return g }
            guard k >= 1, Int(k) <= s.items.count, case let .expr(e, _) = s.items[Int(k) - 1], !Self.containsSetFunction(e) else {
                throw QueryError("GROUP BY position \(k) is not a column of the select list without a set-returning function", at: g.position)
            }
            return e
        }
        let leaf = try select(inner, capsRows: false)
        func column(_ e: Expr) -> Int { leaf.columns.firstIndex { $0.name == hidden(e) }! }
        let functions = try calls.map { try setFunction($0.call, $0.position, leaf, column) }
        let expanded = node(ProjectSet(child: leaf, functions: functions, names: calls.indices.map { "\u{1}s\($0)" }))
        let input = PlanInput(columns: expanded.columns, star: expanded.columns.indices.filter { !expanded.columns[$0].name.hasPrefix("\u{1}") })
        let plan = try selectPlanner().plan(outer, input: input)
        return node(ScanAggregate(plan: plan, child: expanded, capsRows: capsRows))
    }

    /// A select item's column name: a bare set-returning call is named by its function (`unnest`,
    /// `generate_series`), as PostgreSQL names it; a field of one by the field.
    static func setItemName(_ e: Expr) -> String {
        if case let .function(call) = e.kind, setFunctions.contains(call.name) { return call.name }
        if case let .field(_, name) = e.kind { return name }
        return SelectPlanner.name(of: e)
    }

    /// `INTERVAL '…'` as a time series' step: kept a constant, not computed per row.
    static func isIntervalStep(_ e: Expr) -> Bool {
        if case .literal(.interval) = e.kind { true } else { false }
    }

    /// The `ProjectSet` function for one call, its arguments being columns of `leaf`.
    private func setFunction(_ call: FunctionCall, _ p: SourcePosition, _ leaf: any Operator, _ column: (Expr) -> Int) throws -> ProjectSet.Function {
        let args = call.arguments
        func array() throws -> (Int, ValueType) {
            guard args.count == 1 else { throw QueryError("\(call.name)() takes 1 argument (an array), got \(args.count)", at: p) }
            let c = column(args[0])
            guard case let .array(e) = leaf.columns[c].type else {
                throw QueryError("\(call.name)() needs an array, got \(leaf.columns[c].type)", at: args[0].position)
            }
            return (c, e)
        }
        switch call.name {
        case "unnest":
            let (c, e) = try array()
            return .unnest(array: c, element: e)
        case "_pg_expandarray":
            let (c, e) = try array()
            return .expandArray(array: c, element: e)
        default:
            guard (2...3).contains(args.count) else { throw QueryError("generate_series() takes 2 or 3 arguments in a select list, got \(args.count)", at: p) }
            let types = args.map { Self.isIntervalStep($0) ? ValueType.interval : leaf.columns[column($0)].type }
            if types[0] == .time || types[1] == .time {
                guard args.count == 3, case let .literal(.interval(step)) = args[2].kind, types[0] == .time, types[1] == .time else {
                    throw QueryError("generate_series() over timestamps takes (TIMESTAMP start, TIMESTAMP stop, INTERVAL step)", at: p)
                }
                if step == SQLInterval() { throw QueryError("generate_series() step must not be zero", at: args[2].position) }
                return .timeSeries(start: column(args[0]), stop: column(args[1]), step: step)
            }
            for (a, t) in zip(args, types) where !(t == .int || t == .null) {
                throw QueryError("generate_series() needs BIGINT arguments, or TIMESTAMPs and an INTERVAL step; got \(t)", at: a.position)
            }
            return .series(start: column(args[0]), stop: column(args[1]), step: args.count == 3 ? column(args[2]) : nil)
        }
    }

    /// `FROM unnest(a [, b…]) [AS t(x, …)]`: the select list `unnest(a), unnest(b)…` over no table, its
    /// columns named by the column aliases, else by the table alias (one array) or `unnest`.
    func unnestSource(_ call: FunctionCall, _ at: SourcePosition, _ ref: TableRef) throws -> (op: any Operator, columns: [PlanColumn]) {
        guard !call.arguments.isEmpty else { throw QueryError("unnest() takes at least 1 argument (an array)", at: at) }
        let items: [SelectItem] = call.arguments.enumerated().map { i, a in
            let name = i < ref.columnAliases.count ? ref.columnAliases[i] : call.arguments.count == 1 ? (ref.alias ?? "unnest") : "unnest"
            return .expr(Expr(.function(FunctionCall(name: "unnest", arguments: [a])), at: a.position), alias: name)
        }
        let op = try select(SelectStatement(items: items, position: at), capsRows: false)
        return (op, try Self.renamed(op.columns, qualifier: ref.alias ?? "unnest", ref))
    }
}
