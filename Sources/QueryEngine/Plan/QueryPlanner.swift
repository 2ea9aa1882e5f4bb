import ColumnStore

/// Builds a query's operator tree: WITH queries, set operations, FROM items (tables, subqueries, joins,
/// table functions) and the SELECT leaf over them. Planning runs nothing: subqueries are nodes of the
/// tree, so EXPLAIN shows them without running them.
struct QueryPlanner {
    let engine: QueryEngine
    let now: Int64
    let control: QueryControl?
    /// The WITH queries in scope, by name (an inner WITH hides an outer one of the same name).
    var ctes: [String: CTEDefinition] = [:]
    /// What session functions (`version()`, `current_setting()`…) answer.
    var session = QuerySession()
    /// Views being expanded: inside one, its own name is its stored table.
    var expandingViews: Set<String> = []
    /// EXPLAIN ANALYZE: every operator planned is wrapped in an `AnalyzedOperator` that records its rows and time.
    var analyze = false

    init(engine: QueryEngine, now: Int64, control: QueryControl?, session: QuerySession = QuerySession()) {
        self.engine = engine
        self.now = now
        self.control = control
        self.session = session
    }

    /// A SELECT planner whose subquery expressions are planned in this scope.
    func selectPlanner() -> SelectPlanner {
        var p = SelectPlanner(engine: engine, now: now, control: control, session: session)
        p.subquery = { try self.subquery($0, outer: $1) }
        return p
    }

    /// The tree of `s`; `root` marks the query's result (the caller's row cap applies to it).
    func plan(_ s: SelectStatement, root: Bool = true) throws -> any Operator {
        var scope = self
        for c in s.with {
            let op = try scope.plan(c.query, root: false)
            scope.ctes[c.name] = CTEDefinition(name: c.name, plan: op)
        }
        if s.setOperations.isEmpty { return try scope.select(s, capsRows: root) }
        var head = s
        head.with = []
        head.setOperations = []
        head.orderBy = []
        head.limit = nil
        head.offset = nil
        let branches = try scope.typingNulls([head] + s.setOperations.map(\.query))
        head = branches[0]
        // INTERSECT binds tighter than UNION and EXCEPT; each level is left-associative.
        var terms: [(SetOperand?, any Operator)] = [(nil, try scope.select(head, capsRows: false))]
        for (k, var operand) in s.setOperations.enumerated() {
            operand.query = branches[k + 1]
            let op = try scope.select(operand.query, capsRows: false)
            if operand.operation == .intersect {
                let last = terms.removeLast()
                terms.append((last.0, node(try Self.setOperation(last.1, op, operand, at: operand.query.position))))
            } else {
                terms.append((operand, op))
            }
        }
        var tree = terms[0].1
        for (operand, op) in terms.dropFirst() {
            tree = node(try Self.setOperation(tree, op, operand!, at: operand!.query.position))
        }
        guard !s.orderBy.isEmpty || s.limit != nil || s.offset != nil else { return tree }
        // ORDER BY and LIMIT of a set operation: a SELECT * over its rows.
        let outer = SelectStatement(items: [.wildcard], orderBy: s.orderBy, limit: s.limit, offset: s.offset, position: s.position)
        let plan = try selectPlanner().plan(outer, input: PlanInput(columns: tree.columns))
        return node(ScanAggregate(plan: plan, child: tree, capsRows: root))
    }

    /// The branches of a set operation with each bare `NULL` select item typed as the other branches'
    /// column (PostgreSQL resolves an untyped NULL by them: `SELECT NULL UNION SELECT 'a'` is text).
    private func typingNulls(_ branches: [SelectStatement]) throws -> [SelectStatement] {
        func isNull(_ q: SelectStatement, _ i: Int) -> Bool {
            guard i < q.items.count, case let .expr(e, _) = q.items[i], case .literal(.null) = e.kind else { return false }
            return true
        }
        let width = branches.map(\.items.count).max() ?? 0
        guard branches.contains(where: { q in (0..<width).contains { isNull(q, $0) } }) else { return branches }
        let columns = try branches.map { try select($0, capsRows: false).columns }
        var out = branches
        for i in 0..<width {
            var t = ValueType.null
            for (k, q) in branches.enumerated() where !isNull(q, i) && i < columns[k].count {
                t = try Binder.commonType(t, columns[k][i].type, q.position)
            }
            guard t != .null else { continue }
            for (k, q) in branches.enumerated() where isNull(q, i) {
                guard case let .expr(e, alias) = q.items[i] else { continue }
                out[k].items[i] = .expr(try Self.literal(.null, t, at: e.position), alias: alias)
            }
        }
        return out
    }

    private static func setOperation(_ l: any Operator, _ r: any Operator, _ operand: SetOperand, at p: SourcePosition) throws -> any Operator {
        guard l.columns.count == r.columns.count else {
            throw QueryError("\(operand.operation.rawValue) needs the same number of columns on both sides (\(l.columns.count) and \(r.columns.count))", at: p)
        }
        let columns = try zip(l.columns, r.columns).map { a, b in
            PlanColumn(name: a.name, type: try Binder.commonType(a.type, b.type, p))
        }
        return SetOperation(left: l, right: r, operation: operand.operation, all: operand.all, columns: columns)
    }

