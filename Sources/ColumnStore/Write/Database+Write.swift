import Foundation

extension Database {
    /// Writes batches: the one place that decides what storage accepts, for every front (HTTP, TCP, CLI).
    ///
    /// Under the state lock it waits for room (backpressure: while the memtable and the memtables being
    /// flushed hold more than `options.unflushedLimit` bytes, up to `policy.roomTimeout`), decides per row
    /// (`planWrite`: names, reserved names, type conflicts, per-write limits), then logs the accepted rows
    /// to the WAL and applies them to the memtable; it returns once they are durable under the durability
    /// setting. Rejected rows come back in the result with their index and reason. Under
    /// `.allOrNothing`, one rejected row means nothing is written.
    ///
    /// Throws only for the store's own trouble: I/O, closed, or `StorageError.overloaded` when no room
    /// came before the deadline (nothing was written then). Bad input never throws.
    ///
    /// `announced`: the caller announced this write (`announceWrite()`); it arrives here, whether it is
    /// logged, rejected or fails.
    @discardableResult
    public func write(_ batches: [WriteBatch], policy: WritePolicy = .partial, announced: Bool = false) throws -> WriteResult {
        var pending = announced
        defer { if pending { wal.gate.arrived() } }
        try refuseIfReadOnly()
        let start = Self.now()
        let deadline = start + max(0, policy.roomTimeout)
        var lsn: UInt64 = 0
        let result: WriteResult = try state.withLock {
            // A damaged table is not in `tables`; writing would publish an empty table over its files.
            // The write fails whole (a server error, so clients retry) rather than rejecting rows as bad input.
            for b in batches { if let why = damaged[b.table] { throw StorageError.tableDamaged(table: b.table, cause: why.description) } }
            let waited = try waitForRoomLocked(start: start, deadline: deadline)
            let plan = planWrite(batches, atomicity: policy.atomicity, limits: WriteLimits(options))
            var (r, end) = try applyLocked(plan, batches, logged: true)
            r.waitedForRoom = waited
            lsn = end
            return r
        }
        // Appended: a sync in progress need not wait for this write any more.
        if pending { wal.gate.arrived(); pending = false }
        if lsn > 0, options.durability == .batch { try wal.sync(upTo: lsn, grouping: true) }
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

    /// Tells group commit that a durable write is on its way (a server parsing its request): a sync
    /// about to start waits briefly for it to append, so one fdatasync acknowledges both. Every call is
    /// balanced by one `write(_:policy:announced: true)` or `withdrawWrite()`.
    public func announceWrite() {
        wal.gate.announce()
    }

    /// An announced write that will not reach `write` (nothing to write, or refused before it).
    public func withdrawWrite() {
        wal.gate.arrived()
    }

    /// Waits on `state` while flushing lags behind: the unflushed bytes are over `options.unflushedLimit`
    /// or `options.maxPendingFlushes` memtables wait to be written. Asks the background thread to flush.
    /// Throws `overloaded` at `deadline`, `closed` when the database closes meanwhile. Returns the seconds waited.
    private func waitForRoomLocked(start: Double, deadline: Double) throws -> Double {
        var waited = false
        while true {
            if isClosed || stopBackground { throw StorageError.closed }
            let unflushed = active.approximateBytes + flushing.reduce(0) { $0 + $1.approximateBytes }
            let over = unflushed > options.unflushedLimit || flushing.count >= options.maxPendingFlushes
            // Without a background thread the writer itself flushes once the memtable is full (see `write`).
            guard over, options.background else { return waited ? Self.now() - start : 0 }
            let now = Self.now()
            if now >= deadline {
                throw StorageError.overloaded(waited: now - start, unflushedBytes: unflushed, limit: options.unflushedLimit,
                                              lastFlushFailure: lastFlushFailure)
            }
            flushRequested = true
            state.broadcast()
            _ = state.wait(until: Date(timeIntervalSinceNow: min(deadline - now, 3600)))
            waited = true
        }
    }

    /// Checks batches against the schemas (no limits: for WAL replay, whose rows were accepted before),
    /// and applies them. Called with `state` held.
    func applyLocked(_ batches: [WriteBatch], logged: Bool) throws -> (WriteResult, UInt64) {
        try applyLocked(planWrite(batches, atomicity: .partial, limits: nil), batches, logged: logged)
    }

    /// Executes `plan`: extends schemas, interns symbols, logs the rows (unless replaying) and applies them
    /// to the memtable. Called with `state` held. Returns the result and the WAL position to sync up to
    /// (0: nothing logged).
    func applyLocked(_ plan: WritePlan, _ batches: [WriteBatch], logged: Bool) throws -> (WriteResult, UInt64) {
        var result = WriteResult()
        result.rejected = plan.rejected
        var accepted: [(WriteBatch, Table, [Int], [[UInt32]?])] = []
        for p in plan.batches {
            var b = batches[p.index]
            if p.keep != nil || !p.drop.isEmpty {
                b = Self.filter(b, keep: p.keep ?? Array(0..<Int32(b.rowCount)), drop: p.drop)
            }
            let table = tableForWrite(b.table)
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
        if hasChangeListeners {
            for (b, t, _, _) in accepted where b.rowCount > 0 {
                var lo = b.time[0], hi = lo
                for t in b.time { lo = min(lo, t); hi = max(hi, t) }
                try? notifyChange(TableChange(table: b.table, days: Day.of(lo)...Day.of(hi), kind: .write, rows: b,
                                              replacing: t.options.dedupKeys != nil))
            }
        }
        return (result, lsn)
    }

    private func tableForWrite(_ name: String) -> Table {
        if let t = tables[name] { return t }
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
