import ColumnStore
import Foundation

/// The rows of one string column laid out group by group, for a window's PARTITION BY on a
/// high-cardinality string such as a listener id.
///
/// Numbering 10M rows' strings in one table of a million entries costs a cache miss or three per row,
/// on one core. Instead each row's hash is taken in parallel, the rows are counting-sorted by the
/// hash's top bits into buckets of some ten thousand rows (equal strings share a bucket), and each
/// bucket is numbered in its own small byte-string table that stays in cache, buckets in parallel.
/// Groups come out bucket by bucket, each group's rows in input order (window partitions need
/// grouping, not ordering).
enum StringPartitions {
    /// Rows per bucket the bucket count aims at.
    static let bucketRows = 16_384

    /// `perm`: rows by group, each group's rows in input order; group g is `perm[groupStart[g]..<groupStart[g + 1]]`.
    /// NULL rows form one group, the last.
    static func layout(_ c: ColumnVector, rows n: Int, threads: Int, control: QueryControl?) throws -> (perm: [Int], groupStart: [Int]) {
        var b = 0
        while b < 10 && (n >> b) > bucketRows { b += 1 }
        let bits = b
        let buckets = 1 << bits
        // Bucket of each row (`buckets` for NULL), from its hash's top bits; rows hashed in parallel.
        var bucketOf = [UInt16](repeating: 0, count: n)
        let slices = n < 65_536 ? 1 : max(1, threads) * 4
        let shift = UInt64(64 - bits)
        c.offsets.withUnsafeBufferPointer { off in
            c.bytes.withUnsafeBytes { bytes in
                bucketOf.withUnsafeMutableBufferPointer { out in
                    let p = Shared(offsets: off.baseAddress, bytes: bytes.baseAddress, bucketOf: out.baseAddress)
                    let valid = c.validity
                    let work: @Sendable (Int) -> Void = { s in
                        guard let o = p.offsets, let out = p.bucketOf else { return }
                        for i in (n * s / slices)..<(n * (s + 1) / slices) {
                            if let valid, !valid[i] { out[i] = UInt16(buckets); continue }
                            let lo = Int(o[i]), hi = Int(o[i + 1])
                            let h = ByteStringTable.hash(UnsafeRawBufferPointer(start: p.bytes.map { $0 + lo }, count: hi - lo))
                            out[i] = bits == 0 ? 0 : UInt16(truncatingIfNeeded: h >> shift)
                        }
                    }
                    if slices == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: slices, execute: work) }
                }
            }
        }
        try control?.check()
        // Counting sort by bucket, stable: bucket b holds perm[bucketStart[b]..<bucketStart[b + 1]].
        var bucketStart = [Int](repeating: 0, count: buckets + 2)
        for b in bucketOf { bucketStart[Int(b) &+ 1] &+= 1 }
        for b in 0...buckets { bucketStart[b + 1] &+= bucketStart[b] }
        var perm = [Int](repeating: 0, count: n)
        var next = bucketStart
        perm.withUnsafeMutableBufferPointer { p in
            next.withUnsafeMutableBufferPointer { at in
                bucketOf.withUnsafeBufferPointer { bo in
                    for i in 0..<n {
                        let b = Int(bo[i])
                        p[at[b]] = i
                        at[b] &+= 1
                    }
                }
            }
        }
        bucketOf = []
        let bounds = bucketStart
        // Each bucket's groups, numbered and laid out in its own range of `perm`; `starts[b]` lists
        // bucket b's group starts (absolute positions).
        let chunks = min(buckets, slices)
        var starts = [[Int]](repeating: [], count: buckets)
        let failure = FirstError()
        perm.withUnsafeMutableBufferPointer { p in
            starts.withUnsafeMutableBufferPointer { st in
                let shared = Regroup(perm: p.baseAddress, starts: st.baseAddress)
                let work: @Sendable (Int) -> Void = { k in
                    do {
                        try control?.check()
                        var table = ByteStringTable()
                        var ids: [UInt32] = [], rows: [Int] = []
                        for b in (buckets * k / chunks)..<(buckets * (k + 1) / chunks) {
                            shared.starts?[b] = regroup(c, shared.perm!, bounds[b], bounds[b + 1], &table, &ids, &rows)
                        }
                    } catch { failure.set(error) }
                }
                if chunks == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: work) }
            }
        }
        if let e = failure.error { throw e }
        var groupStart: [Int] = []
        groupStart.reserveCapacity(n / 2 + 2)
        for s in starts { groupStart.append(contentsOf: s) }
        if bucketStart[buckets] < n { groupStart.append(bucketStart[buckets]) }  // the NULL rows
        groupStart.append(n)
        return (perm, groupStart)
    }

    /// Numbers the strings of rows `perm[lo..<hi]` (in input order) and lays them out group by group
    /// in that range, stably; returns the groups' start positions.
    private static func regroup(_ c: ColumnVector, _ perm: UnsafeMutablePointer<Int>, _ lo: Int, _ hi: Int,
                                _ table: inout ByteStringTable, _ ids: inout [UInt32], _ rows: inout [Int]) -> [Int] {
        guard hi > lo else { return [] }
        table.removeAll()
        ids.removeAll(keepingCapacity: true)
        rows.removeAll(keepingCapacity: true)
        for k in lo..<hi {
            let r = perm[k]
            ids.append(c.withStringBytes(r) { table.intern($0) })
            rows.append(r)
        }
        let groups = table.count
        var start = [Int](repeating: 0, count: groups + 1)
        for g in ids { start[Int(g) &+ 1] &+= 1 }
        for g in 0..<groups { start[g + 1] &+= start[g] }
        var at = start
        for (j, g) in ids.enumerated() {
            perm[lo + at[Int(g)]] = rows[j]
            at[Int(g)] &+= 1
        }
        start.removeLast()
        for g in 0..<groups { start[g] &+= lo }
        return start
    }
}

/// Buffers the hashing threads read and write (each thread its own rows).
private struct Shared: @unchecked Sendable {
    let offsets: UnsafePointer<UInt32>?
    let bytes: UnsafeRawPointer?
    let bucketOf: UnsafeMutablePointer<UInt16>?
}

/// `perm` and the per-bucket group starts, each thread writing its own buckets' parts only.
private struct Regroup: @unchecked Sendable {
    let perm: UnsafeMutablePointer<Int>?
    let starts: UnsafeMutablePointer<[Int]>?
}
