import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// Latest (and earliest) row per group — `max(time)`, `arg_max(x, time)`, `last(x)` and their min side —
/// with the row groups that cannot win skipped by their statistics (`LatestRowPruning`), against answers
/// computed here: a host's newest row in an old segment, a host only in an old segment, NULL hosts, NULL
/// values (arg_max skips them, last keeps them), deleted rows, the memtable, one and two threads.
@Suite("Latest row pruning")
struct LatestRowPruningTests {
    struct Row { var time: Int64; var host: String?; var v: Double? }

    static let t0: Int64 = 1_767_225_600_000_000_000
    static let second: Int64 = 1_000_000_000
    static let parts = 10, perPart = 2_000

    /// Part p holds the seconds [p × 2000, (p + 1) × 2000), hosts in turn; parts are flushed apart, the
    /// last stays in the memtable.
    static func rows(seed: UInt64) -> [[Row]] {
        var rng = SeededRandom(seed: seed)
        return (0..<parts).map { p in
            var part: [Row] = (0..<perPart).map { k in
                let s = Int64(p * perPart + k)
                var host: String? = "h\(k % 19)"
                if p == 4 && k % 50 == 0 { host = nil }
                var v: Double? = Double(rng.next() % 10_000) / 100
                if rng.next() % 25 == 0 || (host == "h7" && p >= 7) { v = nil }
                return Row(time: t0 + s * second, host: host, v: v)
            }
            if p == 2 { part.append(Row(time: t0 + Int64(p * perPart + 5) * second + 1, host: "h19", v: 1.5)) }
            // h5's newest row lies in an old segment.
            if p == 1 { part.append(Row(time: t0 + 50_000 * second, host: "h5", v: 99.25)) }
            return part
        }
    }

    static func withTable(_ parts: [[Row]], _ body: (Database, QueryEngine) throws -> Void) throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        for (p, part) in parts.enumerated() {
            var b = BatchBuilder(table: "t")
            for r in part {
                var row: [(String, BatchBuilder.Value)] = [("n", .int(1))]
                if let h = r.host { row.append(("host", .tag(h))) }
                if let v = r.v { row.append(("v", .float(v))) }
                b.add(time: r.time, row)
            }
            try db.write([b.batch])
            if p < parts.count - 1 { try db.flush() }
        }
        try body(db, QueryEngine(database: db, threads: 1))
    }

    /// Each group's row with the greatest (or least) time among rows `keep` admits.
    static func extremes(_ rows: [Row], max: Bool, _ keep: (Row) -> Bool) -> [String?: Row] {
        var best: [String?: Row] = [:]
        for r in rows where keep(r) {
            if let b = best[r.host], max ? b.time >= r.time : b.time <= r.time { continue }
            best[r.host] = r
        }
        return best
    }

    static func cell(_ c: ColumnVector, _ i: Int) -> String {
        if c.isNull(i) { return "∅" }
        switch c.type {
        case .float64: return "\(c.float64s[i])"
        case .time, .int64, .date: return "\(c.int64s[i])"
        default: return c.string(at: i)
        }
    }

    static func lines(_ r: QueryResult) -> [String] {
        (0..<r.rowCount).map { i in r.columns.map { cell($0.vector, i) }.joined(separator: "|") }
    }

    /// host | time | arg value | first/last value, hosts in order, NULL last.
    static func expected(_ rows: [Row], max: Bool, filter: (Row) -> Bool = { _ in true }) -> [String] {
        let byTime = extremes(rows, max: max, filter)
        let byValue = extremes(rows, max: max) { filter($0) && $0.v != nil }
        let hosts = byTime.keys.sorted { a, b in b == nil ? a != nil : (a == nil ? false : a! < b!) }
        return hosts.map { h in
            let t = byTime[h]!, a = byValue[h]
            return [h ?? "∅", "\(t.time)", a.map { "\($0.v!)" } ?? "∅", t.v.map { "\($0)" } ?? "∅"].joined(separator: "|")
        }
    }

    @Test func latestAndEarliestRowPerHost() throws {
        let parts = Self.rows(seed: 1)
        var rows = parts.flatMap { $0 }
        try Self.withTable(parts) { db, _ in
            // Deleted rows: h4's in the last flushed part, so its newest row is older.
            let cut = Self.t0 + Int64(8 * Self.perPart) * Self.second
            _ = try QueryEngine(database: db, threads: 1).execute(
                "DELETE FROM t WHERE host = 'h4' AND time >= '2026-01-01 04:26:40' AND time < '2026-01-01 05:00:00'")
            rows.removeAll { $0.host == "h4" && $0.time >= cut && $0.time < Self.t0 + 5 * 3600 * Self.second }
            for threads in [1, 2] {
                let e = QueryEngine(database: db, threads: threads)
                let latest = try e.execute("SELECT host, max(time), arg_max(v, time), last(v) FROM t GROUP BY host ORDER BY host")
                #expect(Self.lines(latest) == Self.expected(rows, max: true), "threads \(threads)")
                let earliest = try e.execute("SELECT host, min(time), arg_min(v, time), first(v) FROM t GROUP BY host ORDER BY host")
                #expect(Self.lines(earliest) == Self.expected(rows, max: false), "threads \(threads)")
                let filtered = try e.execute("SELECT host, max(time), arg_max(v, time), last(v) FROM t WHERE v > 50 GROUP BY host ORDER BY host")
                #expect(Self.lines(filtered) == Self.expected(rows, max: true) { ($0.v ?? 0) > 50 }, "threads \(threads)")
                let all = try e.execute("SELECT max(time), arg_max(v, time) FROM t")
                let newest = rows.max { $0.time < $1.time }!, newestValue = rows.filter { $0.v != nil }.max { $0.time < $1.time }!
                #expect(Self.lines(all) == ["\(newest.time)|\(newestValue.v!)"], "threads \(threads)")
            }
        }
    }

    /// The rows a latest-row query reads: fewer than the table's once the newest row groups name every
    /// host, and every row when an aggregate needs them all.
    @Test func skipsRowGroupsThatCannotWin() throws {
        let parts = Self.rows(seed: 2)
        let total = parts.reduce(0) { $0 + $1.count }
        try Self.withTable(parts) { _, e in
            let pruned = QueryControl()
            _ = try e.execute("SELECT host, max(time), arg_max(v, time) FROM t GROUP BY host", control: pruned)
            // Newest first: part 1 (h5's newest row makes it the newest group), the memtable (part 9, no
            // statistics), parts 8, 7 and 6 (h7's values are NULL from part 7 on: its arg_max is open until
            // part 6), part 4 (the NULL host's rows), part 2 (h19's only row). Parts 5, 3 and 0 cannot win.
            let mustRead = [1, 9, 8, 7, 6, 4, 2].reduce(0) { $0 + parts[$1].count }
            #expect(pruned.rowsScanned == mustRead, "read \(pruned.rowsScanned) of \(total)")
            let full = QueryControl()
            _ = try e.execute("SELECT host, max(time), count(*) FROM t GROUP BY host", control: full)
            #expect(full.rowsScanned == total)
            let mixed = QueryControl()
            _ = try e.execute("SELECT host, max(time), min(time) FROM t GROUP BY host", control: mixed)
            #expect(mixed.rowsScanned == total)
        }
    }
}