    /// One SELECT (no set operation): the scan leaf, over a table directly or over its FROM's tree.
    func select(_ s: SelectStatement, capsRows: Bool) throws -> any Operator {
        if Self.hasSetFunction(s) { return try projectSet(s, capsRows: capsRows) }
        if s.qualify != nil || s.items.contains(where: { if case let .expr(e, _) = $0 { e.kind.containsWindow } else { false } })
            || s.orderBy.contains(where: { $0.expr.kind.containsWindow }) {
            return try windowed(s, capsRows: capsRows)
        }
        if !s.distinctOn.isEmpty {
            if s.distinct { throw QueryError("DISTINCT and DISTINCT ON cannot be combined", at: s.position) }
            return try distinctOn(s, capsRows: capsRows)
        }
        let planner = selectPlanner()
        if s.from == nil { return node(ScanAggregate(plan: try planner.plan(s), child: nil, capsRows: capsRows)) }
        if case let .table(t)? = s.from?.source, ctes[t.name] == nil {
            switch viewRead(t.name) {
            case nil:
                if let op = answeredFromView(s, capsRows: capsRows) { return op }
                return node(ScanAggregate(plan: try planner.plan(s), child: nil, capsRows: capsRows))  // today's fast path
            case let .stored(cols)? where s.from!.columnAliases.isEmpty:
                // A view with nothing pending: its stored table, scanned directly under the view's names.
                var direct = planner
                direct.viewColumns = cols
                return node(ScanAggregate(plan: try direct.plan(s), child: nil, capsRows: capsRows))
            default:
                break
            }
        }
        let used = Self.hasWildcard(s) ? nil : Self.columnNames(s)
        var leaf = 0
        let pushed = pushedConjuncts(s)
        let source = try self.source(s.from!, used: used, filters: pushed.byLeaf.mapValues { $0.map { pushed.conjuncts[$0] } }, leaf: &leaf)
        // A conjunct a scan below applied in full is not tested again above the join: its rows are the only
        // ones that reached it, and the join changes none of their columns (the scan's side is not NULL-extended).
        var upper = s
        let done = Set(source.filtered.flatMap { pushed.byLeaf[$0] ?? [] })
        if !done.isEmpty {
            let rest = pushed.conjuncts.indices.filter { !done.contains($0) }.map { pushed.conjuncts[$0] }
            upper.where = rest.isEmpty ? nil : rest.dropFirst().reduce(rest[0]) { Expr(.binary(.and, $0, $1), at: $1.position) }
        }
        let plan = try planner.plan(upper, input: PlanInput(columns: source.columns, star: source.star))
        // A join this scan reads directly is probed in the scan's morsels when it can be (`HashJoin+Probe`).
        if let join = AnalyzedOperator.unwrapped(source.op) as? HashJoin, join.canProbeInScan { join.pipelined = true }
        return node(ScanAggregate(plan: plan, child: source.op, capsRows: capsRows))
    }

