extension Database {
    /// A consistent snapshot of `table` holding the rows whose time may fall in `range`; nil for an unknown table.
    public func snapshot(table name: String, range: ClosedRange<Int64> = Int64.min...Int64.max) -> TableSnapshot? {
        state.withLock {
            guard let t = tables[name] else { return nil }
            var st = SnapshotStats()
            var groups: [RowGroup] = []
            let lo = Day.of(range.lowerBound), hi = Day.of(range.upperBound)
            for day in t.segments.keys.sorted() {
                st.partitions += 1
                guard day >= lo && day <= hi else { st.partitionsPruned += 1; continue }
                for (i, s) in t.segments[day]!.enumerated() {
                    st.segments += 1
                    guard s.entry.minTime <= range.upperBound && s.entry.maxTime >= range.lowerBound else { st.segmentsPruned += 1; continue }
                    var map = s.columnMap
                    if map.count != t.schema.count {  // new segment, or the schema grew since
                        map = t.schema.columns.map { s.reader.column(named: $0.name) }
                        t.segments[day]![i].columnMap = map
                    }
                    let r = s.reader
                    var first = 0
                    for (b, rows) in r.footer.blockRowCounts.enumerated() {
                        let ts = r.footer.blocks[0][b].stats
                        let keep = s.deletes?.keep[b]
                        if keep?.isEmpty == true { continue }  // every row of the block deleted
                        groups.append(RowGroup(source: .segment(r, block: b, columns: map), rowCount: keep?.count ?? rows,
                                               minTime: ts.minInt, maxTime: ts.maxInt, keep: keep))
                        first += rows
                    }
                }
            }
            for mt in flushing + [active] {
                for c in mt.chunks(table: name, range: Int64.min...Int64.max, schema: t.schema) {
                    st.memtableChunks += 1
                    guard c.minTime <= range.upperBound && c.maxTime >= range.lowerBound else { st.memtableChunksPruned += 1; continue }
                    groups.append(RowGroup(source: .memory(c), rowCount: c.rowCount, minTime: c.minTime, maxTime: c.maxTime))
                }
            }
            if let key = DedupKey(schema: t.schema, options: t.options) { groups = Self.dedupGroups(groups, key: key, schema: t.schema) }
            return TableSnapshot(schema: t.schema, options: t.options, rowGroups: groups, symbols: t.symbols, stats: st)
        }
    }

    /// Live segments of a table (for `inspect`): day, file, rows, bytes, footer.
    public func segments(of table: String) -> [(day: String, path: String, rows: Int, bytes: Int, footer: SegmentFooter)] {
        state.withLock {
            guard let t = tables[table] else { return [] }
            return t.segments.keys.sorted().flatMap { d in
                t.segments[d]!.map { (Day.name(d), $0.reader.path, $0.entry.rows, $0.entry.bytes, $0.reader.footer) }
            }
        }
    }
}
