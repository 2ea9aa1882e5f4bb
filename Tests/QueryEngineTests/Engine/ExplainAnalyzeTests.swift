import ColumnStore
import Foundation
@testable import QueryEngine
import Testing
import TestSupport

/// EXPLAIN ANALYZE runs the query with every operator instrumented and draws the tree with each one's
/// rows (checked here against the same parts run as queries) and time (only its presence: no test
/// asserts a time). EXPLAIN names the aggregation path the keys choose.
@Suite struct ExplainAnalyzeTests {
    private func lines(_ e: QueryEngine, _ sql: String, control: QueryControl? = nil) throws -> [String] {
        let r = try e.execute(sql, control: control)
        return (0..<r.rowCount).map { r.columns[0].vector.string(at: $0) }
    }

    private func count(_ e: QueryEngine, _ sql: String) throws -> Int {
        let r = try e.execute("SELECT count(*) FROM (\(sql)) q")
        return Int(r.columns[0].vector.int64s[0])
    }

    /// The `actual:` line under the first node whose label contains `label`.
    private func actual(_ lines: [String], _ label: String) -> String? {
        guard let i = lines.firstIndex(where: { $0.contains(label) && !$0.contains("actual:") }), i + 1 < lines.count else { return nil }
        return lines[i + 1].trimmingCharacters(in: .whitespaces)
    }

    private func rows(_ line: String?) -> Int? {
        guard let line, let r = line.range(of: "rows ") else { return nil }
        return Int(line[r.upperBound...].prefix { $0.isNumber })
    }

    @Test func singleTableScanShowsRowsTimeAndStrategy() throws {
        try withPlays { e in
            let control = QueryControl()
            let out = try lines(e, "EXPLAIN ANALYZE SELECT artist, count(*) FROM plays GROUP BY artist", control: control)
            #expect(out[0] == "SCAN plays → AGGREGATE 1 aggregate(s) by 1 key(s) → PROJECT artist, count_star()", "\(out)")
            #expect(out[1].hasPrefix("    actual: rows 4, time "), "\(out)")
            #expect(out[1].hasSuffix(" ms"), "\(out)")
            #expect(out.contains("    aggregation: dense (the tag's dictionary code indexes an array of groups)"), "\(out)")
            #expect(out.contains { $0.contains("partitions: 2 of 2 read") }, "\(out)")
            #expect(out.last?.hasPrefix("RESULT 4 row(s) in ") == true, "\(out)")
            #expect(control.rowsScanned > 0)  // it ran
        }
    }

    @Test func joinWindowAndSubqueryRowCountsMatchTheirQueries() throws {
        try withPlays { e in
            let dim = "SELECT artist FROM plays WHERE duration_ms = 0 GROUP BY artist"
            let sql = """
                SELECT p.artist, p.user_id, row_number() OVER (PARTITION BY p.artist ORDER BY p.time) AS n
                FROM plays p JOIN (\(dim)) d ON d.artist = p.artist
                WHERE p.time < '2026-01-01 01:00:00' AND p.platform IN (SELECT platform FROM plays WHERE liked GROUP BY platform)
                """
            let out = try lines(e, "EXPLAIN ANALYZE " + sql)
            let result = try count(e, sql)
            let platforms = try count(e, "SELECT platform FROM plays WHERE liked GROUP BY platform")
            #expect(out.last?.hasPrefix("RESULT \(result) row(s)") == true, "\(out)")
            #expect(rows(actual(out, "WINDOW")) == result, "\(out)")
            // The IN condition on p's column is pushed into p's scan, below the join: the join returns
            // the rows after it.
            let inPlatforms = "platform IN (SELECT platform FROM plays WHERE liked GROUP BY platform)"
            let joined = try count(e, "SELECT * FROM plays p JOIN (\(dim)) d ON d.artist = p.artist WHERE p.time < '2026-01-01 01:00:00' AND p.\(inPlatforms)")
            #expect(rows(actual(out, "HASH JOIN")) == joined, "\(out)")
            // The scan of p filtered by time and the IN subquery, and the grouped dimension subquery.
            let early = try count(e, "SELECT * FROM plays WHERE time < '2026-01-01 01:00:00' AND \(inPlatforms)"), dims = try count(e, dim)
            #expect(rows(actual(out, "SCAN plays → FILTER → PROJECT")) == early, "\(out)")
            #expect(rows(actual(out, "SCAN plays → FILTER → AGGREGATE 0 aggregate(s) by 1 key(s) → PROJECT artist")) == dims, "\(out)")
            // The IN subquery ran once, under the node that evaluates it.
            #expect(out.contains { $0.contains("SUBQUERY (IN, runs once, hashed)") }, "\(out)")
            #expect(rows(actual(out, "SCAN plays → FILTER → AGGREGATE 0 aggregate(s) by 1 key(s) → PROJECT platform")) == platforms, "\(out)")
            #expect(out.filter { $0.contains("actual:") }.count >= 6, "\(out)")
        }
    }

