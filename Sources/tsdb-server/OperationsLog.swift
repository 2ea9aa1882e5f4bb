import Foundation
import Logging

/// The log lines of requests (`--access-log on`) and of slow queries (`--slow-query-ms`): written whatever
/// `--log-level` is, since each is switched on by its own flag.
struct OperationsLog: Sendable {
    /// One line per HTTP request answered; nil when off.
    var access: Logger?
    /// Queries slower than this are logged with their text (nil: off).
    var slowQueryNanoseconds: Int64?
    var slow: Logger?

    static let off = OperationsLog()

    init() {}

    init(config: ServerConfig) {
        if config.accessLog {
            var l = Logger(label: "tsdb.access")
            l.logLevel = .info
            access = l
        }
        if config.slowQueryMilliseconds > 0 {
            var l = Logger(label: "tsdb.slow-query")
            l.logLevel = .warning
            slow = l
            slowQueryNanoseconds = Int64(config.slowQueryMilliseconds) * 1_000_000
        }
    }

    /// Logs a request: `GET /api/v3/query_sql 200` with method, path (without the query string, which may
    /// hold a token), status, body bytes (before compression), duration and the token's name or "-".
    func request(method: String, path: String, status: Int, bytes: Int, nanoseconds: Int64, token: String?) {
        access?.info("\(method) \(path) \(status)", metadata: [
            "method": .string(method), "path": .string(path), "status": .stringConvertible(status),
            "bytes": .stringConvertible(bytes), "duration_ms": .string(Self.milliseconds(nanoseconds)),
            "token": .string(token ?? "-"),
        ])
    }

    /// Logs a query that took at least `--slow-query-ms`.
    func query(database: String, sql: String, nanoseconds: Int64, outcome: String) {
        guard let limit = slowQueryNanoseconds, nanoseconds >= limit else { return }
        slow?.warning("slow query: \(Self.milliseconds(nanoseconds)) ms", metadata: [
            "db": .string(database), "query": .string(sql), "duration_ms": .string(Self.milliseconds(nanoseconds)),
            "outcome": .string(outcome),
        ])
    }

    static func milliseconds(_ ns: Int64) -> String { String(format: "%.1f", Double(ns) / 1e6) }
}
