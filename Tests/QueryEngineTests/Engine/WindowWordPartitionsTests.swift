import ColumnStore
import Foundation
@testable import QueryEngine
import Testing
import TestSupport

/// Window partitions keyed by words (`WindowWordPartitions`): the layout's own invariants over seeded
/// columns (NULLs, empty strings, strings that differ only by a trailing NUL byte, tags, integers, a skewed
/// key), and whole queries against the same query partitioned by a key too long for a word (the grouping
/// by interned strings) over rows in many segments with different block dictionaries and in the memtable.
@Suite struct WindowWordPartitionsTests {
    /// The key of row i as comparable text (NULL apart from every value).
    private func key(_ c: ColumnVector, _ i: Int) -> String {
        if c.isNull(i) { return "NULL" }
        switch c.type {
        case .string: return "s" + c.bytes[Int(c.offsets[i])..<Int(c.offsets[i + 1])].map { String($0) }.joined(separator: ",")
        case .symbol: return "c\(c.codes[i])"
        case .int64, .time: return "i\(c.int64s[i])"
        default: return "?"
        }
    }

    /// Checks the layout: a permutation, one key per group, no key in two groups, rows in input order.
    private func check(_ c: ColumnVector, threads: Int) throws {
        let n = c.count
        let l = try #require(try WindowWordPartitions(c, rows: n, threads: threads, control: nil))
        #expect(l.perm.count == n && l.groupStart.first == 0 && l.groupStart.last == n)
        var seen = [Bool](repeating: false, count: n)
        var keysSeen = Set<String>()
        for g in 0..<(l.groupStart.count - 1) {
            let lo = l.groupStart[g], hi = l.groupStart[g + 1]
            #expect(hi > lo, "group \(g) is empty")
            let k = key(c, l.perm[lo])
            #expect(keysSeen.insert(k).inserted, "key \(k) in two groups")
            for p in lo..<hi {
                let r = l.perm[p]
                #expect(!seen[r]); seen[r] = true
                if key(c, r) != k { Issue.record("row \(r) (\(key(c, r))) in the group of \(k)"); return }
                if p > lo, l.perm[p - 1] >= r { Issue.record("group \(k) out of input order"); return }
            }
        }
        #expect(seen.allSatisfy { $0 })
        // As many groups as distinct keys.
        #expect(keysSeen.count == Set((0..<n).map { key(c, $0) }).count)
    }

    @Test(arguments: [(1 as UInt64, 300), (2, 70_000), (3, 150_000)])
    func stringLayout(seed: UInt64, rows n: Int) throws {
        var rng = SeededRandom(seed: seed)
        var c = ColumnVector(type: .string)
        let odd = ["", "ab", "ab\0", "\0", "é", "12345678", "1234567", "u0000001"]
        for _ in 0..<n {
            switch rng.next() % 20 {
            case 0: c.appendNulls(1)
            case 1: c.append(string: "u0968211")  // a heavy listener: one group of many rows
            case 2, 3: c.append(string: odd[Int(rng.next() % UInt64(odd.count))])
            default: c.append(string: String(format: "u%07d", Int(rng.next() % UInt64(max(1, n / 3)))))
            }
        }
        try check(c, threads: 1)
        try check(c, threads: 2)
    }

    @Test func tagsAndIntegers() throws {
        var rng = SeededRandom(seed: 7)
        var codes = ColumnVector(type: .symbol), ints = ColumnVector(type: .int64)
        for _ in 0..<90_000 {
            if rng.next() % 13 == 0 { codes.appendNulls(1) } else { codes.append(code: UInt32(rng.next() % 5_000)) }
            if rng.next() % 11 == 0 { ints.appendNulls(1) } else { ints.append(int64: Int64(rng.next() % 20_000) - 10_000) }
        }
        try check(codes, threads: 2)
        try check(ints, threads: 2)
    }

    @Test func longStringsAndDoublesTakeTheOtherPath() throws {
        var c = ColumnVector(type: .string)
        for i in 0..<1_000 { c.append(string: i == 999 ? "123456789" : "u\(i % 10)") }
        #expect(try WindowWordPartitions(c, rows: c.count, threads: 2, control: nil) == nil)
        var d = ColumnVector(type: .float64)
        d.append(float64: 1)
        #expect(try WindowWordPartitions(d, rows: 1, threads: 2, control: nil) == nil)
    }

