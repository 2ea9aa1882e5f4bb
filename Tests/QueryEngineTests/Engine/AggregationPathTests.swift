import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// Grouping and DISTINCT over random strings of every length class (empty, short enough to pack in a
/// word, longer; NUL bytes; non-ASCII; NULLs), across many row groups and threads, against answers
/// computed here with Swift collections: the direct, partitioned and ungrouped paths must all agree.
@Suite("Aggregation paths")
struct AggregationPathTests {
    static let rows = 40_000

    /// Random strings: a few hundred distinct values, each of a random length class.
    static func values(seed: UInt64) -> [String?] {
        var rng = SeededRandom(seed: seed)
        let alphabet: [Character] = ["a", "b", "z", "\u{0}", "é", "日", "0", "9"]
        let distinct: [String] = (0..<700).map { _ in
            let n = [0, 1, 7, 8, 8, 9, 16, 17, 40][Int(rng.next() % 9)]
            var s = ""
            while s.utf8.count < n { s.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
            return s
        }
        return (0..<rows).map { _ in rng.next() % 20 == 0 ? nil : distinct[Int(rng.next() % UInt64(distinct.count))] }
    }

    /// A database in `dir` that flushes only when told.
    static func database(_ dir: TempDirectory) throws -> Database {
        var o = DatabaseOptions()
        o.background = false
        return try Database(path: dir.path, options: o)
    }

    static func withTable(_ values: [String?], _ body: (Database) throws -> Void) throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Self.database(dir)
        defer { try? db.close() }
        // Several batches, flushed apart, so the scan sees many row groups plus the memtable.
        for part in stride(from: 0, to: values.count, by: 9_000) {
            var b = BatchBuilder(table: "t")
            for i in part..<min(values.count, part + 9_000) {
                var row: [(String, BatchBuilder.Value)] = [("n", .int(Int64(i % 13)))]
                if let s = values[i] { row.append(("s", .string(s))) }
                b.add(time: 1_767_225_600_000_000_000 + Int64(i) * 1_000_000_000, row)
            }
            try db.write([b.batch])
            if part + 9_000 < values.count { try db.flush() }
        }
        try body(db)
    }

