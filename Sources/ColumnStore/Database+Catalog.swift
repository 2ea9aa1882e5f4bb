extension Database {
    /// The day partitions of `table` (every table when nil), by table then day: rows in segments and in
    /// the memtable, segment bytes and count, time bounds. A consistent view taken under the state lock.
    public func partitions(of table: String? = nil) -> [PartitionInfo] {
        state.withLock {
            var out: [PartitionInfo] = []
            let names = table.map { tables[$0] == nil ? [] : [$0] } ?? tables.keys.sorted()
            for name in names {
                // A read-only view knows its segments from the manifest (opened lazily), a writable one from
                // its tables. A table whose manifest entry turns out unreadable is left out, as on open.
                let ro: [(day: Int32, segments: [Manifest.Segment])]? = readOnly == nil ? nil : try? daysLocked(name)
                guard let t = tables[name] else { continue }
                var byDay: [Int32: PartitionInfo] = [:]
                func info(_ day: Int32) -> PartitionInfo {
                    byDay[day] ?? PartitionInfo(table: name, day: day)
                }
                let days: [(day: Int32, segments: [Manifest.Segment])] = ro ?? t.segments.map { ($0.key, $0.value.map(\.entry)) }
                for (day, segs) in days {
                    var p = info(day)
                    for s in segs {
                        p.rows += s.rows - (s.deletedRows ?? 0)
                        p.deletedRows += s.deletedRows ?? 0
                        p.bytes += s.bytes
                        p.segments += 1
                        p.minTime = min(p.minTime, s.minTime)
                        p.maxTime = max(p.maxTime, s.maxTime)
                    }
                    byDay[day] = p
                }
                for mt in flushing + [active] {
                    for (day, part) in mt.tables[name] ?? [:] {
                        var p = info(day)
                        for c in part.sealed + [part.active] where c.rowCount > 0 {
                            p.rows += c.rowCount
                            p.memtableRows += c.rowCount
                            p.minTime = min(p.minTime, c.minTime)
                            p.maxTime = max(p.maxTime, c.maxTime)
                        }
                        if p.rows > 0 { byDay[day] = p }
                    }
                }
                out += byDay.keys.sorted().map { byDay[$0]! }
            }
            return out
        }
    }

    /// Every live segment of `table` (every table when nil), by table, day and file.
    public func segmentInfos(of table: String? = nil) -> [SegmentInfo] {
        state.withLock {
            var out: [SegmentInfo] = []
            let names = table.map { tables[$0] == nil ? [] : [$0] } ?? tables.keys.sorted()
            for name in names {
                if readOnly != nil {
                    // A read-only view opens each segment here (its footer has the block and column counts).
                    let days = (try? daysLocked(name)) ?? []
                    for (day, entries) in days {
                        for e in entries {
                            guard let s = try? openSegmentLocked(name, e) else { continue }
                            out.append(SegmentInfo(table: name, day: day, file: e.file, rows: e.rows, bytes: e.bytes,
                                                   blocks: s.reader.footer.blockRowCounts.count, columns: s.reader.footer.columns.count,
                                                   minTime: e.minTime, maxTime: e.maxTime))
                        }
                    }
                    continue
                }
                let t = tables[name]!
                for day in t.segments.keys.sorted() {
                    for s in t.segments[day]! {
                        out.append(SegmentInfo(table: name, day: day, file: s.entry.file, rows: s.entry.rows, bytes: s.entry.bytes,
                                               blocks: s.reader.footer.blockRowCounts.count, columns: s.reader.footer.columns.count,
                                               minTime: s.entry.minTime, maxTime: s.entry.maxTime))
                    }
                }
            }
            return out
        }
    }
}

/// One UTC day of one table: what `tsdb_partitions` and `SHOW PARTITIONS` report.
public struct PartitionInfo: Sendable, Equatable {
    public var table: String
    /// Days since the Unix epoch (`Day`).
    public var day: Int32
    /// Rows in segments and in the memtable, less those DELETE marked.
    public var rows = 0
    /// Rows DELETE marked that VACUUM (or the background purge) has not removed from the files yet.
    public var deletedRows = 0
    /// Of `rows`, those not flushed to a segment yet.
    public var memtableRows = 0
    /// Bytes of the day's segment files.
    public var bytes = 0
    public var segments = 0
    public var minTime = Int64.max
    public var maxTime = Int64.min

    public init(table: String, day: Int32) {
        self.table = table
        self.day = day
    }
}

/// One live segment file: what `tsdb_segments` reports.
public struct SegmentInfo: Sendable, Equatable {
    public var table: String
    public var day: Int32
    public var file: String
    public var rows: Int
    public var bytes: Int
    public var blocks: Int
    public var columns: Int
    public var minTime: Int64
    public var maxTime: Int64
}
