import ColumnStore
import Prometheus

/// The server's Prometheus metrics (one registry per server, so tests can run several in one process).
///
/// Counters are bumped where things happen; storage gauges (memtable, segments, bytes on disk) are
/// read from the open databases when `/metrics` is scraped, and so are the storage's running totals
/// (`RunningTotals`) and the process's own figures (`ProcessMetrics`).
final class ServerMetrics: Sendable {
    /// Where a write came from: the `protocol` label.
    enum Source: String, Sendable { case http, tcp, pg }

    let registry: PrometheusCollectorRegistry

    private let rows: [Counter]
    private let bytes: [Counter]
    private let rejected: [Counter]
    private let writes: [Counter]
    private let connections: [Gauge]
    private let connectionsTotal: [Counter]
    let connectionsRefused: Counter
    let idleConnectionsClosed: Counter
    let overloaded: Counter
    /// Requests (and PostgreSQL logins) whose token was missing or wrong.
    let authFailures: Counter
    /// Requests refused for a lack of rights (403).
    let forbidden: Counter
    /// Requests answered 429: over a rate limit.
    let rateLimited: Counter
    let writeDuration: DurationHistogram
    private let stalls: Counter
    private let stallSeconds: Counter
    let queryDuration: DurationHistogram
    private let queryOK: Counter
    private let queryFailed: Counter
    private let queryTimedOut: Counter
    private let writeFailures: [WriteFailureCause: Counter]
    /// Queries answered from the result cache (also those that waited for the same query to finish).
    let queryCacheHits: Counter
    /// Cacheable queries that had to run.
    let queryCacheMisses: Counter

