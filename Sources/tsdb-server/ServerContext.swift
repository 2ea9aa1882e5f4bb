import ColumnStore
import Foundation
import Logging
import NIOPosix
import NIOSSL

/// What every connection handler shares: settings, storage, worker threads, limits and metrics.
final class ServerContext: @unchecked Sendable {
    let config: ServerConfig
    /// The accepted tokens and what each may do (every front end asks it).
    let auth: TokenAuthority
    /// Requests and lines per second per client.
    let rateLimiter = RateLimiter()
    let cors: CORSPolicy
    /// The TLS context of `--tls-cert`/`--tls-key` (nil: no TLS), for HTTPS and the PostgreSQL front.
    let tls: NIOSSLContext?
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
    /// Answers of read-only queries kept for `--query-cache-ttl` (nil: no cache).
    let queryCache: QueryResultCache?
    /// Bytes and rows of answers sent live (`LiveBody`).
    let streaming = StreamingStats()
    /// Open PostgreSQL sessions by their cancel key.
    let pgSessions = PGSessionRegistry()
    private let lock = NSLock()
    private var stopping = false

    /// Throws when the token file or the TLS files cannot be used.
    init(config: ServerConfig, databases: ServerDatabases, metrics: ServerMetrics, logger: Logger) throws {
        self.config = config
        do { auth = try TokenAuthority(adminTokens: config.tokens, file: config.tokenFile) } catch {
            throw ValidationFailure("--token-file: \(error)")
        }
        databases.pgRoles.set(auth)
        cors = CORSPolicy(origins: config.corsOrigins)
        if let cert = config.tlsCertificate, let key = config.tlsKey {
            do { tls = try TLSSetup.makeContext(certificate: cert, key: key) } catch { throw ValidationFailure("\(error)") }
        } else {
            tls = nil
        }
        self.metrics = metrics
        self.databases = databases
        budget = IngestBudget(limit: config.maxInflightBytes)
        connections = ConnectionTracker(limit: config.maxConnections)
        writePool = NIOThreadPool(numberOfThreads: max(1, config.writeThreads))
        queryPool = NIOThreadPool(numberOfThreads: max(1, config.queryConcurrency))
        self.logger = logger
        operationsLog = OperationsLog(config: config)
        queryCache = config.queryCacheTTL > 0 && config.queryCacheBytes > 0
            ? QueryResultCache(ttl: config.queryCacheTTL, capacity: config.queryCacheBytes) : nil
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

    /// The limits of `principal` (its token's own, else the defaults) and the key of its buckets: the
    /// token's name, or the client's address when anonymous.
    func rateLimit(_ principal: Principal, address: String) -> (key: String, limits: RateLimits) {
        let limits = config.rateLimits.applying(principal.limits)
        return (auth.isEnabled ? "token " + principal.name : "address " + address, limits)
    }

    /// Logs and counts a request or connection whose credentials were refused.
    func authenticationFailed(client: String, front: String, detail: String) {
        metrics.authFailures.increment()
        logger.warning("authentication failed", metadata: ["client": .string(client), "front": .string(front), "request": .string(detail)])
    }

    /// Wall-clock time in ns: the timestamp of lines that carry none.
    static func nowNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
