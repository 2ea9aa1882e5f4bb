import ColumnStore
import Foundation
import Logging
import NIOPosix

/// What every connection handler shares: settings, storage, worker threads, limits and metrics.
final class ServerContext: @unchecked Sendable {
    let config: ServerConfig
    let auth: Auth
    let metrics: ServerMetrics
    let databases: ServerDatabases
    /// What `/health` reports beyond shutdown: databases that cannot open or whose writes fail.
    var health: ServerHealth { databases.health }
    /// Request bodies in flight (HTTP).
    let budget: IngestBudget
    let connections: ConnectionTracker
    /// Parses and writes ingested data; its threads block on fsync and on storage backpressure.
    let writePool: NIOThreadPool
    /// Runs queries and formats their results (kept apart so long queries never hold up writes).
    let queryPool: NIOThreadPool
    let logger: Logger
    /// The access and slow-query logs.
    let operationsLog: OperationsLog
    /// Open PostgreSQL sessions by their cancel key.
    let pgSessions = PGSessionRegistry()
    private let lock = NSLock()
    private var stopping = false

    init(config: ServerConfig, databases: ServerDatabases, metrics: ServerMetrics, logger: Logger) {
        self.config = config
        auth = Auth(tokens: config.tokens)
        self.metrics = metrics
        self.databases = databases
        budget = IngestBudget(limit: config.maxInflightBytes)
        connections = ConnectionTracker(limit: config.maxConnections)
        writePool = NIOThreadPool(numberOfThreads: max(1, config.writeThreads))
        queryPool = NIOThreadPool(numberOfThreads: max(1, config.queryConcurrency))
        self.logger = logger
        operationsLog = OperationsLog(config: config)
    }

    /// Set once shutdown began: `/health` fails so load balancers stop sending.
    var isStopping: Bool {
        get { lock.withLock { stopping } }
        set { lock.withLock { stopping = newValue } }
    }

    /// Counts a write that failed as a whole (`tsdb_write_failures_total`) and, for storage faults, marks
    /// `database` failing in `/health` until a write to it succeeds. Call where the error becomes an answer.
    func writeFailed(_ error: Error, database: String) {
        let cause = WriteFailureCause(classifying: error)
        metrics.recordWriteFailure(cause)
        health.writeFailed(database, cause, error)
    }

    /// A write to `database` succeeded: clears a write failure `/health` reported for it.
    func writeSucceeded(database: String) {
        health.writeSucceeded(database)
    }

    /// Wall-clock time in ns: the timestamp of lines that carry none.
    static func nowNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
