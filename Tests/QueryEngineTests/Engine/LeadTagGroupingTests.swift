import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// Grouping by several keys led by a tag (`HashAggregate`'s lead index: a track's code finds its group
/// without hashing) and the top-N of grouped rows (`SelectRunner.orderedGroups`: the first sort key picks
/// the candidates), against answers computed here: NULL tags, tags whose other key is not a function of
/// them, one group, no rows, row groups the filter empties, more groups than the lead's dictionary, and a
/// dictionary past the lead's limit.
@Suite("Lead tag grouping")
struct LeadTagGroupingTests {
    struct Row { var track: String?; var artist: String?; var n: Int64; var x: Int64? }

    /// Seeded rows: 600 tracks, each with its own artist but for every 20th row (another artist), NULL
    /// tracks and artists now and then.
    static func rows(seed: UInt64, count: Int = 30_000) -> [Row] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in
            let t = Int(rng.next() % 600)
            let track: String? = rng.next() % 40 == 0 ? nil : "Track \(t)"
            let artistIndex = rng.next() % 20 == 0 ? Int(rng.next() % 50) : t % 50
            let artist: String? = rng.next() % 50 == 0 ? nil : "Artist \(artistIndex)"
            let n = Int64(rng.next() % 7)
            let x: Int64? = t % 9 == 0 ? nil : Int64(rng.next() % 1000)  // whole groups without x
            return Row(track: track, artist: artist, n: n, x: x)
        }
    }

    static let t0: Int64 = 1_767_225_600_000_000_000

    /// A table `t` of `rows`, one row a second, flushed every 7,000 rows (many row groups, and the memtable).
    static func withTable(_ rows: [Row], _ body: (Database) throws -> Void) throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        for part in stride(from: 0, to: rows.count, by: 7_000) {
            var b = BatchBuilder(table: "t")
            for i in part..<min(rows.count, part + 7_000) {
                let r = rows[i]
                var row: [(String, BatchBuilder.Value)] = [("n", .int(r.n))]
                if let s = r.track { row.append(("track", .tag(s))) }
                if let s = r.artist { row.append(("artist", .tag(s))) }
                if let x = r.x { row.append(("x", .int(x))) }
                b.add(time: t0 + Int64(i) * 1_000_000_000, row)
            }
            try db.write([b.batch])
            if part + 7_000 < rows.count { try db.flush() }
        }
        try body(db)
    }

    struct Key: Hashable { var track: String?; var artist: String? }

    static func cell(_ c: ColumnVector, _ i: Int) -> String? { c.isNull(i) ? nil : c.string(at: i) }

    @Test(arguments: [0, 16_384])
    func groupsByTrackAndArtist(partitionAfter: Int) throws {
        let rows = Self.rows(seed: 3)
        var expected: [Key: (count: Int64, sum: Int64)] = [:]
        for r in rows { expected[Key(track: r.track, artist: r.artist), default: (0, 0)].count += 1; expected[Key(track: r.track, artist: r.artist), default: (0, 0)].sum += r.n }
        try Self.withTable(rows) { db in
            for threads in [1, 2] {
                let e = QueryEngine(database: db, threads: threads, partitionAfterGroups: partitionAfter)
                let r = try e.execute("SELECT track, artist, count(*), sum(n) FROM t GROUP BY track, artist")
                var got: [Key: (count: Int64, sum: Int64)] = [:]
                for i in 0..<r.rowCount {
                    let k = Key(track: Self.cell(r.columns[0].vector, i), artist: Self.cell(r.columns[1].vector, i))
                    #expect(got[k] == nil, "group \(k) twice")
                    got[k] = (r.columns[2].vector.int64s[i], r.columns[3].vector.int64s[i])
                }
                #expect(got.count == expected.count, "threads \(threads)")
                for (k, v) in expected { #expect(got[k]?.count == v.count && got[k]?.sum == v.sum, "\(k)") }
            }
        }
    }

    /// Groups of (track, n) outnumber the track dictionary twice over: the table partitions mid-scan.
    @Test func moreGroupsThanTheLeadDictionary() throws {
        let rows = Self.rows(seed: 5)
        var expected: [String: Int64] = [:]
        for r in rows { expected["\(r.track ?? "∅")|\(r.n)", default: 0] += 1 }
        try Self.withTable(rows) { db in
            for threads in [1, 2] {
                let e = QueryEngine(database: db, threads: threads, partitionAfterGroups: 100)
                let r = try e.execute("SELECT track, n, count(*) FROM t GROUP BY track, n")
                var got: [String: Int64] = [:]
                for i in 0..<r.rowCount {
                    got["\(Self.cell(r.columns[0].vector, i) ?? "∅")|\(r.columns[1].vector.int64s[i])"] = r.columns[2].vector.int64s[i]
                }
                #expect(got == expected, "threads \(threads)")
            }
        }
    }

    @Test func oneGroupNoRowsAndEmptiedRowGroups() throws {
        let rows = Self.rows(seed: 9)
        try Self.withTable(rows) { db in
            let e = QueryEngine(database: db, threads: 2)
            let one = try e.execute("SELECT track, artist, count(*) FROM t WHERE track = 'Track 7' AND artist = 'Artist 7' GROUP BY track, artist")
            let want = rows.filter { $0.track == "Track 7" && $0.artist == "Artist 7" }.count
            #expect(one.rowCount == 1)
            #expect(one.columns[2].vector.int64s.first == Int64(want))
            let none = try e.execute("SELECT track, artist, count(*) FROM t WHERE n > 100 GROUP BY track, artist ORDER BY 3 DESC, track LIMIT 5")
            #expect(none.rowCount == 0)
            // Only the last 2,100 rows pass: the earlier row groups leave nothing.
            let late = try e.execute("SELECT track, artist, count(*) FROM t WHERE time >= '2026-01-01 07:45:00' GROUP BY track, artist")
            let cut = 7 * 3600 + 45 * 60  // rows are a second apart from t0
            var expected: [Key: Int64] = [:]
            for r in rows[cut...] { expected[Key(track: r.track, artist: r.artist), default: 0] += 1 }
            var got: [Key: Int64] = [:]
            for i in 0..<late.rowCount { got[Key(track: Self.cell(late.columns[0].vector, i), artist: Self.cell(late.columns[1].vector, i))] = late.columns[2].vector.int64s[i] }
            #expect(got == expected)
        }
    }

    /// ORDER BY … LIMIT … OFFSET on grouped rows gives the same rows as the whole ordering cut afterwards,
    /// with ties at the cut, NULL sort values either side, ascending and descending, and after HAVING.
    @Test func topGroupsMatchTheWholeOrdering() throws {
        let rows = Self.rows(seed: 13)
        // Each ordering is total (groups are unique by track and artist), so both runs agree on every row.
        let orders = ["c DESC, track, artist", "c, track DESC NULLS FIRST, artist", "sx DESC NULLS LAST, track, artist",
                      "sx NULLS FIRST, artist, track", "sx DESC NULLS FIRST, track NULLS FIRST, artist"]
        try Self.withTable(rows) { db in
            let e = QueryEngine(database: db, threads: 2)
            for (order, having) in orders.map({ ($0, "") }) + [("c DESC, track, artist", "HAVING count(*) > 20")] {
                let base = "SELECT track, artist, count(*) AS c, sum(x) AS sx FROM t GROUP BY track, artist \(having) ORDER BY \(order)"
                let all = try e.execute(base)
                func line(_ r: QueryResult, _ i: Int) -> String {
                    (0..<4).map { c in r.columns[c].vector.isNull(i) ? "∅" : (c < 2 ? r.columns[c].vector.string(at: i) : "\(r.columns[c].vector.int64s[i])") }.joined(separator: "|")
                }
                for (limit, offset) in [(1, 0), (7, 0), (7, 3), (20, 11)] {
                    let top = try e.execute("\(base) LIMIT \(limit) OFFSET \(offset)")
                    #expect(top.rowCount == limit)
                    for i in 0..<top.rowCount { #expect(line(top, i) == line(all, offset + i), "\(order) LIMIT \(limit) OFFSET \(offset) row \(i)") }
                }
            }
        }
    }

    /// A leading tag dictionary past the lead's limit is grouped by hashing alone, with the same groups.
    @Test func dictionaryPastTheLeadLimit() throws {
        let tracks = SymbolDictionary(), artists = SymbolDictionary()
        let trackCodes = (0..<64).map { tracks.intern("Track \($0)") }
        let artistCodes = (0..<8).map { artists.intern("Artist \($0)") }
        var rng = SeededRandom(seed: 21)
        var batches: [(Vec, Vec)] = []
        var expected: [Key: Int64] = [:]
        for _ in 0..<5 {
            var t = ColumnVector(type: .symbol), a = ColumnVector(type: .symbol)
            for _ in 0..<3_000 {
                let ti = Int(rng.next() % 64), ai = rng.next() % 10 == 0 ? Int(rng.next() % 8) : ti % 8
                let nullTrack = rng.next() % 30 == 0
                if nullTrack { t.appendNulls(1) } else { t.append(code: trackCodes[ti]) }
                a.append(code: artistCodes[ai])
                expected[Key(track: nullTrack ? nil : "Track \(ti)", artist: "Artist \(ai)"), default: 0] += 1
            }
            batches.append((Vec(type: .string, col: t, dict: tracks), Vec(type: .string, col: a, dict: artists)))
        }
        let count = AggregateSpec(kind: .count, argument: nil, distinct: false)
        for limit in [HashAggregate.defaultLeadLimit, 63, 0] {
            let agg = HashAggregate(keyTypes: [.string, .string], specs: [count], leadLimit: limit)
            for (t, a) in batches { try agg.consume([t, a], [nil], sel: nil, rows: t.count) }
            let out = try agg.finalize()
            var got: [Key: Int64] = [:]
            for i in 0..<agg.groupCount {
                got[Key(track: out[0].col.isNull(i) ? nil : out[0].string(i), artist: out[1].string(i))] = out[2].col.int64s[i]
            }
            #expect(got == expected, "lead limit \(limit)")
        }
    }
}
