import ColumnStore

/// A materialized view's stored table as queries see the view: each stored column under its name in the
/// view (the bucket, stored as `time`, under its alias such as `day`), and `*` in the view's column order.
struct ViewColumns: Sendable, Equatable {
    /// By stored column index.
    let names: [String]
    /// Stored column indices in the view's select-list order.
    let star: [Int]

    /// Nil when the stored table lacks a column of the view (it is being created).
    init?(_ d: ViewDefinition, schema: TableSchema) {
        let names = schema.columns.map { $0.name == TableSchema.timeColumn ? d.bucketName : $0.name }
        var star: [Int] = []
        for n in d.columnNames {
            guard let i = names.firstIndex(of: n) else { return nil }
            star.append(i)
        }
        self.names = names
        self.star = star
    }
}

extension QueryEngine {
    /// The columns of stored table `name` as queries see them, in `SELECT *` order: a materialized view's
    /// under the view's names (the bucket under its alias, not `time`), in its select-list order. What
    /// `DESCRIBE`, `tsdb_columns` and the PostgreSQL catalogs show. Nil when there is no such table.
    public func queryColumns(of name: String) -> [ColumnDef]? {
        guard let schema = database.schema(of: name) else { return nil }
        guard expandsViews, let d = ViewCatalog.of(database).definition(name), let v = ViewColumns(d, schema: schema) else {
            return schema.columns
        }
        return v.star.map { ColumnDef(name: v.names[$0], type: schema.columns[$0].type) }
    }
}
