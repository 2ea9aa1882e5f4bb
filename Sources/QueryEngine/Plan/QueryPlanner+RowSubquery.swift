/// Correlated scalar subqueries that decorrelation cannot turn into a lookup: those whose FROM clause
/// itself reads the outer row (a table function's arguments: psql's
/// `FROM generate_series(0, array_upper(pr.prattrs, 1)) s`). Such a subquery runs once per outer row with
/// the outer values written into it as constants, as PostgreSQL re-runs a SubPlan; it is planned once at
/// plan time with typed NULLs in their place, which checks it and gives its type.
extension QueryPlanner {
    /// The subquery as a per-row expression when its table functions name outer columns, else nil.
    func rowSubquery(_ q: SelectStatement, outer: Binder, at position: SourcePosition) throws -> BoundExpr? {
        guard let from = q.from, q.setOperations.isEmpty, q.with.isEmpty else { return nil }
        // The inner scope: each FROM leaf's qualifier and column names.
        var qualifiers = Set<String>(), names = Set<String>(), functionArguments: [Expr] = []
        func collect(_ ref: TableRef) throws {
            switch ref.source {
            case let .table(t):
                qualifiers.insert(ref.alias ?? t.name)
                let schema = engine.virtualTables.table(named: t.name)?.schema ?? engine.database.schema(of: t.name)
                names.formUnion(schema?.columns.map { $0.name.lowercased() } ?? [])
                if let cte = ctes[t.name] { names.formUnion(cte.plan.columns.map(\.name)) }
            case let .function(call, _):
                qualifiers.insert(ref.alias ?? call.name)
                names.insert(ref.columnAliases.first ?? ref.alias ?? call.name)
                functionArguments += call.arguments
            case .subquery:
                if let a = ref.alias { qualifiers.insert(a) }
                names.formUnion(ref.columnAliases)
            case let .join(l, _, r, _):
                try collect(l)
                try collect(r)
            }
        }
        try collect(from)
        func isOuter(_ e: Expr) -> Bool {
            guard case let .column(table, name) = e.kind else { return false }
            if let table { if qualifiers.contains(table) { return false } } else if names.contains(name) || names.contains(name.lowercased()) { return false }
            return (try? outer.bind(e)) != nil
        }
        var refs: [Expr] = []
        func find(_ e: Expr) {
            if isOuter(e) { if !refs.contains(e) { refs.append(e) }; return }
            e.kind.forEachChild(find)
        }
        functionArguments.forEach(find)
        guard !refs.isEmpty else { return nil }
        QueryPlanner.visitExprs(q, find)
        let bound = try refs.map { try outer.bind($0) }
        // Planned once with typed NULLs for the outer values: the subquery's shape and type.
        let nulls = try bound.map { try QueryPlanner.literal(.null, $0.type, at: position) }
        let probe = try plan(QueryPlanner.substituting(q, refs, nulls), root: false)
        guard probe.columns.count == 1 else {
            throw QueryError("a subquery used as a value must return one column, not \(probe.columns.count)", at: position)
        }
        let type = probe.columns[0].type
        let planner = self
        let outerRefs = refs
        let run: @Sendable ([Value], ExecutionContext) throws -> Value = { values, context in
            let literals = try zip(values, bound).map { try QueryPlanner.literal($0, $1.type, at: position) }
            let op = try planner.plan(QueryPlanner.substituting(q, outerRefs, literals), root: false)
            let b = try op.run(context)
            guard b.rowCount <= 1 else { throw QueryError("more than one row returned by a subquery used as an expression") }
            return b.rowCount == 0 ? .null : Vec(type: type, col: b.columns[0]).value(0)
        }
        let context = ExecutionContext(engine: engine, now: now, control: control)
        return .subquery(SubqueryExpr(kind: .perRow, plan: probe, keyTypes: bound.map(\.type), context: context, perRow: run), keys: bound)
    }

    /// `v` as an expression of type `t` (a typed NULL, a number, a string, an array…).
    static func literal(_ v: Value, _ t: ValueType, at p: SourcePosition) throws -> Expr {
        func sqlType(_ t: ValueType) throws -> SQLType {
            switch t {
            case .bool: .boolean
            case .int, .null: .bigint
            case .int32: .integer
            case .uint: .ubigint
            case .double: .double
            case .string: .varchar
            case .time: .timestamp
            case .date: .date
            case .interval, .array, .record: throw QueryError("a correlated subquery cannot take a \(t) from the outer row here", at: p)
            }
        }
        let text: Literal
        switch v {
        case .null: text = .null
        case let .bool(b): text = .bool(b)
        case let .int(i): text = .int(i)
        case let .double(d): text = .double(d)
        case let .string(s): text = .string(s)
        case let .time(x): text = .timestamp(x)
        case let .date(d): text = .string(SQLDate.format(d))
        case let .uint(u): text = .string(String(u))
        case let .array(a): text = .string(ArrayText.postgres(a))
        case .record: throw QueryError("a correlated subquery cannot take a record from the outer row here", at: p)
        case .interval: throw QueryError("a correlated subquery cannot take an INTERVAL from the outer row here", at: p)
        }
        let e = Expr(.literal(text), at: p)
        if case let .array(element) = t { return Expr(.arrayCast(e, try sqlType(element)), at: p) }
        return Expr(.cast(e, try sqlType(t)), at: p)
    }

    /// Calls `body` on every expression of `q`'s own clauses (not those of its nested subqueries).
    static func visitExprs(_ q: SelectStatement, _ body: (Expr) -> Void) {
        for item in q.items { if case let .expr(e, _) = item { body(e) } }
        func visitRef(_ r: TableRef) {
            switch r.source {
            case let .function(call, _): call.arguments.forEach(body)
            case let .join(a, _, b, c):
                visitRef(a)
                visitRef(b)
                if case let .on(e) = c { body(e) }
            default: break
            }
        }
        q.from.map(visitRef)
        q.where.map(body)
        q.groupBy.forEach(body)
        q.having.map(body)
        q.orderBy.forEach { body($0.expr) }
    }

    /// `q` with each expression equal to `refs[i]` replaced by `values[i]`.
    static func substituting(_ q: SelectStatement, _ refs: [Expr], _ values: [Expr]) -> SelectStatement {
        func sub(_ e: Expr) -> Expr {
            if let i = refs.firstIndex(of: e) { return values[i] }
            return Expr(e.kind.mapChildren(sub), at: e.position)
        }
        func subRef(_ r: TableRef) -> TableRef {
            var r = r
            switch r.source {
            case var .function(call, at):
                call.arguments = call.arguments.map(sub)
                r.source = .function(call, at: at)
            case let .join(a, k, b, c):
                let cond: JoinCondition = if case let .on(e) = c { .on(sub(e)) } else { c }
                r.source = .join(subRef(a), k, subRef(b), cond)
            default: break
            }
            return r
        }
        var s = q
        s.items = q.items.map { if case let .expr(e, alias) = $0 { .expr(sub(e), alias: alias) } else { $0 } }
        s.from = q.from.map(subRef)
        s.where = q.where.map(sub)
        s.groupBy = q.groupBy.map(sub)
        s.having = q.having.map(sub)
        s.orderBy = q.orderBy.map { var o = $0; o.expr = sub(o.expr); return o }
        return s
    }
}
