import Foundation

/// What changed in a table: the UTC days whose rows a write, flush, delete, upsert, retention drop or
/// table drop touched. Storage knows no SQL; listeners (the query engine's materialized views) decide
/// what a change means to them.
public struct TableChange: Sendable, Equatable {
    /// Why the days changed.
    public enum Kind: Sendable, Equatable {
        /// Rows entered the WAL and memtable (replayed from the WAL after a crash, so nothing to persist).
        case write
        /// Memtable rows are about to become segments and leave the WAL (dedup upserts replace older rows here).
        case flush
        /// Rows are about to be deleted (DELETE, TRUNCATE, dedup applied to existing segments).
        case delete
        /// Whole day partitions are about to expire under the table's retention.
        case expire
        /// The table is about to be dropped.
        case drop
    }

    public var table: String
    /// First and last UTC day (days since 1970-01-01) touched.
    public var days: ClosedRange<Int32>
    public var kind: Kind
    /// For `.write`: the rows as written (a listener may fold them in instead of reading the days back).
    public var rows: WriteBatch?
    /// For `.write`: the table has dedup keys, so these rows may replace older ones (at a flush or in a
    /// snapshot) rather than only add to them.
    public var replacing: Bool

    public init(table: String, days: ClosedRange<Int32>, kind: Kind, rows: WriteBatch? = nil, replacing: Bool = false) {
        self.table = table
        self.days = days
        self.kind = kind
        self.rows = rows
        self.replacing = replacing
    }

    public static func == (a: TableChange, b: TableChange) -> Bool {
        a.table == b.table && a.days == b.days && a.kind == b.kind && a.replacing == b.replacing && (a.rows == nil) == (b.rows == nil)
    }
}

/// Called synchronously with each change. For every kind but `.write` it runs before the change is
/// published, so a listener that records the change durably (and throws when it cannot) never misses
/// one across a crash; a throw aborts the change. `.write` runs under the store's state lock: the
/// listener must not call back into the database.
public typealias TableChangeListener = @Sendable (TableChange) throws -> Void

/// Listeners and per-database attachments (objects other modules keep beside a database).
final class DatabaseListeners: @unchecked Sendable {
    let lock = NSLock()
    var listeners: [Int: TableChangeListener] = [:]
    var nextID = 0
    /// Separate from `lock`: making an attachment may register a listener.
    let attachmentLock = NSLock()
    var attachments: [String: AnyObject] = [:]
}

extension Database {
    /// Registers `listener` for every later change; returns an id for `removeChangeListener`.
    @discardableResult
    public func addChangeListener(_ listener: @escaping TableChangeListener) -> Int {
        changeListeners.lock.withLock {
            changeListeners.nextID += 1
            changeListeners.listeners[changeListeners.nextID] = listener
            return changeListeners.nextID
        }
    }

    public func removeChangeListener(_ id: Int) {
        _ = changeListeners.lock.withLock { changeListeners.listeners.removeValue(forKey: id) }
    }

    /// The object stored under `key` for this database, made by `make` on first use: one per open database,
    /// whoever asks (a query engine's catalog of views, shared by every engine on the database).
    public func attachment<T: AnyObject>(_ key: String, make: () throws -> T) rethrows -> T {
        try changeListeners.attachmentLock.withLock {
            if let a = changeListeners.attachments[key] as? T { return a }
            let a = try make()
            changeListeners.attachments[key] = a
            return a
        }
    }

    /// Tells every listener; the first throw stops and propagates.
    func notifyChange(_ change: TableChange) throws {
        let ls = changeListeners.lock.withLock { Array(changeListeners.listeners.values) }
        for l in ls { try l(change) }
    }

    /// False once the database is closing: background work of attachments stops then.
    public var isOpen: Bool { state.withLock { !isClosed && !stopBackground } }

    /// Throws `StorageError.readOnly` on a read-only database.
    public func refuseWrites() throws { try refuseIfReadOnly() }

    var hasChangeListeners: Bool { changeListeners.lock.withLock { !changeListeners.listeners.isEmpty } }

    /// The days of `table` with rows still in a memtable (only in the WAL, not yet in segments), by table.
    public func unflushedDays() -> [String: [Int32]] {
        state.withLock {
            var out: [String: Set<Int32>] = [:]
            for mt in [active] + flushing {
                for (t, parts) in mt.tables { out[t, default: []].formUnion(parts.keys) }
            }
            return out.mapValues { $0.sorted() }
        }
    }

    /// Notifies each day run of `days` of `table` as one change.
    func notifyDays(_ table: String, _ days: [Int32], _ kind: TableChange.Kind) throws {
        for r in Self.runs(days) { try notifyChange(TableChange(table: table, days: r, kind: kind)) }
    }

    /// Consecutive days as ranges.
    static func runs(_ days: [Int32]) -> [ClosedRange<Int32>] {
        var out: [ClosedRange<Int32>] = []
        for d in Set(days).sorted() {
            if let last = out.last, last.upperBound &+ 1 == d { out[out.count - 1] = last.lowerBound...d } else { out.append(d...d) }
        }
        return out
    }
}
