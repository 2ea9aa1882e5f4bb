import ColumnStore
import Foundation
@testable import QueryEngine
import Testing
import TestSupport

/// A join probed inside the scan above it (`HashJoin+Probe`: scan → filter → probe by the key tag's
/// dictionary code → aggregate, per morsel) and `tag IN (SELECT …)` answered per dictionary entry
/// (`SubqueryCodeAnswers`), on their edge cases: an empty build side, NULL keys on either side, build keys
/// that are all the same, no key in common — each answer checked against a nested loop over the same rows.
@Suite struct JoinProbeTests {
    /// Facts: tag `k` (every 13th row has none), `v` = row number, over several row groups' worth of time.
    static let keys = (0..<20).map { "key \($0)" }
    static let factCount = 3_000

    static func factKey(_ i: Int) -> String? { i % 13 == 0 ? nil : keys[(i * 7) % keys.count] }

    /// A dimension row: its key (nil: no tag), genre and fans.
    struct Dim { var k: String?; var genre: String; var fans: Int64 }

    private func withTables(_ dims: [Dim], _ body: (QueryEngine) throws -> Void) throws {
        try withEngine { e, db, _ in
            let t0: Int64 = 1_767_225_600_000_000_000
            var f = BatchBuilder(table: "facts")
            for i in 0..<Self.factCount {
                var fields: [(String, BatchBuilder.Value)] = [("v", .int(Int64(i)))]
                if let k = Self.factKey(i) { fields.append(("k", .tag(k))) }
                // Six days: six partitions, so the probe runs over several row groups.
                f.add(time: t0 + Int64(i) * 172_800_000_000, fields)
            }
            var d = BatchBuilder(table: "dims")
            // A placeholder row keeps the table (and its tag column) in existence when `dims` is empty.
            d.add(time: t0 - 1, [("k", .tag("placeholder")), ("genre", .string("none")), ("fans", .int(-1))])
            for (i, x) in dims.enumerated() {
                var fields: [(String, BatchBuilder.Value)] = [("genre", .string(x.genre)), ("fans", .int(x.fans))]
                if let k = x.k { fields.append(("k", .tag(k))) }
                d.add(time: t0 + Int64(i), fields)
            }
            try db.write([f.batch, d.batch])
            try db.flush()
            try body(e)
        }
    }

    private func rows(_ e: QueryEngine, _ sql: String) throws -> [[String]] {
        let r = try e.execute(sql)
        return (0..<r.rowCount).map { i in r.columns.map { c in c.vector.isNull(i) ? "NULL" : Self.text(c.vector, i) } }
    }

    private static func text(_ v: ColumnVector, _ i: Int) -> String {
        switch v.type {
        case .string: v.string(at: i)
        case .bool: v.bools[i] != 0 ? "true" : "false"
        default: String(v.int64s[i])
        }
    }

    private func plan(_ e: QueryEngine, _ sql: String) throws -> [String] {
        try rows(e, "EXPLAIN " + sql).map { $0[0] }
    }

    /// The (fact row, dimension) pairs of `facts f JOIN dims d ON f.k = d.k`, for dimensions kept by `keep`.
    private func pairs(_ dims: [Dim], keep: (Dim) -> Bool = { $0.fans >= 0 }) -> [(Int, Dim)] {
        var out: [(Int, Dim)] = []
        for i in 0..<Self.factCount {
            guard let k = Self.factKey(i) else { continue }
            for d in dims where d.k == k && keep(d) { out.append((i, d)) }
        }
        return out
    }

    /// The grouped answers a nested loop gives: per genre, the pair count and the sum of `v`.
    private func byGenre(_ p: [(Int, Dim)]) -> [[String]] {
        var groups: [String: (Int, Int)] = [:]
        for (i, d) in p { groups[d.genre, default: (0, 0)].0 += 1; groups[d.genre, default: (0, 0)].1 += i }
        return groups.keys.sorted().map { [$0, String(groups[$0]!.0), String(groups[$0]!.1)] }
    }

