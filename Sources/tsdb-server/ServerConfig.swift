import ColumnStore

/// Everything a running server needs to know; `ServerCommand` fills it from flags, tests build it directly.
struct ServerConfig: Sendable {
    /// Root directory: one subdirectory per database.
    var dataDirectory: String
    /// HTTP listener (nil: off). Port 0 picks a free port (tests).
    var http: HostPort? = HostPort(host: "127.0.0.1", port: 8086)
    /// Line-protocol TCP listener (nil: off).
    var tcp: HostPort? = HostPort(host: "127.0.0.1", port: 9009)
    /// PostgreSQL wire-protocol listener (nil: off).
    var pg: HostPort? = HostPort(host: "127.0.0.1", port: 8812)
    /// Full-rights API tokens (`--token`); with no `tokenFile` either, authentication is off.
    var tokens: Set<String> = []
    /// Scoped tokens (`--token-file`, `TokenFile`), reread on SIGHUP.
    var tokenFile: String?
    /// Default rate limits per client (a token, or an address when anonymous); a token file's
    /// `requests-per-second`/`lines-per-second` replace them for its token.
    var rateLimits = RateLimits()
    /// Page origins allowed to call the API from a browser (`--cors-origin`); empty: no CORS headers.
    var corsOrigins: Set<String> = []
    /// PEM certificate chain and private key (`--tls-cert`, `--tls-key`): both or neither.
    var tlsCertificate: String?
    var tlsKey: String?
    /// HTTPS listener, bound when TLS is configured (nil: off).
    var https: HostPort? = HostPort(host: "127.0.0.1", port: 8443)
    /// PostgreSQL clients must switch to TLS (SSLRequest) before startup (`--pg-require-tls`).
    var pgRequireTLS = false
    var durability: Durability = .batch
    /// Database for `/write` without `db=` (QuestDB's clients send none) and for TCP; "" requires `db=`.
    var defaultDatabase = "default"
    /// Largest request body, after decompression.
    var maxBodyBytes = 32 << 20
    /// Request bodies held by the server at once (received, not yet written); past it writes get 503.
    var maxInflightBytes = 256 << 20
    /// Open connections, HTTP and TCP together; more are closed on accept.
    var maxConnections = 256
    /// A connection with nothing to read for this long is closed (seconds).
    var idleTimeout: Double = 120
    /// A request whose head and body do not arrive within this long is answered 408 and closed (seconds).
    var requestTimeout: Double = 300
    /// A request head (request line and headers) must arrive within this long of its first byte, else 408
    /// and close (seconds; 0: no limit).
    var headerTimeout: Double = 10
    /// A request body must average at least this many bytes per second once `bodyRateGrace` passed, else
    /// 408 and close (0: no limit).
    var minBodyRate = 1024
    /// Seconds a body may take before `minBodyRate` is checked.
    var bodyRateGrace: Double = 10
    /// A query still running after this long is answered 504 (seconds).
    var queryTimeout: Double = 60
    /// A query result of more rows than this is refused (400) instead of sent.
    var maxResultRows = 10_000_000
    /// Seconds the result cache serves an answer (`--query-cache-ttl`); 0: no cache.
    var queryCacheTTL: Double = 0
    /// Bytes the result cache may hold (`--query-cache-size`).
    var queryCacheBytes = 256 << 20
    /// Bytes one query may hold (`QueryControl`'s memory budget); a query needing more fails (400).
    var queryMemory = 4 << 30
    /// Threads that parse and write ingested data (they block on fsync).
    var writeThreads = 4
    /// Queries run at once; each uses `queryThreads` cores.
    var queryConcurrency = 2
    /// Cores one query may use.
    var queryThreads = 2
    /// Raw queries a materialized view answers exactly are answered from it (`--view-rewrite`); a session's
    /// `view_rewrite` setting overrides it.
    var viewRewrite = true
    /// NIO event-loop threads (network I/O only).
    var eventLoopThreads = 1
    /// Memtable size at which it is flushed to segments.
    var memtableBytes = 64 << 20
    /// Flushes that may lag before writers wait (backpressure).
    var maxPendingFlushes = 2
    /// Seconds after a DELETE by which its rows are purged from the files (`--purge-after`).
    var purgeAfter: Double = 3600
    /// Writers wait while a database holds more than this in memtables (flushes lag behind ingestion);
    /// 0 means three memtables' worth.
    var maxUnflushedBytes = 0
    /// An HTTP write that waited this long for room is answered 503 (seconds).
    var writeStallTimeout: Double = 10

    /// `maxUnflushedBytes` with its default applied.
    var unflushedLimit: Int { maxUnflushedBytes > 0 ? maxUnflushedBytes : 3 * memtableBytes }
    /// Bytes a TCP connection buffers before it stops reading until the writer catches up.
    var tcpBufferBytes = 4 << 20
    /// TCP rows are committed once this many are parsed…
    var tcpBatchRows = 10_000
    /// …or this long after the first uncommitted row (seconds).
    var tcpLinger: Double = 0.1
    /// Longest line accepted.
    var maxLineLength = 1 << 20
    /// On SIGTERM, how long in-flight requests may take before connections are closed anyway (seconds).
    var shutdownTimeout: Double = 30
    /// One log line per HTTP request (`--access-log on`).
    var accessLog = false
    /// Queries taking at least this long are logged with their text (milliseconds; 0: off).
    var slowQueryMilliseconds = 0
    /// The `/dashboard` panels (a checked JSON document, `--dashboards`); nil: the built-in ones.
    var dashboards: String?

    init(dataDirectory: String) { self.dataDirectory = dataDirectory }

    /// The storage options these settings imply.
    var databaseOptions: DatabaseOptions {
        var o = DatabaseOptions()
        o.durability = durability
        o.memtableMaxBytes = memtableBytes
        o.maxPendingFlushes = maxPendingFlushes
        o.purgeAfter = purgeAfter
        o.maxUnflushedBytes = unflushedLimit
        return o
    }
}

/// A listen address: `HOST:PORT`, `:PORT` (all interfaces), `PORT` (127.0.0.1), or `[V6]:PORT`.
struct HostPort: Sendable, Equatable, CustomStringConvertible {
    var host: String
    var port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses an address; nil when malformed.
    init?(parsing s: String) {
        var host = "127.0.0.1"
        var portText = Substring(s)
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else { return nil }
            host = String(s[s.index(after: s.startIndex)..<close])
            let rest = s[s.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else if let colon = s.lastIndex(of: ":") {
            let h = s[..<colon]
            host = h.isEmpty ? "0.0.0.0" : String(h)
            portText = s[s.index(after: colon)...]
        }
        guard let p = Int(portText), (0...65535).contains(p), !host.isEmpty else { return nil }
        self.host = host
        self.port = p
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
