import ColumnStore

/// The columns of one row group, decoded on first use and kept for the rest of the batch.
final class RowGroupColumns: ColumnSource {
    let rowCount: Int
    let group: RowGroup?
    private let rows: [Vec]?
    private let range: Range<Int>
    private let types: [ValueType]
    private let storage: [ColumnType]
    private let dicts: [SymbolDictionary?]
    private var cache: [Vec?]
    /// Buffers reused from batch to batch (per column), so decoding allocates little.
    var scratch: [ColumnVector?]
    /// Stored bytes of the columns decoded so far (for progress: `QueryControl.bytesScanned`).
    private(set) var bytesRead = 0

    init(group: RowGroup, types: [ValueType], storage: [ColumnType], dicts: [SymbolDictionary?], scratch: [ColumnVector?]) {
        self.group = group
        rows = nil
        range = 0..<group.rowCount
        rowCount = group.rowCount
        self.types = types
        self.storage = storage
        self.dicts = dicts
        cache = [Vec?](repeating: nil, count: types.count)
        self.scratch = scratch
    }

    init(rows: [Vec], range: Range<Int>, types: [ValueType]) {
        group = nil
        self.rows = rows
        self.range = range
        rowCount = range.count
        self.types = types
        storage = rows.map { $0.col.type }
        dicts = rows.map { $0.dict }
        cache = [Vec?](repeating: nil, count: types.count)
        scratch = []
    }

    func column(_ i: Int) throws -> Vec {
        if let v = cache[i] { return v }
        let v: Vec
        if let group {
            var buf = scratch[i].map { storage[i] == .date ? $0.retyped(.date) : $0 } ?? ColumnVector(type: storage[i])
            scratch[i] = nil
            try group.read(i, type: storage[i], into: &buf)
            bytesRead += group.storedBytes(i)
            // The engine holds a DATE's days as any 64-bit integer vector (`ValueType.columnType`).
            if buf.type == .date { buf = buf.retyped(.int64) }
            v = Vec(type: types[i], col: buf, dict: dicts[i])
        } else {
            let src = rows![i]
            if range == 0..<src.count { v = src } else { v = Vec(type: src.type, col: src.col.slice(range), dict: src.dict) }
        }
        cache[i] = v
        return v
    }

    /// Hands decoded buffers back for the next batch.
    func recycle() -> [ColumnVector?] {
        guard group != nil else { return scratch }
        for i in cache.indices {
            guard var v = cache[i] else { continue }
            cache[i] = nil  // now `v` holds the only reference, so the buffers are reused in place
            // Fixed-width decoders resize to the next block's rows (usually the same count, so no zero-fill);
            // string decoders append, so strings start empty.
            if v.col.type == .string { v.col.removeAll() }
            scratch[i] = v.col
        }
        return scratch
    }
}

/// A batch made of vectors already computed (the grouped result).
struct VecBatch: ColumnSource {
    let columns: [Vec]
    let rowCount: Int
    func column(_ i: Int) throws -> Vec { columns[i] }
}