    /// The join's answers through the probe, with the dimension on either side, grouped and projected.
    private func checkJoin(_ dims: [Dim]) throws {
        try withTables(dims) { e in
            let grouped = "SELECT d.genre, count(*), sum(f.v) FROM facts f JOIN dims d ON f.k = d.k WHERE d.fans >= 0 GROUP BY d.genre ORDER BY d.genre"
            let lines = try plan(e, grouped)
            #expect(lines.contains { $0.contains("probed inside the scan above") }, "\(lines)")
            let want = byGenre(pairs(dims))
            let check1 = try rows(e, grouped) == want
            #expect(check1)
            let flipped = "SELECT d.genre, count(*), sum(f.v) FROM dims d JOIN facts f ON d.k = f.k WHERE d.fans >= 0 GROUP BY d.genre ORDER BY d.genre"
            let check2 = try plan(e, flipped).contains { $0.contains("probed inside the scan above") }
            #expect(check2)
            let check3 = try rows(e, flipped) == want
            #expect(check3)
            // A filter on the fact side and a projection (no aggregate) over both sides.
            let projected = "SELECT f.v, d.fans, f.k FROM facts f JOIN dims d ON f.k = d.k WHERE d.fans >= 0 AND f.v % 3 = 1 ORDER BY f.v, d.fans"
            let wantRows = pairs(dims).filter { $0.0 % 3 == 1 }.sorted { ($0.0, $0.1.fans) < ($1.0, $1.1.fans) }
                .map { [String($0.0), String($0.1.fans), Self.factKey($0.0)!] }
            let check4 = try rows(e, projected) == wantRows
            #expect(check4)
            let counted = "SELECT count(*) FROM facts f JOIN dims d ON f.k = d.k WHERE d.fans >= 0"
            let check5 = try rows(e, counted) == [[String(pairs(dims).count)]]
            #expect(check5)
        }
    }

    @Test func dimensionTable() throws {
        // Keys 0–14 once each (15–19 have facts but no dimension row), and keys no fact has.
        let dims = (0..<18).map { (i: Int) -> Dim in
            let k: String = i < 15 ? Self.keys[i] : "lonely \(i)"
            return Dim(k: k, genre: i % 3 == 0 ? "rock" : "pop", fans: Int64(i * 100))
        }
        try checkJoin(dims)
    }

    @Test func emptyBuildSide() throws {
        try checkJoin([])
    }

    @Test func nullKeysOnBothSides() throws {
        // Facts without a key meet nothing; dimension rows without one meet nothing either.
        try checkJoin([Dim(k: nil, genre: "rock", fans: 1), Dim(k: Self.keys[1], genre: "pop", fans: 2), Dim(k: nil, genre: "pop", fans: 3)])
    }

    @Test func allBuildKeysTheSame() throws {
        // Every fact row of key 3 meets five dimension rows.
        try checkJoin((0..<5).map { Dim(k: Self.keys[3], genre: $0 % 2 == 0 ? "rock" : "pop", fans: Int64($0)) })
    }

    @Test func noKeyInCommon() throws {
        try checkJoin((0..<5).map { Dim(k: "other \($0)", genre: "rock", fans: Int64($0)) })
    }

    @Test func analyzeCountsTheProbedRows() throws {
        let dims = (0..<15).map { Dim(k: Self.keys[$0], genre: $0 % 3 == 0 ? "rock" : "pop", fans: Int64($0 * 100)) }
        try withTables(dims) { e in
            let sql = "SELECT d.genre, count(*) FROM facts f JOIN dims d ON f.k = d.k WHERE d.genre = 'rock' GROUP BY d.genre"
            let out = try rows(e, "EXPLAIN ANALYZE " + sql).map { $0[0] }
            let rock = pairs(dims) { $0.genre == "rock" }.count
            // The join's rows are its pairs; the fact scan's, the rows its filters (the dimension keys) kept.
            func actual(_ label: String) -> Int? {
                guard let i = out.firstIndex(where: { $0.contains(label) }), i + 1 < out.count,
                      let r = out[i + 1].range(of: "actual: rows ") else { return nil }
                return Int(out[i + 1][r.upperBound...].prefix { $0.isNumber })
            }
            #expect(actual("HASH JOIN on") == rock, "\(out)")
            #expect(actual("SCAN facts") == rock, "\(out)")
        }
    }

