import ColumnStore
import Foundation
@testable import QueryEngine
import Testing
import TestSupport

/// The operator tree: EXPLAIN draws it without running anything, a WITH query read twice runs once,
/// joins build on the smaller side, and the single-table fast path is still one scan leaf.
@Suite struct OperatorTreeTests {
    private func plan(_ e: QueryEngine, _ sql: String) throws -> [String] {
        let r = try e.execute("EXPLAIN " + sql)
        return (0..<r.rowCount).map { r.columns[0].vector.string(at: $0) }
    }

    @Test func singleTableIsOneScanLeaf() throws {
        try withPlays { e in
            let lines = try plan(e, "SELECT artist, count(*) FROM plays WHERE time >= '2026-01-01' GROUP BY artist ORDER BY 2 DESC LIMIT 2")
            #expect(lines[0] == "SCAN plays → FILTER → AGGREGATE 1 aggregate(s) by 1 key(s) → PROJECT artist, count_star() → TOP-N → LIMIT 2", "\(lines)")
            #expect(lines.contains { $0.contains("partitions:") })
            #expect(!lines.contains { $0.hasPrefix("  SCAN") })
        }
    }

    @Test func explainDrawsSubqueriesWithoutRunningThem() throws {
        try withPlays { e in
            // Running the subquery fails (BIGINT overflow on every row); planning it must not.
            let sql = "SELECT count(*) FROM (SELECT 9223372036854775807 + duration_ms AS x FROM plays WHERE duration_ms > 0) s"
            #expect(throws: (any Error).self) { try e.execute(sql) }
            let control = QueryControl()
            let r = try e.execute("EXPLAIN " + sql, control: control)
            let lines = (0..<r.rowCount).map { r.columns[0].vector.string(at: $0) }
            #expect(lines[0].hasPrefix("SCAN input → AGGREGATE"), "\(lines)")
            #expect(lines.first { !$0.hasPrefix("    ") && $0 != lines[0] }?.hasPrefix("  SCAN plays → FILTER → PROJECT x") == true, "\(lines)")
            #expect(control.rowsScanned == 0)
        }
    }

    @Test func withQueryReadTwiceRunsOnce() throws {
        try withPlays(rows: 2_000) { e in
            let sql = "WITH c AS (SELECT artist, count(*) AS n FROM plays GROUP BY artist) SELECT count(*) FROM c a JOIN c b ON a.n <= b.n"
            let control = QueryControl()
            let r = try e.execute(sql, control: control)
            #expect(cells(r) == [["16"]])  // 4 artists of 500 plays each: every one of the 4 × 4 pairs
            #expect(control.rowsScanned == 2_000)
            let lines = try plan(e, sql)
            #expect(lines.filter { $0.contains("CTE c") }.count == 2)
            #expect(lines.filter { $0.contains("SCAN plays") }.count == 1, "\(lines)")
        }
    }

    @Test func joinRowCapAndMemoryBudgetApply() throws {
        try withPlays(rows: 2_000) { e in
            let control = QueryControl(maxRows: 10)
            #expect(throws: (any Error).self) {
                try e.execute("SELECT a.user_id FROM plays a JOIN plays b ON a.user_id = b.user_id", control: control)
            }
            let small = QueryControl(memoryLimit: 1 << 20)
            #expect(throws: (any Error).self) {
                try e.execute("SELECT count(*) FROM plays a CROSS JOIN plays b", control: small)
            }
            let union = QueryControl(maxRows: 3)
            #expect(throws: (any Error).self) { try e.execute("SELECT artist FROM plays UNION ALL SELECT artist FROM plays", control: union) }
        }
    }
}

/// WHERE conditions of a join query reach the scans they belong to, where time and statistics prune.
@Suite struct JoinPushdownTests {
    @Test func timeRangeOfOneSidePrunesItsScan() throws {
        try withPlays(rows: 2_000) { e in
            let r = try e.execute("""
                EXPLAIN SELECT count(*) FROM plays p JOIN plays q ON p.user_id = q.user_id
                WHERE p.time >= '2026-01-02' AND q.artist = 'A'
                """)
            let lines = (0..<r.rowCount).map { r.columns[0].vector.string(at: $0) }
            #expect(lines.first { !$0.hasPrefix("    ") && $0 != lines[0] }?.contains("HASH JOIN on 1 key(s)") == true, "\(lines)")
            let scans = lines.filter { $0.contains("SCAN plays") }
            #expect(scans.count == 2 && scans.allSatisfy { $0.contains("FILTER") }, "\(lines)")
            #expect(lines.contains { $0.contains("time range [2026-01-02 00:00:00, +inf]") }, "\(lines)")
        }
    }

    @Test func nullSideOfAnOuterJoinIsNotFilteredEarly() throws {
        try withPlays(rows: 200) { e in
            let r = try e.execute("EXPLAIN SELECT count(*) FROM plays p LEFT JOIN plays q ON p.user_id = q.user_id WHERE q.artist = 'A'")
            let lines = (0..<r.rowCount).map { r.columns[0].vector.string(at: $0) }
            #expect(lines.filter { $0.contains("SCAN plays → FILTER") }.isEmpty, "\(lines)")
        }
    }
}
