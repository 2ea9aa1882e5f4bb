import ColumnStore

/// The distinct rows of some key columns, numbered in order of first appearance and found again by
/// lookup of another row's keys (a correlated IN's sets, one per distinct correlation key).
struct KeyTable {
    let keys: [ColumnVector]
    /// Each row's distinct-key number.
    let ids: [Int32]
    /// The first row of each distinct key.
    let firsts: [Int32]
    private let hashes: [UInt64]
    private var head: [Int32]
    private var next: [Int32]

    init(_ keys: [ColumnVector], rows n: Int) {
        self.keys = keys
        (ids, firsts) = RowKeys.groups(keys, rows: n)
        hashes = RowKeys.hashes(keys, rows: n)
        var size = 16
        while size < firsts.count * 2 { size <<= 1 }
        head = [Int32](repeating: -1, count: size)
        next = [Int32](repeating: -1, count: firsts.count)
        for (g, r) in firsts.enumerated() {
            let b = Int(hashes[Int(r)] & UInt64(size - 1))
            next[g] = head[b]
            head[b] = Int32(g)
        }
    }

    /// Bytes the table holds beyond its key columns.
    var memory: Int { ids.count * 12 + firsts.count * 8 + head.count * 4 }

    /// The number of the distinct key equal to row `i` of `outer` (whose hash is `hash`), or -1.
    /// NULL equals NULL here; callers that want SQL's equality skip rows with a NULL key.
    func find(_ outer: [ColumnVector], _ i: Int, hash: UInt64) -> Int32 {
        var g = head[Int(hash & UInt64(head.count - 1))]
        while g >= 0 {
            let r = Int(firsts[Int(g)])
            if hashes[r] == hash && RowKeys.equal(keys, r, outer, i) { return g }
            g = next[Int(g)]
        }
        return -1
    }
}