    @Test func withQueryReadTwiceShowsOneRunAndEachRead() throws {
        try withPlays { e in
            let out = try lines(e, """
                EXPLAIN ANALYZE WITH c AS (SELECT artist, count(*) AS n FROM plays GROUP BY artist)
                SELECT a.artist FROM c a JOIN c b ON a.n = b.n AND a.artist = b.artist
                """)
            let reads = out.indices.filter { out[$0].contains("CTE c (runs once)") }
            #expect(reads.count == 2, "\(out)")
            for i in reads { #expect(out[i + 1].contains("actual: rows 4,"), "\(out)") }
            // The WITH query's tree is drawn (and ran) once.
            #expect(out.filter { $0.contains("SCAN plays → AGGREGATE") }.count == 1, "\(out)")
            #expect(rows(actual(out, "SCAN plays → AGGREGATE")) == 4, "\(out)")
        }
    }

    @Test func setOperationAndEmptyInput() throws {
        try withPlays { e in
            let out = try lines(e, """
                EXPLAIN ANALYZE SELECT artist FROM plays WHERE artist = 'A' AND time < '2026-01-01 00:10:00'
                UNION ALL SELECT artist FROM plays WHERE duration_ms < 0
                """)
            #expect(rows(actual(out, "UNION ALL")) == 3, "\(out)")
            let scans = out.indices.filter { out[$0].contains("SCAN plays") }
            #expect(scans.count == 2, "\(out)")
            #expect(scans.map { rows(out[$0 + 1]) } == [3, 0], "\(out)")
        }
    }

    @Test func anErrorWhileRunningIsTheQuerysError() throws {
        try withPlays { e in
            let sql = "SELECT count(*) FROM (SELECT 9223372036854775807 + duration_ms AS x FROM plays WHERE duration_ms > 0) s"
            #expect(throws: (any Error).self) { try e.execute("EXPLAIN ANALYZE " + sql) }
            #expect(throws: (any Error).self) { try e.execute("EXPLAIN ANALYZE SHOW TABLES") }
        }
    }

    @Test func explainAnalyzeParsesAndPrintsBack() throws {
        let s = try SQLParser.parse("explain analyze SELECT 1")
        guard case let .select(one) = try SQLParser.parse("SELECT 1") else { Issue.record("not a SELECT"); return }
        #expect(s == .explainAnalyze(one))
        #expect(try SQLParser.parse(s.description) == s)
        #expect(s.description.hasPrefix("EXPLAIN ANALYZE SELECT"))
    }

    @Test func explainNamesTheAggregationPath() throws {
        try withPlays { e in
            func strategy(_ sql: String) throws -> String? {
                try lines(e, "EXPLAIN " + sql).first { $0.contains("aggregation:") }?.trimmingCharacters(in: .whitespaces)
            }
            let ungrouped = try strategy("SELECT count(*) FROM plays"), bool = try strategy("SELECT liked, count(*) FROM plays GROUP BY liked")
            let strings = try strategy("SELECT user_id, count(*) FROM plays GROUP BY user_id")
            let two = try strategy("SELECT artist, platform, count(*) FROM plays GROUP BY 1, 2")
            let none = try strategy("SELECT artist FROM plays")
            #expect(ungrouped?.hasPrefix("aggregation: ungrouped") == true)
            #expect(bool?.hasPrefix("aggregation: dense (the boolean") == true)
            #expect(strings?.hasPrefix("aggregation: dense over interned strings") == true)
            #expect(two?.hasPrefix("aggregation: hash on 2 key(s)") == true)
            #expect(none == nil)
        }
    }
}
