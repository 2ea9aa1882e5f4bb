import ColumnStore
import Foundation

/// Runs SQL against one database: parse, plan (pruning by time and statistics), execute vectorized
/// across `threads` cores.
public final class QueryEngine: @unchecked Sendable {
    public let database: Database
    public let threads: Int
    /// A scan thread whose aggregation passes this many groups switches to hash-partitioned aggregation
    /// (see `PartitionedAggregate`); tests set it low to run every grouping through that path.
    public let partitionAfterGroups: Int
    /// Tables computed at query time (the `tsdb_*` system tables, catalogs), resolved before stored tables.
    public let virtualTables: VirtualTableRegistry

    /// Views expand in queries (`FROM v` reads the view's real-time answer); false for the engine that
    /// maintains them, whose `FROM v` reads the view's stored table.
    let expandsViews: Bool
    /// Whether a query on a raw table that a materialized view answers exactly is answered from the view
    /// (a session's `view_rewrite` setting overrides it).
    public let viewRewrite: Bool

    /// Also attaches the database's materialized views (`ViewCatalog`): from now on writes mark their buckets
    /// dirty, and with background work on, a thread keeps them materialized.
    public convenience init(database: Database, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                            partitionAfterGroups: Int = 16_384, virtualTables: VirtualTableRegistry = .standard,
                            viewRewrite: Bool = QueryEngine.viewRewriteFromEnvironment) {
        self.init(database: database, threads: threads, partitionAfterGroups: partitionAfterGroups, virtualTables: virtualTables,
                  attachingViews: true, viewRewrite: viewRewrite)
    }

    init(database: Database, threads: Int, partitionAfterGroups: Int = 16_384, virtualTables: VirtualTableRegistry = .standard,
         attachingViews: Bool, viewRewrite: Bool = true) {
        self.viewRewrite = viewRewrite
        self.database = database
        self.virtualTables = virtualTables
        self.threads = max(1, threads)
        self.partitionAfterGroups = max(0, partitionAfterGroups)
        self.expandsViews = attachingViews
        if attachingViews { _ = ViewCatalog.of(database) }
    }

    /// `TSDB_VIEW_REWRITE=off` (or `false`, `0`) in the environment turns view rewriting off for the
    /// server's and the CLI's engines.
    public static var viewRewriteFromEnvironment: Bool {
        guard let v = ProcessInfo.processInfo.environment["TSDB_VIEW_REWRITE"]?.lowercased() else { return true }
        return !["off", "false", "0", "no"].contains(v)
    }

    /// Runs one statement (SELECT, SHOW TABLES, DESCRIBE, EXPLAIN) and returns its result.
    /// Errors are `QueryError`s carrying the position in the query text.
    /// `control` cancels the query from another thread or caps its result rows.
    /// `session` answers `version()`, `current_database()`, `current_setting()` and the like.
    public func execute(_ sql: String, now: Int64? = nil, control: QueryControl? = nil, session: QuerySession = QuerySession()) throws -> QueryResult {
        let clock = now ?? Int64(Date().timeIntervalSince1970 * 1e9)
        return try StatementRunner(engine: self, now: clock, control: control, session: session).run(sql)
    }

    /// The names and types of the columns `sql` would return, planned but not run (a subquery in FROM
    /// does run). What a PostgreSQL client's Describe asks before it executes.
    public func describe(_ sql: String, session: QuerySession = QuerySession()) throws -> [(name: String, type: ColumnType)] {
        let clock = Int64(Date().timeIntervalSince1970 * 1e9)
        return try StatementRunner(engine: self, now: clock, control: nil, session: session).describe(sql)
    }

    /// `describe`, with each array column's element type and whether a column is a record (the column
    /// itself is `.string`: its text).
    public func describeColumns(_ sql: String, session: QuerySession = QuerySession()) throws -> [(name: String, type: ColumnType, arrayElement: ValueType?, record: Bool, date: Bool)] {
        let clock = Int64(Date().timeIntervalSince1970 * 1e9)
        return try StatementRunner(engine: self, now: clock, control: nil, session: session).describeColumns(sql)
    }
}
