import ColumnStore

/// Materialized views in FROM (see docs/materialized-views.md). With every bucket materialized, `v` is a
/// direct scan of its stored table under the view's column names, so time bounds on the bucket and tag
/// predicates prune as on any table; otherwise the stored rows UNION ALL the pending buckets from raw,
/// with the outer WHERE and column list pushed into both.
extension QueryPlanner {
    /// How `FROM name` reads a view now.
    enum ViewRead {
        /// The stored table is the view's answer (nothing pending, or inside the view's own expansion).
        case stored(ViewColumns)
        /// Some buckets are not materialized.
        case realTime(ViewDefinition, pending: BucketRanges)
    }

    /// Nil when `name` is no view here (a WITH query hides it, or this engine maintains views).
    func viewRead(_ name: String) -> ViewRead? {
        guard ctes[name] == nil, engine.expandsViews else { return nil }
        let catalog = ViewCatalog.of(engine.database)
        if expandingViews.contains(name) {
            guard let d = catalog.definition(name), let schema = engine.database.schema(of: name),
                  let cols = ViewColumns(d, schema: schema) else { return nil }
            return .stored(cols)
        }
        catalog.reloadIfReadOnly()
        guard let d = catalog.definition(name) else { return nil }
        let pending = catalog.unmaterialized(name)
        if pending.isEmpty, let schema = engine.database.schema(of: name), let cols = ViewColumns(d, schema: schema) {
            return .stored(cols)
        }
        return .realTime(d, pending: pending)
    }

    /// The view's column names when `name` is a view here (for pushing filters by name).
    func viewColumnNames(_ name: String) -> [String]? {
        guard ctes[name] == nil, engine.expandsViews else { return nil }
        return ViewCatalog.of(engine.database).definition(name)?.columnNames
    }

    /// A view with pending buckets as a FROM item: its real-time union, reading the columns in `used`
    /// (nil: all) with `filter` (WHERE conjuncts on its columns alone) pushed into both sides.
    func view(_ t: TableName, _ d: ViewDefinition, pending: BucketRanges, _ ref: TableRef, used: Set<String>?, filter: [Expr]) throws -> Source {
        let rawColumns = Set(engine.database.schema(of: d.source)?.columns.map(\.name) ?? [])
        let q = d.realTimeQuery(pending: pending, used: used, conjuncts: filter, rawColumns: rawColumns, now: now)
        var scope = self
        scope.expandingViews.insert(t.name)
        let op = try scope.plan(q, root: false)
        let cols = try Self.renamed(op.columns, qualifier: ref.alias ?? t.name, ref)
        return Source(op: op, columns: cols, star: Array(cols.indices))
    }

    /// Whether raw queries may be answered from views: the session's `view_rewrite` setting (`SET
    /// view_rewrite = off` in any front end), else the engine's.
    var rewritesWithViews: Bool { engine.setting(EngineSettings.viewRewrite, session: session) == "on" }

    /// `s`, a query on a raw table, planned over a materialized view that answers it exactly (see
    /// `ViewRewrite`); nil when none does, rewriting is off, or this is a view's own expansion (whose raw
    /// side must read raw). EXPLAIN names the view.
    func answeredFromView(_ s: SelectStatement, capsRows: Bool) -> (any Operator)? {
        guard expandingViews.isEmpty, engine.expandsViews, rewritesWithViews,
              let (q, name) = ViewRewrite(engine: engine, now: now).rewrite(s),
              let op = (try? select(q, capsRows: capsRows)) as? ScanAggregate else { return nil }
        op.notes.insert("answered from materialized view \(name)", at: 0)
        return op
    }
}
