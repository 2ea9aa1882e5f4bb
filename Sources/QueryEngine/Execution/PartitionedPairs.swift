import Foundation

/// The distinct (group, word) pairs of a grouped `count(DISTINCT)` once they outgrow the cache: DuckDB's
/// radix-partitioned distinct. A pair goes to one of 256 partitions by a hash of its word and is appended
/// there (256 hot tails, not a random probe into a table of millions); a partition is deduplicated on its
/// own, in a table the size of that partition alone, when its appended run reaches its distinct count (so
/// memory stays within about three times the distinct pairs, and each pair is rehashed a constant number
/// of times). The partition depends on the word only, so remapping groups on a merge keeps it, and two
/// threads' partitions merge by appending.
struct PartitionedPairs {
    static let bits = 8
    static let partitions = 1 << bits
    /// The appended run a partition may reach before it is first deduplicated.
    static let minimumRun = 1024

    /// A pair as stored: 16 bytes.
    struct Pair {
        var value: UInt64
        var group: UInt32
    }

    /// A deduplicating table's slot: a pair and its used mark in 16 bytes.
    private struct Slot {
        var value: UInt64
        var group: UInt32
        var used: UInt32
    }

    private var parts: [[Pair]]
    /// Per partition: how many leading pairs are known distinct.
    private var distinct: [Int]
    /// Per partition: the length at which it is deduplicated next.
    private var limit: [Int]

    init() {
        parts = [[Pair]](repeating: [], count: Self.partitions)
        distinct = [Int](repeating: 0, count: Self.partitions)
        limit = [Int](repeating: Self.minimumRun, count: Self.partitions)
    }

    var memoryBytes: Int {
        var b = 0
        for p in parts { b &+= p.capacity &* MemoryLayout<Pair>.stride }
        return b
    }

    @inline(__always) static func partition(_ v: UInt64) -> Int {
        Int(truncatingIfNeeded: WordSet.hash(v) >> UInt64(64 - bits))
    }

    /// Adds (g, v).
    @inline(__always) mutating func insert(_ g: UInt32, _ v: UInt64) {
        let p = Self.partition(v)
        parts[p].append(Pair(value: v, group: g))
        if parts[p].count >= limit[p] { compact(p) }
    }

    /// Folds `other`'s pairs in: its group g becomes `map[g]`, left out when negative. Same partitions, so
    /// partition p's pairs are appended to partition p.
    mutating func merge(_ other: PartitionedPairs, map: [Int32]) {
        for p in 0..<Self.partitions where !other.parts[p].isEmpty {
            var mine = parts[p]
            parts[p] = []
            mine.reserveCapacity(mine.count + other.parts[p].count)
            map.withUnsafeBufferPointer { map in
                for e in other.parts[p] {
                    let m = map[Int(e.group)]
                    if m >= 0 { mine.append(Pair(value: e.value, group: UInt32(m))) }
                }
            }
            parts[p] = mine
            if parts[p].count >= limit[p] { compact(p) }
        }
    }

    /// Calls `body` for every distinct pair.
    func forEach(_ body: (UInt32, UInt64) -> Void) {
        for p in parts.indices {
            Self.distinctPairs(parts[p]) { body($0.group, $0.value) }
        }
    }

    /// Adds each group's number of distinct words to `counts[group]`: the partitions are deduplicated on
    /// the cores in parallel, each into counts of its own.
    func addCounts(to counts: inout [Int64]) {
        let total = parts.reduce(0) { $0 + $1.count }
        let threads = total < 1 << 20 ? 1 : min(ProcessInfo.processInfo.activeProcessorCount, 8)
        if threads == 1 {
            for p in parts { Self.distinctPairs(p) { counts[Int($0.group)] &+= 1 } }
            return
        }
        let n = counts.count
        // Each thread writes its own slice only.
        nonisolated(unsafe) let partial = UnsafeMutableBufferPointer<Int64>.allocate(capacity: n * threads)
        partial.initialize(repeating: 0)
        defer { partial.deallocate() }
        let parts = self.parts
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let mine = UnsafeMutableBufferPointer(rebasing: partial[t * n..<(t + 1) * n])
            for p in stride(from: t, to: Self.partitions, by: threads) {
                Self.distinctPairs(parts[p]) { mine[Int($0.group)] &+= 1 }
            }
        }
        for t in 0..<threads {
            for g in 0..<n { counts[g] &+= partial[t * n + g] }
        }
    }

    /// Deduplicates partition `p` in place and sets when it is deduplicated next: once the run appended
    /// after its distinct pairs is as long as they are.
    private mutating func compact(_ p: Int) {
        var a = parts[p]
        parts[p] = []
        var kept = 0
        a.withUnsafeMutableBufferPointer { buf in
            Self.distinctPairs(UnsafeBufferPointer(buf)) { e in
                buf[kept] = e  // kept ≤ the index being read: the front holds the distinct pairs
                kept &+= 1
            }
        }
        a.removeLast(a.count - kept)
        distinct[p] = kept
        limit[p] = max(Self.minimumRun, kept * 2)
        parts[p] = a
    }

    /// Calls `body` once for each distinct pair of `a`, in the order of first occurrence.
    private static func distinctPairs(_ a: [Pair], _ body: (Pair) -> Void) {
        a.withUnsafeBufferPointer { distinctPairs($0, body) }
    }

    /// `body` may overwrite `a` at or below the index being read: the table compares copies.
    private static func distinctPairs(_ a: UnsafeBufferPointer<Pair>, _ body: (Pair) -> Void) {
        guard !a.isEmpty else { return }
        var size = 16
        while size < a.count * 2 { size <<= 1 }
        let mask = size - 1
        // Pairs already passed on are kept here (not read back from `a`, which `body` may overwrite), with
        // their used mark in the same 16 bytes.
        let table = UnsafeMutableBufferPointer<Slot>.allocate(capacity: size)
        table.initialize(repeating: Slot(value: 0, group: 0, used: 0))
        defer { table.deallocate() }
        for e in a {
            var i = Int(truncatingIfNeeded: PairSet.hash(e.group, e.value)) & mask
            var fresh = true
            while table[i].used != 0 {
                if table[i].value == e.value && table[i].group == e.group { fresh = false; break }
                i = (i &+ 1) & mask
            }
            if fresh {
                table[i] = Slot(value: e.value, group: e.group, used: 1)
                body(e)
            }
        }
    }
}
