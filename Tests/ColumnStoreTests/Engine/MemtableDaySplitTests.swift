@testable import ColumnStore
import Testing
import TestSupport

/// A batch whose rows span several days is split per day: every row lands in its day, in input order,
/// whether the batch spans two days (the usual midnight crossing with late rows) or a backfill of hundreds.
@Suite struct MemtableDaySplitTests {
    static let day: Int64 = 86_400_000_000_000

    /// The split the memtable uses, against a plain dictionary grouping.
    static func expectSameSplit(_ time: [Int64]) {
        var naive: [Int32: [Int32]] = [:]
        for (i, t) in time.enumerated() { naive[Day.of(t), default: []].append(Int32(i)) }
        let split = Memtable.rowsByDay(time)
        #expect(split.map(\.day) == naive.keys.sorted())
        for (d, rows) in split { #expect(rows == naive[d]) }
    }

    @Test func seededBatchesSplitLikeAGroupBy() {
        var rng = SeededRandom(seed: 1010)
        for round in 0..<60 {
            let n = [1, 2, 100, 5000][rng.below(4)]
            let days = [1, 2, 3, 16, 17, 18, 400][round % 7]
            let start = Int64(1_763_683_200) * 1_000_000_000 - Int64(rng.below(5)) * Self.day
            var time: [Int64] = []
            var t = start
            for _ in 0..<n {
                if rng.chance(0.9) {
                    t += Int64(rng.below(Int(Self.day) * days / max(n, 1) + 1))  // arrival order
                    time.append(t)
                } else {
                    time.append(start + Int64(rng.below(days)) * Self.day - Int64(rng.below(1000)))  // late rows, and before 1970 days
                }
            }
            if round % 5 == 0 { time = time.map { $0 - 20_000 * Self.day } }  // negative days
            Self.expectSameSplit(time)
        }
    }
}
