import Testing
@testable import QueryEngine
import TestSupport

/// `DistinctPairs` (grouped count(DISTINCT)'s pair sets) against a plain `Set` of pairs: per-group sets,
/// the switch to one pair set past `perGroupLimit`, the radix partitions past `partitionAfterBytes`, and
/// merges that adopt, fold and drop groups between any two of them.
@Suite("count(DISTINCT) pair sets")
struct DistinctPairsTests {
    struct Pair: Hashable { let g: UInt32; let v: UInt64 }

    /// Words drawn so that they collide often (small range), include zero, and spread over all bytes.
    static func word(_ r: inout SeededRandom) -> UInt64 {
        switch r.below(4) {
        case 0: return 0
        case 1: return UInt64(r.below(50))
        case 2: return UInt64(r.below(50)) << 56 | 0x75_3030
        default: return r.next() % 4_000
        }
    }

    static func counts(_ p: DistinctPairs, groups: Int) -> [Int64] {
        var c = [Int64](repeating: 0, count: groups)
        p.addCounts(to: &c)
        return c
    }

    static func reference(_ pairs: Set<Pair>, groups: Int) -> [Int64] {
        var c = [Int64](repeating: 0, count: groups)
        for p in pairs { c[Int(p.g)] += 1 }
        return c
    }

    static func collected(_ p: DistinctPairs) -> Set<Pair> {
        var out = Set<Pair>()
        p.forEach { g, v in
            let fresh = out.insert(Pair(g: g, v: v)).inserted
            #expect(fresh, "pair (\(g), \(v)) reported twice")
        }
        return out
    }

    /// A threshold that partitions almost at once, and the default one (never reached by these tests).
    static let thresholds = [512, DistinctPairs.defaultPartitionAfterBytes]

    @Test("inserts match a Set, below and past the per-group limit, partitioned or not",
          arguments: [3, 200, DistinctPairs.perGroupLimit + 500], thresholds)
    func inserts(groups: Int, partitionAfter: Int) {
        var r = SeededRandom(seed: UInt64(groups))
        var p = DistinctPairs(partitionAfterBytes: partitionAfter)
        var ref = Set<Pair>()
        // Groups appear over time, as an aggregate's group count grows batch by batch.
        var known = 1
        p.reserveGroups(known)
        for _ in 0..<30_000 {
            if known < groups, r.chance(0.2) { known += 1; p.reserveGroups(known) }
            let g = UInt32(r.below(known)), v = Self.word(&r)
            p.insert(g, v)
            ref.insert(Pair(g: g, v: v))
        }
        #expect(p.isPartitioned == (partitionAfter == 512))
        #expect(Self.collected(p) == ref)
        #expect(Self.counts(p, groups: groups) == Self.reference(ref, groups: groups))
        #expect(p.memoryBytes > 0)
    }

    /// Enough rows that partitions are deduplicated many times over (many duplicates), and enough
    /// distinct pairs that the counts are taken on several threads.
    @Test("partitions deduplicate as they grow, and count in parallel", arguments: [20_000, 1_200_000])
    func partitionedVolume(distinctWords: Int) {
        var r = SeededRandom(seed: UInt64(distinctWords))
        var p = DistinctPairs(partitionAfterBytes: 0)
        p.reserveGroups(5)
        var ref = Set<Pair>()
        for _ in 0..<1_500_000 {
            let g = UInt32(r.below(5)), v = r.next() % UInt64(distinctWords)
            p.insert(g, v)
            ref.insert(Pair(g: g, v: v))
        }
        #expect(p.isPartitioned)
        #expect(Self.counts(p, groups: 5) == Self.reference(ref, groups: 5))
        // Memory follows the distinct pairs, not the rows: at most four times them (a run as long as they are, in arrays that double) plus the first runs.
        #expect(p.memoryBytes <= 16 * (4 * ref.count + 2 * PartitionedPairs.partitions * PartitionedPairs.minimumRun))
    }

    @Test("merges: shared and disjoint groups, dropped groups, either side past the limit or partitioned",
          arguments: 0..<6, [(false, false), (true, false), (false, true), (true, true)])
    func merges(seed: Int, partitioned: (a: Bool, b: Bool)) {
        var r = SeededRandom(seed: 100 + UInt64(seed))
        // Seeds 0–1 stay per group on both sides, 2–3 put B past the limit, 4–5 put A past it.
        let groupsA = seed >= 4 ? DistinctPairs.perGroupLimit + 10 : 300
        let groupsB = seed == 2 || seed == 3 ? DistinctPairs.perGroupLimit + 10 : 200
        var a = DistinctPairs(partitionAfterBytes: partitioned.a ? 512 : DistinctPairs.defaultPartitionAfterBytes)
        var b = DistinctPairs(partitionAfterBytes: partitioned.b ? 512 : DistinctPairs.defaultPartitionAfterBytes)
        var refA = Set<Pair>(), refB = Set<Pair>()
        a.reserveGroups(groupsA)
        b.reserveGroups(groupsB)
        for _ in 0..<20_000 {
            // A's low groups overlap B's; B also has groups of its own.
            let ga = UInt32(r.below(groupsA)), va = Self.word(&r)
            a.insert(ga, va); refA.insert(Pair(g: ga, v: va))
            let gb = UInt32(r.below(groupsB)), vb = Self.word(&r)
            b.insert(gb, vb); refB.insert(Pair(g: gb, v: vb))
        }
        // B's group g becomes A's map[g]: some onto A's groups, some onto new ones, some dropped.
        let total = groupsA + groupsB
        let map: [Int32] = (0..<groupsB).map { g in
            switch g % 5 {
            case 0: return -1
            case 1: return Int32(groupsA + g)
            default: return Int32(g % groupsA)
            }
        }
        a.merge(b, map: map)  // makes room for the new groups itself
        var ref = refA
        for p in refB where map[Int(p.g)] >= 0 { ref.insert(Pair(g: UInt32(map[Int(p.g)]), v: p.v)) }
        #expect(Self.collected(a) == ref)
        #expect(Self.counts(a, groups: total) == Self.reference(ref, groups: total))
        // B is unchanged by the merge (A adopted some of its sets: they are shared, not moved).
        #expect(Self.collected(b) == refB)
    }

    @Test("a translated merge maps every word", arguments: thresholds)
    func translated(partitionAfter: Int) {
        var a = DistinctPairs(partitionAfterBytes: partitionAfter), b = DistinctPairs(partitionAfterBytes: partitionAfter)
        a.reserveGroups(2); b.reserveGroups(2)
        for v in 0..<100 as Range<UInt64> { a.insert(0, v); b.insert(UInt32(v % 2), v) }
        a.merge(b, map: [0, 1]) { $0 + 50 }
        // Group 0: 0..<100 plus the even words + 50 (50..<150 even): 125 distinct; group 1: the odd ones + 50.
        #expect(Self.counts(a, groups: 2) == [125, 50])
    }
}
