import Foundation

/// Bytes of request bodies the server holds at once, across connections: past the limit new writes are
/// answered 503 with `Retry-After` instead of growing memory without bound.
final class IngestBudget: @unchecked Sendable {
    let limit: Int
    private let lock = NSLock()
    private var used = 0

    init(limit: Int) { self.limit = limit }

    /// Takes `bytes` if they fit.
    func reserve(_ bytes: Int) -> Bool {
        lock.withLock {
            guard used + bytes <= limit else { return false }
            used += bytes
            return true
        }
    }

    func release(_ bytes: Int) {
        lock.withLock {
            used -= bytes
            precondition(used >= 0, "BUG: ingest budget released more than it reserved")
        }
    }

    var inUse: Int { lock.withLock { used } }
}
