import Foundation

/// Dedup keys: of rows with equal keys only the last written is seen, at every moment.
///
/// - In the memtable both rows are kept (appends stay cheap); a snapshot shows only the last of each key,
///   and hides the segment rows whose key a memtable row repeats.
/// - A flush writes only the last row of each key, and in the same manifest save marks the older rows with
///   those keys in the day's segments as deleted (delete vectors), so segments never hold two rows with one key.
/// - Compaction merges segments that are already free of duplicates, dropping the deleted rows.
/// Keys include `time`, so equal keys always fall in the same day partition.
extension Database {
    /// Sets (or, with nil, removes) a table's dedup keys. They must name `time` and existing columns.
    /// Enabling them on a table that already holds rows with equal keys keeps the last written of each
    /// (the one in the newest segment) and deletes the others, durably, before this returns.
    public func setDedupKeys(_ table: String, _ keys: [String]?) throws {
        try checkNotDamaged(table)
        if let keys {
            guard keys.contains(TableSchema.timeColumn) else { throw StorageError.invalidDedupKeys("the dedup keys must include 'time'") }
            guard Set(keys).count == keys.count else { throw StorageError.invalidDedupKeys("a dedup key column is named twice") }
            guard let schema = schema(of: table) else { throw StorageError.unknownTable(table) }
            for k in keys where schema.index(of: k) == nil { throw StorageError.invalidDedupKeys("table '\(table)' has no column '\(k)'") }
        }
        try maintenance.withLock {
            guard let old: [String]? = state.withLock({ tables[table].map { $0.options.dedupKeys } }) else { throw StorageError.unknownTable(table) }
            guard let keys else {
                state.withLock { tables[table]?.options.dedupKeys = nil }
                try saveManifest { _ in }
                return
            }
            // The keys and the delete vectors that leave one row per key are published by one manifest save,
            // so a crash leaves the table without keys (every row) or with them (one row per key), never keys
            // over duplicates. The flush goes first, without the keys: the segment pass below covers its rows.
            try flushHoldingMaintenance()
            let (schema, days): (TableSchema, [(Int32, [LiveSegment])]) = try state.withLock {
                guard let t = tables[table] else { throw StorageError.unknownTable(table) }
                return (t.schema, t.segments.map { ($0.key, $0.value) })
            }
            var options = TableOptions()
            options.dedupKeys = keys
            guard let key = DedupKey(schema: schema, options: options) else { throw StorageError.invalidDedupKeys("no dedup key columns") }
            var changed: [DeleteChange] = []
            for (day, segs) in days.sorted(by: { $0.0 < $1.0 }) where segs.count > 0 {
                changed += try dedupSegments(day: day, segs, key: key, schema: schema)
            }
            state.withLock { tables[table]?.options.dedupKeys = keys }  // snapshots dedup the memtable from now on
            do {
                if changed.isEmpty { try saveManifest { _ in } } else { try publishDeletes(table: table, changed) }
            } catch {
                state.withLock { tables[table]?.options.dedupKeys = old }
                throw error
            }
        }
    }

    /// Delete vectors that leave one row (the last: newest segment, last row) of each key among `segs`.
    private func dedupSegments(day: Int32, _ segs: [LiveSegment], key: DedupKey, schema: TableSchema) throws -> [DeleteChange] {
        var keys = ByteStringTable()
        var out: [DeleteChange] = []
        // Newest first: a key seen already belongs to a later row.
        let ordered = segs.sorted { (FileNames.segmentID($0.entry.file) ?? 0) > (FileNames.segmentID($1.entry.file) ?? 0) }
        for s in ordered {
            let cols = try keyColumns(s, key: key, schema: schema)
            let n = s.reader.rowCount
            var bits = s.deletes?.vector.deleted ?? Bitmap(count: n, value: false)
            let before = bits.popCount
            var buf: [UInt8] = []
            for r in stride(from: n - 1, through: 0, by: -1) where !bits[r] {
                buf.removeAll(keepingCapacity: true)
                DedupKey.append(cols, row: r, to: &buf)
                let had = keys.count
                _ = buf.withUnsafeBytes { keys.intern($0) }
                if keys.count == had { bits[r] = true }  // a later row has this key
            }
            if bits.popCount > before, let c = deleteChange(day: day, segment: s, deleted: bits) { out.append(c) }
        }
        return out
    }

    /// The key columns of a whole segment (nil where the segment lacks the column).
    func keyColumns(_ s: LiveSegment, key: DedupKey, schema: TableSchema) throws -> [ColumnVector?] {
        try key.columns.map { i in
            guard i >= 0, let c = s.reader.column(named: schema.columns[i].name) else { return nil }
            return try s.reader.readColumn(c)
        }
    }

