import Foundation

extension Database {
    /// Writes batches: WAL, then memtable; returns once durable under the durability setting.
    ///
    /// A column whose type conflicts with the stored column rejects the rows that hold a value in it;
    /// the rest of the batch is written (partial-write semantics). Throws only when nothing was written.
    @discardableResult
    public func write(_ batches: [WriteBatch]) throws -> WriteResult {
        // Backpressure: while flushes lag behind, new writes wait instead of growing memory without bound.
        var lsn: UInt64 = 0
        let result: WriteResult = try state.withLock {
            while flushing.count >= options.maxPendingFlushes && !isClosed { state.wait() }
            if isClosed { throw StorageError.closed }
            let (r, end) = try applyLocked(batches, logged: true)
            lsn = end
            return r
        }
        if lsn > 0, options.durability == .batch { try wal.sync(upTo: lsn) }
        let full = state.withLock { active.approximateBytes >= options.memtableMaxBytes }
        if full {
            if options.background {
                state.withLock { flushRequested = true; state.broadcast() }
            } else {
                try flush()
            }
        }
        return result
    }

    /// Checks batches against the schemas, logs them (unless replaying) and applies them to the memtable.
    /// Called with `state` held. Returns the result and the WAL position to sync up to (0: nothing logged).
    func applyLocked(_ batches: [WriteBatch], logged: Bool) throws -> (WriteResult, UInt64) {
        var result = WriteResult()
        var accepted: [(WriteBatch, Table, [Int], [[UInt32]?])] = []
        for var b in batches {
            try validateShape(b)
            guard b.rowCount > 0 else { result.rejected.append([]); continue }
            let table = try tableForWrite(b.table)
            // Resolve columns; a type conflict rejects the rows holding a value in that column.
            var rejectedRow = [Bool](repeating: false, count: b.rowCount)
            var anyRejected = false
            var reasons: [Int: String] = [:]
            for c in b.columns {
                if let def = table.schema.column(c.name), def.type != c.vector.type {
                    let why = StorageError.typeConflict(table: b.table, column: c.name, columnType: def.type, offered: c.vector.type).description
                    for r in 0..<b.rowCount where !c.vector.isNull(r) && !rejectedRow[r] {
                        rejectedRow[r] = true
                        reasons[r] = why
                        anyRejected = true
                    }
                }
            }
            var rej: [RowRejection] = []
            if anyRejected {
                var keep: [Int32] = []
                for r in 0..<b.rowCount {
                    if rejectedRow[r] { rej.append(RowRejection(row: r, reason: reasons[r]!)) } else { keep.append(Int32(r)) }
                }
                b = Self.filter(b, keep: keep, drop: Set(b.columns.indices.filter { i in
                    table.schema.column(b.columns[i].name).map { $0.type != b.columns[i].vector.type } ?? false
                }))
            }
            result.rejected.append(rej)
            guard b.rowCount > 0 else { continue }
            var map: [Int] = []
            var codeMaps: [[UInt32]?] = []
            for c in b.columns {
                let idx = table.schema.add(ColumnDef(name: c.name, type: c.vector.type))
                map.append(idx)
                if c.vector.type == .symbol {
                    if table.symbols[idx] == nil { try loadSymbols(table, name: b.table) }
                    codeMaps.append(table.symbols[idx]!.intern(c.dictionary))
                } else {
                    codeMaps.append(nil)
                }
            }
            accepted.append((b, table, map, codeMaps))
            result.written += b.rowCount
        }
        guard !accepted.isEmpty else { return (result, 0) }
        var lsn: UInt64 = 0
        if logged {
            lsn = try wal.append(WALRecord.encode(accepted.map { $0.0 }))
        }
        let now = Self.now()
        for (b, t, map, cm) in accepted {
            active.apply(b, schema: t.schema, map: map, codeMaps: cm, now: now)
        }
        return (result, lsn)
    }

    private func validateShape(_ b: WriteBatch) throws {
        guard FileNames.isValidName(b.table) else { throw StorageError.invalidName(b.table) }
        var seen: Set<String> = []
        for c in b.columns {
            guard FileNames.isValidName(c.name), c.name != TableSchema.timeColumn else { throw StorageError.invalidName(c.name) }
            guard seen.insert(c.name).inserted else { throw StorageError.invalidName("\(c.name) (twice in one batch)") }
            guard c.vector.count == b.rowCount, c.vector.type != .time else {
                preconditionFailure("BUG: column '\(c.name)' has \(c.vector.count) rows in a batch of \(b.rowCount)")
            }
        }
    }

    private func tableForWrite(_ name: String) throws -> Table {
        if let t = tables[name] { return t }
        // A damaged table is not in `tables`; creating it afresh would publish an empty table over its files.
        if let why = damaged[name] { throw StorageError.tableDamaged(table: name, cause: why.description) }
        let t = Table(schema: TableSchema(table: name), options: options.tableDefaults)
        tables[name] = t
        return t
    }

    /// The rows `keep` of `b`, without the columns `drop`.
    static func filter(_ b: WriteBatch, keep: [Int32], drop: Set<Int>) -> WriteBatch {
        var out = WriteBatch(table: b.table)
        out.time = keep.map { b.time[Int($0)] }
        for (i, c) in b.columns.enumerated() where !drop.contains(i) {
            out.columns.append(BatchColumn(name: c.name, vector: c.vector.gather(keep), dictionary: c.dictionary))
        }
        return out
    }
}
