/// One day partition of a table, as `tsdb_partitions` and `SHOW PARTITIONS` show it (sealed segments only).
public struct PartitionStats: Sendable, Equatable {
    /// `YYYY-MM-DD` (UTC).
    public var day: String
    /// Live rows: stored rows minus deleted ones.
    public var rows: Int
    /// Rows DELETE marked that no purge has removed yet.
    public var deletedRows: Int
    /// Bytes of the segment files.
    public var bytes: Int
    public var segments: Int
    /// Time range of the stored rows (deleted ones included until purged); nanoseconds since the epoch, UTC.
    public var minTime: Int64
    public var maxTime: Int64
}

extension Database {
    /// The table's day partitions in its segments, oldest first, with their live and deleted row counts.
    public func partitionStats(of table: String) -> [PartitionStats] {
        state.withLock {
            guard let t = tables[table] else { return [] }
            return t.segments.keys.sorted().map { d in
                let segs = t.segments[d]!
                let deleted = segs.reduce(0) { $0 + ($1.deletes?.deletedRows ?? 0) }
                return PartitionStats(day: Day.name(d), rows: segs.reduce(0) { $0 + $1.entry.rows } - deleted, deletedRows: deleted,
                                      bytes: segs.reduce(0) { $0 + $1.entry.bytes }, segments: segs.count,
                                      minTime: segs.map(\.entry.minTime).min() ?? 0, maxTime: segs.map(\.entry.maxTime).max() ?? 0)
            }
        }
    }
}
