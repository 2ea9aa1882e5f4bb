import ArgumentParser
import ColumnStore
import Foundation
import Logging
import Metrics
import Prometheus

/// `tsdb-server`: the command line, mapped onto `ServerConfig`.
@main
struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsdb-server",
        abstract: "Serve tsdb databases: line protocol over TCP and HTTP (InfluxDB 1/2/3 write APIs), SQL over HTTP and the PostgreSQL wire protocol, health and Prometheus metrics.",
        discussion: "Each database is a directory under --data, created on first write. See docs/http-api.md and docs/operations.md.",
        version: HealthRoutes.version
    )

    @Option(name: .long, help: ArgumentHelp("Read settings from this TOML file: keys are the long flag names (max-connections = 512). TSDB_* environment variables (TSDB_MAX_CONNECTIONS) override it, flags override both.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Data directory: one subdirectory per database.", valueName: "dir"))
    var data: String

    @Option(name: .long, help: ArgumentHelp("HTTP listen address, or 'off'.", valueName: "host:port"))
    var http = "127.0.0.1:8086"

    @Option(name: .long, help: ArgumentHelp("Line-protocol TCP listen address, or 'off'. TCP has no authentication.", valueName: "host:port"))
    var tcp = "127.0.0.1:9009"

    @Option(name: .long, help: ArgumentHelp("PostgreSQL wire-protocol listen address (psql, JDBC, Grafana…), or 'off'. The password is an API token.", valueName: "host:port"))
    var pg = "127.0.0.1:8812"

    @Option(name: .long, help: ArgumentHelp("HTTPS listen address, served when --tls-cert and --tls-key are given, or 'off'.", valueName: "host:port"))
    var https = "127.0.0.1:8443"

    @Option(name: .long, help: ArgumentHelp("TLS on the PostgreSQL port when --tls-cert is given: 'optional' (clients choose with sslmode) or 'require' (plain connections are refused).", valueName: "mode"))
    var pgTls = "optional"

    @Option(name: .long, help: ArgumentHelp("PEM certificate chain (leaf first) for HTTPS and TLS on the PostgreSQL port.", valueName: "path"))
    var tlsCert: String?

    @Option(name: .long, help: ArgumentHelp("PEM private key of --tls-cert.", valueName: "path"))
    var tlsKey: String?

    @Option(name: .long, help: ArgumentHelp("Accept this API token with all rights (repeatable). With no token and no --token-file, authentication is off.", valueName: "token"))
    var token: [String] = []

    @Option(name: .long, help: ArgumentHelp("Scoped tokens as SHA-256 hashes with their rights and limits (docs/security.md); reread on SIGHUP.", valueName: "path"))
    var tokenFile: String?

    @Option(name: .long, help: ArgumentHelp("Requests per second per token (per client address without auth) on the write and query routes; 0: no limit. Beyond it: 429 + Retry-After.", valueName: "n"))
    var requestsPerSecond = 0.0

    @Option(name: .long, help: ArgumentHelp("Lines per second per token (per client address without auth) on the write routes; 0: no limit. Beyond it: 429 + Retry-After.", valueName: "n"))
    var linesPerSecond = 0.0

    @Option(name: .long, help: ArgumentHelp("Let pages from this origin call the API from a browser (repeatable; '*' for any). None: no CORS headers.", valueName: "origin"))
    var corsOrigin: [String] = []

    @Option(name: .long, help: ArgumentHelp("When writes are acknowledged: batch (fsync per write, group commit), interval[:ms] (fsync every ms, default 100), none (never fsync).", valueName: "mode"))
    var durability = "batch"

    @Option(name: .long, help: ArgumentHelp("Database for TCP and for /write without db= (QuestDB clients); '' to require db=.", valueName: "name"))
    var defaultDb = "default"

    @Option(name: .long, help: ArgumentHelp("Largest request body after decompression (e.g. 32M).", valueName: "bytes"))
    var maxBodySize = ByteSize(32 << 20)

    @Option(name: .long, help: ArgumentHelp("Request bytes held at once across connections; past it writes get 503 + Retry-After.", valueName: "bytes"))
    var maxInflightBytes = ByteSize(256 << 20)

    @Option(name: .long, help: ArgumentHelp("Open connections (HTTP and TCP together); more are closed on accept.", valueName: "n"))
    var maxConnections = 256

    @Option(name: .long, help: ArgumentHelp("Close connections idle this long (seconds).", valueName: "s"))
    var idleTimeout = 120.0

    @Option(name: .long, help: ArgumentHelp("A request must arrive whole within this long (seconds), else 408.", valueName: "s"))
    var requestTimeout = 300.0

    @Option(name: .long, help: ArgumentHelp("A request head must arrive within this long of its first byte (seconds; 0: no limit), else 408.", valueName: "s"))
    var headerTimeout = 10.0

    @Option(name: .long, help: ArgumentHelp("A request body must average this many bytes/s after --body-rate-grace (0: no limit), else 408.", valueName: "bytes"))
    var minBodyRate = ByteSize(1024)

    @Option(name: .long, help: ArgumentHelp("Seconds a request body may take before --min-body-rate applies.", valueName: "s"))
    var bodyRateGrace = 10.0

    @Option(name: .long, help: ArgumentHelp("Answer 504 to, and cancel, queries running longer (seconds).", valueName: "s"))
    var queryTimeout = 60.0

    @Option(name: .long, help: ArgumentHelp("Refuse query results of more rows (400).", valueName: "n"))
    var maxResultRows = 10_000_000

    @Option(name: .long, help: ArgumentHelp("Serve identical read-only SQL queries (same text, database and token scope) from memory for this long: 30s, 500ms, 2m; 0 or off: no cache. Cache-Control: no-cache bypasses it.", valueName: "duration"))
    var queryCacheTtl = Seconds(0)

    @Option(name: .long, help: ArgumentHelp("Memory the query result cache may hold (e.g. 256MB).", valueName: "bytes"))
    var queryCacheSize = ByteSize(256 << 20)

    @Option(name: .long, help: ArgumentHelp("Memory one query may hold; a query needing more fails (400).", valueName: "bytes"))
    var queryMemory = ByteSize(4 << 30)

    @Option(name: .long, help: ArgumentHelp("Flush the memtable to segments at this size.", valueName: "bytes"))
    var memtableSize = ByteSize(64 << 20)

    @Option(name: .long, help: ArgumentHelp("Memtables waiting to be flushed before writers wait (backpressure).", valueName: "n"))
    var maxPendingFlushes = 2

    @Option(name: .long, help: ArgumentHelp("Purge deleted rows from the files (as VACUUM does) within this many seconds of a DELETE.", valueName: "s"))
    var purgeAfter = 3600.0

    @Option(name: .long, help: ArgumentHelp("Writers wait while a database holds more than this in memtables (default: 3 × --memtable-size).", valueName: "bytes"))
    var maxUnflushedBytes: ByteSize?

    @Option(name: .long, help: ArgumentHelp("An HTTP write that waited this long for flushes is answered 503 (seconds).", valueName: "s"))
    var writeStallTimeout = 10.0

    @Option(name: .long, help: ArgumentHelp("Threads that parse and write (they wait on fsync).", valueName: "n"))
    var writeThreads = 4

    @Option(name: .long, help: ArgumentHelp("Queries run at once.", valueName: "n"))
    var queryConcurrency = 2

    @Option(name: .long, help: ArgumentHelp("Cores one query may use (default: all).", valueName: "n"))
    var queryThreads: Int?

    @Option(name: .long, help: ArgumentHelp("Network I/O threads.", valueName: "n"))
    var eventLoopThreads = 1

    @Option(name: .long, help: ArgumentHelp("Bytes a TCP connection buffers before it stops reading.", valueName: "bytes"))
    var tcpBufferSize = ByteSize(4 << 20)

    @Option(name: .long, help: ArgumentHelp("Commit TCP rows once this many are parsed…", valueName: "n"))
    var tcpBatchRows = 10_000

    @Option(name: .long, help: ArgumentHelp("…or this long after the first uncommitted row (milliseconds).", valueName: "ms"))
    var tcpLingerMs = 100

    @Option(name: .long, help: ArgumentHelp("Longest accepted line.", valueName: "bytes"))
    var maxLineLength = ByteSize(1 << 20)

    @Option(name: .long, help: ArgumentHelp("On SIGTERM/SIGINT, wait this long for in-flight requests (seconds).", valueName: "s"))
    var shutdownTimeout = 30.0

    @Option(name: .long, help: ArgumentHelp("JSON file of the /dashboard panels (docs/console.md); default: built-in play-event panels.", valueName: "path"))
    var dashboards: String?

    @Option(name: .long, help: ArgumentHelp("Answer raw aggregate queries from a materialized view that answers them exactly: on or off (a session's SET view_rewrite overrides it).", valueName: "on|off"))
    var viewRewrite = "on"

    @Option(name: .long, help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel = "info"

    @Option(name: .long, help: ArgumentHelp("Log lines on standard error: text, or json (one object per line: time, level, logger, message, metadata).", valueName: "format"))
    var logFormat = "text"

    @Option(name: .long, help: ArgumentHelp("Log every HTTP request (method, path, status, bytes, duration, token name): on or off. Not affected by --log-level.", valueName: "on|off"))
    var accessLog = "off"

    @Option(name: .long, help: ArgumentHelp("Log queries taking at least this long, with their text (milliseconds; 0: off). Not affected by --log-level.", valueName: "ms"))
    var slowQueryMs = 0

    /// Parses the settings of the file, the environment and the command line (`ConfigSources`), then runs.
    static func main() {
        do {
            let arguments = try ConfigSources.arguments(commandLine: Array(CommandLine.arguments.dropFirst()),
                                                        environment: ProcessInfo.processInfo.environment,
                                                        options: ConfigSources.options(of: ServerCommand.self))
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let e as ConfigSources.Failure {
            exit(withError: ValidationError(e.description))
        } catch {
            exit(withError: error)
        }
    }

    func validate() throws {
        guard Durability(parsing: durability) != nil else {
            throw ValidationError("--durability must be batch, interval, interval:<ms> or none, not '\(durability)'")
        }
        guard http == "off" || HostPort(parsing: http) != nil else { throw ValidationError("--http: bad address '\(http)'") }
        guard https == "off" || HostPort(parsing: https) != nil else { throw ValidationError("--https: bad address '\(https)'") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard ["optional", "require"].contains(pgTls) else { throw ValidationError("--pg-tls must be optional or require, not '\(pgTls)'") }
        guard pgTls == "optional" || tlsCert != nil else { throw ValidationError("--pg-tls require needs --tls-cert and --tls-key") }
        guard requestsPerSecond >= 0, linesPerSecond >= 0 else { throw ValidationError("--requests-per-second and --lines-per-second must not be negative") }
        guard http != "off" || (https != "off" && tlsCert != nil) || tcp != "off" || pg != "off" else {
            throw ValidationError("--http off leaves nothing to serve: give --https with --tls-cert and --tls-key, or --tcp")
        }
        guard tcp == "off" || HostPort(parsing: tcp) != nil else { throw ValidationError("--tcp: bad address '\(tcp)'") }
        guard pg == "off" || HostPort(parsing: pg) != nil else { throw ValidationError("--pg: bad address '\(pg)'") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level: unknown level '\(logLevel)'") }
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format must be text or json, not '\(logFormat)'") }
        guard Self.onOff(viewRewrite) != nil else { throw ValidationError("--view-rewrite must be on or off, not '\(viewRewrite)'") }
        guard Self.onOff(accessLog) != nil else { throw ValidationError("--access-log must be on or off, not '\(accessLog)'") }
        guard slowQueryMs >= 0 else { throw ValidationError("--slow-query-ms must not be negative") }
        guard maxConnections > 0, writeThreads > 0, queryConcurrency > 0, eventLoopThreads > 0, maxPendingFlushes > 0,
              tcpBatchRows > 0, tcpLingerMs >= 0 else {
            throw ValidationError("counts must be positive")
        }
        guard headerTimeout >= 0, bodyRateGrace >= 0 else { throw ValidationError("--header-timeout and --body-rate-grace must not be negative") }
    }

    /// The settings these flags describe.
    func makeConfig() throws -> ServerConfig {
        var c = ServerConfig(dataDirectory: data)
        c.http = http == "off" ? nil : HostPort(parsing: http)
        c.tcp = tcp == "off" ? nil : HostPort(parsing: tcp)
        c.pg = pg == "off" ? nil : HostPort(parsing: pg)
        c.https = https == "off" ? nil : HostPort(parsing: https)
        c.tlsCertificate = tlsCert
        c.tlsKey = tlsKey
        c.pgRequireTLS = pgTls == "require"
        c.tokens = Set(token)
        c.tokenFile = tokenFile
        c.rateLimits = RateLimits(requestsPerSecond: requestsPerSecond, linesPerSecond: linesPerSecond)
        c.corsOrigins = Set(corsOrigin)
        c.durability = Durability(parsing: durability)!
        c.defaultDatabase = defaultDb
        c.maxBodyBytes = maxBodySize.bytes
        c.maxInflightBytes = max(maxInflightBytes.bytes, maxBodySize.bytes)
        c.maxConnections = maxConnections
        c.idleTimeout = idleTimeout
        c.requestTimeout = requestTimeout
        c.queryTimeout = queryTimeout
        c.headerTimeout = headerTimeout
        c.minBodyRate = minBodyRate.bytes
        c.bodyRateGrace = bodyRateGrace
        c.maxResultRows = maxResultRows
        c.queryCacheTTL = queryCacheTtl.seconds
        c.queryCacheBytes = queryCacheSize.bytes
        c.queryMemory = max(1, queryMemory.bytes)
        c.memtableBytes = memtableSize.bytes
        c.maxPendingFlushes = maxPendingFlushes
        c.purgeAfter = max(0, purgeAfter)
        c.maxUnflushedBytes = maxUnflushedBytes?.bytes ?? 0
        c.writeStallTimeout = writeStallTimeout
        c.writeThreads = writeThreads
        c.queryConcurrency = queryConcurrency
        c.queryThreads = queryThreads ?? ProcessInfo.processInfo.activeProcessorCount
        c.viewRewrite = Self.onOff(viewRewrite) ?? true
        c.eventLoopThreads = eventLoopThreads
        c.tcpBufferBytes = tcpBufferSize.bytes
        c.tcpBatchRows = tcpBatchRows
        c.tcpLinger = Double(tcpLingerMs) / 1000
        c.maxLineLength = maxLineLength.bytes
        c.shutdownTimeout = shutdownTimeout
        c.accessLog = Self.onOff(accessLog) ?? false
        c.slowQueryMilliseconds = slowQueryMs
        if let f = dashboards {
            do { c.dashboards = try ConsoleDashboards.load(path: f) } catch { throw ValidationError("--dashboards: \(error)") }
        }
        return c
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        if logFormat == "json" {
            LoggingSystem.bootstrap { label in
                var h = JSONLogHandler(label: label)
                h.logLevel = level
                return h
            }
        } else {
            LoggingSystem.bootstrap { label in
                var h = StreamLogHandler.standardError(label: label)
                h.logLevel = level
                return h
            }
        }
        let logger = Logger(label: "tsdb.server")
        let config = try makeConfig()
        let server = try TSDBServer(config: config, logger: logger)
        // Metrics recorded through swift-metrics by any library land in the same /metrics output.
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: server.context.metrics.registry))
        let signals = SignalWaiter()
        // SIGHUP rereads the token file (its default action would end the process).
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler { _ = server.context.auth.reload(logger: logger) }
        hangup.resume()
        try server.start()
        var parts: [String] = []
        if let p = server.httpPort, let a = config.http { parts.append("http=\(a.host):\(p)") }
        if let p = server.httpsPort, let a = config.https { parts.append("https=\(a.host):\(p)") }
        if let p = server.tcpPort, let a = config.tcp { parts.append("tcp=\(a.host):\(p)") }
        if let p = server.pgPort, let a = config.pg { parts.append("pg=\(a.host):\(p)") }
        // One line on stdout that scripts (and the tests) read to find the ports.
        let line = "tsdb-server listening " + parts.joined(separator: " ") + " data=\(config.dataDirectory) durability=\(durability)\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        let sig = signals.wait()
        hangup.cancel()
        logger.info("signal \(sig): shutting down")
        try server.shutdown()
        logger.info("stopped")
    }
}

extension ServerCommand {
    /// `on`/`off` (also `true`/`false`, `yes`/`no`, `1`/`0`); nil for anything else.
    static func onOff(_ s: String) -> Bool? {
        switch s.lowercased() {
        case "on", "true", "yes", "1": true
        case "off", "false", "no", "0": false
        default: nil
        }
    }
}

/// A duration with an optional unit: `500ms`, `30s`, `2m`, `1h`; a bare number is seconds; `off` is 0.
struct Seconds: ExpressibleByArgument, Sendable, CustomStringConvertible {
    var seconds: Double

    init(_ seconds: Double) { self.seconds = seconds }

    init?(argument: String) {
        let s = argument.lowercased().trimmingCharacters(in: .whitespaces)
        if s == "off" { seconds = 0; return }
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(s)
        var scale = 1.0
        for (suffix, factor) in units where s.hasSuffix(suffix) {
            number = s.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let n = Double(number), n >= 0, n.isFinite else { return nil }
        seconds = n * scale
    }

    var description: String { seconds == 0 ? "off" : "\(seconds)s" }

    var defaultValueDescription: String { description }
}

/// A byte count with an optional K/M/G suffix (powers of 1024): `32M`, `1G`, `65536`.
struct ByteSize: ExpressibleByArgument, Sendable, CustomStringConvertible {
    var bytes: Int

    init(_ bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        var s = argument.uppercased()
        if s.hasSuffix("IB") { s.removeLast(2) } else if s.hasSuffix("B") { s.removeLast() }
        var scale = 1
        switch s.last {
        case "K": scale = 1 << 10
        case "M": scale = 1 << 20
        case "G": scale = 1 << 30
        default: break
        }
        if scale > 1 { s.removeLast() }
        guard let n = Int(s), n >= 0 else { return nil }
        let (v, overflow) = n.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        bytes = v
    }

    var description: String {
        if bytes > 0 && bytes % (1 << 30) == 0 { return "\(bytes >> 30)G" }
        if bytes > 0 && bytes % (1 << 20) == 0 { return "\(bytes >> 20)M" }
        if bytes > 0 && bytes % (1 << 10) == 0 { return "\(bytes >> 10)K" }
        return "\(bytes)"
    }

    var defaultValueDescription: String { description }
}
