import Foundation

/// The store's decision on one write: which rows of each batch are written, which are rejected and why.
///
/// Made by `Database.planWrite` with `Database.state` held, from the catalog as it is at that moment, so
/// no other write can change a schema between the decision and the rows reaching the memtable.
/// Planning decides; `Database.applyLocked` executes the plan and never re-decides it.
struct WritePlan {
    /// What is written of one batch.
    struct Batch {
        /// Index of the batch in the write.
        var index: Int
        /// Rows written, ascending; nil: every row.
        var keep: [Int32]?
        /// Columns left out: their name or type is refused, and every row holding a value there is rejected.
        var drop: Set<Int>
    }

    /// Batches with rows to write, in the write's order.
    var batches: [Batch] = []
    /// Per batch of the write (same order), the rejected rows.
    var rejected: [[RowRejection]] = []
    var rejectedRows = 0
}

/// Bounds on what one write may create (none while replaying the WAL: those rows were accepted before).
struct WriteLimits {
    var newPartitions: Int
    var newTables: Int
    var tables: Int

    init(_ o: DatabaseOptions) {
        newPartitions = o.maxNewPartitionsPerWrite
        newTables = o.maxNewTablesPerWrite
        tables = o.maxTables
    }
}

extension Database {
    /// Decides, row by row, what of `batches` the store accepts: table and column names (invalid or
    /// reserved), column types against the stored schema and the write's earlier batches, and `limits`.
    /// Called with `state` held; changes nothing.
    func planWrite(_ batches: [WriteBatch], atomicity: WritePolicy.Atomicity, limits: WriteLimits?) -> WritePlan {
        var plan = WritePlan()
        // Columns the write's earlier batches add, by table: a later batch must agree with them.
        var pendingTypes: [String: [String: ColumnType]] = [:]
        var newTables: Set<String> = []
        var newPartitions: Set<PartitionKey> = []
        let today = Day.of(Int64(Date().timeIntervalSince1970 * 1e9))

        for (bi, b) in batches.enumerated() {
            let n = b.rowCount
            var reasons: [String?] = []
            var rejectedHere = 0
            func reject(_ r: Int, _ why: String) {
                if reasons.isEmpty { reasons = [String?](repeating: nil, count: n) }
                if reasons[r] == nil { reasons[r] = why; rejectedHere += 1 }
            }
            func rejectAll(_ why: String) { for r in 0..<n { reject(r, why) } }
            var drop: Set<Int> = []

            if n == 0 {
                plan.rejected.append([])
                continue
            }
            for c in b.columns where c.vector.count != n || c.vector.type == .time {
                preconditionFailure("BUG: column '\(c.name)' has \(c.vector.count) rows in a batch of \(n)")
            }
            let existing = tables[b.table]
            if let problem = FileNames.tableNameProblem(b.table) {
                rejectAll("measurement name '\(b.table)' \(problem)")
            } else if existing == nil && !newTables.contains(b.table) {
                // A new table only (not a replayed write, `limits` nil): one an older build made keeps its rows.
                if limits != nil, let problem = FileNames.newTableNameProblem(b.table) {
                    rejectAll("measurement name '\(b.table)' \(problem)")
                } else if let limits, tables.count + newTables.count >= limits.tables {
                    rejectAll("table '\(b.table)' not created: the database holds \(tables.count + newTables.count) tables, the most allowed (maxTables)")
                } else if let limits, newTables.count >= limits.newTables {
                    rejectAll("table '\(b.table)' not created: this write already creates \(newTables.count) tables, the most one write may (maxNewTablesPerWrite)")
                }
            }
            if rejectedHere < n {
                var seen: Set<String> = []
                for (ci, c) in b.columns.enumerated() {
                    var why: String?
                    if c.name == TableSchema.timeColumn {
                        why = "tag or field name 'time' is reserved for the timestamp"
                    } else if let problem = FileNames.columnNameProblem(c.name) {
                        why = "tag or field name '\(c.name)' \(problem)"
                    } else if !seen.insert(c.name).inserted {
                        why = "tag or field '\(c.name)' appears twice in one line"
                    } else if let have = existing?.schema.column(c.name)?.type ?? pendingTypes[b.table]?[c.name], have != c.vector.type {
                        why = StorageError.typeConflict(table: b.table, column: c.name, columnType: have, offered: c.vector.type).description
                    } else if limits != nil, let t = existing, t.options.declaredSchema == true, t.schema.column(c.name) == nil {
                        // Not while replaying: a row in the WAL was accepted, by a schema the manifest may not
                        // have saved yet (an ADD COLUMN whose save failed); refusing it now would lose it.
                        why = "\(c.vector.type == .symbol ? "tag" : "field") '\(c.name)' is not a column of table '\(b.table)', whose schema was declared (ALTER TABLE \(b.table) ADD COLUMN adds it)"
                    }
                    guard let why else { continue }
                    drop.insert(ci)
                    for r in 0..<n where !c.vector.isNull(r) { reject(r, why) }
                }
            }
            // Rows older than the table's retention would be dropped at the next flush: refuse them now,
            // each with the reason, instead of acknowledging them (not on replay: those were accepted before).
            if limits != nil, rejectedHere < n, let keep = (existing?.options ?? options.tableDefaults).retentionDays {
                let oldest = today - Int32(clamping: keep)
                b.time.withUnsafeBufferPointer { t in
                    for r in 0..<n where Day.of(t[r]) < oldest {
                        reject(r, "\(RowRejection.beyondRetention): day \(Day.name(Day.of(t[r]))) is older than the \(keep)-day retention of table '\(b.table)' (oldest day kept: \(Day.name(oldest)))")
                    }
                }
            }
            if let limits, rejectedHere < n {
                // New partitions: days of this table that hold no rows in segments or memtables yet.
                var lastDay: Int32?
                var lastKnown = true
                b.time.withUnsafeBufferPointer { t in
                    for r in 0..<n where reasons.isEmpty || reasons[r] == nil {
                        let day = Day.of(t[r])
                        if day == lastDay && lastKnown { continue }
                        lastDay = day
                        let key = PartitionKey(table: b.table, day: day)
                        if newPartitions.contains(key) || partitionExists(existing, key) { lastKnown = true; continue }
                        if newPartitions.count < limits.newPartitions {
                            newPartitions.insert(key)
                            lastKnown = true
                        } else {
                            lastKnown = false
                            reject(r, "day \(Day.name(day)) of table '\(b.table)' not created: this write already creates \(newPartitions.count) new partitions, the most one write may (maxNewPartitionsPerWrite)")
                        }
                    }
                }
            }
            var rej: [RowRejection] = []
            var keep: [Int32]?
            if rejectedHere > 0 {
                rej.reserveCapacity(rejectedHere)
                var k: [Int32] = []
                k.reserveCapacity(n - rejectedHere)
                for r in 0..<n {
                    if let why = reasons[r] { rej.append(RowRejection(row: r, reason: why)) } else { k.append(Int32(r)) }
                }
                keep = k
            }
            plan.rejected.append(rej)
            plan.rejectedRows += rejectedHere
            guard rejectedHere < n else { continue }
            if existing == nil { newTables.insert(b.table) }
            for (ci, c) in b.columns.enumerated() where !drop.contains(ci) && existing?.schema.column(c.name) == nil {
                pendingTypes[b.table, default: [:]][c.name] = c.vector.type
            }
            plan.batches.append(WritePlan.Batch(index: bi, keep: keep, drop: drop))
        }
        if atomicity == .allOrNothing && plan.rejectedRows > 0 { plan.batches = [] }
        return plan
    }

    /// True when the table already holds rows of `key.day`, in segments or in a memtable.
    private func partitionExists(_ table: Table?, _ key: PartitionKey) -> Bool {
        if table?.segments[key.day] != nil { return true }
        if active.tables[key.table]?[key.day] != nil { return true }
        return flushing.contains { $0.tables[key.table]?[key.day] != nil }
    }
}

/// One day partition of one table.
struct PartitionKey: Hashable {
    var table: String
    var day: Int32
}
