import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// The scan's fast aggregate paths against answers computed here: `sum(x)` and `avg(x)` of one query adding
/// each batch once (`HashAggregate`'s shared total), `min`/`max`, a single tag's group ids
/// read without writing (`denseIDs`) and the float sum's plain loop — over NULLs, one row, no rows, ranges
/// that cut a row group, a WHERE that selects rows, and tag codes first seen mid-batch.
@Suite("Aggregate fast paths")
struct AggregateFastPathTests {
    struct Row { var time: Int64; var tag: String?; var x: Int64?; var flag: Bool }

    static let t0: Int64 = 1_767_225_600_000_000_000

    /// Seeded rows a second apart; x is NULL in whole stretches (blocks with and without validity), tags
    /// grow in number along the table (codes first seen late), now and then NULL.
    static func rows(seed: UInt64, count: Int) -> [Row] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { i in
            let tagCount = 1 + i / 3_000
            let tag: String? = rng.next() % 37 == 0 ? nil : "tag\(rng.next() % UInt64(tagCount))"
            let x: Int64? = (i / 5_000) % 3 == 2 && rng.next() % 2 == 0 ? nil : Int64(rng.next() % 2_000_000) - 1_000_000
            return Row(time: t0 + Int64(i) * 1_000_000_000, tag: tag, x: x, flag: rng.next() % 3 == 0)
        }
    }

    /// A table `t` of `rows`, flushed every 6,000 rows (segments, then the memtable for the last ones).
    static func withTable(_ rows: [Row], _ body: (Database) throws -> Void) throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        for part in stride(from: 0, to: rows.count, by: 6_000) {
            var b = BatchBuilder(table: "t")
            for r in rows[part..<min(rows.count, part + 6_000)] {
                var row: [(String, BatchBuilder.Value)] = [("flag", .bool(r.flag))]
                if let s = r.tag { row.append(("tag", .tag(s))) }
                if let x = r.x { row.append(("x", .int(x))) }
                b.add(time: r.time, row)
            }
            try db.write([b.batch])
            if part + 6_000 < rows.count { try db.flush() }
        }
        try body(db)
    }

    static func ts(_ t: Int64) -> String {
        let d = Date(timeIntervalSince1970: Double(t / 1_000_000_000))
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: d)
    }

    @Test func sumAvgMinMaxOverRanges() throws {
        let rows = Self.rows(seed: 11, count: 20_000)
        try Self.withTable(rows) { db in
            var rng = SeededRandom(seed: 12)
            var ranges: [(Int, Int)] = [(0, rows.count), (0, 1), (7_777, 7_778), (15_000, 15_000), (100, 13_000)]
            for _ in 0..<6 { let a = Int(rng.next() % 20_000); ranges.append((a, min(rows.count, a + Int(rng.next() % 9_000)))) }
            for threads in [1, 2] {
                let e = QueryEngine(database: db, threads: threads)
                for (a, b) in ranges {
                    let lo = Self.t0 + Int64(a) * 1_000_000_000, hi = Self.t0 + Int64(b) * 1_000_000_000
                    let xs = rows[a..<b].compactMap(\.x)
                    let r = try e.execute("SELECT sum(x), avg(x), max(x), min(x), count(x), sum(x) AS again, avg(x) FROM t WHERE time >= '\(Self.ts(lo))' AND time < '\(Self.ts(hi))'")
                    let c = r.columns.map(\.vector)
                    #expect(r.rowCount == 1)
                    if xs.isEmpty {
                        #expect((0..<7).filter { $0 != 4 }.allSatisfy { c[$0].isNull(0) }, "rows \(a)..<\(b)")
                        #expect(c[4].int64s[0] == 0)
                        continue
                    }
                    let sum = xs.reduce(0, +)
                    #expect(c[0].int64s[0] == sum, "rows \(a)..<\(b), threads \(threads)")
                    #expect(c[5].int64s[0] == sum)
                    #expect(abs(c[1].float64s[0] - Double(sum) / Double(xs.count)) <= 1e-9 * max(1, abs(Double(sum) / Double(xs.count))))
                    #expect(c[6].float64s[0] == c[1].float64s[0])
                    #expect(c[2].int64s[0] == xs.max()!)
                    #expect(c[3].int64s[0] == xs.min()!)
                    #expect(c[4].int64s[0] == Int64(xs.count))
                }
            }
        }
    }

    @Test func aTableOfOneRow() throws {
        try Self.withTable([Row(time: Self.t0, tag: "a", x: -5, flag: true)]) { db in
            let r = try QueryEngine(database: db, threads: 2).execute("SELECT sum(x), avg(x), max(x), min(x) FROM t")
            let c = r.columns.map(\.vector)
            #expect(c[0].int64s[0] == -5 && c[1].float64s[0] == -5 && c[2].int64s[0] == -5 && c[3].int64s[0] == -5)
        }
    }

    /// One tag key, with and without a WHERE (a selection), codes appearing along the table, NULL tags.
    @Test func groupsByOneTag() throws {
        let rows = Self.rows(seed: 21, count: 24_000)
        try Self.withTable(rows) { db in
            for (filter, keep) in [("", { (_: Row) in true }), ("WHERE flag", { (r: Row) in r.flag }),
                                   ("WHERE time >= '\(Self.ts(Self.t0 + 9_000 * 1_000_000_000))'", { (r: Row) in r.time >= Self.t0 + 9_000 * 1_000_000_000 })] {
                var expected: [String: (n: Int64, share: Double)] = [:]
                for r in rows where keep(r) {
                    let k = r.tag ?? "∅"
                    expected[k, default: (0, 0)].n += 1
                    expected[k, default: (0, 0)].share += r.flag ? 1 : 0
                }
                for threads in [1, 2] {
                    let r = try QueryEngine(database: db, threads: threads).execute(
                        "SELECT tag, count(*), avg(CASE WHEN flag THEN 1.0 ELSE 0.0 END) FROM t \(filter) GROUP BY tag")
                    #expect(r.rowCount == expected.count, "\(filter), threads \(threads)")
                    let c = r.columns.map(\.vector)
                    for i in 0..<r.rowCount {
                        let k = c[0].isNull(i) ? "∅" : c[0].string(at: i)
                        let want = try #require(expected[k], "group \(k)")
                        #expect(c[1].int64s[i] == want.n, "\(k) \(filter)")
                        #expect(abs(c[2].float64s[i] - want.share / Double(want.n)) < 1e-12)
                    }
                }
            }
        }
    }
}
