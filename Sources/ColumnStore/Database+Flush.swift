import Foundation

extension Database {
    /// Writes the memtable to segments and publishes them; then trims the WAL.
    ///
    /// Order (each step durable before the next): segment files (temp, fsync, rename), partition
    /// directories fsynced, symbol dictionaries appended and fsynced, MANIFEST replaced atomically,
    /// memtable dropped from view, WAL files trimmed. A crash anywhere leaves the old manifest with the
    /// WAL that covers the rows, or the new manifest with the segments.
    public func flush() throws {
        try refuseIfReadOnly()
        try maintenance.withLock { try flushHoldingMaintenance() }
    }

    /// `flush`, for a caller that holds `maintenance` (DELETE, VACUUM, DROP flush first). `evenIfEmpty`
    /// rotates the WAL and moves the checkpoint past it also when the memtable holds no row (open uses it to
    /// retire WAL records it left out of the replay).
    func flushHoldingMaintenance(evenIfEmpty: Bool = false) throws {
        try refuseIfReadOnly()
        do {
            // The state lock only switches the memtable and the WAL file; the sealed file's fsyncs happen
            // after it is released, so writers never wait behind them.
            try state.withLock {
                if active.isEmpty && !evenIfEmpty { return }
                let mt = active
                mt.lastWALSequence = try wal.rotate()
                flushing.append(mt)
                active = Memtable()
                active.lastWALSequence = wal.sequence
            }
            do {
                // Seal the rotated WAL file (and create the next) before any checkpoint is published — also when
                // a failed flush is retried — so the file after a published checkpoint always exists (open checks it).
                try wal.syncAll()
                // Oldest first; a memtable whose flush failed earlier is retried here (its rows are still in the WAL).
                while let mt = state.withLock({ flushing.first }) {
                    try flushLocked(mt)
                }
            } catch {
                // Writers waiting for room report this when their deadline passes.
                state.withLock { lastFlushFailure = "\(error)" }
                throw error
            }
            state.withLock { lastFlushFailure = nil }
        }
    }

