import Foundation

/// Group commit's wait for writes on their way: a durable write is *announced* (by a server before it
/// parses the request) until its record is appended to the WAL. A sync about to fdatasync waits while
/// writes are announced — at most about one fdatasync's duration — so one fdatasync acknowledges them too.
///
/// Why: with two connections each waiting for its own ack, the two requests alternate (one parses while
/// the other's fdatasync runs), so without the wait every fdatasync covers one request and the disk's
/// sync latency, not the CPU, sets the pace. Waiting costs the first writer at most what the second
/// would pay for a sync of its own, and nothing when no other write is on its way.
final class CommitGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var announced = 0
    /// The last fdatasync's duration, seconds: how long waiting for another writer is worth.
    private var lastSync = 0.001
    /// Bounds of the wait, seconds (tests widen `maxWait` so a sync waits for them deterministically).
    var minWait = 0.000_5
    var maxWait = 0.020
    /// Test hook: runs when a sync starts waiting for announced writes.
    var onWait: (@Sendable () -> Void)?

    /// A durable write is on its way to the WAL.
    func announce() {
        condition.lock()
        announced += 1
        condition.unlock()
    }

    /// An announced write was appended (or gave up): a waiting sync need not wait for it any more.
    func arrived() {
        condition.lock()
        announced -= 1
        precondition(announced >= 0, "BUG: more writes arrived than were announced")
        if announced == 0 { condition.broadcast() }
        condition.unlock()
    }

    /// Waits while writes are announced, up to the last sync's duration (bounded by `minWait…maxWait`).
    /// Returns whether it waited.
    @discardableResult
    func waitForAnnounced() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard announced > 0 else { return false }
        onWait?()
        let deadline = Date(timeIntervalSinceNow: min(max(lastSync, minWait), maxWait))
        while announced > 0 && condition.wait(until: deadline) {}
        return true
    }

    /// Notes how long an fdatasync took.
    func recordSync(seconds: Double) {
        condition.lock()
        lastSync = seconds
        condition.unlock()
    }
}
