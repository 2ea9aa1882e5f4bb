extension Statement {
    /// Whether running the statement changes stored data or the catalog: such statements need a POST
    /// over HTTP (a GET answers 405) and, where tokens are scoped, one allowed to write.
    public var changesData: Bool {
        switch self {
        case .select, .explain, .showTables, .describe: return false
        case .delete, .vacuum, .truncate, .dropTable, .alterDedup: return true
        }
    }
}
