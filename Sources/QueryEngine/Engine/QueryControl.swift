import Foundation

/// What a caller can do to a running query: cancel it (from any thread), and cap the rows it may return.
///
/// The scan checks it between row groups (64K rows at most) and between merged partitions, so a
/// cancelled query stops within milliseconds and frees its threads, instead of running to the end
/// with nobody waiting for it.
public final class QueryControl: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: String?
    /// Results with more rows than this fail with an error instead of being built (nil: no cap).
    public let maxRows: Int?

    public init(maxRows: Int? = nil) {
        self.maxRows = maxRows
    }

    /// Stops the query at its next check; it then fails with `reason`.
    public func cancel(_ reason: String) {
        lock.withLock { if self.reason == nil { self.reason = reason } }
    }

    public var isCancelled: Bool { lock.withLock { reason != nil } }

    private var scanned = 0

    /// Rows the scan has read so far (for a progress display; read it from any thread).
    public var rowsScanned: Int { lock.withLock { scanned } }

    /// Counts `n` more rows read by the scan.
    func didScan(_ n: Int) {
        lock.withLock { scanned += n }
    }

    /// Throws the cancellation as a `QueryError` when the query was cancelled.
    func check() throws {
        if let r = lock.withLock({ reason }) { throw QueryError(r) }
    }

    /// The error for a result that outgrew `maxRows`.
    func tooManyRows(_ rows: Int, exact: Bool) -> QueryError {
        QueryError("the result has \(exact ? "" : "more than ")\(rows) rows, more than the limit of \(maxRows ?? 0) "
                   + "(--max-result-rows); add a LIMIT or aggregate")
    }
}
