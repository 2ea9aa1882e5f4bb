import ColumnStore
import Foundation
@testable import QueryEngine
import Testing
import TestSupport

/// Filters that land below a join: the dimension side's keys as a filter on the fact scan's tag
/// (semi-join reduction, `HashJoin+KeyFilter`) and `IN (SELECT …)` on one input's columns run in that
/// input's scan — checked by where EXPLAIN draws them, by EXPLAIN ANALYZE's row counts, and by answers
/// computed by a nested loop over the same rows.
@Suite struct JoinFilterTests {
    /// Facts: tag `k` (every 13th row has none), `v` = row number. Dimensions: tag `k`, `genre`, `fans`.
    static let keys = (0..<20).map { "key \($0)" }

    private func withTables(_ body: (QueryEngine) throws -> Void) throws {
        try withEngine { e, db, _ in
            let t0: Int64 = 1_767_225_600_000_000_000
            var f = BatchBuilder(table: "facts")
            for i in 0..<3_000 {
                var fields: [(String, BatchBuilder.Value)] = [("v", .int(Int64(i)))]
                if i % 13 != 0 { fields.append(("k", .tag(Self.keys[(i * 7) % Self.keys.count]))) }
                f.add(time: t0 + Int64(i) * 1_000_000_000, fields)
            }
            var d = BatchBuilder(table: "dims")
            // Keys 0–14 only (15–19 have facts but no dimension row); a few more without facts.
            for i in 0..<18 {
                let k = i < 15 ? Self.keys[i] : "lonely \(i)"
                d.add(time: t0, [("k", .tag(k)), ("genre", .string(i % 3 == 0 ? "rock" : "pop")), ("fans", .int(Int64(i * 100)))])
            }
            try db.write([f.batch, d.batch])
            try db.flush()
            try body(e)
        }
    }

    private func lines(_ e: QueryEngine, _ sql: String) throws -> [String] {
        let r = try e.execute(sql)
        return (0..<r.rowCount).map { r.columns[0].vector.string(at: $0) }
    }

    private func count(_ e: QueryEngine, _ sql: String) throws -> Int {
        Int(try e.execute(sql).columns[0].vector.int64s[0])
    }

    /// The `actual: rows N` under the first line containing `label`.
    private func actualRows(_ out: [String], _ label: String) -> Int? {
        guard let i = out.firstIndex(where: { $0.contains(label) }), i + 1 < out.count,
              let r = out[i + 1].range(of: "actual: rows ") else { return nil }
        return Int(out[i + 1][r.upperBound...].prefix { $0.isNumber })
    }

    /// Facts whose key is one of `dimKeys`.
    private func expected(_ dimKeys: Set<String>) -> Int {
        (0..<3_000).filter { $0 % 13 != 0 && dimKeys.contains(Self.keys[($0 * 7) % Self.keys.count]) }.count
    }

    @Test func dimensionFilterReachesTheFactScan() throws {
        try withTables { e in
            let sql = "SELECT count(*) FROM facts f JOIN dims d ON f.k = d.k WHERE d.genre = 'rock'"
            let plan = try lines(e, "EXPLAIN " + sql)
            #expect(plan.contains { $0.contains("HASH JOIN on 1 key(s)") && $0.contains("FILTER f.k IN (keys of the right side)") }, "\(plan)")
            let rock = Set((0..<15).filter { $0 % 3 == 0 }.map { Self.keys[$0] })
            #expect(try count(e, sql) == expected(rock))
            // The fact scan itself returned only the rows of rock keys, not all 3,000.
            let analyzed = try lines(e, "EXPLAIN ANALYZE " + sql)
            #expect(actualRows(analyzed, "SCAN facts") == expected(rock), "\(analyzed)")
            // No dimension row: the fact scan reads nothing, the answer is 0.
            #expect(try count(e, "SELECT count(*) FROM facts f JOIN dims d ON f.k = d.k WHERE d.genre = 'jazz'") == 0)
            // Without a filter, every fact with a dimension row joins (NULL keys and keys 15–19 do not).
            #expect(try count(e, "SELECT count(*) FROM facts f JOIN dims d ON f.k = d.k") == expected(Set(Self.keys.prefix(15))))
        }
    }

    @Test func outerJoinsFilterOnlyTheSideThatMayLoseRows() throws {
        try withTables { e in
            // dims LEFT JOIN facts: facts may lose unmatched rows, so they take the kept dimension keys.
            let left = "SELECT count(*) FROM dims d LEFT JOIN facts f ON f.k = d.k WHERE d.fans < 500"
            let plan = try lines(e, "EXPLAIN " + left)
            #expect(plan.contains { $0.contains("FILTER f.k IN (keys of the left side)") }, "\(plan)")
            let small = Set((0..<5).map { Self.keys[$0] })
            #expect(try count(e, left) == expected(small))
            // facts LEFT JOIN dims keeps every fact: nothing filters the fact scan.
            let kept = "SELECT count(*) FROM facts f LEFT JOIN dims d ON f.k = d.k WHERE d.fans < 500 OR d.fans IS NULL"
            #expect(try lines(e, "EXPLAIN " + kept).allSatisfy { !$0.contains("keys of the") })
            let unmatched = (0..<3_000).filter { $0 % 13 == 0 || !Set(Self.keys.prefix(15)).contains(Self.keys[($0 * 7) % Self.keys.count]) }.count
            #expect(try count(e, kept) == expected(small) + unmatched)
            // A FULL join filters neither side.
            #expect(try lines(e, "EXPLAIN SELECT count(*) FROM facts f FULL JOIN dims d ON f.k = d.k").allSatisfy { !$0.contains("keys of the") })
        }
    }

    @Test func inSubqueryRunsInTheScanOfItsColumn() throws {
        try withTables { e in
            let sql = """
                SELECT count(*) FROM facts f JOIN dims d ON f.k = d.k
                WHERE f.k IN (SELECT k FROM dims WHERE fans >= 1000) AND f.v < 2000
                """
            let plan = try lines(e, "EXPLAIN " + sql)
            // The subquery is drawn under the fact scan (deeper than the scan line), not only above the join.
            guard let scan = plan.firstIndex(where: { $0.contains("SCAN facts → FILTER") }) else {
                Issue.record("no filtered fact scan: \(plan)"); return
            }
            let depth = plan[scan].prefix { $0 == " " }.count
            #expect(plan[(scan + 1)...].prefix { $0.prefix { $0 == " " }.count > depth }.contains { $0.contains("SUBQUERY (IN") }, "\(plan)")
            let big = Set((10..<15).map { Self.keys[$0] })
            let want = (0..<2_000).filter { $0 % 13 != 0 && big.contains(Self.keys[($0 * 7) % Self.keys.count]) }.count
            #expect(try count(e, sql) == want)
            let analyzed = try lines(e, "EXPLAIN ANALYZE " + sql)
            #expect(actualRows(analyzed, "SCAN facts") == want, "\(analyzed)")
            // Correlated with the other input: it cannot run in the fact scan, and is answered above the join.
            let correlated = """
                SELECT count(*) FROM facts f JOIN dims d ON f.k = d.k
                WHERE f.k IN (SELECT x.k FROM dims x WHERE x.genre = d.genre AND x.fans >= 600)
                """
            let high = Set((6..<15).map { Self.keys[$0] })
            #expect(try count(e, correlated) == expected(high))
        }
    }
}
