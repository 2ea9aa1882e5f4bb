extension Database {
    /// Merges each day's small segments into one sorted segment, for every table (or one).
    ///
    /// Runs beside writes and queries: the merge reads immutable files and only the final swap takes
    /// the state lock. Snapshots taken before keep reading the old files, which stay mapped after unlink.
    /// Returns the number of segments merged away.
    @discardableResult
    public func compact(table only: String? = nil, minSegments: Int = 2) throws -> Int {
        try maintenance.withLock {
            var merged = 0
            let work: [(String, Int32, [LiveSegment], TableSchema, TableOptions)] = state.withLock {
                var w: [(String, Int32, [LiveSegment], TableSchema, TableOptions)] = []
                for (name, t) in tables where only == nil || only == name {
                    for (day, segs) in t.segments {
                        let small = segs.filter { $0.entry.rows < options.compactionMaxRows }
                        if small.count >= max(2, minSegments) { w.append((name, day, small, t.schema, t.options)) }
                    }
                }
                return w.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            }
            for (name, day, segs, schema, opts) in work {
                try mergeDay(table: name, day: day, segments: segs, schema: schema, options: opts)
                merged += segs.count
            }
            return merged
        }
    }

    private func mergeDay(table: String, day: Int32, segments: [LiveSegment], schema: TableSchema, options opts: TableOptions) throws {
        let total = segments.reduce(0) { $0 + $1.entry.rows }
        var vectors = schema.columns.map { ColumnVector(type: $0.type, capacity: total) }
        for s in segments {
            for (i, c) in schema.columns.enumerated() {
                if let sc = s.reader.column(named: c.name) {
                    let v = try s.reader.readColumn(sc)
                    vectors[i].append(contentsOf: v, range: 0..<v.count)
                } else {
                    vectors[i].appendNulls(s.reader.rowCount)
                }
            }
        }
        let keys = opts.sortKey.compactMap { schema.index(of: $0) }.filter { $0 != 0 }
        if let perm = SortOrder.permutation(vectors, keys: keys) { vectors = vectors.map { $0.gather(perm) } }
        let dayName = Day.name(day)
        let id = manifest.nextSegmentID
        manifest.nextSegmentID += 1
        let file = FileNames.segmentFile(id)
        let p = segmentPath(table: table, day: dayName, file: file)
        let (footer, bytes) = try SegmentWriter.write(path: p, columns: schema.columns, vectors: vectors, options: opts)
        try FileIO.fsyncDirectory(FileIO.parent(of: p))
        let entry = Manifest.Segment(day: dayName, file: file, rows: footer.rowCount, minTime: footer.minTime, maxTime: footer.maxTime, bytes: bytes)
        let reader = try SegmentReader(path: p)
        let gone = Set(segments.map { $0.entry.file })
        do {
            try saveManifest { m in
                m.tables[table]!.segments.removeAll { $0.day == dayName && gone.contains($0.file) }
                m.tables[table]!.segments.append(entry)
            }
        } catch {
            FileIO.unlink(p)
            throw error
        }
        state.withLock {
            guard let t = tables[table] else { return }
            var list = t.segments[day] ?? []
            list.removeAll { gone.contains($0.entry.file) }
            list.append(LiveSegment(entry: entry, reader: reader))
            t.segments[day] = list
        }
        for s in segments { FileIO.unlink(s.reader.path) }
    }
}
