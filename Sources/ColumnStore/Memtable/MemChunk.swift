/// Up to `Memtable.chunkRows` rows of one table and day, in arrival order, columns by schema index.
///
/// `columns[0]` is `time`. A chunk may hold fewer columns than the schema: columns added after it
/// was sealed read as NULL. Symbol columns hold the table's global codes.
public struct MemChunk: Sendable {
    public private(set) var columns: [ColumnVector]
    public private(set) var rowCount = 0
    public private(set) var minTime = Int64.max
    public private(set) var maxTime = Int64.min

    init(schema: TableSchema, capacity: Int) {
        columns = schema.columns.map { ColumnVector(type: $0.type, capacity: $0.type == .time ? capacity : 0) }
    }

    /// A chunk over finished columns of equal length with the given time bounds (for computed tables,
    /// whose bounds `Int64.min...Int64.max` never prune).
    init(columns: [ColumnVector], rowCount: Int, minTime: Int64, maxTime: Int64) {
        self.columns = columns
        self.rowCount = rowCount
        self.minTime = minTime
        self.maxTime = maxTime
    }

    /// Approximate bytes held (for flush-by-size).
    var approximateBytes: Int {
        var n = 0
        for c in columns {
            n += c.int64s.count * 8 + c.uint64s.count * 8 + c.float64s.count * 8 + c.bools.count
            n += c.codes.count * 4 + c.offsets.count * 4 + c.bytes.count
        }
        return n
    }

    /// Appends rows `rows` (indices into `batch`) to the chunk. `map[i]` is the schema index of batch column i,
    /// `codeMaps[i]` the local→global code map of symbol column i.
    mutating func append(_ batch: WriteBatch, rows: [Int32]?, range: Range<Int>, map: [Int], codeMaps: [[UInt32]?], schema: TableSchema) {
        let n = rows?.count ?? range.count
        guard n > 0 else { return }
        while columns.count < schema.count {
            columns.append(ColumnVector(type: schema.columns[columns.count].type, nulls: rowCount))
        }
        // time
        if let rows {
            batch.time.withUnsafeBufferPointer { t in
                for r in rows { let v = t[Int(r)]; columns[0].append(int64: v); minTime = min(minTime, v); maxTime = max(maxTime, v) }
            }
        } else {
            batch.time.withUnsafeBufferPointer { t in
                for r in range { let v = t[r]; minTime = min(minTime, v); maxTime = max(maxTime, v) }
            }
            columns[0].append(int64s: batch.time[range])
        }
        var touched = [Bool](repeating: false, count: columns.count)
        touched[0] = true
        for (i, c) in batch.columns.enumerated() {
            let s = map[i]
            touched[s] = true
            var src = rows.map { c.vector.gather($0) } ?? (range == 0..<c.vector.count ? c.vector : c.vector.slice(range))
            if let cm = codeMaps[i] {
                cm.withUnsafeBufferPointer { m in
                    src.codes.withUnsafeMutableBufferPointer { codes in
                        for j in codes.indices { codes[j] = m[Int(codes[j])] }
                    }
                }
            }
            columns[s].append(contentsOf: src, range: 0..<n)
        }
        for s in columns.indices where !touched[s] { columns[s].appendNulls(n) }
        rowCount += n
    }

    /// The chunk with every schema column present (missing ones as NULL).
    func padded(to schema: TableSchema) -> MemChunk {
        guard columns.count < schema.count else { return self }
        var c = self
        while c.columns.count < schema.count {
            c.columns.append(ColumnVector(type: schema.columns[c.columns.count].type, nulls: rowCount))
        }
        return c
    }
}