    /// A SELECT with window functions, in three steps: the SELECT without them computes every value they
    /// and the rest of the select list need (FROM, WHERE, GROUP BY, HAVING); `Window` adds their columns;
    /// a SELECT over that evaluates the select list, QUALIFY (as its WHERE), DISTINCT, ORDER BY and LIMIT.
    private func windowed(_ s: SelectStatement, capsRows: Bool) throws -> any Operator {
        guard s.distinctOn.isEmpty else { throw QueryError("DISTINCT ON with window functions is not supported", at: s.position) }
        var innerItems: [SelectItem] = s.items.contains { if case .wildcard = $0 { true } else { false } } ? [.wildcard] : []
        var calls: [(call: FunctionCall, spec: WindowSpec, position: SourcePosition)] = []
        func hidden(_ e: Expr) -> String {
            for case let .expr(x, alias?) in innerItems where x == e { return alias }
            let name = "\u{1}e\(innerItems.count)"
            innerItems.append(.expr(e, alias: name))
            return name
        }
        func ref(_ name: String, _ p: SourcePosition) -> Expr { Expr(.column(table: nil, name: name), at: p) }
        // Select-list names, and whether a name is a column of the FROM (which WHERE and QUALIFY see first;
        // a name no column has falls back to the select item it names, as DuckDB does).
        let named: [(name: String, expr: Expr)] = s.items.compactMap {
            if case let .expr(e, alias) = $0 { (alias ?? SelectPlanner.name(of: e), e) } else { nil }
        }
        var fromColumns: PlanInput?
        func aliased(_ e: Expr) throws -> Expr? {
            guard case let .column(nil, n) = e.kind, let item = named.first(where: { $0.name == n }) else { return nil }
            if fromColumns == nil, let from = s.from { fromColumns = PlanInput(columns: try fromColumnList(from)) }
            if let fromColumns, (try? fromColumns.resolve(nil, n, e.position)) != nil { return nil }
            return item.expr
        }
        func mentionsAlias(_ e: Expr) throws -> Bool {
            if try aliased(e) != nil { return true }
            var found = false
            try e.kind.forEachChild { if !found { found = try mentionsAlias($0) } }
            return found
        }
        /// `keepAliases` (QUALIFY): a bare select-list alias stays a name, which the outer SELECT binds to its item.
        func rewrite(_ e: Expr, keepAliases: Bool = false) throws -> Expr {
            if keepAliases, try aliased(e) != nil { return e }
            // Constants stay in place: `round(x, 2)` and `date_diff('minute', …)` need theirs as written.
            if case .literal = e.kind { return e }
            if case let .function(call) = e.kind, AggregateKind(name: call.name) != nil, e.kind.containsWindow {
                throw QueryError("aggregate function calls cannot contain window function calls", at: e.position)
            }
            if case let .window(call, spec) = e.kind {
                if call.arguments.contains(where: { $0.kind.containsWindow }) || spec.partitionBy.contains(where: { $0.kind.containsWindow })
                    || spec.orderBy.contains(where: { $0.expr.kind.containsWindow }) {
                    throw QueryError("window functions cannot be nested", at: e.position)
                }
                // A window's arguments, PARTITION BY and ORDER BY may name select-list aliases (`PARTITION BY k`
                // with `platform AS k`), as in DuckDB: they read the item.
                func item(_ x: Expr) throws -> Expr {
                    guard let named = try aliased(x), !named.kind.containsWindow else { return x }
                    return named
                }
                var call = call, spec = spec
                call.arguments = try call.arguments.map(item)
                spec.partitionBy = try spec.partitionBy.map(item)
                spec.orderBy = try spec.orderBy.map { var o = $0; o.expr = try item(o.expr); return o }
                for a in call.arguments { _ = hidden(a) }
                for p in spec.partitionBy { _ = hidden(p) }
                for o in spec.orderBy { _ = hidden(o.expr) }
                calls.append((call, spec, e.position))
                return ref("\u{1}w\(calls.count - 1)", e.position)
            }
            if !e.kind.containsWindow, !(keepAliases ? try mentionsAlias(e) : false) { return ref(hidden(e), e.position) }
            return Expr(try e.kind.mapChildren { try rewrite($0, keepAliases: keepAliases) }, at: e.position)
        }
        // WHERE runs below the window: an alias there is replaced by its item, which must not be a window
        // function or an aggregate.
        func whereAliases(_ e: Expr) throws -> Expr {
            if let item = try aliased(e) {
                guard case let .column(nil, n) = e.kind else { return e }
                if item.kind.containsWindow {
                    throw QueryError("WHERE cannot use '\(n)': it names a window function of the select list (use QUALIFY)", at: e.position)
                }
                if SelectPlanner.containsAggregate(item) {
                    throw QueryError("WHERE cannot use '\(n)': it names an aggregate of the select list (use HAVING)", at: e.position)
                }
                return item
            }
            return Expr(try e.kind.mapChildren(whereAliases), at: e.position)
        }
        var outer = SelectStatement(items: [], position: s.position)
        var names: [String] = []
        for item in s.items {
            switch item {
            case .wildcard: outer.items.append(.wildcard)
            case let .expr(e, alias):
                outer.items.append(.expr(try rewrite(e), alias: alias ?? SelectPlanner.name(of: e)))
                names.append(alias ?? SelectPlanner.name(of: e))
            }
        }
        outer.orderBy = try s.orderBy.map { o in
            var o = o
            if case .literal(.int) = o.expr.kind { return o }
            if case let .column(nil, n) = o.expr.kind, names.contains(n) { return o }
            o.expr = try rewrite(o.expr)
            return o
        }
        outer.where = try s.qualify.map { try rewrite($0, keepAliases: true) }
        outer.distinct = s.distinct
        outer.limit = s.limit
        outer.offset = s.offset
        var inner = SelectStatement(items: innerItems, from: s.from, where: try s.where.map(whereAliases), groupBy: s.groupBy,
                                    having: s.having, position: s.position)
        // GROUP BY ordinals and select-list aliases name the original select list (a column of the FROM
        // wins over an alias, as DuckDB resolves them).
        inner.groupBy = try s.groupBy.map { g in
            if case let .column(nil, n) = g.kind, let item = try aliased(g) {
                guard !item.kind.containsWindow else {
                    throw QueryError("GROUP BY cannot use '\(n)': it names a window function of the select list", at: g.position)
                }
                return item
            }
            guard case let .literal(.int(k)) = g.kind else { return g }
            guard k >= 1, Int(k) <= s.items.count, case let .expr(e, _) = s.items[Int(k) - 1], !e.kind.containsWindow else {
                throw QueryError("GROUP BY position \(k) is not a column of the select list without a window function", at: g.position)
            }
            return e
        }
        let leaf = try select(inner, capsRows: false)
        func column(_ e: Expr) -> Int { leaf.columns.firstIndex { $0.name == hidden(e) }! }
        var functions: [WindowFunction] = []
        for (call, spec, p) in calls {
            guard let kind = WindowFunction.Kind(rawValue: call.name) else {
                throw QueryError("unknown window function '\(call.name)' (there are row_number, rank, dense_rank, ntile, lag, lead, first_value, last_value, sum, avg, min, max, count)", at: p)
            }
            if call.distinct { throw QueryError("DISTINCT is not supported in window functions", at: p) }
            let args = call.arguments.map(column)
            let argTypes = args.map { leaf.columns[$0].type }
            var f = WindowFunction(kind: kind, arguments: args, constant: 1, partition: spec.partitionBy.map(column),
                                   order: spec.orderBy.map { (column: column($0.expr), descending: $0.descending, nullsFirst: $0.nulls == .first) },
                                   frame: spec.frame, type: .int)
            func arity(_ range: ClosedRange<Int>) throws {
                guard range.contains(call.star ? 0 : args.count) else {
                    throw QueryError("\(call.name)() takes \(range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)") argument(s)", at: p)
                }
            }
            func constant(_ i: Int) throws -> Int64 {
                guard case let .literal(.int(v)) = call.arguments[i].kind, v > 0 else {
                    throw QueryError("\(call.name)() needs a positive integer constant as argument \(i + 1)", at: call.arguments[i].position)
                }
                return v
            }
            switch kind {
            case .rowNumber, .rank, .denseRank: try arity(0...0)
            case .ntile: try arity(1...1); f.constant = try constant(0)
            case .lag, .lead:
                try arity(1...3)
                if args.count >= 2 { f.constant = try constant(1) }
                f.arguments = [args[0]] + (args.count == 3 ? [args[2]] : [])
                if args.count == 3, argTypes[2] != argTypes[0] {
                    throw QueryError("\(call.name)()'s default must have the value's type (\(argTypes[0]), not \(argTypes[2]))", at: call.arguments[2].position)
                }
                f.type = argTypes[0]
            case .firstValue, .lastValue, .min, .max: try arity(1...1); f.type = argTypes[0]
            case .count: try arity(0...1)
            case .sum, .avg:
                try arity(1...1)
                guard argTypes[0] == .int || argTypes[0] == .double else {
                    throw QueryError("\(call.name)() needs a number, got \(argTypes[0])", at: p)
                }
                f.type = kind == .avg ? .double : argTypes[0]
            }
            if let fr = f.frame {
                for bound in [fr.start, fr.end] {
                    switch bound {
                    case .precedingInterval, .followingInterval:
                        guard fr.unit == .range else { throw QueryError("a ROWS frame takes a number of rows, not an INTERVAL", at: p) }
                        guard f.order.count == 1, leaf.columns[f.order[0].column].type == .time else {
                            throw QueryError("a RANGE frame with an INTERVAL offset needs exactly one ORDER BY key, a TIMESTAMP", at: p)
                        }
                    case .preceding, .following:
                        guard fr.unit == .range else { continue }
                        guard f.order.count == 1, [.int, .double].contains(leaf.columns[f.order[0].column].type) else {
                            throw QueryError("a RANGE frame with a numeric offset needs exactly one ORDER BY key, a number (over a TIMESTAMP, write INTERVAL '…')", at: p)
                        }
                    default: break
                    }
                }
                if fr.start == .unboundedFollowing || fr.end == .unboundedPreceding {
                    throw QueryError("the window frame cannot start at UNBOUNDED FOLLOWING or end at UNBOUNDED PRECEDING", at: p)
                }
            }
            functions.append(f)
        }
        let window = node(Window(child: leaf, functions: functions, names: calls.indices.map { "\u{1}w\($0)" }))
        let input = PlanInput(columns: window.columns, star: window.columns.indices.filter { !window.columns[$0].name.hasPrefix("\u{1}") })
        let plan = try selectPlanner().plan(outer, input: input)
        return node(ScanAggregate(plan: plan, child: window, capsRows: capsRows))
    }

    /// `SELECT DISTINCT ON (keys) items … ORDER BY … LIMIT …`: the leaf computes the items and the keys
    /// (as extra columns) in ORDER BY order; `DistinctOn` keeps each key's first row, then applies LIMIT.
    private func distinctOn(_ s: SelectStatement, capsRows: Bool) throws -> any Operator {
        var inner = s
        inner.distinctOn = []
        inner.limit = nil
        inner.offset = nil
        let hidden = s.distinctOn.indices.map { "\u{1}distinct_on_\($0)" }
        inner.items += zip(s.distinctOn, hidden).map { .expr($0, alias: $1) }
        let leaf = try select(inner, capsRows: false)
        return node(DistinctOn(child: leaf, keyCount: hidden.count, limit: s.limit, offset: s.offset ?? 0))
    }

    /// A FROM item's operator, the columns it offers (qualified by table name or alias) and what `*` shows.
    struct Source {
        var op: any Operator
        var columns: [PlanColumn]
        var star: [Int]
        /// The leaves (numbered as `pushedConjuncts` numbers them) whose scan applied every conjunct pushed to it.
        var filtered: Set<Int> = []
    }