    /// Plays over 12 days, a segment a day (each block with its own dictionary of user ids, the same ids
    /// across days), a second segment on two days, and unflushed rows in the memtable; some plays without
    /// a user. Every query is answered twice: by user_id (words) and by user_id padded past 8 bytes (the
    /// interned-string grouping), and the answers must agree.
    @Test func queriesMatchTheStringGrouping() throws {
        try withEngine { e, db, _ in
            var rng = SeededRandom(seed: 11)
            let t0: Int64 = 1_767_225_600_000_000_000, day: Int64 = 86_400_000_000_000
            func batch(days: Range<Int64>, rows: Int) -> WriteBatch {
                var b = BatchBuilder(table: "plays")
                for _ in 0..<rows {
                    let t = t0 + days.lowerBound * day + Int64(rng.next() % UInt64((days.upperBound - days.lowerBound) * day))
                    var fields: [(String, BatchBuilder.Value)] = [("artist", .tag("a\(rng.next() % 30)")),
                                                                   ("duration_ms", .int(Int64(rng.next() % 300_000)))]
                    if rng.next() % 25 != 0 { fields.append(("user_id", .string(String(format: "u%07d", Int(rng.next() % 400))))) }
                    b.add(time: t, fields)
                }
                return b.batch
            }
            for d in 0..<12 as Range<Int64> {
                try db.write([batch(days: d..<d + 1, rows: 600)])
                try db.flush()
            }
            try db.write([batch(days: 3..<5, rows: 500)])
            try db.flush()
            try db.write([batch(days: 0..<13, rows: 700)])  // stays in the memtable

            let padded = "(user_id || '~~~~~~~~')"
            let queries: [(String) -> String] = [
                { k in """
                  WITH gaps AS (
                    SELECT user_id, artist, time,
                           CASE WHEN time - lag(time) OVER (PARTITION BY \(k) ORDER BY time) <= INTERVAL '6 hours' THEN 0 ELSE 1 END AS new_session
                    FROM plays)
                  SELECT user_id, count(*) AS plays, sum(new_session) AS sessions, count(DISTINCT artist) AS artists, max(time) AS last_play
                  FROM gaps GROUP BY user_id ORDER BY user_id
                  """ },
                { k in "SELECT user_id, time, row_number() OVER (PARTITION BY \(k) ORDER BY time, duration_ms) AS n, sum(duration_ms) OVER (PARTITION BY \(k)) AS total FROM plays ORDER BY user_id, time, n" },
                { k in "SELECT user_id, duration_ms, rank() OVER (PARTITION BY \(k) ORDER BY duration_ms DESC) AS r FROM plays ORDER BY user_id, duration_ms, r" },
            ]
            for q in queries {
                let words = textRows(try e.execute(q("user_id")))
                let strings = textRows(try e.execute(q(padded)))
                #expect(words.count > 300)
                #expect(words == strings, "\(q("user_id"))")
            }
            // A tag (codes of the table's dictionary) and an integer as the partition.
            let tag = textRows(try e.execute("SELECT artist, time, lag(time) OVER (PARTITION BY artist ORDER BY time) AS prev FROM plays ORDER BY artist, time, prev"))
            let tagStrings = textRows(try e.execute("SELECT artist, time, lag(time) OVER (PARTITION BY artist || '~~~~~~~~~' ORDER BY time) AS prev FROM plays ORDER BY artist, time, prev"))
            #expect(tag == tagStrings)
            let ints = textRows(try e.execute("SELECT duration_ms % 97 AS k, time, count(*) OVER (PARTITION BY duration_ms % 97 ORDER BY time) AS c FROM plays ORDER BY k, time, c"))
            let intStrings = textRows(try e.execute("SELECT duration_ms % 97 AS k, time, count(*) OVER (PARTITION BY CAST(duration_ms % 97 AS VARCHAR) || '~~~~~~~~' ORDER BY time) AS c FROM plays ORDER BY k, time, c"))
            #expect(ints == intStrings)
        }
    }
}
