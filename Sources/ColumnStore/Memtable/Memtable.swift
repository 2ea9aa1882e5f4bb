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
            var byDay: [Int32: [Int32]] = [:]
            for (i, v) in batch.time.enumerated() { byDay[Day.of(v), default: []].append(Int32(i)) }
            for (day, rows) in byDay.sorted(by: { $0.key < $1.key }) {
                appendRows(batch, rows, day: day, parts: &parts, schema: schema, map: map, codeMaps: codeMaps)
            }
        }
        tables[batch.table] = parts
        rowCount += n
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