    func source(_ ref: TableRef, used: Set<String>?, filters: [Int: [Expr]] = [:]) throws -> Source {
        var leaf = 0
        return try source(ref, used: used, filters: filters, leaf: &leaf)
    }

    /// `leaf` numbers the FROM tree's leaves left to right, as `pushedFilters` does.
    private func source(_ ref: TableRef, used: Set<String>?, filters: [Int: [Expr]], leaf: inout Int) throws -> Source {
        if case .join = ref.source {} else { leaf += 1 }
        let filter = filters[leaf - 1] ?? []
        switch ref.source {
        case let .table(t):
            if let def = ctes[t.name] {
                let cols = try Self.renamed(def.plan.columns, qualifier: ref.alias ?? t.name, ref)
                return Source(op: node(CTEScan(def, columns: cols)), columns: cols, star: Array(cols.indices))
            }
            // Column aliases rename a view's columns by position: keep every column and push nothing by name.
            let plain = ref.columnAliases.isEmpty
            switch viewRead(t.name) {
            case nil:
                var s = try table(t, ref, used: used, filter: filter)
                if s.filtered.contains(0) { s.filtered = [leaf - 1] }
                return s
            case let .stored(cols)?:
                var s = try table(t, ref, used: plain ? used : nil, filter: plain ? filter : [], viewColumns: cols)
                s.filtered = plain && s.filtered.contains(0) ? [leaf - 1] : []
                return s
            case let .realTime(d, pending)?:
                return try view(t, d, pending: pending, ref, used: plain ? used : nil, filter: plain ? filter : [])
            }
        case let .subquery(sub):
            let op = try plan(sub, root: false)
            let cols = try Self.renamed(op.columns, qualifier: ref.alias, ref)
            return Source(op: op, columns: cols, star: Array(cols.indices))
        case let .function(call, at) where call.name == "unnest":
            let (op, cols) = try unnestSource(call, at, ref)
            return Source(op: op, columns: cols, star: Array(cols.indices))
        case let .function(call, at):
            let op = try series(call, at, ref)
            return Source(op: node(op), columns: op.columns, star: [0])
        case let .join(l, kind, r, condition):
            let left = try source(l, used: used, filters: filters, leaf: &leaf)
            let right = try source(r, used: used, filters: filters, leaf: &leaf)
            var joined = try join(left, kind, right, condition, ref)
            joined.filtered = left.filtered.union(right.filtered)
            return joined
        }
    }

    /// A table read as an input of a join: only the columns the query names (the time column if none).
    /// `filter`: WHERE conjuncts that only this table's columns decide, applied while scanning it (where
    /// time ranges and block statistics prune), before the join.
    /// `viewColumns`: a view's stored table read as the view (nothing pending).
    private func table(_ t: TableName, _ ref: TableRef, used: Set<String>?, filter: [Expr] = [], viewColumns: ViewColumns? = nil) throws -> Source {
        // A virtual table (a catalog) joins like a stored one: every column, computed when planned.
        let virtual = engine.virtualTables.table(named: t.name)
        if virtual == nil { try engine.database.checkNotDamaged(t.name) }
        guard let schema = virtual?.schema ?? engine.database.schema(of: t.name) else {
            let known = engine.database.tableNames()
            throw QueryError("unknown table '\(t.name)'" + (known.isEmpty ? "" : " (tables: \(known.joined(separator: ", ")))"), at: t.position)
        }
        let names = viewColumns.map { v in v.star.map { v.names[$0] } } ?? schema.columns.map(\.name)
        var read = virtual != nil ? Array(names.enumerated()) : names.enumerated().filter { _, c in used.map { $0.contains(c) || $0.contains(c.lowercased()) } ?? true }
        // The time column only when nothing else is named (a scan needs a column to count rows by): a
        // 10M-row fact side joined on a tag no longer materializes its timestamps for nothing.
        if read.isEmpty { read = [(0, names[0])] }
        let items: [SelectItem] = read.map { _, c in .expr(Expr(.column(table: nil, name: c), at: t.position), alias: nil) }
        func scan(_ filter: [Expr]) throws -> SelectPlan {
            let condition = filter.isEmpty ? nil : filter.dropFirst().reduce(filter[0]) { Expr(.binary(.and, $0, $1), at: $1.position) }
            // Under the join's alias: the pushed conditions name the table by it.
            let s = SelectStatement(items: items, from: TableRef(.table(t), alias: ref.alias), where: condition, position: t.position)
            var planner = selectPlanner()
            planner.viewColumns = viewColumns
            return try planner.plan(s)
        }
        let plan: SelectPlan
        var complete = true
        do {
            plan = try scan(filter)
        } catch let e where filter.contains(where: Self.hasInSubquery) {
            // An IN subquery naming another input's columns cannot run in this scan: it stays above the
            // join alone, and so do this scan's other conjuncts (`filtered` is left empty).
            do { plan = try scan(filter.filter { !Self.hasInSubquery($0) }) } catch { throw e }
            complete = false
        }
        let op = ScanAggregate(plan: plan, child: nil, capsRows: false)
        let cols = try Self.renamed(op.columns, qualifier: ref.alias ?? t.name, ref)
        // Leaf 0 stands for "this scan": `source` renumbers it.
        return Source(op: node(op), columns: cols, star: Array(cols.indices), filtered: complete && !filter.isEmpty ? [0] : [])
    }

    /// Whether `e` holds an `IN (SELECT …)`.
    static func hasInSubquery(_ e: Expr) -> Bool {
        if case .inSubquery = e.kind { return true }
        var found = false
        e.kind.forEachChild { if !found { found = hasInSubquery($0) } }
        return found
    }

