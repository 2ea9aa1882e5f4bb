import Testing
@testable import QueryEngine

/// LIMIT and OFFSET take any BIGINT: `limit + offset` (top-N, scan stop, result cap) saturates instead of
/// trapping, so a huge OFFSET is an empty result and a huge LIMIT is every row.
@Suite("LIMIT/OFFSET arithmetic")
struct LimitOffsetTests {
    static let max = "9223372036854775807"

    @Test func hugeOffsetIsEmpty() throws {
        try withPlays { (e: QueryEngine) throws in
            for sql in ["SELECT artist FROM plays LIMIT 1 OFFSET \(Self.max)",
                        "SELECT artist FROM plays OFFSET \(Self.max)",
                        "SELECT artist FROM plays LIMIT \(Self.max) OFFSET \(Self.max)",
                        "SELECT artist FROM plays ORDER BY time LIMIT 1 OFFSET \(Self.max)",
                        "SELECT artist FROM plays ORDER BY time OFFSET \(Self.max)",
                        "SELECT artist, count(*) FROM plays GROUP BY artist LIMIT 1 OFFSET \(Self.max)",
                        "SELECT artist, count(*) FROM plays GROUP BY artist ORDER BY artist LIMIT 3 OFFSET \(Self.max)",
                        "SELECT count(*) FROM plays LIMIT 1 OFFSET \(Self.max)",
                        "SELECT * FROM (SELECT artist FROM plays LIMIT 5 OFFSET \(Self.max))"] {
                // With and without a result-row cap (the server's --max-result-rows).
                for control in [nil, QueryControl(maxRows: 10)] {
                    let r = try e.execute(sql, control: control)
                    #expect(r.rowCount == 0, "\(sql)")
                }
            }
        }
    }

    @Test func hugeLimitIsEveryRow() throws {
        try withPlays(rows: 500) { (e: QueryEngine) throws in
            #expect(try e.execute("SELECT artist FROM plays LIMIT \(Self.max)").rowCount == 500)
            #expect(try e.execute("SELECT artist FROM plays ORDER BY time DESC LIMIT \(Self.max) OFFSET 498").rowCount == 2)
            #expect(cells(try e.execute("SELECT artist, count(*) FROM plays GROUP BY artist ORDER BY artist LIMIT \(Self.max) OFFSET 3"))
                    == [["D", "125"]])
            let capped = QueryControl(maxRows: 100)
            #expect(failure(e, "SELECT artist FROM plays LIMIT \(Self.max)", control: capped)?.contains("--max-result-rows") == true)
            #expect(try e.execute("SELECT artist FROM plays OFFSET 450", control: capped).rowCount == 50)
        }
    }
}
