import ColumnStore

/// Materialized views in FROM: `v` reads the view's real-time answer, its stored rows unioned with the
/// not-yet-materialized buckets computed from raw (see docs/materialized-views.md).
extension QueryPlanner {
    /// The real-time query of `name` when it is a view (not hidden by a WITH query, not being expanded).
    func viewQuery(_ name: String) -> SelectStatement? {
        guard ctes[name] == nil, !expandingViews.contains(name) else { return nil }
        return engine.viewQuery(name)
    }

    /// The view `t` as a FROM item: its real-time query planned in a scope where `t` is its stored table.
    func view(_ t: TableName, _ q: SelectStatement, _ ref: TableRef) throws -> Source {
        var scope = self
        scope.expandingViews.insert(t.name)
        let op = try scope.plan(q, root: false)
        let cols = try Self.renamed(op.columns, qualifier: ref.alias ?? t.name, ref)
        return Source(op: op, columns: cols, star: Array(cols.indices))
    }
}
