import ColumnStore
import Foundation

/// The sorted layout a window's PARTITION BY and ORDER BY give a batch: the rows by partition then
/// order, and per sorted position its partition's and peer group's first and last positions.
///
/// Partitions need grouping, not ordering (the output keeps the input's row order), so one key whose
/// values fit a word (a short string such as a user id, a tag, an integer) is grouped by radix buckets
/// (`WindowWordPartitions`); other keys become dense group ids with the aggregation's key encoder
/// (`HashAggregate.groupIDs`) and a counting sort lays the groups out in input order; then each group is
/// sorted by its ORDER BY keys alone (ties by input row, as a stable sort), groups in parallel. Functions with equal specs share one layout.
struct WindowOrder {
    /// Sorted position → input row.
    var perm: [Int]
    var partStart: [Int], partEnd: [Int], peerStart: [Int], peerEnd: [Int]

    /// What decides a layout: functions with equal keys share one.
    struct Key: Hashable {
        var partition: [Int]
        /// Per ORDER BY key: column, descending, nulls first.
        var order: [Int]

        init(_ f: WindowFunction) {
            partition = f.partition
            order = f.order.flatMap { [$0.column, $0.descending ? 1 : 0, $0.nullsFirst ? 1 : 0] }
        }
    }

    /// Rows below which a layout is built on one thread.
    static let parallelRows = 32_768

    init(_ f: WindowFunction, _ b: Batch, threads: Int, control: QueryControl?) throws {
        let n = b.rowCount
        // Group ids in order of first appearance, then group g's sorted positions groupStart[g]..<groupStart[g + 1].
        var groupStart: [Int]
        perm = [Int](repeating: 0, count: n)
        if f.partition.isEmpty || n == 0 {
            groupStart = [0, n]
            for i in 0..<n { perm[i] = i }
        } else if f.partition.count == 1,
                  let words = try WindowWordPartitions(b.columns[f.partition[0]], rows: n, threads: threads, control: control) {
            perm = words.perm
            groupStart = words.groupStart
        } else {
            let cols = f.partition.map { b.columns[$0] }
            let table = HashAggregate(keyTypes: cols.map(Self.keyType), specs: [])
            let gids = table.groupIDs(cols.enumerated().map { Vec(type: Self.keyType($1), col: $1, dict: b.dict(f.partition[$0])) },
                                      sel: nil, n: n)
            let groups = table.groupCount
            groupStart = [Int](repeating: 0, count: groups + 1)
            for g in gids { groupStart[Int(g) &+ 1] &+= 1 }
            for g in 0..<groups { groupStart[g + 1] &+= groupStart[g] }
            var next = groupStart
            perm.withUnsafeMutableBufferPointer { p in
                next.withUnsafeMutableBufferPointer { at in
                    for i in 0..<n {
                        let g = Int(gids[i])
                        p[at[g]] = i
                        at[g] &+= 1
                    }
                }
            }
        }
        partStart = [Int](repeating: 0, count: n); partEnd = partStart; peerStart = partStart; peerEnd = partStart
        let chunks = Self.chunks(groupStart, rows: n, threads: n < Self.parallelRows ? 1 : threads)
        let sorter = GroupSorter(order: f.order, columns: b.columns, groupStart: groupStart)
        let failure = Failure()
        perm.withUnsafeMutableBufferPointer { p in
            partStart.withUnsafeMutableBufferPointer { ps in
                partEnd.withUnsafeMutableBufferPointer { pe in
                    peerStart.withUnsafeMutableBufferPointer { qs in
                        peerEnd.withUnsafeMutableBufferPointer { qe in
                            let out = Positions(perm: p.baseAddress, partStart: ps.baseAddress, partEnd: pe.baseAddress,
                                                peerStart: qs.baseAddress, peerEnd: qe.baseAddress)
                            let work: @Sendable (Int) -> Void = { c in
                                do {
                                    try control?.check()
                                    sorter.run(groups: chunks[c], out)
                                } catch { failure.set(error) }
                            }
                            if chunks.count == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: chunks.count, execute: work) }
                        }
                    }
                }
            }
        }
        if let e = failure.error { throw e }
    }

    /// Ranges of groups of about equal rows, a few per thread so a large group does not leave a core idle.
    static func chunks(_ groupStart: [Int], rows n: Int, threads: Int) -> [Range<Int>] {
        let groups = groupStart.count - 1
        if threads <= 1 || groups <= 1 { return [0..<groups] }
        let target = max(1, n / (threads * 4))
        var out: [Range<Int>] = []
        var lo = 0
        for g in 0..<groups where groupStart[g + 1] - groupStart[lo] >= target {
            out.append(lo..<g + 1)
            lo = g + 1
        }
        if lo < groups { out.append(lo..<groups) }
        return out
    }

    /// The grouping type of a batch column (a tag's codes group as strings do).
    static func keyType(_ c: ColumnVector) -> ValueType {
        switch c.type {
        case .symbol, .string: .string
        case .int64: .int
        case .time: .time
        case .uint64: .uint
        case .float64: .double
        case .bool: .bool
        case .date: .date
        }
    }
}

