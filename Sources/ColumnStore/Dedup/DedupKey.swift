/// The dedup key of a row as bytes, so equal keys are equal byte strings (interned in a `ByteStringTable`,
/// no allocation per row): per key column, `0` for NULL or `1` and the value — 8 bytes for time, integers
/// and float bits, 1 for booleans, the 4-byte global code for tags (codes mean the same in every segment
/// and memtable chunk), length u32 and bytes for strings.
struct DedupKey {
    /// Schema indices of the key columns; absent from a row group's schema: read as NULL.
    let columns: [Int]

    init?(schema: TableSchema, options: TableOptions) {
        guard let keys = options.dedupKeys, !keys.isEmpty else { return nil }
        columns = keys.map { schema.index(of: $0) ?? -1 }
    }

    /// Appends row `r`'s key to `buf`; `cols[i]` holds key column i (nil: NULL throughout).
    @inline(__always)
    static func append(_ cols: [ColumnVector?], row r: Int, to buf: inout [UInt8]) {
        for c in cols {
            guard let c, !c.isNull(r) else { buf.append(0); continue }
            buf.append(1)
            switch c.type {
            case .time, .int64, .date: withUnsafeBytes(of: c.int64s[r].littleEndian) { buf.append(contentsOf: $0) }
            case .uint64: withUnsafeBytes(of: c.uint64s[r].littleEndian) { buf.append(contentsOf: $0) }
            case .float64: withUnsafeBytes(of: c.float64s[r].bitPattern.littleEndian) { buf.append(contentsOf: $0) }
            case .bool: buf.append(c.bools[r])
            case .symbol: withUnsafeBytes(of: c.codes[r].littleEndian) { buf.append(contentsOf: $0) }
            case .string:
                let lo = Int(c.offsets[r]), hi = Int(c.offsets[r + 1])
                withUnsafeBytes(of: UInt32(hi - lo).littleEndian) { buf.append(contentsOf: $0) }
                buf.append(contentsOf: c.bytes[lo..<hi])
            }
        }
    }

    /// The key columns of a set of columns by schema index.
    func pick(_ all: [ColumnVector]) -> [ColumnVector?] {
        columns.map { $0 >= 0 && $0 < all.count ? all[$0] : nil }
    }

    /// Rows of `cols` (in write order) that are the last of their key: ascending; nil when every row is.
    func lastOfEachKey(_ cols: [ColumnVector?], rows n: Int, keys: inout ByteStringTable) -> [Int32]? {
        var last: [Int32] = []
        var codes = [UInt32](repeating: 0, count: n)
        var buf: [UInt8] = []
        for r in 0..<n {
            buf.removeAll(keepingCapacity: true)
            Self.append(cols, row: r, to: &buf)
            let code = buf.withUnsafeBytes { keys.intern($0) }
            codes[r] = code
            if Int(code) == last.count { last.append(Int32(r)) } else { last[Int(code)] = Int32(r) }
        }
        guard keys.count < n else { return nil }
        var keep: [Int32] = []
        keep.reserveCapacity(keys.count)
        for r in 0..<n where last[Int(codes[r])] == Int32(r) { keep.append(Int32(r)) }
        return keep
    }

    /// Offsets among `rows` (or all `n` rows) of `cols` whose key is not in `keys`.
    static func notIn(_ keys: ByteStringTable, _ cols: [ColumnVector?], rows: [Int32]?, count n: Int) -> [Int32] {
        var out: [Int32] = []
        var buf: [UInt8] = []
        func check(_ r: Int) {
            buf.removeAll(keepingCapacity: true)
            append(cols, row: r, to: &buf)
            if buf.withUnsafeBytes({ keys.find($0) }) == nil { out.append(Int32(r)) }
        }
        if let rows { for r in rows { check(Int(r)) } } else { for r in 0..<n { check(r) } }
        return out
    }
}
