/// The unflushed rows of every table, per UTC day, in chunks. Guarded by the database's state lock.
final class Memtable: @unchecked Sendable {
    /// Rows per chunk: chunks are the memtable's row groups, the same size as segment blocks.
    static let chunkRows = 65_536

    /// One table's rows for one day: sealed chunks (never change again) and the one being filled.
    final class Partition {
        var sealed: [MemChunk] = []
        var active: MemChunk

        init(schema: TableSchema) {
            active = MemChunk(schema: schema, capacity: 1024)
        }

        var rowCount: Int { sealed.reduce(active.rowCount) { $0 + $1.rowCount } }
    }

    /// WAL file sequence that holds this memtable's last record: once flushed, WAL files up to it can go.
    var lastWALSequence: UInt64 = 0
    private(set) var tables: [String: [Int32: Partition]] = [:]
    private(set) var rowCount = 0
    private(set) var approximateBytes = 0
    /// When the first row arrived (for flush by age), in seconds of a monotonic clock.
    private(set) var firstWrite: Double?

    var isEmpty: Bool { rowCount == 0 }

    /// Applies a batch (already checked against the schema): rows are split by UTC day.
    func apply(_ batch: WriteBatch, schema: TableSchema, map: [Int], codeMaps: [[UInt32]?], now: Double) {
        let n = batch.rowCount
        guard n > 0 else { return }
        if firstWrite == nil { firstWrite = now }
        var parts = tables[batch.table] ?? [:]
        // Most batches fall in one day: check before building per-day row lists.
        let firstDay = Day.of(batch.time[0])
        var oneDay = true
        batch.time.withUnsafeBufferPointer { t in
            for v in t where Day.of(v) != firstDay { oneDay = false; break }
        }
        if oneDay {
            appendRange(batch, 0..<n, day: firstDay, parts: &parts, schema: schema, map: map, codeMaps: codeMaps)
        } else {
            for (day, rows) in Self.rowsByDay(batch.time) {
                appendRows(batch, rows, day: day, parts: &parts, schema: schema, map: map, codeMaps: codeMaps)
            }
        }
        tables[batch.table] = parts
        rowCount += n
    }

    /// The rows of each day in `time`, days ascending, rows in order. A batch spans few days (arrival order,
    /// with some late rows), so days are found in a short list, remembered from the previous row: no hashing
    /// or array growth per row.
    static func rowsByDay(_ time: [Int64]) -> [(day: Int32, rows: [Int32])] {
        let n = time.count
        var days: [Int32] = []
        var counts: [Int] = []
        // Past a few days (a backfill), a dictionary keeps the lookup constant.
        var index: [Int32: Int] = [:]
        let slot = [UInt32](unsafeUninitializedCapacity: n) { s, done in
            time.withUnsafeBufferPointer { t in
                var lastDay = Int32.min, last = -1
                for i in 0..<n {
                    let d = Day.of(t[i])
                    if d != lastDay {
                        if let k = days.count <= 16 ? days.firstIndex(of: d) : index[d] {
                            last = k
                        } else {
                            days.append(d); counts.append(0); last = days.count - 1
                            if days.count == 17 { for (k, x) in days.enumerated() { index[x] = k } } else if days.count > 17 { index[d] = last }
                        }
                        lastDay = d
                    }
                    s[i] = UInt32(truncatingIfNeeded: last)
                    counts[last] &+= 1
                }
            }
            done = n
        }
        var rows = counts.map { c -> [Int32] in var r = [Int32](); r.reserveCapacity(c); return r }
        for i in 0..<n { rows[Int(slot[i])].append(Int32(truncatingIfNeeded: i)) }
        return days.indices.map { (days[$0], rows[$0]) }.sorted { $0.day < $1.day }
    }

    private func partition(_ day: Int32, _ parts: inout [Int32: Partition], _ schema: TableSchema) -> Partition {
        if let p = parts[day] { return p }
        let p = Partition(schema: schema)
        parts[day] = p
        return p
    }

    private func appendRange(_ batch: WriteBatch, _ range: Range<Int>, day: Int32, parts: inout [Int32: Partition],
                             schema: TableSchema, map: [Int], codeMaps: [[UInt32]?]) {
        let p = partition(day, &parts, schema)
        var lo = range.lowerBound
        while lo < range.upperBound {
            let room = Self.chunkRows - p.active.rowCount
            let hi = min(range.upperBound, lo + room)
            let before = p.active.approximateBytesCheap
            p.active.append(batch, rows: nil, range: lo..<hi, map: map, codeMaps: codeMaps, schema: schema)
            approximateBytes += p.active.approximateBytesCheap - before
            seal(p, schema)
            lo = hi
        }
    }

    private func appendRows(_ batch: WriteBatch, _ rows: [Int32], day: Int32, parts: inout [Int32: Partition],
                            schema: TableSchema, map: [Int], codeMaps: [[UInt32]?]) {
        let p = partition(day, &parts, schema)
        var lo = 0
        while lo < rows.count {
            let hi = min(rows.count, lo + Self.chunkRows - p.active.rowCount)
            let before = p.active.approximateBytesCheap
            p.active.append(batch, rows: Array(rows[lo..<hi]), range: 0..<0, map: map, codeMaps: codeMaps, schema: schema)
            approximateBytes += p.active.approximateBytesCheap - before
            seal(p, schema)
            lo = hi
        }
    }

    private func seal(_ p: Partition, _ schema: TableSchema) {
        if p.active.rowCount >= Self.chunkRows {
            p.sealed.append(p.active)
            p.active = MemChunk(schema: schema, capacity: 1024)
        }
    }

    /// Chunks of `table` whose days and times may overlap `range`, padded to `schema`.
    func chunks(table: String, range: ClosedRange<Int64>, schema: TableSchema) -> [MemChunk] {
        guard let parts = tables[table] else { return [] }
        var out: [MemChunk] = []
        let lo = Day.of(range.lowerBound), hi = Day.of(range.upperBound)
        for (day, p) in parts.sorted(by: { $0.key < $1.key }) where day >= lo && day <= hi {
            for c in p.sealed + [p.active] where c.rowCount > 0 && c.minTime <= range.upperBound && c.maxTime >= range.lowerBound {
                out.append(c.padded(to: schema))
            }
        }
        return out
    }

    /// Forgets every row of `table` (DROP TABLE: rows that raced the drop's flush).
    func removeTable(_ table: String) {
        guard let parts = tables.removeValue(forKey: table) else { return }
        for p in parts.values {
            rowCount -= p.rowCount
            approximateBytes -= (p.sealed + [p.active]).reduce(0) { $0 + $1.approximateBytes }
        }
        approximateBytes = max(0, approximateBytes)
    }

    /// Every (table, day) partition, for flushing.
    func partitions() -> [(table: String, day: Int32, chunks: [MemChunk])] {
        var out: [(String, Int32, [MemChunk])] = []
        for (t, parts) in tables.sorted(by: { $0.key < $1.key }) {
            for (d, p) in parts.sorted(by: { $0.key < $1.key }) {
                let cs = (p.sealed + [p.active]).filter { $0.rowCount > 0 }
                if !cs.isEmpty { out.append((t, d, cs)) }
            }
        }
        return out
    }
}

extension MemChunk {
    /// Bytes held, cheap enough to call per append (arrays' counts only).
    var approximateBytesCheap: Int { approximateBytes }
}
