import NIOConcurrencyHelpers

/// The PostgreSQL sessions open now, by the key (process id, secret) each was given in BackendKeyData:
/// a CancelRequest arrives on a new connection and finds the session to cancel here.
final class PGSessionRegistry: Sendable {
    private struct Entry {
        var secret: Int32
        var cancel: @Sendable () -> Void
    }

    private let state = NIOLockedValueBox<(next: Int32, sessions: [Int32: Entry])>((next: 1000, sessions: [:]))

    /// Registers a session; returns its process id and secret key.
    func register(cancel: @escaping @Sendable () -> Void) -> (processID: Int32, secretKey: Int32) {
        let secret = Int32.random(in: Int32.min...Int32.max)
        let pid = state.withLockedValue { s -> Int32 in
            repeat { s.next = s.next == Int32.max ? 1000 : s.next + 1 } while s.sessions[s.next] != nil
            s.sessions[s.next] = Entry(secret: secret, cancel: cancel)
            return s.next
        }
        return (pid, secret)
    }

    func remove(_ processID: Int32) {
        _ = state.withLockedValue { $0.sessions.removeValue(forKey: processID) }
    }

    /// Cancels the running query of a session when the key matches; false (and nothing done) when not,
    /// as PostgreSQL does, so a guessed key learns nothing.
    @discardableResult
    func cancel(processID: Int32, secretKey: Int32) -> Bool {
        let entry = state.withLockedValue { $0.sessions[processID] }
        guard let entry, entry.secret == secretKey else { return false }
        entry.cancel()
        return true
    }

    var count: Int { state.withLockedValue { $0.sessions.count } }
}
