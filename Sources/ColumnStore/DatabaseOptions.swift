/// How a database behaves: durability, when the memtable flushes, background work.
public struct DatabaseOptions: Sendable {
    public var durability: Durability = .batch
    /// Flush the memtable once it holds about this many bytes.
    public var memtableMaxBytes = 256 << 20
    /// Flush the memtable once its oldest row is this many seconds old.
    public var memtableMaxAge: Double = 30
    /// Writers wait while this many flushed memtables are still being written (backpressure).
    public var maxPendingFlushes = 2
    /// Writers wait while the memtable and the memtables being flushed hold more than this many bytes
    /// (backpressure, up to their `WritePolicy.roomTimeout`); 0 means three memtables' worth.
    public var maxUnflushedBytes = 0
    /// One write may create at most this many new partitions (table, day) that hold no rows yet; the rows
    /// that would create more are rejected. Each partition costs a directory and a segment per flush.
    public var maxNewPartitionsPerWrite = 1_000
    /// One write may create at most this many new tables; the rows of further new tables are rejected.
    public var maxNewTablesPerWrite = 100
    /// A database holds at most this many tables; rows of new tables beyond it are rejected.
    public var maxTables = 10_000
    /// The bounded set of segment mappings the database's readers share (the least recently used
    /// unmapped beyond its limit); by default one for the whole process, since Linux allows about 65,530
    /// mappings per process (`vm.max_map_count`).
    public var segmentMappings = SegmentMappings.shared
    /// Run flushes, compaction and retention on a background thread (false: only when called).
    public var background = true
    /// Compact a day once it has this many segments.
    public var compactionMinSegments = 4
    /// Segments of more rows than this are left alone by compaction.
    public var compactionMaxRows = 16_000_000
    /// Seconds after a DELETE by which the background purges its rows physically (`vacuum`): the bound
    /// on how long erased data stays in the files. Default one hour.
    public var purgeAfter: Double = 3600
    /// How long open waits for the lock held by another process before answering "in use". Not zero:
    /// a child process spawned by another thread inherits the lock's descriptor until its exec closes
    /// it, and a restart may briefly overlap the old process's exit.
    public var lockWait: Double = 1
    /// Options of tables created from now on.
    public var tableDefaults = TableOptions()

    public init() {}

    /// `maxUnflushedBytes` with its default applied.
    public var unflushedLimit: Int { maxUnflushedBytes > 0 ? maxUnflushedBytes : 3 * memtableMaxBytes }
}
