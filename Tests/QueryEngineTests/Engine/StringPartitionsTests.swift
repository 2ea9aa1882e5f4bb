import ColumnStore
import Testing
@testable import QueryEngine

/// `StringPartitions`, the hash-bucketed grouping of a window's one string PARTITION BY key: every row
/// once, each group exactly the rows of one value (NULLs one group, last), each group's rows in input
/// order — on one thread and on several, with one bucket and with the most.
@Suite("String window partitions")
struct StringPartitionsTests {
    static func column(rows n: Int, distinct: Int, _ rng: inout OutputTestRNG) -> ColumnVector {
        var c = ColumnVector(type: .string)
        for _ in 0..<n {
            let x = rng.next()
            if x % 50 == 0 { c.appendNulls(1); continue }
            // Ids of several lengths (empty, short, longer than 16 bytes) so hashing and comparison see each.
            let id = Int(x >> 8) % distinct
            c.append(string: id % 7 == 0 ? String(repeating: "x", count: id % 3) : (id % 5 == 0 ? "listener-with-a-long-id-\(id)" : "u\(id)"))
        }
        return c
    }

    @Test("groups every value's rows in input order", arguments: [(1, 10, 3), (2, 5_000, 400), (3, 300_000, 50_000), (4, 300_000, 3)])
    func groupsRows(_ seed: Int, _ rows: Int, _ distinct: Int) throws {
        var rng = OutputTestRNG(seed: UInt64(seed))
        let c = Self.column(rows: rows, distinct: distinct, &rng)
        for threads in [1, 2] {
            let (perm, starts) = try StringPartitions.layout(c, rows: rows, threads: threads, control: nil)
            #expect(perm.sorted() == Array(0..<rows))
            #expect(starts.first == 0 && starts.last == rows)
            var seen = Set<String?>()
            for g in 0..<(starts.count - 1) {
                let group = perm[starts[g]..<starts[g + 1]]
                #expect(!group.isEmpty)
                let value: String? = c.isNull(group.first!) ? nil : c.string(at: group.first!)
                #expect(zip(group, group.dropFirst()).allSatisfy { $0 < $1 }, "group \(g) out of input order")
                #expect(group.allSatisfy { (c.isNull($0) ? nil : c.string(at: $0)) == value }, "group \(g) mixes values")
                #expect(seen.insert(value).inserted, "value \(value ?? "NULL") in two groups")
                if value == nil { #expect(g == starts.count - 2, "the NULL group is not last") }
            }
        }
    }

    @Test func cancelled() {
        var rng = OutputTestRNG(seed: 7)
        let c = Self.column(rows: 100_000, distinct: 1_000, &rng)
        let control = QueryControl()
        control.cancel("cancelled by the test")
        #expect(throws: QueryError.self) { try StringPartitions.layout(c, rows: 100_000, threads: 2, control: control) }
    }
}