    /// `generate_series(…)` or `range(…)`.
    private func series(_ call: FunctionCall, _ at: SourcePosition, _ ref: TableRef) throws -> SeriesScan {
        let inclusive: Bool
        switch call.name {
        case "generate_series": inclusive = true
        case "range": inclusive = false
        default: throw QueryError("unknown table function '\(call.name)' (there are generate_series, range and unnest)", at: at)
        }
        let binder = Binder(resolveColumn: { name, p in throw QueryError("unknown column '\(name)' (table function arguments are constants)", at: p) },
                            hook: nil, now: now)
        var values: [Value] = []
        for a in call.arguments {
            // The binder resolves no column, so an argument is a constant or a function of constants.
            let b = try binder.bind(a)
            values.append(try b.constantValue ?? Evaluator.eval(b, RowGroupColumns(rows: [], range: 0..<1, types: [])).value(0))
        }
        // With an alias and no column names, the column takes the alias's name (PostgreSQL's and DuckDB's rule).
        let name = ref.columnAliases.first ?? ref.alias ?? call.name
        let qualifier = ref.alias ?? call.name
        func int(_ v: Value, _ i: Int) throws -> Int64 {
            switch v {
            case let .int(x): return x
            case let .uint(x) where x <= UInt64(Int64.max): return Int64(x)
            default: throw QueryError("\(call.name)() needs BIGINT arguments, or TIMESTAMPs and an INTERVAL step", at: call.arguments[i].position)
            }
        }
        func time(_ v: Value, _ i: Int) throws -> Int64 {
            switch v {
            case let .time(x): return x
            // A DATE bound is its midnight: the series is of TIMESTAMPs, as DuckDB's is.
            case let .date(d):
                do { return try SQLDate.checkedMidnight(d) } catch let e as QueryError { throw QueryError(e.message, at: call.arguments[i].position) }
            case let .string(s):
                guard let x = try? SQLTimestamp.parse(s) else { throw QueryError("'\(s)' is not a timestamp", at: call.arguments[i].position) }
                return x
            default: throw QueryError("\(call.name)() needs TIMESTAMP bounds with an INTERVAL step", at: call.arguments[i].position)
            }
        }
        if values.contains(where: { if case .time = $0 { true } else if case .date = $0 { true } else { false } }) {
            guard values.count == 3, case let .interval(step) = values[2] else {
                throw QueryError("\(call.name)() over timestamps takes (start, stop, INTERVAL step)", at: at)
            }
            if step == SQLInterval() { throw QueryError("\(call.name)() step must not be zero", at: call.arguments[2].position) }
            let bounds = SeriesScan.Bounds.time(try time(values[0], 0), try time(values[1], 1), step: step)
            return SeriesScan(bounds: bounds, inclusive: inclusive, column: PlanColumn(name: name, qualifier: qualifier, type: .time))
        }
        let bounds: SeriesScan.Bounds
        switch values.count {
        // A NULL bound or step: no rows, as PostgreSQL and DuckDB answer.
        case 1...3 where values.contains(.null): bounds = .int(1, 0, step: 1)
        case 1: bounds = .int(0, try int(values[0], 0), step: 1)
        case 2: bounds = .int(try int(values[0], 0), try int(values[1], 1), step: 1)
        case 3:
            let step = try int(values[2], 2)
            if step == 0 { throw QueryError("\(call.name)() step must not be zero", at: call.arguments[2].position) }
            bounds = .int(try int(values[0], 0), try int(values[1], 1), step: step)
        default: throw QueryError("\(call.name)() takes 1 to 3 arguments", at: at)
        }
        return SeriesScan(bounds: bounds, inclusive: inclusive, column: PlanColumn(name: name, qualifier: qualifier, type: .int))
    }

    /// WHERE's top-level conjuncts, and by leaf number the indexes of those to apply at a table's scan:
    /// those whose columns all belong to one base table that no outer join makes NULL (applied after the
    /// join as well unless the scan took them all: `Source.filtered`).
    func pushedConjuncts(_ s: SelectStatement) -> (conjuncts: [Expr], byLeaf: [Int: [Int]]) {
        guard let w = s.where, let from = s.from else { return (s.where.map { [$0] } ?? [], [:]) }
        struct Leaf { var qualifier: String?; var names: Set<String>; var pushable: Bool }
        var leaves: [Leaf] = []
        func collect(_ ref: TableRef, _ pushable: Bool) {
            switch ref.source {
            case let .table(t):
                if let view = viewColumnNames(t.name) {
                    leaves.append(Leaf(qualifier: ref.alias ?? t.name, names: Set(view.map { $0.lowercased() }), pushable: pushable))
                } else if ctes[t.name] == nil, let schema = engine.database.schema(of: t.name) {
                    leaves.append(Leaf(qualifier: ref.alias ?? t.name, names: Set(schema.columns.map { $0.name.lowercased() }), pushable: pushable))
                } else {
                    leaves.append(Leaf(qualifier: nil, names: [], pushable: false))
                }
            case .subquery, .function:
                leaves.append(Leaf(qualifier: nil, names: [], pushable: false))
            case let .join(l, kind, r, _):
                collect(l, pushable && kind != .right && kind != .full)
                collect(r, pushable && kind != .left && kind != .full)
            }
        }
        collect(from, true)
        func conjuncts(_ e: Expr) -> [Expr] {
            if case let .binary(.and, a, b) = e.kind { return conjuncts(a) + conjuncts(b) }
            return [e]
        }
        var out: [Int: [Int]] = [:]
        let all = conjuncts(w)
        for (index, c) in all.enumerated() {
            var owner: Int?
            var ok = !SelectPlanner.containsAggregate(c)
            func visit(_ e: Expr) {
                switch e.kind {
                // `x IN (SELECT …)` goes with x: the scan of x's table runs the subquery once and keeps the
                // rows whose x it holds (a semi-join below the join). A subquery correlated with another
                // input fails to bind there and stays above only (`table`).
                case let .inSubquery(x, _, _):
                    visit(x)
                    return
                case .subquery, .exists, .arraySubquery: ok = false
                case let .column(q, name):
                    let found = leaves.indices.filter { i in
                        q.map { leaves[i].qualifier == $0 } ?? leaves[i].names.contains(name.lowercased())
                    }
                    if found.count != 1 || (owner != nil && owner != found[0]) { ok = false } else { owner = found[0] }
                default: break
                }
                if ok { e.kind.forEachChild(visit) }
            }
            visit(c)
            if ok, let i = owner, leaves[i].pushable { out[i, default: []].append(index) }
        }
        return (all, out)
    }

