import Foundation
import NIOCore

/// The open connections: enforces `--max-connections` and lets shutdown reach every channel.
final class ConnectionTracker: @unchecked Sendable {
    let limit: Int
    private let lock = NSLock()
    private var channels: [ObjectIdentifier: Channel] = [:]

    init(limit: Int) { self.limit = limit }

    /// Registers a new connection; false (refuse it) when `limit` are already open.
    func admit(_ channel: Channel) -> Bool {
        lock.withLock {
            guard channels.count < limit else { return false }
            channels[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    func remove(_ channel: Channel) {
        _ = lock.withLock { channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    var count: Int { lock.withLock { channels.count } }

    private var refusing = 0

    /// Counts a connection answered 503 for being over the limit; false when `limit` such answers are
    /// already under way (then the connection is just closed, so refusals cannot pile up either).
    func beginRefusal() -> Bool {
        lock.withLock {
            guard refusing < limit else { return false }
            refusing += 1
            return true
        }
    }

    func endRefusal() { lock.withLock { refusing -= 1 } }

    /// The connections open now.
    func all() -> [Channel] { lock.withLock { Array(channels.values) } }
}