    @Test func outerJoinsAreNotProbedInTheScan() throws {
        try withTables([Dim(k: Self.keys[1], genre: "pop", fans: 2)]) { e in
            let sql = "SELECT count(*), count(d.genre) FROM facts f LEFT JOIN dims d ON f.k = d.k"
            let check6 = try plan(e, sql).allSatisfy { !$0.contains("probed inside") }
            #expect(check6)
            let matched = pairs([Dim(k: Self.keys[1], genre: "pop", fans: 2)]).count
            let check7 = try rows(e, sql) == [[String(Self.factCount), String(matched)]]
            #expect(check7)
        }
    }

    /// `k [NOT] IN (SELECT …)` on a tag, per dictionary entry, with SQL's NULLs: a NULL key, or a miss
    /// against a set holding a NULL, is unknown (the row is not kept by IN nor by NOT IN).
    @Test func inSubqueryOnATagFollowsSQLNulls() throws {
        let dims = [Dim(k: Self.keys[2], genre: "rock", fans: 1), Dim(k: Self.keys[5], genre: "pop", fans: 2), Dim(k: nil, genre: "pop", fans: 3)]
        try withTables(dims) { e in
            func count(_ sql: String) throws -> Int { Int(try rows(e, sql)[0][0])! }
            let keyed = (0..<Self.factCount).filter { Self.factKey($0) != nil }
            let inSet = keyed.filter { [Self.keys[2], Self.keys[5]].contains(Self.factKey($0)!) }.count
            let check8 = try count("SELECT count(*) FROM facts WHERE k IN (SELECT k FROM dims WHERE fans > 0)") == inSet
            #expect(check8)
            // The set holds a NULL: NOT IN keeps nothing.
            let check9 = try count("SELECT count(*) FROM facts WHERE k NOT IN (SELECT k FROM dims WHERE fans > 0)") == 0
            #expect(check9)
            // Without the NULL: every keyed row outside the set.
            let check10 = try count("SELECT count(*) FROM facts WHERE k NOT IN (SELECT k FROM dims WHERE fans > 0 AND k IS NOT NULL)") == keyed.count - inSet
            #expect(check10)
            // An empty set: IN keeps nothing, NOT IN keeps every row, NULL keys included.
            let check11 = try count("SELECT count(*) FROM facts WHERE k IN (SELECT k FROM dims WHERE fans > 100)") == 0
            #expect(check11)
            let check12 = try count("SELECT count(*) FROM facts WHERE k NOT IN (SELECT k FROM dims WHERE fans > 100)") == Self.factCount
            #expect(check12)
            // The answer itself, NULLs shown, per key.
            let shown = try rows(e, "SELECT k, k IN (SELECT k FROM dims WHERE fans > 0) FROM facts WHERE v < 26 ORDER BY v")
            let want = (0..<26).map { i -> [String] in
                guard let k = Self.factKey(i) else { return ["NULL", "NULL"] }
                return [k, [Self.keys[2], Self.keys[5]].contains(k) ? "true" : "NULL"]
            }
            #expect(shown == want)
        }
    }

    /// `IN (SELECT …)` on a join's fact side runs in its scan, once: not again above the join.
    @Test func inSubqueryBelowAJoinIsNotTestedAgainAbove() throws {
        let dims = (0..<15).map { Dim(k: Self.keys[$0], genre: $0 % 3 == 0 ? "rock" : "pop", fans: Int64($0 * 100)) }
        try withTables(dims) { e in
            let sql = """
                SELECT d.genre, count(*), sum(f.v) FROM facts f JOIN dims d ON f.k = d.k
                WHERE f.k IN (SELECT k FROM dims WHERE fans >= 1000) AND d.fans >= 0 GROUP BY d.genre ORDER BY d.genre
                """
            let lines = try plan(e, sql)
            #expect(lines.filter { $0.contains("SUBQUERY (IN") }.count == 1, "\(lines)")
            #expect(lines.first?.hasPrefix("SCAN input → AGGREGATE") == true, "\(lines)")
            let check13 = try rows(e, sql) == byGenre(pairs(dims) { $0.fans >= 1000 })
            #expect(check13)
        }
    }
}
