/// How a database behaves: durability, when the memtable flushes, background work.
public struct DatabaseOptions: Sendable {
    public var durability: Durability = .batch
    /// Flush the memtable once it holds about this many bytes.
    public var memtableMaxBytes = 256 << 20
    /// Flush the memtable once its oldest row is this many seconds old.
    public var memtableMaxAge: Double = 30
    /// Writers wait while this many flushed memtables are still being written (backpressure).
    public var maxPendingFlushes = 2
    /// Run flushes, compaction and retention on a background thread (false: only when called).
    public var background = true
    /// Compact a day once it has this many segments.
    public var compactionMinSegments = 4
    /// Segments of more rows than this are left alone by compaction.
    public var compactionMaxRows = 16_000_000
    /// Options of tables created from now on.
    public var tableDefaults = TableOptions()

    public init() {}
}
