import ColumnStore
import Foundation
import Testing
import TestSupport
@testable import QueryEngine

private let day: Int64 = 86_400_000_000_000
private let d0: Int64 = 20_454  // 2026-01-01

/// Seeded rows over twelve UTC days (each a partition), with rows on the first and last microsecond of
/// every day; written to tsdb (some flushed, some in the memtable) and to a CSV for DuckDB.
private struct Fixture {
    var csv = "time,artist,duration_ms\n"
    var batches: [WriteBatch] = []

    init(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var b = BatchBuilder(table: "plays")
        var n = 0
        func add(_ t: Int64, _ rng: inout SeededRandom) {
            let artist = "A\(rng.below(4))", dur = Int64(rng.below(10_000))
            b.add(time: t, [("artist", .tag(artist)), ("duration_ms", .int(dur))])
            csv += "\(SQLTimestamp.format(t)),\(artist),\(dur)\n"
            n += 1
            if n % 500 == 0 { batches.append(b.batch); b = BatchBuilder(table: "plays") }
        }
        for k in 0..<12 {
            let start = (d0 + Int64(k)) * day
            add(start, &rng)
            add(start + day - 1_000, &rng)  // 23:59:59.999999, DuckDB's last microsecond of the day
            for _ in 0..<(100 + rng.below(200)) { add(start + Int64(rng.below(86_400_000_000)) * 1_000, &rng) }
        }
        batches.append(b.batch)
    }
}

private func text(_ r: QueryResult) -> [[String]] {
    (0..<r.rowCount).map { i in r.columns.map { $0.vector.isNull(i) ? "NULL" : String($0.vector.int64s[i]) } }
}

private func duckdb(csv: String, _ queries: [String]) throws -> [[[String]]] {
    let dir = TempDirectory(); defer { dir.remove() }
    try csv.write(toFile: dir.path + "/plays.csv", atomically: true, encoding: .utf8)
    try JSONSerialization.data(withJSONObject: queries).write(to: URL(fileURLWithPath: dir.path + "/q.json"))
    let script = """
    import duckdb, json
    con = duckdb.connect()
    con.execute("CREATE TABLE plays AS SELECT * FROM read_csv('\(dir.path)/plays.csv', header=true, columns={'time':'TIMESTAMP','artist':'VARCHAR','duration_ms':'BIGINT'})")
    print(json.dumps([[[('NULL' if c is None else str(c)) for c in r] for r in con.execute(q).fetchall()] for q in json.load(open('\(dir.path)/q.json'))]))
    """
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", script]
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw QueryError("duckdb failed: \(errText)") }
    return try JSONDecoder().decode([[[String]]].self, from: data)
}

/// `time::DATE`, `date_trunc` and `time_bucket` predicates narrow the scan to the exact time range
/// (EXPLAIN's `time range` and pruned partitions), and answer as the unpruned plan and DuckDB do.
@Suite struct TimeFloorPruningTests {
    static func date(_ k: Int64) -> String { "DATE '\(SQLDate.format(d0 + k))'" }
    static func ts(_ k: Int64, _ rest: String = "") -> String { "TIMESTAMP '\(SQLDate.format(d0 + k))\(rest)'" }