    /// `left JOIN right ON …|USING (…)`: equality conjuncts between the two sides become hash keys.
    private func join(_ l: Source, _ kind: JoinKind, _ r: Source, _ condition: JoinCondition, _ ref: TableRef) throws -> Source {
        let nl = l.columns.count
        var columns = l.columns + r.columns
        var leftKeys: [BoundExpr] = [], rightKeys: [BoundExpr] = [], rest: [BoundExpr] = []
        var merged: [(Int, Int)] = []
        var star = l.star + r.star.map { $0 + nl }
        switch condition {
        case .none:
            break
        case let .on(e):
            let input = PlanInput(columns: columns)
            var binder = Binder(resolveColumn: { try input.resolve(nil, $0, $1) }, hook: nil, now: now)
            binder.resolveQualified = { try input.resolve($0, $1, $2) }
            if SelectPlanner.containsAggregate(e) { throw QueryError("aggregate functions are not allowed in JOIN conditions", at: e.position) }
            let bound = try binder.boolean(try binder.bind(e), e.position)
            for c in SelectPlanner.conjuncts(bound) {
                if case let .compare(.eq, a, b) = c {
                    let sa = a.columnSet, sb = b.columnSet
                    if !sa.isEmpty, !sb.isEmpty {
                        if sa.allSatisfy({ $0 < nl }) && sb.allSatisfy({ $0 >= nl }) {
                            leftKeys.append(a); rightKeys.append(b.mapColumns { $0 - nl }); continue
                        }
                        if sb.allSatisfy({ $0 < nl }) && sa.allSatisfy({ $0 >= nl }) {
                            leftKeys.append(b); rightKeys.append(a.mapColumns { $0 - nl }); continue
                        }
                    }
                }
                rest.append(c)
            }
        case let .using(names):
            let li = PlanInput(columns: l.columns), ri = PlanInput(columns: r.columns)
            for name in names {
                guard case let .column(a, ta) = try li.resolve(nil, name, ref.position),
                      case let .column(b, tb) = try ri.resolve(nil, name, ref.position) else { continue }
                let t = try Binder.commonType(ta, tb, ref.position)
                leftKeys.append(ta == t ? .column(a, ta) : .cast(.column(a, ta), t))
                rightKeys.append(tb == t ? .column(b, tb) : .cast(.column(b, tb), t))
                guard ta == tb else { throw QueryError("USING (\(name)) joins columns of different types (\(ta) and \(tb))", at: ref.position) }
                columns[a].qualifiedOnly = true
                columns[nl + b].qualifiedOnly = true
                merged.append((a, b))
                columns.append(PlanColumn(name: columns[a].name, type: ta))
                // `*` shows the merged column where the left one was, and not the right one.
                let m = columns.count - 1
                star = star.compactMap { $0 == a ? m : $0 == nl + b ? nil : $0 }
            }
        }
        let residual = rest.isEmpty ? nil : rest.dropFirst().reduce(rest[0]) { .and($0, $1) }
        if kind == .cross, residual != nil || !leftKeys.isEmpty { throw QueryError("CROSS JOIN takes no condition", at: ref.position) }
        // A join takes tags as dictionary codes: its scans need not turn them into strings per row.
        for input in [l.op, r.op] { (AnalyzedOperator.unwrapped(input) as? ScanAggregate)?.keepsSymbols = true }
        let op = HashJoin(left: l.op, right: r.op, kind: kind, leftKeys: leftKeys, rightKeys: rightKeys, residual: residual,
                          merged: merged, columns: columns)
        return Source(op: node(op), columns: columns, star: star)
    }

    /// A scalar, EXISTS or IN subquery inside an expression bound by `outer`.
    func subquery(_ e: Expr, outer: Binder) throws -> BoundExpr {
        let context = ExecutionContext(engine: engine, now: now, control: control)
        switch e.kind {
        case let .subquery(q):
            if let perRow = try rowSubquery(q, outer: outer, at: e.position) { return perRow }
            let (inner, outerExprs, residual) = try decorrelate(q, outer: outer, scalar: true)
            let op = try plan(inner, root: false)
            guard op.columns.count == outerExprs.count + 1 + (residual?.inner.count ?? 0) else {
                throw QueryError("a subquery used as a value must return one column, not \(op.columns.count)", at: e.position)
            }
            if outerExprs.isEmpty {
                return .subquery(SubqueryExpr(kind: .scalar, plan: op, keyTypes: [], context: context), keys: [])
            }
            // Correlated: the subquery returns (inner keys…, value), grouped by the keys when it aggregates;
            // an outer row with no group gets the value of the aggregates over no rows (count → 0), which
            // the same query over `WHERE false` computes.
            var empty: (any Operator)?
            if q.items.contains(where: { if case let .expr(x, _) = $0 { SelectPlanner.containsAggregate(x) } else { false } }) {
                var none = q
                none.where = Expr(.literal(.bool(false)), at: q.position)
                empty = try plan(none, root: false)
            }
            let (keys, types) = try correlationKeys(outerExprs, op, outer)
            let (check, outerValues) = try bindResidual(residual, op, innerStart: keys.count + 1, outer)
            let sub = SubqueryExpr(kind: .correlatedScalar, plan: op, keyTypes: types, context: context, empty: empty,
                                   residual: check, residualInnerStart: keys.count + 1)
            return .subquery(sub, keys: keys + outerValues)
        case let .arraySubquery(query):
            // ORDER BY 1 names the select item, which decorrelation moves behind the keys.
            var q = query
            q.orderBy = q.orderBy.map { o in
                var o = o
                if case let .literal(.int(n)) = o.expr.kind, n >= 1, n <= q.items.count, case let .expr(x, _) = q.items[Int(n - 1)] { o.expr = x }
                return o
            }
            let (inner, outerExprs, residual) = try decorrelate(q, outer: outer, scalar: true, array: true)
            let op = try plan(inner, root: false)
            guard op.columns.count == outerExprs.count + 1 + (residual?.inner.count ?? 0) else {
                throw QueryError("a subquery in ARRAY() must return one column, not \(op.columns.count)", at: e.position)
            }
            guard !op.columns[outerExprs.count].type.isArray, op.columns[outerExprs.count].type != .interval else {
                throw QueryError("arrays of \(op.columns[outerExprs.count].type) are not supported", at: e.position)
            }
            if outerExprs.isEmpty { return .subquery(SubqueryExpr(kind: .array, plan: op, keyTypes: [], context: context), keys: []) }
            let (keys, types) = try correlationKeys(outerExprs, op, outer)
            let (check, outerValues) = try bindResidual(residual, op, innerStart: keys.count + 1, outer)
            let sub = SubqueryExpr(kind: .correlatedArray, plan: op, keyTypes: types, context: context,
                                   residual: check, residualInnerStart: keys.count + 1)
            return .subquery(sub, keys: keys + outerValues)
        case let .inSubquery(x, q, negated):
            let (inner, outerExprs, residual) = try decorrelate(q, outer: outer, valueOfIn: true)
            if !outerExprs.isEmpty {
                // Correlated: the subquery returns (inner keys…, value, residual columns…); the outer row
                // looks up its keys and value.
                let op = try plan(inner, root: false)
                let m = outerExprs.count
                guard op.columns.count == m + 1 + (residual?.inner.count ?? 0) else {
                    throw QueryError("a subquery in IN must return one column, not \(op.columns.count - m - (residual?.inner.count ?? 0))", at: q.position)
                }
                let (keys, types) = try correlationKeys(outerExprs, op, outer)
                let value = try outer.bind(x)
                let t = try Binder.commonType(value.type, op.columns[m].type, e.position)
                let key = try outer.coerce(value, to: t, e.position)
                let (check, outerValues) = try bindResidual(residual, op, innerStart: m + 1, outer)
                let sub = SubqueryExpr(kind: .correlatedIn(negated: negated), plan: op, keyTypes: types + [t], context: context,
                                       residual: check, residualInnerStart: m + 1)
                return .subquery(sub, keys: keys + [key] + outerValues)
            }
            let op = try plan(q, root: false)
            guard op.columns.count == 1 else {
                throw QueryError("a subquery in IN must return one column, not \(op.columns.count)", at: q.position)
            }
            let value = try outer.bind(x)
            let t = try Binder.commonType(value.type, op.columns[0].type, e.position)
            let key = try outer.coerce(value, to: t, e.position)
            return .subquery(SubqueryExpr(kind: .in(negated: negated), plan: op, keyTypes: [t], context: context), keys: [key])
        case let .exists(q, negated):
            let (inner, outerExprs, residual) = try decorrelate(q, outer: outer)
            let op = try plan(inner, root: false)
            let (keys, types) = try correlationKeys(outerExprs, op, outer)
            let (check, outerValues) = try bindResidual(residual, op, innerStart: keys.count, outer)
            let sub = SubqueryExpr(kind: .exists(negated: negated), plan: op, keyTypes: types, context: context,
                                   residual: check, residualInnerStart: keys.count)
            return .subquery(sub, keys: keys + outerValues)
        default:
            throw QueryError("internal error: not a subquery", at: e.position)
        }
    }

