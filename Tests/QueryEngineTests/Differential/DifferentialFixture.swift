import ColumnStore
import Foundation
import QueryEngine

/// The shared state of the differential tests, built once per test process: the play events generated,
/// DuckDB's answers computed (both cached on disk), and the same events loaded into a fresh tsdb database.
final class DifferentialFixture: Sendable {
    let database: Database
    let engine: QueryEngine
    /// The same data through hash-partitioned aggregation from the first group on (normally only for
    /// groupings with many groups), so that path meets every kind of key and aggregate.
    let partitionedEngine: QueryEngine
    let answers: DuckDBAnswers
    let cases: [String: DuckDBAnswers.Case]
    let loaded: PlaysLoader.Loaded
    /// Rows of the dimension table `artists`, written as line protocol.
    let artists: Int

    /// Built on first use; a setup failure (e.g. a missing Python package) fails every test that uses it.
    static let shared: Result<DifferentialFixture, any Error> = Result { try DifferentialFixture() }

    private init() throws {
        let clock = ContinuousClock()
        let t0 = clock.now
        try DifferentialSetup.checkPython()
        let data = try DifferentialSetup.playsData()
        let (answerPath, artistsPath) = try DifferentialSetup.duckdbAnswers(data: data)
        answers = try DuckDBAnswers.load(answerPath)
        cases = Dictionary((answers.cases + answers.approx).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let t1 = clock.now, cpu1 = Self.cpuSeconds()

        let dir = try Self.freshDatabaseDirectory()
        var options = DatabaseOptions()
        options.durability = .none
        options.background = false
        options.memtableMaxBytes = Int.max / 4  // flushes happen where the loader says, nowhere else
        database = try Database(path: dir, options: options)
        loaded = try PlaysLoader.load(lp: data + "/plays.lp", into: database)
        // The dimension table of the jNNN queries, left in the memtable (a flush would take the plays' rows too).
        artists = try PlaysLoader.load(lp: artistsPath, into: database, flushFractions: []).rows
        engine = QueryEngine(database: database, threads: 2)
        partitionedEngine = QueryEngine(database: database, threads: 2, partitionAfterGroups: 0)
        let t2 = clock.now, cpu2 = Self.cpuSeconds()
        print("""
            differential: \(DifferentialSetup.rows) play events (data seed \(DifferentialSetup.dataSeed)), \
            \(answers.cases.count) queries (\(DifferentialSetup.randomQueries) random, query seed \(answers.seed)) \
            answered by DuckDB \(answers.duckdb) in \(t1 - t0) (cached in \(answerPath)); tsdb loaded \(loaded.rows) \
            rows (\(loaded.rows - loaded.memtableRows) in segments, \(loaded.memtableRows) in the memtable) in \(t2 - t1) \
            (\(Self.rounded(cpu2 - cpu1)) s of CPU in this process) into \(dir)
            """)
    }

    /// CPU time of this process (all threads) so far, in seconds: the load's cost on a busy machine.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func rounded(_ x: Double) -> String { String(format: "%.1f", x) }

    /// A new database folder in the cache, after removing those of test processes that are gone.
    private static func freshDatabaseDirectory() throws -> String {
        let fm = FileManager.default
        let base = DifferentialSetup.cacheDirectory
        try fm.createDirectory(atPath: base, withIntermediateDirectories: true)
        for name in (try? fm.contentsOfDirectory(atPath: base)) ?? [] where name.hasPrefix("db-") {
            let pid = name.dropFirst(3).prefix { $0.isNumber }
            if let p = Int32(pid), p != getpid(), kill(p, 0) != 0, errno == ESRCH {
                try? fm.removeItem(atPath: base + "/" + name)
            }
        }
        let dir = base + "/db-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs case `id` on tsdb; nil when the answers agree, else a report naming the query and the difference.
    func check(_ id: String, comparison: ResultComparison = ResultComparison(), partitioned: Bool = false) throws -> String? {
        guard let c = cases[id] else { throw DifferentialError("DuckDB's answers have no case '\(id)'") }
        let expected = try c.cells()
        let header = "\(id)\(partitioned ? " (partitioned aggregation)" : "") (query seed \(answers.seed), data seed \(DifferentialSetup.dataSeed)): \(c.sql)"
            + (c.reference.map { "\n  DuckDB ran: \($0)" } ?? "")
        let result: QueryResult
        if DifferentialSetup.skip.contains(id) {
            print("differential: \(id) skipped (TSDB_DIFF_SKIP): \(c.sql)")
            return nil
        }
        if DifferentialSetup.verbose { print("differential: \(id) running: \(c.sql)") }
        let start = ContinuousClock.now
        defer {
            if DifferentialSetup.verbose { print("differential: \(id) took \(ContinuousClock.now - start)") }
        }
        if let refused = c.error {
            do {
                let r = try (partitioned ? partitionedEngine : engine).execute(c.sql)
                return header + "\n  DuckDB refused it (\(refused)), but tsdb answered \(r.rowCount) rows"
                    + (r.rowCount > 0 ? ", first \(ResultComparison.show(Cell.rows(of: r)[0]))" : "")
            } catch {
                return nil  // both refuse
            }
        }
        do { result = try (partitioned ? partitionedEngine : engine).execute(c.sql) } catch {
            return header + "\n  tsdb refused it: \(error)\n  DuckDB answered \(expected.count) rows"
                + (expected.first.map { ", first \(ResultComparison.show($0))" } ?? "")
        }
        guard let d = comparison.difference(tsdb: Cell.rows(of: result), duckdb: expected, ordered: c.ordered, names: c.names) else {
            return nil
        }
        return header + "\n  " + d + "\n  columns: tsdb \(result.columns.map { "\($0.name) \($0.type)" }), "
            + "DuckDB \(zip(c.names, c.kinds).map { "\($0) \($1)" })"
    }
}
