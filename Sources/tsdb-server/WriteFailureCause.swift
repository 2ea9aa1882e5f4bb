import ColumnStore
import Foundation

/// Why a write failed as a whole: the `cause` label of `tsdb_write_failures_total`, and what `/health`
/// reports. Lines rejected inside a write that succeeded are not failures (`tsdb_ingest_lines_rejected_total`).
enum WriteFailureCause: String, CaseIterable, Sendable {
    /// The disk is full (ENOSPC, or a quota: EDQUOT).
    case diskFull = "disk_full"
    /// Any other I/O error.
    case io
    /// The WAL refuses writes since an fsync failed (until the server restarts).
    case poisoned
    /// Stored data failed a checksum or did not decode.
    case corrupt
    /// Another process holds the database.
    case locked
    /// The database was closed (shutdown).
    case closed
    /// The write waited longer than `--write-stall-timeout` for flushes to catch up.
    case timeout
    /// The request itself was unusable (a bad database name, a value of the wrong type).
    case badInput = "bad_input"
    /// Anything else.
    case other

    /// The cause of `error`.
    init(classifying error: Error) {
        switch error {
        case let e as StorageError:
            switch e {
            case .io(_, _, let errno): self = Self.isDiskFull(errno) ? .diskFull : .io
            case .poisoned: self = .poisoned
            case .corrupt, .tableDamaged: self = .corrupt
            case .overloaded: self = .timeout
            case .locked: self = .locked
            case .closed, .readOnly: self = .closed
            case .invalidName, .typeConflict, .unknownTable, .invalidDedupKeys: self = .badInput
            }
        case let e as POSIXError:
            self = Self.isDiskFull(e.code.rawValue) ? .diskFull : .io
        case let e as NSError where e.domain == NSPOSIXErrorDomain:
            self = Self.isDiskFull(Int32(e.code)) ? .diskFull : .io
        default:
            self = .other
        }
    }

    private static func isDiskFull(_ errno: Int32) -> Bool { errno == ENOSPC || errno == EDQUOT }

    /// True when the store, not the client or a passing overload, is at fault: `/health` fails until a
    /// write to the same database succeeds again.
    var isStorageFault: Bool {
        switch self {
        case .diskFull, .io, .poisoned, .corrupt, .locked, .other: true
        case .closed, .timeout, .badInput: false
        }
    }
}
