extension TableSnapshot {
    /// A snapshot over rows computed in memory (a virtual table): the columns are split into row groups
    /// the size of memtable chunks, which the scan reads exactly as it reads unflushed rows. Every column
    /// must hold `rowCount` rows of its schema type; tag (`.symbol`) columns are not allowed (no dictionary).
    public init(computed schema: TableSchema, columns: [ColumnVector]) {
        precondition(columns.count == schema.count, "BUG: \(columns.count) columns for a schema of \(schema.count)")
        let rows = columns.first?.count ?? 0
        var groups: [RowGroup] = []
        var lo = 0
        while lo < rows {
            let hi = min(rows, lo + Memtable.chunkRows)
            let part = (lo == 0 && hi == rows) ? columns : columns.map { $0.slice(lo..<hi) }
            // Unbounded time: a computed table has no designated timestamp, so nothing prunes by time.
            let chunk = MemChunk(columns: part, rowCount: hi - lo, minTime: .min, maxTime: .max)
            groups.append(RowGroup(source: .memory(chunk), rowCount: hi - lo, minTime: .min, maxTime: .max))
            lo = hi
        }
        var stats = SnapshotStats()
        stats.memtableChunks = groups.count
        self.init(schema: schema, options: TableOptions(), rowGroups: groups, symbols: [:], stats: stats)
    }
}
