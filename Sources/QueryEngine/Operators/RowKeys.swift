import ColumnStore

/// Hashes and equality of rows over several key columns, for joins, set operations and DISTINCT.
/// Strings are compared as bytes; no value is boxed.
enum RowKeys {
    /// Each row's hash over `columns` (NULL hashes as a marker).
    static func hashes(_ columns: [ColumnVector], rows n: Int) -> [UInt64] {
        var h = [UInt64](repeating: KeyHash.seed, count: n)
        var w = [UInt64](repeating: 0, count: n)
        for c in columns {
            KeyHash.words(c, sel: nil, n: n, into: &w)
            for j in 0..<n { h[j] = KeyHash.mix(h[j], w[j]) }
        }
        return h
    }

    /// Rows where some key is NULL (they never match in a join).
    static func anyNull(_ columns: [ColumnVector], _ i: Int) -> Bool {
        for c in columns where c.isNull(i) { return true }
        return false
    }

    /// Whether row `i` of `a` equals row `j` of `b`, column by column; NULL equals NULL (as in
    /// DISTINCT and set operations; joins skip NULL keys before asking).
    static func equal(_ a: [ColumnVector], _ i: Int, _ b: [ColumnVector], _ j: Int) -> Bool {
        for k in a.indices where !equal(a[k], i, b[k], j) { return false }
        return true
    }

    @inline(__always)
    static func equal(_ x: ColumnVector, _ i: Int, _ y: ColumnVector, _ j: Int) -> Bool {
        let xn = x.isNull(i), yn = y.isNull(j)
        if xn || yn { return xn && yn }
        switch x.type {
        case .time, .int64, .date: return x.int64s[i] == y.int64s[j]
        case .uint64: return x.uint64s[i] == y.uint64s[j]
        case .float64: return x.float64s[i] == y.float64s[j] || (x.float64s[i].isNaN && y.float64s[j].isNaN)
        case .bool: return x.bools[i] == y.bools[j]
        case .symbol: return x.codes[i] == y.codes[j]
        case .string:
            return x.withStringBytes(i) { p in y.withStringBytes(j) { q in p.elementsEqual(q) } }
        }
    }

    /// A group number per row (0, 1, … in order of first appearance): rows with equal keys share one.
    /// `firsts[g]` is group g's first row.
    static func groups(_ columns: [ColumnVector], rows n: Int) -> (ids: [Int32], firsts: [Int32]) {
        let h = hashes(columns, rows: n)
        var size = 16
        while size < n * 2 { size <<= 1 }
        let mask = UInt64(size - 1)
        var head = [Int32](repeating: -1, count: size)
        var next: [Int32] = []
        var firsts: [Int32] = []
        var ids = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let b = Int(h[i] & mask)
            var g = head[b]
            while g >= 0 {
                let r = Int(firsts[Int(g)])
                if h[r] == h[i] && equal(columns, r, columns, i) { break }
                g = next[Int(g)]
            }
            if g < 0 {
                g = Int32(firsts.count)
                firsts.append(Int32(i))
                next.append(head[b])
                head[b] = g
            }
            ids[i] = g
        }
        return (ids, firsts)
    }

    /// The rows of `v` at `rows`, where -1 stands for a NULL row (an outer join's missing side).
    static func gatherOrNull(_ v: ColumnVector, _ rows: [Int32]) -> ColumnVector {
        guard rows.contains(where: { $0 < 0 }) else { return v.gather(rows) }
        if v.count == 0 { return ColumnVector(type: v.type, nulls: rows.count) }
        var out = v.gather(rows.map { max($0, 0) })
        var valid = out.validity ?? Bitmap(count: rows.count, value: true)
        for (k, r) in rows.enumerated() where r < 0 { valid[k] = false }
        out.validity = valid
        return out
    }
}
