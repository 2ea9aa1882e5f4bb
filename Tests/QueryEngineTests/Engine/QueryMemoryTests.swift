import Foundation
import Testing
@testable import QueryEngine

/// The per-query memory budget (`QueryControl.memoryLimit`, `--query-memory`): a query whose buffers
/// outgrow it fails with a clear error, gives back what it charged, and leaves the process serving.
@Suite("Query memory budget")
struct QueryMemoryTests {
    static func wide(_ n: Int, _ tail: String) -> String {
        "SELECT " + (0..<n).map { "duration_ms + \($0)" }.joined(separator: ", ") + " FROM plays " + tail
    }

    static func expectMemoryError(_ text: String?, _ limit: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(text?.contains("query needs more than \(limit) of memory (limit --query-memory)") == true, "\(text ?? "no error")",
                sourceLocation: sourceLocation)
    }

    /// 10,000 expressions over 100,000 rows held ~7.7 GB before. Under LIMIT 1 (with or without ORDER
    /// BY) only the rows that can be returned are evaluated now, well within a 64 MiB budget; where every
    /// row is needed (ORDER BY without LIMIT) the budget stops it.
    @Test func tenThousandExpressions() throws {
        try withPlays(rows: 100_000) { (e: QueryEngine) throws in
            let control = QueryControl(memoryLimit: 64 << 20)
            let r = try e.execute(Self.wide(10_000, "LIMIT 1"), control: control)
            #expect(r.rowCount == 1 && r.columns.count == 10_000)
            #expect(control.memory.peak < 16 << 20, "peak \(control.memory.peak)")

            let top = QueryControl(memoryLimit: 64 << 20)
            #expect(try e.execute(Self.wide(10_000, "ORDER BY duration_ms DESC, time LIMIT 1"), control: top).rowCount == 1)

            let ordered = QueryControl(memoryLimit: 64 << 20)
            Self.expectMemoryError(failure(e, Self.wide(10_000, "ORDER BY time"), control: ordered), "64.0 MiB")
            #expect(ordered.memory.used == 0, "the failed query gave back what it charged: \(ordered.memory.used)")
            #expect(ordered.memory.peak <= 64 << 20)
            // The engine keeps working.
            #expect(cells(try e.execute("SELECT count(*) FROM plays")) == [["100000"]])
        }
    }

    @Test func groupByTableOverBudget() throws {
        try withPlays(rows: 20_000) { (e: QueryEngine) throws in
            let sql = "SELECT duration_ms, time, count(*), sum(revenue), count(DISTINCT user_id) FROM plays GROUP BY duration_ms, time"
            Self.expectMemoryError(failure(e, sql, control: QueryControl(memoryLimit: 256 << 10)), "256.0 KiB")
            #expect(try e.execute(sql, control: QueryControl(memoryLimit: 256 << 20)).rowCount == 20_000)
        }
        // The hash-partitioned path charges its shared tables too.
        try withPlays(rows: 20_000, partitionAfterGroups: 0) { (e: QueryEngine) throws in
            let sql = "SELECT user_id, time, count(*) FROM plays GROUP BY user_id, time"
            Self.expectMemoryError(failure(e, sql, control: QueryControl(memoryLimit: 256 << 10)), "256.0 KiB")
        }
    }

    @Test func distinctSetOverBudget() throws {
        try withPlays(rows: 20_000) { (e: QueryEngine) throws in
            Self.expectMemoryError(failure(e, "SELECT count(DISTINCT time) FROM plays", control: QueryControl(memoryLimit: 64 << 10)), "64.0 KiB")
            #expect(cells(try e.execute("SELECT count(DISTINCT time) FROM plays", control: QueryControl(memoryLimit: 64 << 20))) == [["20000"]])
        }
    }

    @Test func projectionAndSortOverBudget() throws {
        try withPlays(rows: 20_000) { (e: QueryEngine) throws in
            Self.expectMemoryError(failure(e, "SELECT user_id, duration_ms FROM plays ORDER BY user_id",
                                           control: QueryControl(memoryLimit: 100 << 10)), "100.0 KiB")
            // A subquery's rows count too.
            Self.expectMemoryError(failure(e, "SELECT count(*) FROM (SELECT user_id, time FROM plays)",
                                           control: QueryControl(memoryLimit: 100 << 10)), "100.0 KiB")
        }
    }

    @Test func sizes() {
        #expect(QueryControl.parseBytes("4GiB") == 4 << 30)
        #expect(QueryControl.parseBytes("512M") == 512 << 20)
        #expect(QueryControl.parseBytes("1.5g") == 3 << 29)
        #expect(QueryControl.parseBytes("65536") == 65536)
        #expect(QueryControl.parseBytes("0") == nil)
        #expect(QueryControl.parseBytes("lots") == nil)
        #expect(QueryControl.formatBytes(1 << 30) == "1.0 GiB")
    }
}
