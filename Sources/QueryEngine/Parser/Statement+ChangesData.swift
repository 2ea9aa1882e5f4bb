extension Statement {
    /// True for statements that change data or the schema: HTTP accepts them only with POST, and only
    /// tokens allowed to change the database may run them.
    public var changesData: Bool {
        switch self {
        case .select, .explain, .explainAnalyze, .showTables, .describe, .showPartitions, .copy: return false
        case .createTable, .insert, .alterTable: return true
        case .delete, .vacuum, .truncate, .dropTable, .alterDedup: return true
        case let .materializedView(v): if case .show = v { return false } else { return true }
        }
    }

    /// True for statements with effects outside a query's answer: those that change data, and COPY, which
    /// writes a file on the server's machine with the server's rights. A GET (a link, a prefetch) must
    /// never cause either, and only tokens allowed to change the database may.
    public var hasEffects: Bool {
        if case .copy = self { return true }
        return changesData
    }
}

extension Statement {
    /// True for the statements that make a missing database (on a fresh data directory, or a server's
    /// new database name), as a first line-protocol write does: CREATE TABLE [AS], INSERT and CREATE
    /// MATERIALIZED VIEW. Reads never create one: they keep their "no database" error.
    public var createsDatabase: Bool {
        switch self {
        case .createTable, .insert: return true
        case let .materializedView(v): if case .create = v { return true } else { return false }
        default: return false
        }
    }
}
