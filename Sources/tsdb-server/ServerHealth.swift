import Foundation
import Synchronization

/// What `/health` knows beyond "the process answers": databases that failed to open, and databases whose
/// last write failed for a storage reason (disk full, I/O error, WAL poisoned after a failed fsync).
///
/// A failed open is reported until an open of that database succeeds; a failed write until a write to
/// that database succeeds (a poisoned WAL refuses every write, so it stays failed until a restart).
final class ServerHealth: Sendable {
    /// One entry of `/health`'s `checks`.
    struct Check: Sendable, Equatable {
        var name: String
        var message: String
    }

    private struct State {
        var openFailures: [String: String] = [:]
        var writeFailures: [String: (cause: WriteFailureCause, message: String)] = [:]
    }

    private let state = Mutex(State())

    func databaseOpenFailed(_ name: String, _ error: Error) {
        state.withLock { $0.openFailures[name] = "cannot open: \(error)" }
    }

    func databaseOpened(_ name: String) {
        _ = state.withLock { $0.openFailures.removeValue(forKey: name) }
    }

    /// Records a write to `database` that failed with `cause` (only storage faults make health fail).
    func writeFailed(_ database: String, _ cause: WriteFailureCause, _ error: Error) {
        guard cause.isStorageFault else { return }
        state.withLock { $0.writeFailures[database] = (cause, "last write failed (\(cause.rawValue)): \(error)") }
    }

    func writeSucceeded(_ database: String) {
        state.withLock { s in
            if !s.writeFailures.isEmpty { s.writeFailures.removeValue(forKey: database) }
        }
    }

    /// The failing checks, by database name.
    func failingChecks() -> [Check] {
        state.withLock { s in
            let names = Set(s.openFailures.keys).union(s.writeFailures.keys).sorted()
            return names.flatMap { name -> [Check] in
                var out: [Check] = []
                if let m = s.openFailures[name] { out.append(Check(name: "database \(name)", message: m)) }
                if let w = s.writeFailures[name] { out.append(Check(name: "database \(name)", message: w.message)) }
                return out
            }
        }
    }
}