    @Test(arguments: [0, 16_384])
    func groupByStringCountsEveryValue(partitionAfter: Int) throws {
        let values = Self.values(seed: 7)
        var expected: [String?: (count: Int, sum: Int)] = [:]
        for (i, v) in values.enumerated() { expected[v, default: (0, 0)].count += 1; expected[v, default: (0, 0)].sum += i % 13 }
        try Self.withTable(values) { db in
            for threads in [1, 2] {
                let e = QueryEngine(database: db, threads: threads, partitionAfterGroups: partitionAfter)
                let r = try e.execute("SELECT s, count(*) AS c, sum(n) AS total FROM t GROUP BY s")
                var got: [String?: (count: Int, sum: Int)] = [:]
                let s = r.columns[0].vector, c = r.columns[1].vector, t = r.columns[2].vector
                for i in 0..<r.rowCount {
                    let key: String? = s.isNull(i) ? nil : s.string(at: i)
                    #expect(got[key] == nil, "group \(String(describing: key)) appears twice")
                    got[key] = (Int(c.int64s[i]), Int(t.int64s[i]))
                }
                #expect(got.count == expected.count, "threads \(threads)")
                for (k, v) in expected { #expect(got[k]?.count == v.count && got[k]?.sum == v.sum, "\(String(describing: k))") }
            }
        }
    }

    @Test func countDistinctStringsUngroupedAndGrouped() throws {
        let values = Self.values(seed: 11)
        let all = Set(values.compactMap { $0 })
        var perN: [Int: Set<String>] = [:]
        for (i, v) in values.enumerated() { if let v { perN[i % 13, default: []].insert(v) } }
        try Self.withTable(values) { db in
            for threads in [1, 2] {
                let e = QueryEngine(database: db, threads: threads, partitionAfterGroups: 0)
                let r = try e.execute("SELECT count(DISTINCT s) AS d, count(s) AS c FROM t")
                #expect(r.columns[0].vector.int64s == [Int64(all.count)], "threads \(threads)")
                #expect(r.columns[1].vector.int64s == [Int64(values.compactMap { $0 }.count)])
                let g = try e.execute("SELECT n, count(DISTINCT s) AS d FROM t GROUP BY n ORDER BY n")
                #expect(g.rowCount == 13)
                for i in 0..<g.rowCount {
                    #expect(g.columns[1].vector.int64s[i] == Int64(perN[Int(g.columns[0].vector.int64s[i])]!.count))
                }
            }
        }
    }

    /// Two threads' ungrouped distinct sets (short strings packed, long ones interned) merge into one.
    @Test func ungroupedDistinctMerges() throws {
        let values = Self.values(seed: 3)
        func vec(_ part: ArraySlice<String?>) -> Vec {
            var col = ColumnVector(type: .string)
            for v in part { if let v { col.append(string: v) } else { col.appendNulls(1) } }
            return Vec(type: .string, col: col)
        }
        // The second thread sees some values of its own (prefixed) besides shared ones.
        let half = values.count / 2
        let first = values[..<half], second = values[half...].enumerated().map { i, v in i % 2 == 0 ? v.map { "x" + $0 } : v }
        let a = CountDistinctAccumulator(), b = CountDistinctAccumulator()
        a.reduce(nil, vec(first), rows: first.count)
        b.reduce(nil, vec(second[...]), rows: second.count)
        var pool = StringPool()
        a.merge(b, map: [0], from: StringPool(), into: &pool)
        #expect(a.finalize(pool).int64s == [Int64(Set((Array(first) + second).compactMap { $0 }).count)])
    }

    /// sum() is exact over large values (chunks of small ones take the vectorized path, others the 128-bit
    /// one) and reports an overflow rather than wrapping.
    @Test func integerSumsAreExactOrFail() throws {
        var rng = SeededRandom(seed: 99)
        let small = (0..<5_000).map { _ in Int64(bitPattern: rng.next() % 2_000_001) - 1_000_000 }
        // Large values that cancel in pairs, so the total fits although partial sums would not in 53 bits.
        let large = (0..<3_000).flatMap { _ -> [Int64] in let x = Int64(bitPattern: rng.next() >> 2); return [x, -x + 7] }
        for (values, name) in [(small, "small"), (large, "large"), (small + large + small, "mixed")] {
            let dir = TempDirectory(); defer { dir.remove() }
            let db = try Self.database(dir)
            var b = BatchBuilder(table: "t")
            for (i, v) in values.enumerated() { b.add(time: 1_767_225_600_000_000_000 + Int64(i), [("n", .int(v))]) }
            try db.write([b.batch])
            try db.flush()
            let total = values.reduce(Int128(0)) { $0 + Int128($1) }
            let r = try QueryEngine(database: db, threads: 2).execute("SELECT sum(n) AS s, count(*) AS c FROM t")
            #expect(r.columns[0].vector.int64s == [Int64(total)], "\(name)")
            try db.close()
        }
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Self.database(dir)
        defer { try? db.close() }
        var b = BatchBuilder(table: "t")
        for i in 0..<4 { b.add(time: 1_767_225_600_000_000_000 + Int64(i), [("n", .int(Int64.max / 3))]) }
        try db.write([b.batch])
        #expect(throws: QueryError.self) { try QueryEngine(database: db, threads: 1).execute("SELECT sum(n) FROM t") }
    }

    /// A conjunct is skipped on a block only when its statistics prove every row satisfies it.
    @Test func blockStatisticsProveConjunctsOnlyWhenTheyHold() {
        let stats = BlockStats(nullCount: 0, min: 10, max: 20, hasMinMax: true)
        let cases: [(CompareOp, Int64, Bool)] = [
            (.ge, 10, true), (.ge, 11, false), (.gt, 9, true), (.gt, 10, false), (.le, 20, true), (.le, 19, false),
            (.lt, 21, true), (.lt, 20, false), (.eq, 15, false), (.ne, 21, true), (.ne, 9, true), (.ne, 15, false),
        ]
        for (op, v, holds) in cases {
            #expect(PrunePredicate.compare(column: 1, op, .int(v)).mustMatch(stats, rows: 10) == holds, "\(op) \(v)")
        }
        let single = BlockStats(nullCount: 0, min: 15, max: 15, hasMinMax: true)
        #expect(PrunePredicate.compare(column: 1, .eq, .int(15)).mustMatch(single, rows: 10))
        let withNulls = BlockStats(nullCount: 1, min: 10, max: 20, hasMinMax: true)
        #expect(!PrunePredicate.compare(column: 1, .ge, .int(0)).mustMatch(withNulls, rows: 10), "NULL satisfies nothing")
        #expect(!PrunePredicate.compare(column: 1, .ge, .double(0)).mustMatch(stats, rows: 10), "floats are never proved")
    }

    /// A cancelled query fails with the reason at its next row group; a result over the row cap fails
    /// before it is built, unless a LIMIT keeps it within, and a subquery's rows are not capped.
    @Test func controlCancelsAndCapsRows() throws {
        try Self.withTable(Self.values(seed: 5)) { (db: Database) throws in
            let e = QueryEngine(database: db, threads: 2)
            let cancelled = QueryControl()
            cancelled.cancel("stop: test")
            #expect(throws: QueryError.self) { try e.execute("SELECT s, count(*) FROM t GROUP BY s", control: cancelled) }
            do {
                _ = try e.execute("SELECT sum(n) FROM t", control: cancelled)
                Issue.record("a cancelled scan finished")
            } catch {
                #expect("\(error)".contains("stop: test"))
            }
            let capped = QueryControl(maxRows: 100)
            do {
                _ = try e.execute("SELECT s, n FROM t", control: capped)
                Issue.record("40,000 rows passed a cap of 100")
            } catch {
                #expect("\(error)".contains("more than the limit of 100"))
            }
            #expect(throws: QueryError.self) { try e.execute("SELECT s, count(*) FROM t GROUP BY s", control: capped) }
            #expect(try e.execute("SELECT s, n FROM t ORDER BY n LIMIT 100", control: capped).rowCount == 100)
            #expect(try e.execute("SELECT count(*) AS c FROM (SELECT s, n FROM t)", control: capped).columns[0].vector.int64s == [Int64(Self.rows)])
        }
    }
}