    private func flushLocked(_ mt: Memtable) throws {
        let parts = mt.partitions()
        // Listeners record the days durably before the rows leave the WAL.
        for (table, days) in Dictionary(grouping: parts, by: { $0.table }) { try notifyDays(table, days.map(\.day), .flush) }
        var added: [(table: String, day: Int32, entry: Manifest.Segment, reader: SegmentReader)] = []
        // Dedup tables: older segment rows the flushed rows replace, deleted in the same manifest save.
        var replaced: [(table: String, changes: [DeleteChange])] = []
        var replacedPaths: [String] = []
        var newDirs: Set<String> = []
        let todayDay = Day.of(Int64(Date().timeIntervalSince1970 * 1e9))
        do {
        for part in parts {
            let (schema, opts): (TableSchema, TableOptions) = state.withLock { (tables[part.table]!.schema, tables[part.table]!.options) }
            if let keep = opts.retentionDays, part.day < todayDay - Int32(keep) { continue }
            var vectors = schema.columns.map { ColumnVector(type: $0.type) }
            for chunk in part.chunks {
                let c = chunk.padded(to: schema)
                for i in vectors.indices { vectors[i].append(contentsOf: c.columns[i], range: 0..<c.rowCount) }
            }
            if let key = DedupKey(schema: schema, options: opts) {
                let changes = try dedupForFlush(&vectors, table: part.table, day: part.day, key: key, schema: schema)
                if !changes.isEmpty {
                    replaced.append((part.table, changes))
                    for c in changes {
                        let p = segmentPath(table: part.table, day: Day.name(part.day), file: c.file)
                        try c.vector.write(to: p)
                        replacedPaths.append(p)
                    }
                }
            }
            let keys = opts.sortKey.compactMap { schema.index(of: $0) }.filter { $0 != 0 }
            if let perm = SortOrder.permutation(vectors, keys: keys) {
                vectors = vectors.map { $0.gather(perm) }
            }
            let dayName = Day.name(part.day)
            let dir = path + "/" + part.table + "/" + dayName
            if !FileIO.isDirectory(dir) { try FileIO.makeDirectories(dir); newDirs.insert(FileIO.parent(of: dir)) }
            let id = manifest.nextSegmentID
            manifest.nextSegmentID += 1
            let file = FileNames.segmentFile(id)
            let (footer, bytes) = try SegmentWriter.write(path: dir + "/" + file, columns: schema.columns, vectors: vectors, options: opts)
            let entry = Manifest.Segment(day: dayName, file: file, rows: footer.rowCount, minTime: footer.minTime, maxTime: footer.maxTime, bytes: bytes)
            added.append((part.table, part.day, entry, try SegmentReader(path: dir + "/" + file, mappings: options.segmentMappings)))
        }
        } catch {
            // Nothing was published: remove what this attempt wrote; the rows stay in the WAL and memtable.
            for a in added { FileIO.unlink(a.reader.path) }
            for p in replacedPaths { FileIO.unlink(p) }
            throw error
        }
        // Durable before the manifest names them: the files, then their directories (new entries), then parents.
        try FileIO.syncAll(added.map { $0.reader.path } + replacedPaths)
        try FileIO.syncAll(Array(Set(added.map { FileIO.parent(of: $0.reader.path) })))
        try FileIO.syncAll(Array(newDirs))
        let held = state.withLock { Array(damaged.keys) }
        try saveManifest { m in
            // A damaged table's rows after the old checkpoint are only in the WAL: hold its checkpoint there.
            // Every other table's replayed rows were in this (or an earlier) memtable, so its own hold ends.
            for name in m.tables.keys {
                m.tables[name]!.walCheckpoint = held.contains(name) ? m.checkpoint(of: name) : nil
            }
            m.walCheckpoint = max(m.walCheckpoint, mt.lastWALSequence)
            for a in added { m.tables[a.table]!.segments.append(a.entry) }
            for r in replaced { Self.record(r.changes, table: r.table, in: &m) }
        }
        var oldVectors: [String] = []
        state.withLock {
            for r in replaced { oldVectors += installLocked(r.changes, table: r.table) }
            for a in added { tables[a.table]!.segments[a.day, default: []].append(LiveSegment(entry: a.entry, reader: a.reader)) }
            flushing.removeAll { $0 === mt }
            state.broadcast()
        }
        for p in oldVectors { FileIO.unlink(p) }
        wal.trim(upTo: min(mt.lastWALSequence, manifest.oldestCheckpoint))
        counters.flushes.wrappingIncrement(ordering: .relaxed)
        counters.segmentsFlushed.wrappingIncrement(by: added.count, ordering: .relaxed)
    }

    /// Persists symbol dictionaries, then writes a new MANIFEST with the current schemas and `change` applied.
    /// Called with `maintenance` held.
    ///
    /// If the save fails after the new file was renamed into place, the manifest on disk may be the old or
    /// the new one: every later save refuses (`maintenanceFailure`) until the database is reopened.
    func saveManifest(_ change: (inout Manifest) -> Void) throws {
        try refuseIfReadOnly()
        if let why = maintenanceFailure { throw StorageError.poisoned(why) }
        let snapshot: [(String, TableSchema, TableOptions, [Int: SymbolDictionary])] = state.withLock {
            tables.map { ($0.key, $0.value.schema, $0.value.options, $0.value.symbols) }
        }
        var m = manifest
        for (name, schema, opts, symbols) in snapshot {
            var counts: [String: Int] = [:]
            if !symbols.isEmpty { try FileIO.makeDirectories(path + "/" + name + "/" + FileNames.symbolsDirectory) }
            for (i, d) in symbols {
                let col = schema.columns[i].name
                counts[col] = try d.persist(to: symbolPath(table: name, column: col))
            }
            var t = m.tables[name] ?? Manifest.Table(columns: [], options: opts, symbolCounts: [:], segments: [])
            t.columns = schema.columns
            t.options = opts
            t.symbolCounts = counts
            m.tables[name] = t
        }
        change(&m)
        if let d = m.droppedTables { m.droppedTables = d.filter { m.tables[$0] == nil } }
        var renamed = false
        do {
            try m.save(path + "/" + FileNames.manifest, renamed: &renamed)
        } catch {
            if renamed {
                maintenanceFailure = "saving \(path)/\(FileNames.manifest) failed after its rename (\(error)); reopen the database"
            }
            throw error
        }
        manifest = m
    }
}