    /// For a flush of one (table, day) of a dedup table: the rows to write (last of each key, in write
    /// order) and delete vectors for the older rows with those keys in the day's segments. `vectors` are
    /// the day's memtable rows in arrival order. Called with `maintenance` held.
    func dedupForFlush(_ vectors: inout [ColumnVector], table: String, day: Int32, key: DedupKey, schema: TableSchema) throws -> [DeleteChange] {
        var keys = ByteStringTable()
        let n = vectors[0].count
        if let keep = key.lastOfEachKey(key.pick(vectors), rows: n, keys: &keys) { vectors = vectors.map { $0.gather(keep) } }
        let times = vectors[0].int64s
        guard let lo = times.min(), let hi = times.max() else { return [] }
        let segs: [LiveSegment] = state.withLock { tables[table]?.segments[day] ?? [] }
        var out: [DeleteChange] = []
        for s in segs where s.entry.minTime <= hi && s.entry.maxTime >= lo {
            let cols = try keyColumns(s, key: key, schema: schema)
            let live = s.deletes?.liveRows
            let rows = s.reader.rowCount
            let survivors = DedupKey.notIn(keys, cols, rows: live, count: rows)
            guard survivors.count < (live?.count ?? rows) else { continue }
            var bits = Bitmap(count: rows, value: true)
            for r in survivors { bits[Int(r)] = false }
            if let c = deleteChange(day: day, segment: s, deleted: bits) { out.append(c) }
        }
        return out
    }

    /// A dedup table's row groups as a query must see them: of each key in the memtable only its last row,
    /// and no segment row whose key a memtable row repeats. Called with `state` held.
    static func dedupGroups(_ groups: [RowGroup], key: DedupKey, schema: TableSchema) -> [RowGroup] {
        let memory = groups.indices.filter { !groups[$0].isSegment }
        guard !memory.isEmpty else { return groups }
        var keys = ByteStringTable()
        var codes: [[UInt32]] = []
        var last: [Int] = []  // key code → global memtable row (groups in write order)
        var buf: [UInt8] = []
        var global = 0
        var lo = Int64.max, hi = Int64.min
        for gi in memory {
            guard case let .memory(chunk) = groups[gi].source else { continue }
            let cols = key.pick(chunk.columns)
            var cs = [UInt32](repeating: 0, count: chunk.rowCount)
            for r in 0..<chunk.rowCount {
                buf.removeAll(keepingCapacity: true)
                DedupKey.append(cols, row: r, to: &buf)
                let code = buf.withUnsafeBytes { keys.intern($0) }
                cs[r] = code
                if Int(code) == last.count { last.append(global) } else { last[Int(code)] = global }
                global += 1
            }
            codes.append(cs)
            lo = min(lo, chunk.minTime)
            hi = max(hi, chunk.maxTime)
        }
        var out: [RowGroup] = []
        var mi = 0
        global = 0
        for g in groups {
            if !g.isSegment {
                let cs = codes[mi]
                mi += 1
                var keep: [Int32] = []
                for r in 0..<cs.count where last[Int(cs[r])] == global + r { keep.append(Int32(r)) }
                global += cs.count
                if keep.isEmpty { continue }
                out.append(keep.count == cs.count ? g : RowGroup(source: g.source, rowCount: keep.count, minTime: g.minTime, maxTime: g.maxTime, keep: keep))
                continue
            }
            guard g.minTime <= hi && g.maxTime >= lo, case let .segment(_, _, map) = g.source else { out.append(g); continue }
            // Read the key columns of this block's live rows; a read error leaves the block as it is (the
            // query reading it fails with the same error).
            var cols: [ColumnVector?] = []
            var failed = false
            for i in key.columns {
                guard i >= 0, i < map.count, map[i] != nil else { cols.append(nil); continue }
                var v = ColumnVector(type: .int64)
                do { try g.read(i, type: schema.columns[i].type, into: &v) } catch { failed = true; break }
                cols.append(v)
            }
            if failed { out.append(g); continue }
            let live = DedupKey.notIn(keys, cols, rows: nil, count: g.rowCount)
            if live.count == g.rowCount { out.append(g); continue }
            if live.isEmpty { continue }
            let keep = g.keep.map { k in live.map { k[Int($0)] } } ?? live
            out.append(RowGroup(source: g.source, rowCount: keep.count, minTime: g.minTime, maxTime: g.maxTime, keep: keep))
        }
        return out
    }
}