    /// A residual condition bound over one candidate pair's columns (the outer ones, then the subquery's),
    /// and the outer columns bound in the outer query.
    private func bindResidual(_ r: CorrelatedResidual?, _ op: any Operator, innerStart: Int, _ outer: Binder) throws -> (BoundExpr?, [BoundExpr]) {
        guard let r else { return (nil, []) }
        let outerValues = try r.outer.map { try outer.bind($0.1) }
        var index: [String: BoundExpr] = [:]
        for (i, o) in r.outer.enumerated() { index[o.0] = .column(i, outerValues[i].type) }
        for (j, c) in r.inner.enumerated() { index[c.0] = .column(r.outer.count + j, op.columns[innerStart + j].type) }
        func resolve(_ table: String?, _ name: String, _ at: SourcePosition) throws -> BoundExpr {
            guard let b = index[CorrelatedResidual.key(table, name)] else { throw QueryError("unknown column '\(name)'", at: at) }
            return b
        }
        let binder = Binder(resolveColumn: { try resolve(nil, $0, $1) }, hook: nil, now: now,
                            resolveQualified: { try resolve($0, $1, $2) })
        let check = try binder.bind(r.condition)
        guard check.type == .bool else { throw QueryError("a condition must be boolean, not \(check.type)", at: r.condition.position) }
        return (check, outerValues)
    }

    /// The outer sides of a decorrelated subquery's equalities, bound in the outer query and cast to the
    /// type each is compared in with the subquery's matching column.
    private func correlationKeys(_ outerExprs: [Expr], _ op: any Operator, _ outer: Binder) throws -> ([BoundExpr], [ValueType]) {
        var keys: [BoundExpr] = [], types: [ValueType] = []
        for (i, o) in outerExprs.enumerated() {
            let b = try outer.bind(o)
            let t = try Binder.commonType(b.type, op.columns[i].type, o.position)
            keys.append(try outer.coerce(b, to: t, o.position))
            types.append(t)
        }
        return (keys, types)
    }

