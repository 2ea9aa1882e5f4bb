import ColumnStore

/// ORDER BY: a stable index sort over materialized key columns, NULLS LAST unless asked otherwise.
enum Sorter {
    /// The row order of `keys` (one materialized column per sort key); with `limit`, only the first `limit` rows.
    static func order(_ keys: [ColumnVector], _ spec: [SortKey], rows: Int, limit: Int? = nil) -> [Int] {
        if keys.isEmpty { return Array(0..<min(rows, limit ?? rows)) }
        let before: (Int, Int) -> Bool = { a, b in
            for (k, col) in keys.enumerated() {
                let c = compare(col, a, b)
                if c != 0 {
                    let na = col.isNull(a), nb = col.isNull(b)
                    if na || nb { return spec[k].nullsFirst ? na : nb }
                    return spec[k].descending ? c > 0 : c < 0
                }
            }
            return a < b
        }
        if let k = limit, k < rows / 8 { return topN(rows, k, before) }
        var idx = Array(0..<rows)
        idx.sort(by: before)
        return idx
    }

    /// The first `k` rows in order, by a bounded max-heap: O(n log k) instead of a full sort.
    static func topN(_ n: Int, _ k: Int, _ before: (Int, Int) -> Bool) -> [Int] {
        if k <= 0 { return [] }
        var heap: [Int] = []  // heap[0] is the worst row kept
        heap.reserveCapacity(k)
        func siftDown(_ i0: Int) {
            var i = i0
            while true {
                let l = 2 * i + 1, r = l + 1
                var worst = i
                if l < heap.count && before(heap[worst], heap[l]) { worst = l }
                if r < heap.count && before(heap[worst], heap[r]) { worst = r }
                if worst == i { return }
                heap.swapAt(i, worst)
                i = worst
            }
        }
        for row in 0..<n {
            if heap.count < k {
                heap.append(row)
                var i = heap.count - 1
                while i > 0 {
                    let p = (i - 1) / 2
                    if before(heap[p], heap[i]) { heap.swapAt(p, i); i = p } else { break }
                }
            } else if before(row, heap[0]) {
                heap[0] = row
                siftDown(0)
            }
        }
        heap.sort(by: before)
        return heap
    }

    /// -1, 0, 1; NULLs compare greater than values (callers place them).
    @inline(__always) static func compare(_ c: ColumnVector, _ a: Int, _ b: Int) -> Int {
        let na = c.isNull(a), nb = c.isNull(b)
        if na || nb { return na == nb ? 0 : (na ? 1 : -1) }
        switch c.type {
        case .time, .int64, .date: return c.int64s[a] < c.int64s[b] ? -1 : (c.int64s[a] > c.int64s[b] ? 1 : 0)
        case .uint64: return c.uint64s[a] < c.uint64s[b] ? -1 : (c.uint64s[a] > c.uint64s[b] ? 1 : 0)
        case .float64:
            let x = c.float64s[a], y = c.float64s[b]
            if x.isNaN || y.isNaN { return x.isNaN == y.isNaN ? 0 : (x.isNaN ? 1 : -1) }  // NaN sorts last, as in DuckDB
            return x < y ? -1 : (x > y ? 1 : 0)
        case .bool: return Int(c.bools[a]) - Int(c.bools[b])
        case .symbol: return c.codes[a] == c.codes[b] ? 0 : (c.codes[a] < c.codes[b] ? -1 : 1)
        case .string: return c.withStringBytes(a) { x in c.withStringBytes(b) { y in Kernels.order(x, y) } }
        }
    }
}
