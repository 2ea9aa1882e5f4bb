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

    public init(database: Database, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                partitionAfterGroups: Int = 16_384, virtualTables: VirtualTableRegistry = .standard) {
        self.database = database
        self.virtualTables = virtualTables
        self.threads = max(1, threads)
        self.partitionAfterGroups = max(0, partitionAfterGroups)
    }

    /// Runs one statement (SELECT, SHOW TABLES, DESCRIBE, EXPLAIN) and returns its result.
    /// Errors are `QueryError`s carrying the position in the query text.
    /// `control` cancels the query from another thread or caps its result rows.
    public func execute(_ sql: String, now: Int64? = nil, control: QueryControl? = nil) throws -> QueryResult {
        let clock = now ?? Int64(Date().timeIntervalSince1970 * 1e9)
        return try StatementRunner(engine: self, now: clock, control: control).run(sql)
    }
}
