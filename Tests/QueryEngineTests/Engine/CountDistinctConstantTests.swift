import Testing
@testable import QueryEngine

/// count(DISTINCT constant) crashed the process: a constant number was marked as a string-pool code,
/// and merging two threads' sets looked it up in a pool that never held it.
@Suite("count(DISTINCT constant)")
struct CountDistinctConstantTests {
    /// The fault itself, without depending on how row groups fall to threads: two sets of a constant merge.
    @Test func mergeOfConstantSets() {
        for value in [Value.int(1), .double(1.5), .bool(true), .time(0), .string("x")] {
            let a = CountDistinctAccumulator(), b = CountDistinctAccumulator()
            var poolA = StringPool(), poolB = StringPool()
            a.resize(1); b.resize(1)
            a.update([0, 0], nil, Vec(constant: value, count: 2), &poolA)
            b.update([0], nil, Vec(constant: value, count: 1), &poolB)
            a.merge(b, map: [0], from: poolB, into: &poolA)
            #expect(a.finalize(poolA).int64s == [1], "\(value)")
        }
    }

    @Test func constantArguments() throws {
        try withPlays { (e: QueryEngine) throws in
            #expect(cells(try e.execute("SELECT count(DISTINCT 1) FROM plays")) == [["1"]])
            #expect(cells(try e.execute("SELECT count(DISTINCT 1.5), count(DISTINCT 'x'), count(DISTINCT true), count(DISTINCT NULL) FROM plays"))
                    == [["1", "1", "1", "0"]])
            #expect(cells(try e.execute("SELECT count(DISTINCT TIMESTAMP '2026-01-01') FROM plays WHERE liked")) == [["1"]])
        }
    }

    @Test func groupedConstantArguments() throws {
        try withPlays { (e: QueryEngine) throws in
            #expect(cells(try e.execute("SELECT platform, count(DISTINCT 1), count(DISTINCT 'x') FROM plays GROUP BY platform ORDER BY platform"))
                    == [["android", "1", "1"], ["ios", "1", "1"], ["web", "1", "1"]])
        }
        // The hash-partitioned path merges tables too.
        try withPlays(partitionAfterGroups: 0) { (e: QueryEngine) throws in
            #expect(cells(try e.execute("SELECT user_id, count(DISTINCT 7) FROM plays GROUP BY user_id ORDER BY user_id LIMIT 2"))
                    == [["user-0", "1"], ["user-1", "1"]])
        }
    }

    @Test func expressionArguments() throws {
        try withPlays { (e: QueryEngine) throws in
            #expect(cells(try e.execute("SELECT count(DISTINCT duration_ms * 0 + 7), count(DISTINCT duration_ms // 100000) FROM plays"))
                    == [["1", "10"]])
            #expect(cells(try e.execute("SELECT count(DISTINCT CASE WHEN liked THEN 'yes' ELSE 'no' END) FROM plays")) == [["2"]])
        }
    }
}
