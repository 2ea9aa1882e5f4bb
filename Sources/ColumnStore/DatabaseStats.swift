import Atomics

/// Running totals of a database's background and durability work, for monitoring (`/metrics`).
public struct DatabaseStats: Sendable, Equatable {
    /// fdatasync calls on the WAL (one per group commit, not per write).
    public var walSyncs = 0
    /// Memtable flushes that published segments.
    public var flushes = 0
    /// Segments written by flushes.
    public var segmentsFlushed = 0
    /// Compaction passes that merged or rewrote segments, and the segments they replaced.
    public var compactions = 0
    public var segmentsCompacted = 0
    /// Day partitions dropped by retention.
    public var partitionsDropped = 0
}

/// The atomics behind `DatabaseStats`, shared with the WAL.
final class DatabaseCounters: Sendable {
    let walSyncs = ManagedAtomic<Int>(0)
    let flushes = ManagedAtomic<Int>(0)
    let segmentsFlushed = ManagedAtomic<Int>(0)
    let compactions = ManagedAtomic<Int>(0)
    let segmentsCompacted = ManagedAtomic<Int>(0)
    let partitionsDropped = ManagedAtomic<Int>(0)

    var snapshot: DatabaseStats {
        DatabaseStats(walSyncs: walSyncs.load(ordering: .relaxed), flushes: flushes.load(ordering: .relaxed),
                      segmentsFlushed: segmentsFlushed.load(ordering: .relaxed), compactions: compactions.load(ordering: .relaxed),
                      segmentsCompacted: segmentsCompacted.load(ordering: .relaxed), partitionsDropped: partitionsDropped.load(ordering: .relaxed))
    }
}

extension Database {
    /// Totals since the database was opened.
    public var stats: DatabaseStats { counters.snapshot }
}
