extension Database {
    /// A consistent snapshot of `table` holding the rows whose time may fall in `range`; nil for an unknown table.
    /// On a read-only database a segment that fails to open also answers nil: use `readSnapshot` for the error.
    public func snapshot(table name: String, range: ClosedRange<Int64> = Int64.min...Int64.max) -> TableSnapshot? {
        if readOnly != nil { return try? readSnapshot(table: name, range: range) }
        return state.withLock {
            guard let t = tables[name] else { return nil }
            var st = SnapshotStats()
            var groups: [RowGroup] = []
            let lo = Day.of(range.lowerBound), hi = Day.of(range.upperBound)
            for day in t.segments.keys.sorted() {
                st.partitions += 1
                guard day >= lo && day <= hi else { st.partitionsPruned += 1; continue }
                for i in t.segments[day]!.indices {
                    st.segments += 1
                    let e = t.segments[day]![i].entry
                    guard e.minTime <= range.upperBound && e.maxTime >= range.lowerBound else { st.segmentsPruned += 1; continue }
                    Self.appendRowGroups(of: &t.segments[day]![i], schema: t.schema, to: &groups)
                }
            }
            appendMemtableGroups(table: name, schema: t.schema, range: range, stats: &st, to: &groups)
            if let key = DedupKey(schema: t.schema, options: t.options) { groups = Self.dedupGroups(groups, key: key, schema: t.schema) }
            return TableSnapshot(schema: t.schema, options: t.options, rowGroups: groups, symbols: t.symbols, stats: st)
        }
    }

    /// `snapshot`, with the reason when a read-only database cannot open a file the table needs
    /// (e.g. a segment that compaction replaced: `consistentRead` retries on a fresh view).
    /// `symbolColumns` names the tag columns a query reads: on a read-only view only their dictionaries
    /// are loaded now (the others on first use); nil loads every one.
    public func readSnapshot(table name: String, range: ClosedRange<Int64> = Int64.min...Int64.max,
                             symbolColumns: Set<Int>? = nil) throws -> TableSnapshot? {
        guard readOnly != nil else { return snapshot(table: name, range: range) }
        return try state.withLock { try readOnlySnapshotLocked(name, range: range, symbolColumns: symbolColumns) }
    }

    /// Appends one row group per block of `s`, mapping the schema's columns to the segment's first
    /// (kept in `s`, so the next snapshot does not look every column up by name again).
    static func appendRowGroups(of s: inout LiveSegment, schema: TableSchema, to groups: inout [RowGroup]) {
        if s.columnMap.count != schema.count {  // new segment, or the schema grew since
            s.columnMap = schema.columns.map { s.reader.column(named: $0.name) }
        }
        let r = s.reader
        for (b, rows) in r.footer.blockRowCounts.enumerated() {
            let ts = r.footer.blocks[0][b].stats
            let keep = s.deletes?.keep[b]
            if keep?.isEmpty == true { continue }  // every row of the block deleted
            groups.append(RowGroup(source: .segment(r, block: b, columns: s.columnMap), rowCount: keep?.count ?? rows,
                                   minTime: ts.minInt, maxTime: ts.maxInt, keep: keep))
        }
    }

    /// Appends the memtable chunks of `table` that may overlap `range`. Called with `state` held.
    func appendMemtableGroups(table name: String, schema: TableSchema, range: ClosedRange<Int64>,
                              stats st: inout SnapshotStats, to groups: inout [RowGroup]) {
        for mt in flushing + [active] {
            for c in mt.chunks(table: name, range: Int64.min...Int64.max, schema: schema) {
                st.memtableChunks += 1
                guard c.minTime <= range.upperBound && c.maxTime >= range.lowerBound else { st.memtableChunksPruned += 1; continue }
                groups.append(RowGroup(source: .memory(c), rowCount: c.rowCount, minTime: c.minTime, maxTime: c.maxTime))
            }
        }
    }

    /// Live segments of a table (for `inspect`): day, file, rows, bytes, footer. On a read-only database
    /// this opens every segment of the table, and one that fails to open leaves the list empty: use
    /// `readSegments` for the error.
    public func segments(of table: String) -> [(day: String, path: String, rows: Int, bytes: Int, footer: SegmentFooter)] {
        if readOnly != nil { return (try? readSegments(of: table)) ?? [] }
        return state.withLock {
            guard let t = tables[table] else { return [] }
            return t.segments.keys.sorted().flatMap { d in
                t.segments[d]!.map { (Day.name(d), $0.reader.path, $0.entry.rows, $0.entry.bytes, $0.reader.footer) }
            }
        }
    }

    /// `segments(of:)`, with the reason when a read-only database cannot open one.
    public func readSegments(of table: String) throws -> [(day: String, path: String, rows: Int, bytes: Int, footer: SegmentFooter)] {
        guard readOnly != nil else { return segments(of: table) }
        return try state.withLock { try readOnlySegmentsLocked(table) }
    }
}
