/// The distinct (group, word) pairs of a grouped `count(DISTINCT x)`, the first phase of the two-phase plan.
///
/// While a query has few groups (≤ `perGroupLimit`), each group keeps a `WordSet` of its own: probes stay in
/// a small table (a day's listeners, not the month's), a group's count is its set's size, and threads whose
/// groups do not overlap (time buckets over disjoint row groups) merge by adopting whole sets, no re-insert.
/// Past the limit (a group per user, say) the pairs move into one `PairSet`, which costs nothing per group.
/// Once the sets outgrow the cache (`partitionAfterBytes`: a million listeners per label), every insert
/// would miss it: the pairs move into `PartitionedPairs`, appended by partition and deduplicated a
/// partition at a time.
struct DistinctPairs {
    static let perGroupLimit = 4096
    /// The sets' bytes past which the pairs are partitioned (a core's L2 cache).
    static let defaultPartitionAfterBytes = 1 << 20

    private var perGroup: [WordSet] = []
    /// Set once the groups pass the limit; then `perGroup` is empty.
    private var pairs: PairSet?
    /// Set once the sets pass `partitionAfterBytes`; then `perGroup` is empty and `pairs` nil.
    private var parted: PartitionedPairs?
    /// Bytes of the per-group sets' slots, kept up to date on insert (no walk over groups).
    private var perGroupBytes = 0
    let partitionAfterBytes: Int

    init(partitionAfterBytes: Int = DistinctPairs.defaultPartitionAfterBytes) {
        self.partitionAfterBytes = partitionAfterBytes
    }

    var memoryBytes: Int {
        (pairs?.memoryBytes ?? 0) + (parted?.memoryBytes ?? 0) + perGroupBytes + perGroup.capacity * MemoryLayout<WordSet>.stride
    }

    /// Whether the pairs are radix-partitioned (past `partitionAfterBytes`).
    var isPartitioned: Bool { parted != nil }

    /// Makes room for groups `0..<n` (from the aggregate's group count), switching to one pair set past the limit.
    mutating func reserveGroups(_ n: Int) {
        guard pairs == nil, parted == nil, n > perGroup.count else { return }
        if n > Self.perGroupLimit { return spill() }
        perGroup.append(contentsOf: repeatElement(WordSet(), count: n - perGroup.count))
    }

    /// Adds (g, v); g must be below the count given to `reserveGroups`.
    @inline(__always) mutating func insert(_ g: UInt32, _ v: UInt64) {
        if parted != nil {
            parted!.insert(g, v)
        } else if pairs == nil {
            let grew = perGroup[Int(g)].insert(v)
            if grew != 0 {
                perGroupBytes &+= grew &* 8
                if perGroupBytes > partitionAfterBytes { partition() }
            }
        } else {
            let before = pairs!.memoryBytes
            pairs!.insert(g, v)
            if pairs!.memoryBytes != before, pairs!.memoryBytes > partitionAfterBytes { partition() }
        }
    }

    /// Calls `body` for every pair.
    func forEach(_ body: (UInt32, UInt64) -> Void) {
        if let parted { return parted.forEach(body) }
        if let pairs { return pairs.forEach(body) }
        for g in perGroup.indices { perGroup[g].forEach { body(UInt32(g), $0) } }
    }

    /// Adds each group's number of distinct words to `counts[group]`.
    func addCounts(to counts: inout [Int64]) {
        if let parted { return parted.addCounts(to: &counts) }
        if let pairs { return pairs.forEach { g, _ in counts[Int(g)] += 1 } }
        for g in perGroup.indices where perGroup[g].count > 0 { counts[g] += Int64(perGroup[g].count) }
    }

    /// Folds `other`'s pairs in, each word through `translate` (per-thread pool codes): other's group g
    /// becomes `map[g]`, left out when negative.
    mutating func merge(_ other: DistinctPairs, map: [Int32], translate: (UInt64) -> UInt64) {
        other.forEach { g, v in
            let m = map[Int(g)]
            guard m >= 0 else { return }
            reserveGroups(Int(m) + 1)
            insert(UInt32(m), translate(v))
        }
    }

