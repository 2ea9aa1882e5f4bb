/// A consistent view of one table for a query: the sealed segments and memtable chunks that existed when it
/// was taken. Later writes, flushes and compactions do not change what it reads.
public struct TableSnapshot: Sendable {
    public let schema: TableSchema
    public let options: TableOptions
    /// Row groups whose time range may overlap the requested range, segments first.
    public let rowGroups: [RowGroup]
    /// Dictionaries of the tag columns, by schema column index.
    public let symbols: [Int: SymbolDictionary]
    /// What was considered and skipped, for EXPLAIN.
    public let stats: SnapshotStats
    /// On a read-only view, the tag dictionaries `symbols` left out (the query reads other columns),
    /// loaded if asked for after all.
    var lazySymbols: LazySymbols? = nil

    /// The dictionary of a tag column.
    public func dictionary(_ column: Int) -> SymbolDictionary? { symbols[column] ?? lazySymbols?.dictionary(column) }
}

/// Counts of what a snapshot's time range selected and pruned.
public struct SnapshotStats: Sendable, Equatable {
    public var partitions = 0
    public var partitionsPruned = 0
    public var segments = 0
    public var segmentsPruned = 0
    public var memtableChunks = 0
    public var memtableChunksPruned = 0
    public init() {}
}

/// A run of rows that is read column by column: one block of a segment, or one memtable chunk.
public struct RowGroup: Sendable {
    enum Source: Sendable {
        case segment(SegmentReader, block: Int, columns: [Int?])
        case memory(MemChunk)
    }

    let source: Source
    public let rowCount: Int
    public let minTime: Int64
    public let maxTime: Int64
    /// Offsets of the block's live rows when DELETE removed some (nil: all live); `rowCount` counts them.
    var keep: [Int32]? = nil

    /// True when the rows come from a sealed segment (false: the memtable).
    public var isSegment: Bool { if case .segment = source { true } else { false } }

    /// The segment file, for EXPLAIN and error messages.
    public var segmentPath: String? { if case let .segment(r, _, _) = source { r.path } else { nil } }

    /// Statistics of a schema column in this group; nil when unknown (memtable rows) — then nothing can be pruned.
    /// A column the segment predates is all NULL.
    public func stats(_ column: Int) -> BlockStats? {
        switch source {
        case let .segment(r, b, map):
            guard let c = map[column] else { return BlockStats(nullCount: rowCount) }
            let s = r.footer.blocks[c][b].stats
            guard keep != nil else { return s }
            // Deleted rows leave min/max valid bounds; the null count is exact only at its extremes.
            if s.nullCount == 0 { return s }
            if s.nullCount == r.footer.blockRowCounts[b] { return BlockStats(nullCount: rowCount) }
            return nil
        case .memory:
            // Computed tables' groups have unbounded times; a chunk with deleted rows has no exact bounds.
            if column == 0 && keep == nil && (minTime, maxTime) != (.min, .max) { return BlockStats(nullCount: 0, min: UInt64(bitPattern: minTime), max: UInt64(bitPattern: maxTime), hasMinMax: true) }
            return nil
        }
    }

    /// Bytes schema column `column` of this group occupies where it is stored: its encoded, compressed
    /// block in a segment; its values in the memtable. For progress displays.
    public func storedBytes(_ column: Int) -> Int {
        switch source {
        case let .segment(r, b, map):
            return map[column].map { Int(r.footer.blocks[$0][b].length) } ?? 0
        case let .memory(chunk):
            guard column < chunk.columns.count else { return 0 }
            let c = chunk.columns[column]
            return c.type == .string ? c.bytes.count + 4 * (rowCount + 1) : 8 * rowCount
        }
    }

    /// Decodes schema column `column` of this group into `out` (its buffers are reused).
    public func read(_ column: Int, type: ColumnType, into out: inout ColumnVector) throws {
        switch source {
        case let .segment(r, b, map):
            if let c = map[column] {
                if out.type != type { out = ColumnVector(type: type) }
                try r.read(column: c, block: b, into: &out)
                if let keep { out = out.gather(keep) }
            } else {
                out = ColumnVector(type: type, nulls: rowCount)
            }
        case let .memory(chunk):
            out = chunk.columns[column]
            if let keep { out = out.gather(keep) }  // a dedup table's rows a later one replaced
        }
    }
}