/// The layout's arrays, written by each thread for its own groups' positions only.
private struct Positions: @unchecked Sendable {
    let perm: UnsafeMutablePointer<Int>?
    let partStart: UnsafeMutablePointer<Int>?, partEnd: UnsafeMutablePointer<Int>?
    let peerStart: UnsafeMutablePointer<Int>?, peerEnd: UnsafeMutablePointer<Int>?
}

/// The first error a thread met.
private final class Failure: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var error: Error?
    func set(_ e: Error) { lock.withLock { if error == nil { error = e } } }
}

/// Sorts groups by their ORDER BY keys and marks partition and peer boundaries.
private struct GroupSorter: @unchecked Sendable {
    let order: [(column: Int, descending: Bool, nullsFirst: Bool)]
    let keys: [ColumnVector]
    let groupStart: [Int]

    init(order: [(column: Int, descending: Bool, nullsFirst: Bool)], columns: [ColumnVector], groupStart: [Int]) {
        self.order = order
        keys = order.map { columns[$0.column] }
        self.groupStart = groupStart
    }

    /// A single integer or timestamp key: compared as integers.
    private var singleInt: Bool { keys.count == 1 && (keys[0].type == .int64 || keys[0].type == .time) }

    func run(groups: Range<Int>, _ out: Positions) {
        guard let perm = out.perm, !groups.isEmpty else { return }
        if singleInt {
            keys[0].int64s.withUnsafeBufferPointer { v in
                for g in groups { sortInts(v, keys[0].validity, groupStart[g], groupStart[g + 1], perm) }
            }
        } else if !keys.isEmpty {
            for g in groups { sortGeneric(groupStart[g], groupStart[g + 1], perm) }
        }
        mark(groups, out)
    }

    /// One integer key: NULLs moved to their end (stably), then the values sorted with ties by row.
    private func sortInts(_ v: UnsafeBufferPointer<Int64>, _ valid: Bitmap?, _ lo: Int, _ hi: Int, _ perm: UnsafeMutablePointer<Int>) {
        var (from, to) = (lo, hi)
        if let valid {
            var present: [Int] = [], absent: [Int] = []
            for k in lo..<hi { if valid[perm[k]] { present.append(perm[k]) } else { absent.append(perm[k]) } }
            if !absent.isEmpty {
                let first = order[0].nullsFirst ? absent : present, second = order[0].nullsFirst ? present : absent
                for (i, r) in first.enumerated() { perm[lo + i] = r }
                for (i, r) in second.enumerated() { perm[lo + first.count + i] = r }
                (from, to) = order[0].nullsFirst ? (lo + absent.count, hi) : (lo, lo + present.count)
            }
        }
        guard to - from > 1 else { return }
        var slice = UnsafeMutableBufferPointer(start: perm + from, count: to - from)
        if order[0].descending {
            slice.sort { (a: Int, b: Int) -> Bool in
                let x = v[a], y = v[b]
                return x > y || (x == y && a < b)
            }
        } else {
            slice.sort { (a: Int, b: Int) -> Bool in
                let x = v[a], y = v[b]
                return x < y || (x == y && a < b)
            }
        }
    }

    /// Any keys: compared column by column as ORDER BY compares them, ties by row.
    private func sortGeneric(_ lo: Int, _ hi: Int, _ perm: UnsafeMutablePointer<Int>) {
        guard hi - lo > 1 else { return }
        var slice = UnsafeMutableBufferPointer(start: perm + lo, count: hi - lo)
        slice.sort { (a: Int, b: Int) -> Bool in
            for (k, col) in keys.enumerated() {
                let c = Sorter.compare(col, a, b)
                if c != 0 {
                    let na = col.isNull(a), nb = col.isNull(b)
                    if na || nb { return order[k].nullsFirst ? na : nb }
                    return order[k].descending ? c > 0 : c < 0
                }
            }
            return a < b
        }
    }

    /// Each position's partition and peer-group bounds, for the sorted groups.
    private func mark(_ groups: Range<Int>, _ out: Positions) {
        guard let perm = out.perm, let ps = out.partStart, let pe = out.partEnd, let qs = out.peerStart, let qe = out.peerEnd else { return }
        let intKey = singleInt ? keys[0] : nil
        let valid = intKey?.validity
        for g in groups {
            let lo = groupStart[g], hi = groupStart[g + 1]
            if lo == hi { continue }
            var peer = lo
            for k in lo..<hi {
                ps[k] = lo
                pe[k] = hi - 1
                if k > lo {
                    let a = perm[k], b = perm[k - 1]
                    let same: Bool
                    if let intKey {
                        let na = valid.map { !$0[a] } ?? false, nb = valid.map { !$0[b] } ?? false
                        same = na || nb ? na == nb : intKey.int64s[a] == intKey.int64s[b]
                    } else {
                        same = RowKeys.equal(keys, a, keys, b)
                    }
                    if !same {
                        for j in peer..<k { qe[j] = k - 1 }
                        peer = k
                    }
                }
                qs[k] = peer
            }
            for j in peer..<hi { qe[j] = hi - 1 }
        }
    }
}
