import Foundation
import NIOCore

/// The open connections: enforces `--max-connections` and lets shutdown reach every channel.
///
/// At the limit, a new connection takes the place of the HTTP keep-alive connection that has waited
/// longest for its next request (as nginx reuses idle keep-alive connections): idle clients cannot hold
/// every slot for `--idle-timeout`, and HTTP clients reopen a closed idle connection as a matter of course.
/// Only when none is idle is the new connection refused.
///
/// Line-protocol TCP connections may hold at most `tcpLimit` of the slots (a quarter stays for HTTP): a
/// TCP client that trickles a byte at a time is a legitimate slow writer and has no request to time out,
/// so without a reserve such clients could lock every HTTP client out, `/ping` and `/health` included.
final class ConnectionTracker: @unchecked Sendable {
    let limit: Int
    private let lock = NSLock()
    private var channels: [ObjectIdentifier: Channel] = [:]
    /// HTTP connections between requests (nothing of a next request received), with when they got there.
    private var idleSince: [ObjectIdentifier: UInt64] = [:]
    /// The line-protocol TCP connections among `channels`.
    private var tcp: Set<ObjectIdentifier> = []

    init(limit: Int) { self.limit = limit }

    /// TCP connections allowed at once: `limit` less a quarter of it (at least one slot) kept for HTTP.
    var tcpLimit: Int { limit < 2 ? limit : limit - max(1, limit / 4) }

    /// What became of a new connection.
    enum Admission { case admitted, admittedInPlaceOfIdle, refused }

    /// Registers a new connection, closing the longest-idle keep-alive connection to make room when
    /// `limit` are open; `.refused` when none is idle.
    func admit(_ channel: Channel, tcp isTCP: Bool = false) -> Admission {
        let (admission, victim): (Admission, Channel?) = lock.withLock {
            if isTCP {
                guard tcp.count < tcpLimit, channels.count < limit else { return (.refused, nil) }
                channels[ObjectIdentifier(channel)] = channel
                tcp.insert(ObjectIdentifier(channel))
                return (.admitted, nil)
            }
            if channels.count < limit {
                channels[ObjectIdentifier(channel)] = channel
                return (.admitted, nil)
            }
            guard let oldest = idleSince.min(by: { $0.value < $1.value })?.key, let v = channels.removeValue(forKey: oldest) else {
                return (.refused, nil)
            }
            idleSince.removeValue(forKey: oldest)
            channels[ObjectIdentifier(channel)] = channel
            return (.admittedInPlaceOfIdle, v)
        }
        victim?.close(promise: nil)
        return admission
    }

    func remove(_ channel: Channel) {
        lock.withLock {
            channels.removeValue(forKey: ObjectIdentifier(channel))
            idleSince.removeValue(forKey: ObjectIdentifier(channel))
            tcp.remove(ObjectIdentifier(channel))
        }
    }

    /// Marks an HTTP connection as waiting for its next request (`idle`), or as busy with one.
    func setIdle(_ channel: Channel, _ idle: Bool) {
        let id = ObjectIdentifier(channel)
        lock.withLock {
            guard channels[id] != nil else { return }
            if idle { idleSince[id] = DispatchTime.now().uptimeNanoseconds } else { idleSince.removeValue(forKey: id) }
        }
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