    init() {
        func d(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "tsdb", metricName: name, unitName: unit, helpText: help)
        }
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        let sources: [Source] = [.http, .tcp, .pg]
        rows = sources.map { registry.makeCounter(descriptor: d("ingest_rows", "total", "Rows written."), labels: [("protocol", $0.rawValue)]) }
        bytes = sources.map { registry.makeCounter(descriptor: d("ingest_bytes", "total", "Line-protocol bytes received (after decompression)."), labels: [("protocol", $0.rawValue)]) }
        rejected = sources.map { registry.makeCounter(descriptor: d("ingest_lines_rejected", "total", "Lines rejected: malformed, or conflicting with a column's type."), labels: [("protocol", $0.rawValue)]) }
        writes = sources.map { registry.makeCounter(descriptor: d("ingest_writes", "total", "Batches written to storage (HTTP requests, TCP commits)."), labels: [("protocol", $0.rawValue)]) }
        connections = sources.map { registry.makeGauge(descriptor: d("open_connections", "", "Connections open now."), labels: [("protocol", $0.rawValue)]) }
        connectionsTotal = sources.map { registry.makeCounter(descriptor: d("connections", "total", "Connections accepted."), labels: [("protocol", $0.rawValue)]) }
        connectionsRefused = registry.makeCounter(descriptor: d("connections_refused", "total", "Connections refused on accept because --max-connections were open (HTTP: answered 503)."))
        idleConnectionsClosed = registry.makeCounter(descriptor: d("idle_connections_closed", "total", "Idle HTTP keep-alive connections closed to admit a new connection at --max-connections."))
        overloaded = registry.makeCounter(descriptor: d("http_overloaded", "total", "Writes answered 503: too many request bytes in flight, or flushes too far behind."))
        authFailures = registry.makeCounter(descriptor: d("auth_failures", "total", "Failed authentications: requests and logins with a missing or wrong token."))
        forbidden = registry.makeCounter(descriptor: d("auth_forbidden", "total", "Requests refused (403): the token lacks the right to read, write or change data there."))
        rateLimited = registry.makeCounter(descriptor: d("rate_limited", "total", "Requests answered 429: over their requests-per-second or lines-per-second limit."))
        let latency: [Duration] = [.microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                                   .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                   .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60)]
        stalls = registry.makeCounter(descriptor: d("write_stalls", "total", "Writes that waited because unflushed memtables exceeded --max-unflushed-bytes."))
        stallSeconds = registry.makeCounter(descriptor: d("write_stall_seconds", "total", "Time writes spent waiting for flushes to catch up."))
        writeDuration = registry.makeDurationHistogram(descriptor: d("http_write_duration", "seconds", "HTTP write latency: parse, write, durable."), buckets: latency)
        queryDuration = registry.makeDurationHistogram(descriptor: d("query_duration", "seconds", "Query latency, from request to the first byte of the answer."), buckets: latency)
        queryOK = registry.makeCounter(descriptor: d("queries", "total", "Queries by outcome."), labels: [("status", "ok")])
        queryFailed = registry.makeCounter(descriptor: d("queries", "total", "Queries by outcome."), labels: [("status", "error")])
        queryTimedOut = registry.makeCounter(descriptor: d("queries", "total", "Queries by outcome."), labels: [("status", "timeout")])
        queryCacheHits = registry.makeCounter(descriptor: d("query_cache_hits", "total", "Queries answered from the result cache (--query-cache-ttl), including those that waited for an identical running query."))
        queryCacheMisses = registry.makeCounter(descriptor: d("query_cache_misses", "total", "Cacheable queries that ran because no fresh answer was stored."))
        writeFailures = Dictionary(uniqueKeysWithValues: WriteFailureCause.allCases.map {
            ($0, registry.makeCounter(descriptor: d("write_failures", "total", "Writes that failed as a whole, by cause (nothing of them was stored)."),
                                      labels: [("cause", $0.rawValue)]))
        })
    }

    private func i(_ s: Source) -> Int { s == .http ? 0 : s == .tcp ? 1 : 2 }

    /// Records line-protocol bytes received.
    func recordBytes(_ s: Source, _ b: Int) {
        if b > 0 { bytes[i(s)].increment(by: Int64(b)) }
    }

    /// Records one write to storage: rows written, lines rejected.
    func recordWrite(_ s: Source, rows r: Int, rejected x: Int) {
        writes[i(s)].increment()
        if r > 0 { rows[i(s)].increment(by: Int64(r)) }
        if x > 0 { rejected[i(s)].increment(by: Int64(x)) }
    }

    /// Records a write that waited for flushes.
    func recordStall(nanoseconds: Int64) {
        stalls.increment()
        stallSeconds.increment(by: Double(nanoseconds) / 1e9)
    }

    /// Records a write that failed as a whole.
    func recordWriteFailure(_ cause: WriteFailureCause) {
        writeFailures[cause]?.increment()
    }

    func connectionOpened(_ s: Source) {
        connections[i(s)].increment()
        connectionsTotal[i(s)].increment()
    }

    func connectionClosed(_ s: Source) { connections[i(s)].decrement() }

    enum QueryOutcome { case ok, error, timeout }

    func recordQuery(_ outcome: QueryOutcome, nanoseconds: Int64) {
        switch outcome {
        case .ok: queryOK.increment()
        case .error: queryFailed.increment()
        case .timeout: queryTimedOut.increment()
        }
        queryDuration.recordNanoseconds(nanoseconds)
    }

    /// The exposition text, with storage gauges refreshed from `databases`.
    func render(databases: [(name: String, database: Database)], cache: QueryResultCache? = nil) -> [UInt8] {
        func d(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "tsdb", metricName: name, unitName: unit, helpText: help)
        }
        for (name, db) in databases {
            let s = StorageStats(db)
            let l = [("db", name)]
            registry.makeGauge(descriptor: d("memtable", "bytes", "Approximate bytes held in memtables (not yet in segments)."), labels: l).set(Double(s.memtableBytes))
            registry.makeGauge(descriptor: d("memtable", "rows", "Rows held in memtables."), labels: l).set(Double(s.memtableRows))
            registry.makeGauge(descriptor: d("tables", "", "Tables in the database."), labels: l).set(Double(s.tables))
            registry.makeGauge(descriptor: d("segments", "", "Live segments on disk."), labels: l).set(Double(s.segments))
            registry.makeGauge(descriptor: d("segment", "bytes", "Bytes of live segments on disk."), labels: l).set(Double(s.segmentBytes))
            registry.makeGauge(descriptor: d("segment", "rows", "Rows in live segments."), labels: l).set(Double(s.segmentRows))
        }
        if let cache {
            let c = cache.stats
            registry.makeGauge(descriptor: d("query_cache", "bytes", "Bytes held by the query result cache.")).set(Double(c.bytes))
            registry.makeGauge(descriptor: d("query_cache_entries", "", "Answers held by the query result cache.")).set(Double(c.entries))
        }
        var out = registry.emitToBuffer()
        RunningTotals.render(databases, into: &out)
        ProcessMetrics.read()?.render(into: &out)
        return out
    }
}

/// What `/metrics` reports of one database's storage.
struct StorageStats: Sendable {
    var tables = 0
    var memtableBytes = 0
    var memtableRows = 0
    var segments = 0
    var segmentBytes = 0
    var segmentRows = 0

    init(_ db: Database) {
        memtableBytes = db.memtableBytes
        memtableRows = db.memtableRows
        let names = db.tableNames()
        tables = names.count
        for t in names {
            for s in db.segments(of: t) {
                segments += 1
                segmentBytes += s.bytes
                segmentRows += s.rows
            }
        }
    }
}
