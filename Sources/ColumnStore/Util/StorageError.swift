#if canImport(Glibc)
import Glibc
#endif

/// Errors of the storage engine. Each names what a person needs to act: the file, the column, the block.
public enum StorageError: Error, CustomStringConvertible, Sendable {
    case io(path: String, op: String, errno: Int32)
    /// Bytes on disk fail a checksum or do not decode.
    case corrupt(path: String, detail: String)
    /// A value's type differs from its column's.
    case typeConflict(table: String, column: String, columnType: ColumnType, offered: ColumnType)
    case invalidName(String)
    case unknownTable(String)
    /// Dedup keys that cannot be used (no `time`, an unknown column, a column twice).
    case invalidDedupKeys(String)
    case locked(path: String)
    case closed
    /// The database was opened read-only (`Database.openReadOnly`): writes and maintenance refuse.
    case readOnly(path: String)
    /// A previous fsync failed: the store refuses writes rather than risk acknowledging lost data.
    case poisoned(String)
    /// The table failed verification on open (`cause` names the file and offset); the other tables serve.
    case tableDamaged(table: String, cause: String)
    /// A write waited `waited` seconds for flushing to make room and gave up; nothing was written.
    /// Retry later (the server answers 503). `lastFlushFailure`: why the last flush failed, if it did.
    case overloaded(waited: Double, unflushedBytes: Int, limit: Int, lastFlushFailure: String?)

    public var description: String {
        switch self {
        case let .io(path, op, e): "\(op) \(path): \(String(cString: strerror(e)))"
        case let .corrupt(path, detail): "corrupt data in \(path): \(detail)"
        case let .typeConflict(t, c, ct, o):
            "type conflict in table '\(t)': column '\(c)' is \(ct), got \(o)"
        case let .invalidName(n): "invalid name '\(n)'"
        case let .unknownTable(t): "unknown table '\(t)'"
        case let .invalidDedupKeys(why): "invalid dedup keys: \(why)"
        case let .locked(p): "database \(p) is in use by another process"
        case .closed: "database is closed"
        case let .readOnly(p): "database \(p) is open read-only in this process"
        case let .poisoned(why): "database stopped accepting writes after an I/O failure: \(why)"
        case let .tableDamaged(t, cause): "table '\(t)' is damaged and refuses reads and writes until repaired: \(cause)"
        case let .overloaded(waited, bytes, limit, failure):
            "no room for the write after waiting \(Int(waited * 1000)) ms: \(bytes) bytes are not yet flushed (limit \(limit))"
                + (failure.map { "; the last flush failed: \($0)" } ?? "; flushing lags behind ingestion")
        }
    }
}
