import ColumnStore

/// The row pairs of an equi-join on one string key, matched by key number instead of by hashing strings
/// per row: the smaller (build) side's distinct keys are numbered in a byte-string table, the other side's
/// rows find their number there, and each number chains its build rows.
///
/// A tag's rows (dictionary codes) are numbered through their dictionary: one lookup per distinct value
/// the rows use, then an array index per row, so a 10M-row fact table joins a dimension table without
/// turning a tag into a string per row.
enum StringKeyJoin {
    /// The number of a NULL key, or of a probe key the build side lacks: it matches nothing.
    static let none = UInt32.max
    private static let unknown = UInt32.max - 1

    /// (left row, right row) for every pair of rows with equal, non-NULL keys: per probe row in input
    /// order, its build rows in input order.
    static func pairs(_ lk: Vec, _ rk: Vec, leftRows: Int, rightRows: Int,
                      _ context: ExecutionContext) throws -> ([Int32], [Int32]) {
        let buildLeft = leftRows < rightRows
        let (bk, bn, pk, pn) = buildLeft ? (lk, leftRows, rk, rightRows) : (rk, rightRows, lk, leftRows)
        try context.charge(saturatingMultiply(bn + pn, 8))
        defer { context.control?.release(saturatingMultiply(bn + pn, 8)) }
        var table = ByteStringTable()
        let buildNumbers = numbers(bk, bn, &table, intern: true)
        let probeNumbers = numbers(pk, pn, &table, intern: false)
        try context.check()
        // Chains inserted in reverse so each lists its rows in input order.
        var head = [Int32](repeating: -1, count: table.count)
        var next = [Int32](repeating: -1, count: bn)
        var keyed = 0
        for i in stride(from: bn - 1, through: 0, by: -1) {
            let k = buildNumbers[i]
            if k == none { continue }
            next[i] = head[Int(k)]
            head[Int(k)] = Int32(i)
            keyed += 1
        }
        // Unique build keys (a dimension table's): a probe row meets at most one build row, so the pairs
        // fit in the probe side's count, reserved once instead of doubled (and copied) up to it.
        let unique = keyed == table.count
        if unique { try context.charge(saturatingMultiply(pn, 8)) }
        var probeRows: [Int32] = [], buildRows: [Int32] = []
        probeRows.reserveCapacity(unique ? pn : min(pn, 1 << 20))
        buildRows.reserveCapacity(unique ? pn : min(pn, 1 << 20))
        try head.withUnsafeBufferPointer { head in
            try next.withUnsafeBufferPointer { next in
                try probeNumbers.withUnsafeBufferPointer { numbers in
                    for p in 0..<pn {
                        if p & 0xFFFF == 0 { try context.check() }
                        let k = numbers[p]
                        if k == none { continue }
                        var b = head[Int(k)]
                        while b >= 0 {
                            probeRows.append(Int32(truncatingIfNeeded: p))
                            buildRows.append(b)
                            b = next[Int(b)]
                        }
                    }
                }
            }
        }
        if !unique { try context.charge(saturatingMultiply(probeRows.count, 8)) }
        return buildLeft ? (buildRows, probeRows) : (probeRows, buildRows)
    }

    /// Each row's key number in `table` (`none` for NULL, and, unless `intern`, for a key the table lacks).
    static func numbers(_ v: Vec, _ n: Int, _ table: inout ByteStringTable, intern: Bool) -> [UInt32] {
        var out = [UInt32](repeating: none, count: n)
        if v.isSymbol, let dict = v.dict {
            dict.withTable { d in
                // A dictionary entry is looked up the first time a row uses it.
                var byCode = [UInt32](repeating: unknown, count: d.count)
                v.col.codes.withUnsafeBufferPointer { codes in
                    for i in 0..<n where !v.col.isNull(i) {
                        let c = Int(codes[i])
                        guard c < byCode.count else { continue }  // not in this snapshot of the dictionary: none
                        if byCode[c] == unknown {
                            byCode[c] = d.withBytes(UInt32(c)) { intern ? table.intern($0) : (table.find($0) ?? none) }
                        }
                        out[i] = byCode[c]
                    }
                }
            }
            return out
        }
        let c = v.col
        for i in 0..<n where !c.isNull(i) {
            out[i] = c.withStringBytes(i) { intern ? table.intern($0) : (table.find($0) ?? none) }
        }
        return out
    }
}