    /// Folds `other`'s pairs in (words that mean the same in both): other's group g becomes `map[g]`, left
    /// out when negative. A group this side has no word of takes other's set as it is.
    mutating func merge(_ other: DistinctPairs, map: [Int32]) {
        if let theirs = other.parted {
            // Partitioned on both sides: partition p's pairs are appended to partition p.
            if parted == nil { partition() }
            parted!.merge(theirs, map: map)
            return
        }
        guard other.pairs == nil, parted == nil else { return merge(other, map: map) { $0 } }
        for g in other.perGroup.indices where other.perGroup[g].count > 0 && map[g] >= 0 {
            let m = Int(map[g])
            reserveGroups(m + 1)
            guard pairs == nil, parted == nil else {
                other.perGroup[g].forEach { insert(UInt32(m), $0) }
                continue
            }
            // The larger set takes the smaller one's words; a set taken whole is shared, not copied.
            var mine = perGroup[m]
            perGroup[m] = WordSet()
            perGroupBytes -= mine.memoryBytes
            if mine.count == 0 {
                mine = other.perGroup[g]
            } else if mine.count >= other.perGroup[g].count {
                other.perGroup[g].forEach { _ = mine.insert($0) }
            } else {
                var theirs = other.perGroup[g]
                mine.forEach { _ = theirs.insert($0) }
                mine = theirs
            }
            perGroupBytes += mine.memoryBytes
            perGroup[m] = mine
        }
        if parted == nil, pairs == nil, perGroupBytes > partitionAfterBytes { partition() }
    }

    /// Moves every pair into partitions.
    private mutating func partition() {
        var all = PartitionedPairs()
        forEach { all.insert($0, $1) }
        perGroup = []
        perGroupBytes = 0
        pairs = nil
        parted = all
    }

    /// Moves every per-group set into one pair set.
    private mutating func spill() {
        var all = PairSet()
        for g in perGroup.indices { perGroup[g].forEach { all.insert(UInt32(g), $0) } }
        perGroup = []
        perGroupBytes = 0
        pairs = all
    }
}

/// A hash set of UInt64 words, open addressing with linear probing. Zero marks an empty slot, so the word
/// zero itself is kept by a flag.
struct WordSet {
    private var slots: [UInt64] = []
    private var hasZero = false
    /// Distinct words held, zero included.
    private(set) var count = 0

    var memoryBytes: Int { slots.count * 8 }

    /// A full 64-bit mix (murmur3's finalizer): the words are packed strings whose differences sit in any
    /// byte, and the table index takes the low bits.
    @inline(__always) static func hash(_ v: UInt64) -> UInt64 {
        var h = v ^ (v >> 33)
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 33)
    }

    /// Adds `v`; returns how many slots the table grew by (0 unless it had to grow).
    @inline(__always) mutating func insert(_ v: UInt64) -> Int {
        if v == 0 {
            if !hasZero { hasZero = true; count &+= 1 }
            return 0
        }
        var grew = 0
        if (count &+ 1) &* 2 > slots.count {
            grew = slots.count
            grow()
            grew = slots.count &- grew
        }
        let added = slots.withUnsafeMutableBufferPointer { s -> Bool in
            let mask = s.count &- 1
            var i = Int(truncatingIfNeeded: Self.hash(v)) & mask
            while true {
                let x = s[i]
                if x == v { return false }
                if x == 0 { s[i] = v; return true }
                i = (i &+ 1) & mask
            }
        }
        if added { count &+= 1 }
        return grew
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: max(16, old.count * 2))
        slots.withUnsafeMutableBufferPointer { s in
            let mask = s.count &- 1
            for v in old where v != 0 {
                var i = Int(truncatingIfNeeded: Self.hash(v)) & mask
                while s[i] != 0 { i = (i &+ 1) & mask }
                s[i] = v
            }
        }
    }

    /// Calls `body` for every word.
    func forEach(_ body: (UInt64) -> Void) {
        if hasZero { body(0) }
        for v in slots where v != 0 { body(v) }
    }
}
