import Foundation
import Testing

/// tsdb's answers checked against DuckDB's on the same generated play events: every query of
/// ../shared/bench/queries.sql and a few hundred random ones (scripts/differential.py draws them,
/// seeded). Needs Python 3 with duckdb, pyarrow and numpy; fails, naming the package, without them.
/// Reproduce one run with the TSDB_DIFF_* variables documented on `DifferentialSetup`.
@Suite("Differential: tsdb vs DuckDB", .serialized)
struct DifferentialTests {
    @Test("queries.sql", arguments: DifferentialSetup.namedQueries)
    func named(_ name: String) throws {
        let fixture = try DifferentialFixture.shared.get()
        if let report = try fixture.check(name) { Issue.record(Comment(rawValue: report)) }
    }

    @Test("random queries", arguments: 0..<DifferentialSetup.randomQueries)
    func random(_ index: Int) throws {
        let fixture = try DifferentialFixture.shared.get()
        if let report = try fixture.check(String(format: "r%03d", index)) { Issue.record(Comment(rawValue: report)) }
    }

    @Test("edge-value queries: tsdb answers as DuckDB does, or both refuse", arguments: 0..<DifferentialSetup.edgeQueries)
    func edge(_ index: Int) throws {
        let fixture = try DifferentialFixture.shared.get()
        if let report = try fixture.check(String(format: "e%03d", index)) { Issue.record(Comment(rawValue: report)) }
        if index % 2 == 0, let report = try fixture.check(String(format: "e%03d", index), partitioned: true) {
            Issue.record(Comment(rawValue: report))
        }
    }

    /// scripts/differential.py's RelationalGenerator: joins with the dimension table `artists` (written as line
    /// protocol), windows and QUALIFY, WITH queries, set operations, correlated IN/EXISTS, generate_series.
    @Test("joins, windows, WITH queries and set operations, direct and partitioned",
          arguments: 0..<DifferentialSetup.relationalQueries)
    func relational(_ index: Int) throws {
        let fixture = try DifferentialFixture.shared.get()
        let id = String(format: "j%03d", index)
        if let report = try fixture.check(id) { Issue.record(Comment(rawValue: report)) }
        if index % 2 == 1, let report = try fixture.check(id, partitioned: true) { Issue.record(Comment(rawValue: report)) }
    }

    /// scripts/differential.py's FUNCS: quantiles, statistics, FILTER, arg_max, time functions and zones.
    @Test("aggregate and time-function queries, direct and partitioned", arguments: 0..<DifferentialSetup.functionQueries)
    func functions(_ index: Int) throws {
        let fixture = try DifferentialFixture.shared.get()
        let id = String(format: "f%03d", index)
        if let report = try fixture.check(id) { Issue.record(Comment(rawValue: report)) }
        if let report = try fixture.check(id, partitioned: true) { Issue.record(Comment(rawValue: report)) }
    }

    /// scripts/differential.py's SHAPES: grouped count(DISTINCT) over strings of every length class, and arg_max/arg_min by time per group.
    @Test("slow shapes of issue 10, direct and partitioned", arguments: 0..<DifferentialSetup.shapeQueries)
    func shapes(_ index: Int) throws {
        let fixture = try DifferentialFixture.shared.get()
        let id = String(format: "s%03d", index)
        if let report = try fixture.check(id) { Issue.record(Comment(rawValue: report)) }
        if let report = try fixture.check(id, partitioned: true) { Issue.record(Comment(rawValue: report)) }
    }

    @Test("queries.sql and every other random query, aggregated in hash partitions from the first group",
          arguments: DifferentialSetup.namedQueries + stride(from: 0, to: DifferentialSetup.randomQueries, by: 2).map { String(format: "r%03d", $0) })
    func partitioned(_ id: String) throws {
        let fixture = try DifferentialFixture.shared.get()
        if let report = try fixture.check(id, partitioned: true) { Issue.record(Comment(rawValue: report)) }
    }

    @Test("approx_count_distinct is within 2% of the exact count")
    func approxCountDistinct() throws {
        let fixture = try DifferentialFixture.shared.get()
        #expect(!fixture.answers.approx.isEmpty)
        for c in fixture.answers.approx {
            if let report = try fixture.check(c.id, comparison: ResultComparison(intRelativeTolerance: 0.02)) {
                Issue.record(Comment(rawValue: report))
            }
        }
    }

    @Test("the events are split between segments and the memtable, and all of them count")
    func loadedBothWays() throws {
        let fixture = try DifferentialFixture.shared.get()
        #expect(fixture.loaded.rows == DifferentialSetup.rows)
        #expect(fixture.loaded.memtableRows > 0)
        #expect(fixture.loaded.memtableRows < fixture.loaded.rows)
        #expect(fixture.artists > 3_000)
        #expect(fixture.answers.cases.count == DifferentialSetup.namedQueries.count + DifferentialSetup.randomQueries
                + DifferentialSetup.edgeQueries + DifferentialSetup.relationalQueries + DifferentialSetup.functionQueries
                + DifferentialSetup.shapeQueries)
    }
}
