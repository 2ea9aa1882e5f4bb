extension Database {
    /// Merges each day's small segments into one sorted segment, for every table (or one).
    ///
    /// Runs beside writes and queries: the merge reads immutable files and only the final swap takes
    /// the state lock. Snapshots taken before keep reading the old files, which stay mapped after unlink (`retire`).
    /// With `rewriteAll`, every segment is rewritten (e.g. after a compression change), alone or merged.
    /// Returns the number of segments merged or rewritten.
    ///
    /// Rows DELETE marked are left out of every merge: compaction is also the purge. With `purge`, every
    /// day holding deleted rows is rewritten (that is `vacuum`).
    @discardableResult
    public func compact(table only: String? = nil, minSegments: Int = 2, rewriteAll: Bool = false) throws -> Int {
        try refuseIfReadOnly()
        return try maintenance.withLock { try compactHoldingMaintenance(table: only, minSegments: minSegments, rewriteAll: rewriteAll) }
    }

    /// `compact`, for a caller that holds `maintenance`.
    func compactHoldingMaintenance(table only: String? = nil, minSegments: Int = 2, rewriteAll: Bool = false, purge: Bool = false) throws -> Int {
        try refuseIfReadOnly()
        do {
            var merged = 0
            let work: [(String, Int32, [LiveSegment], TableSchema, TableOptions)] = state.withLock {
                var w: [(String, Int32, [LiveSegment], TableSchema, TableOptions)] = []
                for (name, t) in tables where only == nil || only == name {
                    let newest = t.segments.keys.max()
                    for (day, segs) in t.segments {
                        if rewriteAll || (purge && segs.contains { $0.deletes != nil }) { w.append((name, day, segs, t.schema, t.options)); continue }
                        let small = segs.filter { $0.entry.rows < options.compactionMaxRows }
                        if small.count >= max(2, minSegments) { w.append((name, day, small, t.schema, t.options)); continue }
                        // With a compaction compression of its own (LZ4 flushes, zstd compactions), a day's flushed
                        // segments are recompressed once, however few; not the newest day, which is likely still
                        // being written and would be rewritten at every flush.
                        guard !purge, day != newest else { continue }
                        let stale = segs.filter { Self.compressedOtherwise($0.reader.footer, t.options.compacted) }
                        if !stale.isEmpty { w.append((name, day, stale, t.schema, t.options)) }
                    }
                }
                return w.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            }
            // Merge every day first, then make them durable and publish them in one manifest.
            var done: [Merged] = []
            let uncertainBefore = maintenanceFailure != nil
            do {
                for (name, day, segs, schema, opts) in work {
                    done.append(try mergeDay(table: name, day: day, segments: segs, schema: schema, options: opts))
                    merged += segs.count
                }
                let written = done.compactMap { $0.reader?.path }
                try FileIO.syncAll(written)
                try FileIO.syncAll(Array(Set(written.map { FileIO.parent(of: $0) })))
                try saveManifest { m in
                    // The replaced files are retired: a crash before they are unlinked leaves garbage open can prove.
                    m.retired = []
                    for d in done {
                        let dn = Day.name(d.day)
                        m.tables[d.table]!.segments.removeAll { $0.day == dn && d.gone.contains($0.file) }
                        if let e = d.entry { m.tables[d.table]!.segments.append(e) }
                        m.retired! += d.goneFiles.sorted().map { d.table + "/" + dn + "/" + $0 }
                    }
                }
            } catch {
                // After a failed save that got as far as the rename, the manifest on disk may name the new
                // segments (and no longer the old): delete neither. Memory keeps serving the old segments,
                // which hold the same rows; saves refuse until a reopen reads the manifest again.
                if !uncertainBefore && maintenanceFailure != nil { throw error }
                for d in done { if let r = d.reader { FileIO.unlink(r.path) } }
                throw error
            }
            state.withLock {
                for d in done {
                    guard let t = tables[d.table] else { continue }
                    var list = t.segments[d.day] ?? []
                    list.removeAll { d.gone.contains($0.entry.file) }
                    if let e = d.entry, let r = d.reader { list.append(LiveSegment(entry: e, reader: r)) }
                    t.segments[d.day] = list.isEmpty ? nil : list
                }
            }
            for d in done { for p in d.oldPaths { FileIO.unlink(p) } }
            if !done.isEmpty {
                counters.compactions.wrappingIncrement(ordering: .relaxed)
                counters.segmentsCompacted.wrappingIncrement(by: merged, ordering: .relaxed)
            }
            return merged
        }
    }

    /// True when a block of the segment is compressed with another kind than `target` gives its column
    /// (blocks stored uncompressed did not shrink, and would not under the target either; compaction's own
    /// extra kind for the column, zstd for bools, is not another).
    static func compressedOtherwise(_ footer: SegmentFooter, _ target: TableOptions) -> Bool {
        for (c, blocks) in footer.blocks.enumerated() {
            var o = target.codecOptions(for: footer.columns[c].name)
            o.compacting = true
            let want = o.compression.rawValue, extra = BlockCodec.extraCompaction(footer.columns[c].type, o)?.rawValue
            for b in blocks where b.compression != CompressionKind.none.rawValue && b.compression != want && b.compression != extra { return true }
        }
        return false
    }

    struct Merged {
        var table: String
        var day: Int32
        /// The new segment; nil when no live row was left (every row of the day deleted).
        var entry: Manifest.Segment?
        var reader: SegmentReader?
        /// Segment files replaced.
        var gone: Set<String>
        /// Files replaced: the segments and their delete vectors.
        var goneFiles: Set<String>
        var oldPaths: [String]
    }

    /// Writes the merge of one day's segments (not yet durable or published).
    private func mergeDay(table: String, day: Int32, segments: [LiveSegment], schema: TableSchema, options opts: TableOptions) throws -> Merged {
        let total = segments.reduce(0) { $0 + $1.entry.rows - ($1.deletes?.deletedRows ?? 0) }
        var vectors = schema.columns.map { ColumnVector(type: $0.type, capacity: total) }
        for s in segments {
            // Deleted rows are left out here: no byte of them reaches the new segment.
            let live = s.deletes?.liveRows
            for (i, c) in schema.columns.enumerated() {
                if let sc = s.reader.column(named: c.name) {
                    var v = try s.reader.readColumn(sc)
                    if let live { v = v.gather(live) }
                    vectors[i].append(contentsOf: v, range: 0..<v.count)
                } else {
                    vectors[i].appendNulls(live?.count ?? s.reader.rowCount)
                }
            }
        }
        let dayName = Day.name(day)
        let goneFiles = Set(segments.flatMap { [$0.entry.file] + ($0.entry.deletes.map { [$0] } ?? []) })
        let oldPaths = segments.flatMap { s in [s.reader.retire()] + (s.entry.deletes.map { [segmentPath(table: table, day: dayName, file: $0)] } ?? []) }
        if total == 0 {
            return Merged(table: table, day: day, entry: nil, reader: nil, gone: Set(segments.map { $0.entry.file }),
                          goneFiles: goneFiles, oldPaths: oldPaths)
        }
        let keys = opts.sortKey.compactMap { schema.index(of: $0) }.filter { $0 != 0 }
        if let perm = SortOrder.permutation(vectors, keys: keys) { vectors = vectors.map { $0.gather(perm) } }
        let id = manifest.nextSegmentID
        manifest.nextSegmentID += 1
        let file = FileNames.segmentFile(id)
        let p = segmentPath(table: table, day: dayName, file: file)
        let (footer, bytes) = try SegmentWriter.write(path: p, columns: schema.columns, vectors: vectors, options: opts.compacted, compacting: true)
        let entry = Manifest.Segment(day: dayName, file: file, rows: footer.rowCount, minTime: footer.minTime, maxTime: footer.maxTime, bytes: bytes)
        return Merged(table: table, day: day, entry: entry, reader: try SegmentReader(path: p, mappings: options.segmentMappings),
                      gone: Set(segments.map { $0.entry.file }), goneFiles: goneFiles, oldPaths: oldPaths)
    }
}
