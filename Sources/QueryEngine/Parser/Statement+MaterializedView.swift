/// `CREATE MATERIALIZED VIEW`, `DROP MATERIALIZED VIEW`, `REFRESH MATERIALIZED VIEW`, `SHOW MATERIALIZED VIEWS`.
public enum MaterializedViewStatement: Sendable, Hashable {
    /// `CREATE MATERIALIZED VIEW [IF NOT EXISTS] v [WITH (…)] AS SELECT …`.
    case create(view: TableName, ifNotExists: Bool, settings: [TableSetting], query: SelectStatement)
    /// `DROP MATERIALIZED VIEW [IF EXISTS] v`.
    case drop(view: TableName, ifExists: Bool)
    /// `REFRESH MATERIALIZED VIEW v`: recompute every bucket from the raw table.
    case refresh(view: TableName)
    /// `SHOW MATERIALIZED VIEWS`.
    case show
}

extension MaterializedViewStatement: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .create(v, ifNotExists, settings, query):
            return "CREATE MATERIALIZED VIEW " + (ifNotExists ? "IF NOT EXISTS " : "") + SQLIdentifier.quoted(v.name)
                + (settings.isEmpty ? "" : " WITH " + TableSetting.list(settings)) + " AS " + query.description
        case let .drop(v, ifExists): return "DROP MATERIALIZED VIEW " + (ifExists ? "IF EXISTS " : "") + SQLIdentifier.quoted(v.name)
        case let .refresh(v): return "REFRESH MATERIALIZED VIEW " + SQLIdentifier.quoted(v.name)
        case .show: return "SHOW MATERIALIZED VIEWS"
        }
    }
}

extension Parser {
    /// A materialized-view statement when the tokens start one; nil otherwise (nothing consumed).
    mutating func parseMaterializedViewStatement() throws(SQLError) -> Statement? {
        let next = peek()
        guard next.kind == .word, name(next) == "materialized" else { return nil }
        if current.is(.show) {
            advance(); advance()
            try expectWord("views")
            return .materializedView(.show)
        }
        if acceptWord("create") {
            advance()
            try expectWord("view")
            let ifNotExists = try acceptIfNotExists()
            let view = try parseTableName()
            var settings: [TableSetting] = []
            if acceptWord("with") || accept(.with) { settings = try parseSettings() }
            guard accept(.as) else { throw unexpected(["WITH", "AS SELECT"]) }
            guard current.is(.select) else { throw unexpected(["SELECT"]) }
            return .materializedView(.create(view: view, ifNotExists: ifNotExists, settings: settings, query: try parseSelect()))
        }
        if acceptWord("drop") {
            advance()
            try expectWord("view")
            var ifExists = false
            if acceptWord("if") {
                try expectWord("exists")
                ifExists = true
            }
            return .materializedView(.drop(view: try parseTableName(), ifExists: ifExists))
        }
        if acceptWord("refresh") {
            advance()
            try expectWord("view")
            return .materializedView(.refresh(view: try parseTableName()))
        }
        return nil
    }
}