    /// A correlated EXISTS or scalar subquery as an uncorrelated query: each WHERE conjunct
    /// `inner = outer` is taken out, its inner side becomes an output column and its outer side a key
    /// the outer row looks up. A scalar subquery keeps its value as the last column, grouped by the inner
    /// sides when it aggregates. Other references to the outer query are refused.
    private func decorrelate(_ q: SelectStatement, outer: Binder, scalar: Bool = false, array: Bool = false,
                             valueOfIn: Bool = false) throws -> (SelectStatement, [Expr], CorrelatedResidual?) {
        guard let w = q.where, let from = q.from, q.setOperations.isEmpty else { return (q, [], nil) }
        // The inner query's own columns: names found there are inner, others outer if the outer query has them.
        let scope = PlanInput(columns: try fromColumnList(from))
        enum Side { case inner, outer, unknown }
        func side(_ e: Expr) -> Side {
            guard case let .column(table, name) = e.kind else { return .inner }
            if (try? scope.resolve(table, name, e.position)) != nil { return .inner }
            if (try? outer.bind(e)) != nil { return .outer }
            return .unknown
        }
        func sides(_ e: Expr) -> Set<Side> {
            var out = Set<Side>()
            func visit(_ x: Expr) {
                if case .column = x.kind { out.insert(side(x)) }
                x.kind.forEachChild(visit)
            }
            visit(e)
            return out
        }
        func conjuncts(_ e: Expr) -> [Expr] {
            if case let .binary(.and, a, b) = e.kind { return conjuncts(a) + conjuncts(b) }
            return [e]
        }
        var kept: [Expr] = [], innerKeys: [Expr] = [], outerKeys: [Expr] = [], outerOnly: [Expr] = [], mixed: [Expr] = []
        // An outer side: outer columns only, or an expression the outer query binds as a whole although its
        // columns alone do not bind — under GROUP BY, `date_trunc('day', o.time)` is a group key, `o.time` is not.
        func isOuter(_ e: Expr) -> Bool {
            let s = sides(e)
            if s == [.outer] { return true }
            return s.contains(.unknown) && !s.contains(.inner) && (try? outer.bind(e)) != nil
        }
        for c in conjuncts(w) {
            if case let .binary(.equal, a, b) = c.kind {
                if sides(a) == [.inner] && isOuter(b) { innerKeys.append(a); outerKeys.append(b); continue }
                if sides(b) == [.inner] && isOuter(a) { innerKeys.append(b); outerKeys.append(a); continue }
            }
            let s = sides(c)
            guard s.contains(.outer) else { kept.append(c); continue }
            if s == [.outer] { outerOnly.append(c); continue }
            guard !s.contains(.unknown) else {
                throw QueryError("a correlated subquery may refer only to columns of its own tables and of the outer query", at: c.position)
            }
            mixed.append(c)
        }
        // Conditions on the outer row alone (`… AND a.atthasdef`) become one more key: the subquery's side is
        // the constant true, the outer side their conjunction, so a row where they are false or NULL matches
        // nothing, as the subquery would then have no rows.
        let groupKeys = innerKeys
        if let first = outerOnly.first {
            innerKeys.append(Expr(.literal(.bool(true)), at: first.position))
            outerKeys.append(outerOnly.dropFirst().reduce(first) { Expr(.binary(.and, $0, $1), at: $1.position) })
        }
        if innerKeys.isEmpty && !mixed.isEmpty {
            // Only mixed conditions: every row is a candidate (one constant key), the condition then decides.
            innerKeys.append(Expr(.literal(.bool(true)), at: mixed[0].position))
            outerKeys.append(Expr(.literal(.bool(true)), at: mixed[0].position))
        }
        if innerKeys.isEmpty { return (q, [], nil) }
        // Conditions mixing both sides other than `inner = outer` are checked on each candidate pair:
        // the subquery also returns the inner columns they name, the outer row the outer ones.
        var residual: CorrelatedResidual?
        if let first = mixed.first {
            var r = CorrelatedResidual(condition: mixed.dropFirst().reduce(first) { Expr(.binary(.and, $0, $1), at: $1.position) })
            func collect(_ x: Expr) {
                if case let .column(table, name) = x.kind {
                    let key = CorrelatedResidual.key(table, name)
                    if side(x) == .outer { if !r.outer.contains(where: { $0.0 == key }) { r.outer.append((key, x)) } }
                    else if !r.inner.contains(where: { $0.0 == key }) { r.inner.append((key, x)) }
                }
                x.kind.forEachChild(collect)
            }
            mixed.forEach(collect)
            residual = r
        }
        let aggregated = !q.groupBy.isEmpty || q.having != nil
            || q.items.contains { if case let .expr(e, _) = $0 { SelectPlanner.containsAggregate(e) } else { false } }
        if scalar {
            guard q.groupBy.isEmpty, q.having == nil, q.limit == nil, q.offset == nil, !q.distinct, q.distinctOn.isEmpty,
                  q.qualify == nil, q.items.count == 1, case .expr? = q.items.first else {
                throw QueryError("a correlated scalar subquery with GROUP BY, HAVING, DISTINCT, LIMIT or * is not supported", at: q.position)
            }
            if array && aggregated {
                throw QueryError("a correlated ARRAY subquery with aggregates is not supported", at: q.position)
            }
            if aggregated && residual != nil {
                throw QueryError("a correlated aggregate subquery may compare inner and outer columns only with = (inner = outer)", at: q.position)
            }
            var inner = q
            inner.items = innerKeys.map { .expr($0, alias: nil) } + q.items + (residual?.inner ?? []).map { .expr($0.1, alias: nil) }
            if !array { inner.orderBy = [] }
            inner.where = kept.isEmpty ? nil : kept.dropFirst().reduce(kept[0]) { Expr(.binary(.and, $0, $1), at: $1.position) }
            if aggregated { inner.groupBy = groupKeys }
            return (inner, outerKeys, residual)
        }
        if aggregated || q.limit != nil || q.offset != nil || !q.distinctOn.isEmpty || q.qualify != nil {
            let what = valueOfIn ? "IN" : "EXISTS"
            throw QueryError("a correlated \(what) subquery with GROUP BY, aggregates, DISTINCT ON, QUALIFY or LIMIT is not supported", at: q.position)
        }
        var inner = q
        // IN compares its value with the subquery's one column, which comes right after the keys.
        let value: [SelectItem] = valueOfIn ? q.items : []
        if valueOfIn {
            guard q.items.count == 1, case .expr? = q.items.first else {
                throw QueryError("a subquery in IN must return one column", at: q.position)
            }
        }
        inner.items = innerKeys.map { .expr($0, alias: nil) } + value + (residual?.inner ?? []).map { .expr($0.1, alias: nil) }
        inner.distinct = false
        inner.orderBy = []
        inner.where = kept.isEmpty ? nil : kept.dropFirst().reduce(kept[0]) { Expr(.binary(.and, $0, $1), at: $1.position) }
        return (inner, outerKeys, residual)
    }

    /// The columns a FROM item offers, for deciding what a name means before planning the query
    /// (a stored table's come from its schema, without a snapshot).
    func fromColumnList(_ from: TableRef) throws -> [PlanColumn] {
        if case let .table(t) = from.source, ctes[t.name] == nil, viewRead(t.name) == nil,
           let schema = engine.database.schema(of: t.name) {
            return schema.columns.map { PlanColumn(name: $0.name, qualifier: from.alias ?? t.name, type: ValueType($0.type)) }
        }
        // Anything else (a pg_catalog table, subquery, join): its planned source names the columns.
        return try source(from, used: nil).columns
    }

    /// An input's columns under a FROM item's alias, with `alias(c1, c2, …)` renaming the first ones.
    static func renamed(_ cols: [PlanColumn], qualifier: String?, _ ref: TableRef) throws -> [PlanColumn] {
        guard ref.columnAliases.count <= cols.count else {
            throw QueryError("\(ref.columnAliases.count) column names for \(cols.count) column(s)", at: ref.position)
        }
        return cols.enumerated().map { i, c in
            PlanColumn(name: i < ref.columnAliases.count ? ref.columnAliases[i] : c.name, qualifier: qualifier, type: c.type)
        }
    }

    private static func hasWildcard(_ s: SelectStatement) -> Bool {
        s.items.contains { if case .wildcard = $0 { true } else { false } }
    }

    /// Every column name `s` mentions (unqualified part), its join conditions included.
    static func columnNames(_ s: SelectStatement) -> Set<String> {
        var names = Set<String>()
        func visit(_ e: Expr) {
            switch e.kind {
            case let .column(_, n): names.insert(n)
            // A correlated subquery may name this query's columns.
            case let .subquery(q), let .exists(q, _), let .inSubquery(_, q, _), let .arraySubquery(q): names.formUnion(columnNames(q))
            default: break
            }
            e.kind.forEachChild(visit)
        }
        func visitRef(_ r: TableRef) {
            if case let .join(a, _, b, c) = r.source {
                visitRef(a)
                visitRef(b)
                if case let .on(e) = c { visit(e) }
                if case let .using(n) = c { names.formUnion(n) }
            }
        }
        for item in s.items { if case let .expr(e, _) = item { visit(e) } }
        s.where.map(visit)
        s.groupBy.forEach(visit)
        s.having.map(visit)
        s.orderBy.forEach { visit($0.expr) }
        s.from.map(visitRef)
        return names
    }
}

/// The conditions of a correlated subquery that compare inner and outer columns other than by `=`:
/// checked on each (outer row, subquery row) pair the keys matched.
struct CorrelatedResidual {
    var outer: [(String, Expr)] = []
    var inner: [(String, Expr)] = []
    var condition: Expr

    static func key(_ table: String?, _ name: String) -> String { "\(table ?? "")\u{0}\(name)" }
}
