import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// The statistical, quantile, choice and boolean aggregates and FILTER: edge cases (empty input, NULLs,
/// one value, all-equal values, extreme BIGINTs), and seeded random tables checked against answers
/// computed here — with one and two threads, and with hash partitioning from the first group.
@Suite("Aggregate functions")
struct AggregateFunctionTests {
    static let t0: Int64 = 1_767_225_600_000_000_000

    /// Table `m`: columns g (tag), x (BIGINT, maybe NULL), d (DOUBLE), b (BOOLEAN), s (VARCHAR); rows in
    /// several flushed segments plus the memtable.
    static func withTable(_ rows: [(g: String, x: Int64?, d: Double, b: Bool, s: String)], _ body: (Database) throws -> Void) throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        for part in stride(from: 0, to: max(rows.count, 1), by: 3_000) {
            var batch = BatchBuilder(table: "m")
            for i in part..<min(rows.count, part + 3_000) {
                let r = rows[i]
                var values: [(String, BatchBuilder.Value)] = [("g", .tag(r.g)), ("d", .float(r.d)), ("b", .bool(r.b)), ("s", .string(r.s))]
                if let x = r.x { values.append(("x", .int(x))) }
                batch.add(time: t0 + Int64(i) * 1_000_000_000, values)
            }
            try db.write([batch.batch])
            if part + 3_000 < rows.count { try db.flush() }
        }
        try body(db)
    }

    static func engines(_ db: Database) -> [QueryEngine] {
        [QueryEngine(database: db, threads: 1), QueryEngine(database: db, threads: 2),
         QueryEngine(database: db, threads: 2, partitionAfterGroups: 0)]
    }

    static func cell(_ v: ColumnVector, _ i: Int) -> String {
        if v.isNull(i) { return "NULL" }
        switch v.type {
        case .time: return SQLTimestamp.format(v.int64s[i])
        case .int64, .date: return String(v.int64s[i])
        case .uint64: return String(v.uint64s[i])
        case .float64: return v.float64s[i].isNaN ? "nan" : String(v.float64s[i])
        case .bool: return v.bools[i] != 0 ? "true" : "false"
        case .string, .symbol: return v.string(at: i)
        }
    }

    static func rows(_ e: QueryEngine, _ sql: String) throws -> [[String]] {
        let r = try e.execute(sql)
        return (0..<r.rowCount).map { i in r.columns.map { cell($0.vector, i) } }
    }

    // MARK: edge cases

    @Test func emptyInputGivesNullsAndZeroCounts() throws {
        try Self.withTable([("a", 1, 1, true, "p")]) { (db: Database) throws in
            for e in Self.engines(db) {
                #expect(try Self.rows(e, """
                    SELECT median(x), quantile_disc(x, 0.5), stddev_samp(x), var_pop(d), corr(x, d), bool_and(b), bool_or(b),
                           string_agg(s, ','), arg_max(s, x), first(s), approx_quantile(x, 0.5), count(*) FILTER (WHERE b)
                    FROM m WHERE x > 100
                    """) == [["NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "0"]])
                // A group whose FILTER keeps nothing: NULL (and 0 for count) beside a group that keeps rows.
                #expect(try Self.rows(e, "SELECT g, median(x) FILTER (WHERE x > 5), count(*) FILTER (WHERE x > 5), count(*) FROM m GROUP BY g") ==
                    [["a", "NULL", "0", "1"]])
            }
        }
    }

    @Test func oneValueAndAllEqualValues() throws {
        try Self.withTable([("one", 7, 2.5, true, "only")] + (0..<50).map { _ in ("same", 3, 1.5, false, "z") }) { (db: Database) throws in
            for e in Self.engines(db) {
                let r = try Self.rows(e, """
                    SELECT g, median(x), quantile_cont(x, 0.3), quantile_disc(d, 0.9), stddev_samp(x), stddev_pop(x), var_samp(d),
                           var_pop(d), corr(x, d), covar_samp(x, d), covar_pop(x, d), bool_and(b), bool_or(b), string_agg(s, '')
                    FROM m GROUP BY g ORDER BY g
                    """)
                #expect(r == [
                    ["one", "7.0", "7.0", "2.5", "NULL", "0.0", "NULL", "0.0", "nan", "NULL", "0.0", "true", "true", "only"],
                    ["same", "3.0", "3.0", "1.5", "0.0", "0.0", "0.0", "0.0", "nan", "0.0", "0.0", "false", "false",
                     String(repeating: "z", count: 50)],
                ])
            }
        }
    }

    @Test func nullsAreSkippedExceptByFirstAndLast() throws {
        // x: NULL, 2, NULL in time order; first/last see the NULLs (DuckDB's first(x) is the first row's x).
        try Self.withTable([("a", nil, 1, true, "p"), ("a", 2, 2, false, "q"), ("a", nil, 3, true, "r")]) { (db: Database) throws in
            for e in Self.engines(db) {
                #expect(try Self.rows(e, "SELECT median(x), count(x), first(x), last(x), first(s), last(s), arg_max(s, x), arg_min(d, x) FROM m") ==
                    [["2.0", "1", "NULL", "NULL", "p", "r", "q", "2.0"]])
            }
        }
    }

    @Test func extremeBigints() throws {
        let values: [Int64] = [.max, .max - 1, .min]
        try Self.withTable(values.enumerated().map { ("a", $1, Double($0 + 1), true, "v\($0)") }) { (db: Database) throws in
            for e in Self.engines(db) {
                // As DuckDB answers: the median in DOUBLE; the discrete quantile and arg_max exact.
                #expect(try Self.rows(e, "SELECT median(x), quantile_disc(x, 0.5), quantile_disc(x, 1.0), quantile_disc(x, 0.0), arg_max(x, d), max_by(d, x), arg_min(s, x) FROM m") ==
                    [["9.223372036854776e+18", "9223372036854775806", "9223372036854775807", "-9223372036854775808",
                      "-9223372036854775808", "1.0", "v2"]])
                let corr = try Self.rows(e, "SELECT corr(x, d) FROM m")[0][0]
                #expect(abs(Double(corr)! - -0.8660254037844386) < 1e-9)
            }
        }
    }

    @Test func filterAppliesToEveryAggregateKind() throws {
        var data: [(g: String, x: Int64?, d: Double, b: Bool, s: String)] = []
        for i in 0..<200 {
            let d: Double = Double(i) / 2
            data.append((g: "g\(i % 3)", x: Int64(i), d: d, b: i % 2 == 0, s: "s\(i)"))
        }
        let want: [[String]] = [
            ["g0", "34", "18", "s102", "7", "true", "96", "s48"],
            ["g1", "33", "12", "s103", "7", "true", "100", "s49"],
            ["g2", "33", "15", "s101", "7", "true", "98", "s47"],
        ]
        try Self.withTable(data) { (db: Database) throws in
            for e in Self.engines(db) {
                let got = try Self.rows(e, """
                    SELECT g, count(*) FILTER (WHERE b), sum(x) FILTER (WHERE x < 10), min(s) FILTER (WHERE x > 100),
                           count(DISTINCT x % 7) FILTER (WHERE NOT b), bool_and(b) FILTER (WHERE x % 2 = 0),
                           quantile_disc(x, 0.5) FILTER (WHERE b), arg_max(s, x) FILTER (WHERE x < 50)
                    FROM m GROUP BY g ORDER BY g
                    """)
                #expect(got == want)
            }
        }
    }

    // MARK: random tables against answers computed here

    static func reference(median sorted: [Double]) -> Double {
        let pos = Double(sorted.count - 1) * 0.5
        let lo = Int(pos.rounded(.down)), hi = Int(pos.rounded(.up))
        return sorted[lo] + (pos - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func randomGroupsMatchReferenceAnswers(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let groups = 1 + Int(rng.next() % 300)
        // Distinct x per row (a shuffled range) so arg_max has no ties; about 5% NULL x.
        var xs = (0..<12_000).map { Int64($0) * 7 - 30_000 }
        for i in stride(from: xs.count - 1, to: 0, by: -1) { xs.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let data: [(g: String, x: Int64?, d: Double, b: Bool, s: String)] = xs.map { x in
            let g = "g\(rng.next() % UInt64(groups))"
            return (g, rng.next() % 20 == 0 ? nil : x, Double(rng.next() % 10_000) / 8, rng.next() % 3 == 0, "t\(x)")
        }
        var byGroup: [String: [(x: Int64?, d: Double, b: Bool, s: String)]] = [:]
        for r in data { byGroup[r.g, default: []].append((r.x, r.d, r.b, r.s)) }
        try Self.withTable(data) { (db: Database) throws in
            for e in Self.engines(db) {
                let got = try Self.rows(e, """
                    SELECT g, median(x), quantile_disc(x, 0.9), quantile_cont(d, 0.25), var_samp(d), stddev_pop(x), corr(x, d),
                           bool_or(b), bool_and(b), arg_max(s, x), min_by(x, x), count(*) FILTER (WHERE b AND x > 0)
                    FROM m GROUP BY g
                    """)
                #expect(got.count == byGroup.count)
                for row in got {
                    let rows = byGroup[row[0]]!
                    let x = rows.compactMap(\.x).sorted()
                    let d = rows.map(\.d).sorted()
                    func close(_ s: String, _ want: Double?, _ what: String) {
                        guard let want else { #expect(s == "NULL", "\(what) of \(row[0])"); return }
                        guard let v = Double(s) else { Issue.record("\(what) of \(row[0]): \(s), want \(want)"); return }
                        #expect(abs(v - want) <= 1e-9 * max(1, abs(want)) || (v.isNaN && want.isNaN), "\(what) of \(row[0]): \(v), want \(want)")
                    }
                    close(row[1], x.isEmpty ? nil : Self.reference(median: x.map { Double($0) }), "median")
                    let k = max(0, Int((Double(x.count) * 0.9).rounded(.up)) - 1)
                    #expect(row[2] == (x.isEmpty ? "NULL" : String(x[k])), "quantile_disc of \(row[0])")
                    let pos = Double(d.count - 1) * 0.25, lo = Int(pos.rounded(.down)), hi = Int(pos.rounded(.up))
                    close(row[3], d[lo] + (pos - Double(lo)) * (d[hi] - d[lo]), "quantile_cont")
                    let mean = d.reduce(0, +) / Double(d.count)
                    close(row[4], d.count < 2 ? nil : d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(d.count - 1), "var_samp")
                    let xd = x.map { Double($0) }, mx = xd.reduce(0, +) / Double(max(1, xd.count))
                    close(row[5], xd.isEmpty ? nil : (xd.reduce(0) { $0 + ($1 - mx) * ($1 - mx) } / Double(xd.count)).squareRoot(), "stddev_pop")
                    let pairs = rows.compactMap { r in r.x.map { (Double($0), r.d) } }
                    if pairs.count > 1 {
                        let ax = pairs.map(\.0).reduce(0, +) / Double(pairs.count), ay = pairs.map(\.1).reduce(0, +) / Double(pairs.count)
                        let cov = pairs.reduce(0) { $0 + ($1.0 - ax) * ($1.1 - ay) }
                        let vx = pairs.reduce(0) { $0 + ($1.0 - ax) * ($1.0 - ax) }, vy = pairs.reduce(0) { $0 + ($1.1 - ay) * ($1.1 - ay) }
                        if vx > 0 && vy > 0, let v = Double(row[6]) { #expect(abs(v - cov / (vx * vy).squareRoot()) < 1e-9, "corr of \(row[0])") }
                    }
                    #expect(row[7] == String(rows.contains { $0.b }), "bool_or")
                    #expect(row[8] == String(rows.allSatisfy { $0.b }), "bool_and")
                    let best = rows.filter { $0.x != nil }.max { $0.x! < $1.x! }
                    #expect(row[9] == (best?.s ?? "NULL"), "arg_max of \(row[0])")
                    #expect(row[10] == (x.first.map(String.init) ?? "NULL"), "min_by of \(row[0])")
                    #expect(row[11] == String(rows.filter { $0.b && ($0.x ?? 0) > 0 }.count), "count FILTER of \(row[0])")
                }
            }
        }
    }

    @Test func approxQuantileIsWithinOnePercentOfRank() throws {
        var rng = SeededRandom(seed: 99)
        // Skewed values: many small, a long tail.
        let data: [(g: String, x: Int64?, d: Double, b: Bool, s: String)] = (0..<40_000).map { _ in
            let u = Double(rng.next() % 1_000_000) / 1_000_000
            return ("a", Int64(-log(1 - u) * 100_000), 0, false, "")
        }
        let sorted = data.compactMap(\.x).sorted()
        try Self.withTable(data) { (db: Database) throws in
            for e in Self.engines(db) {
                for q in [0.01, 0.1, 0.25, 0.5, 0.9, 0.99] {
                    let v = Int64(try Self.rows(e, "SELECT approx_quantile(x, \(q)) FROM m")[0][0])!
                    // The rank of the answer lies within 1% of the count of the asked rank.
                    let lo = sorted.firstIndex { $0 >= v } ?? sorted.count
                    let hi = sorted.lastIndex { $0 <= v } ?? 0
                    let want = q * Double(sorted.count)
                    let err = Double(lo) > want ? Double(lo) - want : (Double(hi) < want ? want - Double(hi) : 0)
                    #expect(err <= 0.01 * Double(sorted.count), "q \(q): \(v) has rank \(lo)…\(hi), want \(want)")
                }
            }
        }
    }

    @Test func tDigestMergesKeepTheError() {
        var rng = SeededRandom(seed: 5)
        var parts = [TDigest](repeating: TDigest(), count: 4)
        var all: [Double] = []
        for i in 0..<50_000 {
            let x = Double(rng.next() % 1_000_000)
            parts[i % 4].add(x)
            all.append(x)
        }
        var merged = TDigest()
        for p in parts { merged.merge(p) }
        all.sort()
        for q in [0.001, 0.05, 0.5, 0.95, 0.999] {
            let v = merged.quantile(q)!
            let rank = Double(all.firstIndex { $0 >= v } ?? all.count)
            #expect(abs(rank - q * Double(all.count)) <= 0.01 * Double(all.count), "q \(q)")
        }
        #expect(merged.means.count <= Int(TDigest.compression))
        var empty = TDigest()
        #expect(empty.quantile(0.5) == nil)
    }

    @Test func aggregateArgumentErrors() throws {
        try Self.withTable([("a", 1, 1, true, "p")]) { (db: Database) throws in
            let e = QueryEngine(database: db)
            func message(_ sql: String) -> String {
                do { _ = try e.execute(sql); return "no error" } catch { return "\(error)" }
            }
            #expect(message("SELECT quantile_cont(x, 1.5) FROM m").contains("between 0 and 1"))
            #expect(message("SELECT quantile_cont(x, [0.5]) FROM m") != "no error")
            #expect(message("SELECT median(s) FROM m").contains("number or a timestamp"))
            #expect(message("SELECT arg_max(x) FROM m").contains("takes 2 arguments"))
            #expect(message("SELECT string_agg(x, ',') FROM m").contains("::VARCHAR"))
            #expect(message("SELECT bool_and(x) FROM m").contains("boolean"))
            #expect(message("SELECT count(*) FILTER (WHERE count(*) > 1) FROM m").contains("FILTER"))
            #expect(message("SELECT medain(x) FROM m").contains("did you mean median()"))
            #expect(message("SELECT y FROM m").contains("did you mean 'x'") || message("SELECT y FROM m").contains("did you mean"))
        }
    }
}
