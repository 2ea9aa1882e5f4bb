extension Statement: CustomStringConvertible {
    /// The statement as SQL; it parses back to an equal `Statement`.
    public var description: String {
        switch self {
        case .select(let select): return select.description
        case .explain(let select): return "EXPLAIN " + select.description
        case .explainAnalyze(let select): return "EXPLAIN ANALYZE " + select.description
        case .showTables: return "SHOW TABLES"
        case .describe(let table): return "DESCRIBE " + SQLIdentifier.quoted(table.name)
        case .showPartitions(let table): return "SHOW PARTITIONS FROM " + SQLIdentifier.quoted(table.name)
        case .createTable(let create): return create.description
        case .insert(let insert): return insert.description
        case .alterTable(let alter): return alter.description
        case .copy(let copy): return copy.description
        case .delete(let d): return "DELETE FROM " + SQLIdentifier.quoted(d.table.name) + (d.where.map { " WHERE \($0)" } ?? "")
        case .vacuum(let t): return "VACUUM" + (t.map { " " + SQLIdentifier.quoted($0.name) } ?? "")
        case .truncate(let t): return "TRUNCATE TABLE " + SQLIdentifier.quoted(t.name)
        case let .alterDedup(t, keys):
            return "ALTER TABLE " + SQLIdentifier.quoted(t.name) + " DEDUP "
                + (keys.map { "ENABLE UPSERT KEYS (" + $0.map(SQLIdentifier.quoted).joined(separator: ", ") + ")" } ?? "DISABLE")
        case let .materializedView(v): return v.description
        case let .dropTable(t, ifExists): return "DROP TABLE " + (ifExists ? "IF EXISTS " : "") + SQLIdentifier.quoted(t.name)
        }
    }
}

extension SelectStatement: CustomStringConvertible {
    /// The query as one line of SQL, clauses in their fixed order.
    public var description: String {
        var text = with.isEmpty ? "" : "WITH " + with.map { SQLIdentifier.quoted($0.name) + " AS (\($0.query))" }.joined(separator: ", ") + " "
        text += !distinctOn.isEmpty ? "SELECT DISTINCT ON (" + distinctOn.map(\.description).joined(separator: ", ") + ") "
            : distinct ? "SELECT DISTINCT " : "SELECT "
        text += items.map(\.description).joined(separator: ", ")
        if let from { text += " FROM " + from.description }
        if let condition = self.where { text += " WHERE \(condition)" }
        if !groupBy.isEmpty { text += " GROUP BY " + groupBy.map(\.description).joined(separator: ", ") }
        if let having { text += " HAVING \(having)" }
        if let qualify { text += " QUALIFY \(qualify)" }
        for s in setOperations { text += " \(s.operation.rawValue)\(s.all ? " ALL" : "") \(s.query)" }
        if !orderBy.isEmpty { text += " ORDER BY " + orderBy.map(\.description).joined(separator: ", ") }
        if let limit { text += " LIMIT \(limit)" }
        if let offset { text += " OFFSET \(offset)" }
        return text
    }
}

extension SelectItem: CustomStringConvertible {
    public var description: String {
        switch self {
        case .wildcard: return "*"
        case .expr(let expr, let alias?): return "\(expr) AS \(SQLIdentifier.quoted(alias))"
        case .expr(let expr, nil): return expr.description
        }
    }
}

extension TableRef: CustomStringConvertible {
    public var description: String {
        var text: String
        switch source {
        case .table(let table): text = SQLIdentifier.quoted(table.name)
        case .subquery(let select): text = "(\(select))"
        case .function(let call, _):
            text = SQLIdentifier.quoted(call.name) + "(" + call.arguments.map(\.description).joined(separator: ", ") + ")"
        case let .join(left, kind, right, condition):
            text = "\(left) \(kind.rawValue) \(right)"
            switch condition {
            case .none: break
            case .on(let e): text += " ON \(e)"
            case .using(let names): text += " USING (" + names.map(SQLIdentifier.quoted).joined(separator: ", ") + ")"
            }
            return text
        }
        if let alias { text += " AS " + SQLIdentifier.quoted(alias) }
        if !columnAliases.isEmpty { text += "(" + columnAliases.map(SQLIdentifier.quoted).joined(separator: ", ") + ")" }
        return text
    }
}

extension OrderItem: CustomStringConvertible {
    public var description: String {
        var text = expr.description
        if descending { text += " DESC" }
        switch nulls {
        case .first?: text += " NULLS FIRST"
        case .last?: text += " NULLS LAST"
        case nil: break
        }
        return text
    }
}