    /// Predicates on seeded random days (with the data's first and last day), each with the time range
    /// it must prune to (nil: none), as days and nanoseconds from 2026-01-01.
    static func cases(seed: UInt64) -> [(predicate: String, lo: Int64?, hi: Int64?)] {
        var rng = SeededRandom(seed: seed)
        var out: [(String, Int64?, Int64?)] = []
        for k in [0, 11, Int64(rng.below(12)), Int64(rng.below(12))] {
            let j = min(11, k + Int64(rng.below(3)))
            out += [
                ("time::DATE = \(date(k))", k * day, (k + 1) * day - 1),
                ("CAST(time AS DATE) = '\(SQLDate.format(d0 + k))'", k * day, (k + 1) * day - 1),
                ("time::DATE BETWEEN \(date(k)) AND \(date(j))", k * day, (j + 1) * day - 1),
                ("time::DATE >= \(date(k)) AND time::DATE < \(date(j))", k * day, j * day - 1),
                ("time::DATE > \(date(k))", (k + 1) * day, nil),
                ("\(date(k)) >= time::DATE", nil, (k + 1) * day - 1),
                ("time::DATE IN (\(date(j)), \(date(k)), NULL)", min(j, k) * day, (max(j, k) + 1) * day - 1),
                ("time::DATE >= \(ts(k, " 06:00"))", (k + 1) * day, nil),
                ("time::DATE < \(ts(k, " 06:00"))", nil, (k + 1) * day - 1),
                ("date_trunc('day', time) = \(ts(k))", k * day, (k + 1) * day - 1),
                ("date_trunc('day', time) = \(ts(k, " 06:00"))", 1, 0),  // never equal: nothing matches
                ("time_bucket(INTERVAL '1 day', time) = '\(SQLDate.format(d0 + k))'", k * day, (k + 1) * day - 1),
                ("date_trunc('hour', time) >= \(ts(k, " 13:30")) AND date_trunc('hour', time) <= \(ts(k, " 13:30"))",
                 k * day + 14 * 3_600_000_000_000, k * day + 14 * 3_600_000_000_000 - 1),
            ]
        }
        return out
    }

    @Test func datePredicatesPruneToTheirDaysAndAnswerAsDuckDB() throws {
        let f = Fixture(seed: 41)
        let dir = TempDirectory("time-floor"); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        for (i, b) in f.batches.enumerated() {
            try db.write([b])
            if i % 2 == 0 { try db.flush() }
        }
        let e = QueryEngine(database: db, threads: 2)
        func fmt(_ t: Int64?, _ inf: String) -> String { t.map { SQLTimestamp.format(d0 * day + $0) } ?? inf }
        let cases = Self.cases(seed: 7)
        var queries: [String] = []
        for c in cases {
            let q = "SELECT count(*), sum(duration_ms) FROM plays WHERE \(c.predicate)"
            queries.append(q)
            let lines = try e.execute("EXPLAIN " + q).columns[0].vector
            let plan = (0..<lines.count).map { lines.string(at: $0) }.joined(separator: "\n")
            // The partitions read are the days the range touches (an empty range reads none).
            let first = max(0, (c.lo ?? 0) / day), last = min(11, (c.hi ?? 11 * day) / day)
            let empty = c.lo != nil && c.hi != nil && c.lo! > c.hi!
            #expect(plan.contains("partitions: \(empty ? 0 : max(0, last - first + 1)) of 12 read"), "\(c.predicate)\n\(plan)")
            if !empty { #expect(plan.contains("time range [\(fmt(c.lo, "-inf")), \(fmt(c.hi, "+inf"))]"), "\(c.predicate)\n\(plan)") }
            // The same predicate on a shifted time (no pruning) gives the same answer.
            let unpruned = q.replacingOccurrences(of: "(time", with: "(time + INTERVAL 0 SECOND")
                .replacingOccurrences(of: "time::DATE", with: "(time + INTERVAL 0 SECOND)::DATE")
                .replacingOccurrences(of: ", time)", with: ", time + INTERVAL 0 SECOND)")
            let u = try e.execute("EXPLAIN " + unpruned).columns[0].vector
            #expect((0..<u.count).contains { u.string(at: $0).contains("time range [-inf, +inf]") }, "\(unpruned)")
            #expect(text(try e.execute(q)) == text(try e.execute(unpruned)), "\(c.predicate)")
        }
        let expected = try duckdb(csv: f.csv, queries)
        for (i, q) in queries.enumerated() {
            #expect(text(try e.execute(q)) == expected[i], "\(q)")
        }
    }
}
