import Dispatch
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import QueryEngine

/// The opt-in result cache for dashboards (`--query-cache-ttl`, `--query-cache-size`): answers of
/// read-only queries kept in memory for the TTL, keyed by the exact query text, the database and the
/// token's read scope.
///
/// What it promises (docs/http-api.md, "Result cache"): an answer is never older than the TTL; a DELETE,
/// TRUNCATE, DROP or retention drop in a database forgets that database's answers at once (so an erased
/// user never reappears from memory); appended rows show up within the TTL. Identical queries that
/// arrive while the first is still running wait for its answer instead of running again, so fifty
/// dashboards refreshing together cost one query. Results are kept as the engine's column vectors, so
/// one entry serves every output format; the least recently used entries go first when the cache is full,
/// and an answer larger than an eighth of the cache is not kept.
final class QueryResultCache: @unchecked Sendable {
    /// What identifies an answer.
    struct Key: Hashable, Sendable {
        var database: String
        /// The token's name and read scope: two tokens never share answers.
        var scope: String
        var sql: String
    }

    /// A miss the caller must answer by running the query, then `finish` (always, also on failure), so
    /// the requests waiting on it go on.
    final class Lease: @unchecked Sendable {
        let key: Key
        fileprivate let promise: EventLoopPromise<QueryResult?>
        fileprivate let cache: QueryResultCache
        private let done = NIOLockedValueBox(false)

        fileprivate init(key: Key, promise: EventLoopPromise<QueryResult?>, cache: QueryResultCache) {
            self.key = key
            self.promise = promise
            self.cache = cache
        }

        /// Stores `result` (nil: the query failed, keep nothing) and wakes the waiters. Later calls do nothing.
        func finish(_ result: QueryResult?) {
            let first = done.withLockedValue { d in
                defer { d = true }
                return !d
            }
            guard first else { return }
            cache.finish(key: key, result: result, promise: promise)
        }
    }

    /// The answer to a lookup.
    enum Lookup {
        /// A stored answer and its age in seconds.
        case hit(QueryResult, age: Int)
        /// The same query is running for another request: its answer (nil when it failed).
        case pending(EventLoopFuture<QueryResult?>)
        /// Nothing stored: run the query and `finish` the lease.
        case miss(Lease)
    }

    private struct Entry {
        var result: QueryResult
        var bytes: Int
        var storedAt: UInt64
        var lastUsed: UInt64
    }

    /// Seconds an answer is served.
    let ttl: Double
    /// Bytes the stored answers may take.
    let capacity: Int
    private let clock: @Sendable () -> UInt64
    private let lock = NIOLock()
    private var entries: [Key: Entry] = [:]
    private var running: [Key: EventLoopFuture<QueryResult?>] = [:]
    private var storedBytes = 0
    private var tick: UInt64 = 0
    private var evictionCount = 0
    /// Databases whose deletions are watched (`watch`).
    private var watched: Set<ObjectIdentifier> = []

    /// `clock` gives monotonic nanoseconds (tests pass their own).
    init(ttl: Double, capacity: Int, clock: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) {
        self.ttl = ttl
        self.capacity = capacity
        self.clock = clock
    }

    /// The stored answer for `key`, the running query to wait for, or a lease to run it.
    func lookup(_ key: Key, on eventLoop: EventLoop) -> Lookup {
        let now = clock()
        return lock.withLock {
            if var e = entries[key] {
                if Double(now &- e.storedAt) < ttl * 1e9 {
                    tick += 1
                    e.lastUsed = tick
                    entries[key] = e
                    return .hit(e.result, age: Int((now &- e.storedAt) / 1_000_000_000))
                }
                removeLocked(key)
            }
            if let f = running[key] { return .pending(f) }
            let promise = eventLoop.makePromise(of: QueryResult?.self)
            running[key] = promise.futureResult
            return .miss(Lease(key: key, promise: promise, cache: self))
        }
    }

    /// Keeps `result` for `key` without a lease (a request that bypassed the cache still refreshes it).
    func store(_ key: Key, _ result: QueryResult) {
        let now = clock()
        lock.withLock { insertLocked(key, result, now: now) }
    }

    /// Bytes an answer may take to be kept (`insertLocked` counts a little more for its key).
    var entryLimit: Int { capacity / 8 }

    /// Forgets every answer from `database` (its rows were deleted, or it was dropped).
    func invalidate(database: String) {
        lock.withLock {
            for key in entries.keys where key.database == database { removeLocked(key) }
        }
    }

    /// Forgets `database`'s answers when `sql` (which just ran there) has effects: a DELETE's listener
    /// dropped them before the rows went, this drops any stored while it ran.
    func forget(database: String, after sql: String) {
        if (try? SQLParser.parse(SessionStatement.statementText(sql)))?.hasEffects == true { invalidate(database: database) }
    }

    /// Forgets everything.
    func removeAll() {
        lock.withLock {
            entries.removeAll()
            storedBytes = 0
        }
    }

    /// Entries, bytes held and entries evicted for room so far (for /metrics).
    var stats: (entries: Int, bytes: Int, evictions: Int) {
        lock.withLock { (entries.count, storedBytes, evictionCount) }
    }

    /// Answers from `object`'s database are dropped when it deletes rows, expires days or drops a table:
    /// `register` is called once per database object with the listener to install.
    func watch(_ object: AnyObject, name: String, register: (@escaping @Sendable () -> Void) -> Void) {
        let id = ObjectIdentifier(object)
        let first = lock.withLock { watched.insert(id).inserted }
        guard first else { return }
        register { [weak self] in self?.invalidate(database: name) }
    }

    fileprivate func finish(key: Key, result: QueryResult?, promise: EventLoopPromise<QueryResult?>) {
        let now = clock()
        lock.withLock {
            running.removeValue(forKey: key)
            if let result { insertLocked(key, result, now: now) }
        }
        promise.succeed(result)
    }

    private func insertLocked(_ key: Key, _ result: QueryResult, now: UInt64) {
        removeLocked(key)
        let bytes = result.estimatedBytes + key.sql.utf8.count + 128
        // One large answer must not push out everything the dashboards use.
        guard ttl > 0, bytes <= capacity / 8 else { return }
        while storedBytes + bytes > capacity, let victim = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key {
            removeLocked(victim)
            evictionCount += 1
        }
        tick += 1
        entries[key] = Entry(result: result, bytes: bytes, storedAt: now, lastUsed: tick)
        storedBytes += bytes
    }

    private func removeLocked(_ key: Key) {
        if let e = entries.removeValue(forKey: key) { storedBytes -= e.bytes }
    }
}

/// Whether a request may be answered from the cache.
enum QueryCachePolicy {
    /// Read-only statements only: anything with effects (DDL, DELETE, INSERT, COPY) always runs.
    static func isCacheable(_ sql: String) -> Bool {
        guard let statement = try? SQLParser.parse(SessionStatement.statementText(sql)) else { return false }
        return !statement.hasEffects
    }

    /// `Cache-Control: no-cache` or `no-store` (or `Pragma: no-cache`) on the request: run the query even
    /// when an answer is stored; `no-store` also keeps the new answer out of the cache.
    static func directives(_ headers: [String]) -> (bypass: Bool, store: Bool) {
        let text = headers.joined(separator: ",").lowercased()
        let noStore = text.contains("no-store")
        return (noStore || text.contains("no-cache"), !noStore)
    }
}
