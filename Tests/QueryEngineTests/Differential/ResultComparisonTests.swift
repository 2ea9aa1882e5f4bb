import ColumnStore
import QueryEngine
import TestSupport
import Testing

/// The differential harness's own checks: a comparison that passes everything would hide engine bugs.
@Suite("Differential harness: result comparison")
struct ResultComparisonTests {
    let compare = ResultComparison()

    @Test func floatsAgreeWithinTolerance() {
        #expect(compare.equal(.float(1e6), .float(1e6 * (1 + 5e-10))))
        #expect(!compare.equal(.float(1e6), .float(1e6 * (1 + 5e-9))))
        #expect(compare.equal(.float(0), .float(5e-10)))
        #expect(!compare.equal(.float(0), .float(1e-8)))
        #expect(compare.equal(.float(.nan), .float(.nan)))
        #expect(!compare.equal(.float(.infinity), .float(-.infinity)))
        #expect(!compare.equal(.float(.nan), .float(0)))
    }

    @Test func otherKindsCompareExactly() {
        #expect(compare.equal(.int("170141183460469231731687303715884105727"), .int("170141183460469231731687303715884105727")))
        #expect(!compare.equal(.int("3"), .int("4")))
        #expect(!compare.equal(.int("3"), .float(3)))  // a type difference is a difference
        #expect(!compare.equal(.time(1_000), .time(1_001)))
        #expect(!compare.equal(.string("a"), .string("a ")))
        #expect(compare.equal(.null, .null))
        #expect(!compare.equal(.null, .int("0")))
        #expect(!compare.equal(.bool(true), .int("1")))
    }

    @Test func approxTolerance() {
        let approx = ResultComparison(intRelativeTolerance: 0.02)
        #expect(approx.equal(.int("1019"), .int("1000")))
        #expect(!approx.equal(.int("1021"), .int("1000")))
        #expect(approx.equal(.string("x"), .string("x")))
    }

    @Test func orderMattersOnlyWhenOrdered() {
        let a: [[Cell]] = [[.string("b"), .int("2")], [.string("a"), .int("1")]]
        let b: [[Cell]] = [[.string("a"), .int("1")], [.string("b"), .int("2")]]
        #expect(compare.difference(tsdb: a, duckdb: b, ordered: false) == nil)
        let d = compare.difference(tsdb: a, duckdb: b, ordered: true, names: ["k", "n"])
        #expect(d?.contains("row 0 of 2, column 0 'k'") == true)
    }

    @Test func multisetsCountDuplicates() {
        let a: [[Cell]] = [[.int("1")], [.int("1")], [.int("2")]]
        let b: [[Cell]] = [[.int("1")], [.int("2")], [.int("2")]]
        #expect(compare.difference(tsdb: a, duckdb: b, ordered: false) != nil)
    }

    @Test func rowAndColumnCounts() {
        let one: [[Cell]] = [[.int("1"), .null]]
        #expect(compare.difference(tsdb: one, duckdb: [], ordered: true)?.contains("tsdb answered 1 rows, DuckDB 0") == true)
        #expect(compare.difference(tsdb: [], duckdb: one, ordered: false)?.contains("tsdb answered 0 rows, DuckDB 1") == true)
        #expect(compare.difference(tsdb: [[.int("1")]], duckdb: one, ordered: true)?.contains("columns") == true)
        #expect(compare.difference(tsdb: [], duckdb: [], ordered: true) == nil)
    }

    /// Rows that differ only within float tolerance sort alike on both sides and then compare equal.
    @Test func multisetWithFloatNoise() {
        var rng = SeededRandom(seed: 7)
        let rows: [[Cell]] = (0..<200).map { _ in
            [.string(["x", "y", "z"][rng.below(3)]), .float(Double(rng.below(1_000_000)) / 7)]
        }
        let noisy = rows.shuffled(using: &rng).map { r -> [Cell] in
            guard case let .float(v) = r[1] else { return r }
            return [r[0], .float(v * (1 + 1e-12))]
        }
        #expect(compare.difference(tsdb: noisy, duckdb: rows, ordered: false) == nil)
    }

    @Test func duckdbCells() throws {
        #expect(try Cell(duckdb: nil, kind: "int") == .null)
        #expect(try Cell(duckdb: "-0", kind: "int") == .int("0"))
        #expect(try Cell(duckdb: "0.1", kind: "float") == .float(0.1))
        #expect(try Cell(duckdb: "1774000000123456789", kind: "time") == .time(1_774_000_000_123_456_789))
        #expect(try Cell(duckdb: "false", kind: "bool") == .bool(false))
        #expect(throws: DifferentialError.self) { try Cell(duckdb: "1.5", kind: "int") }
        #expect(throws: DifferentialError.self) { try Cell(duckdb: "x", kind: "blob") }
    }

    @Test func tsdbCells() {
        var t = ColumnVector(type: .time)
        t.append(int64: 5); t.appendNulls(1)
        var s = ColumnVector(type: .string)
        s.append(string: "Song 001013 (feat. X, Y)"); s.append(string: "")
        var u = ColumnVector(type: .uint64)
        u.append(uint64: .max); u.append(uint64: 0)
        var b = ColumnVector(type: .bool)
        b.append(bool: true); b.append(bool: false)
        let result = QueryResult(columns: [ResultColumn(name: "t", vector: t), ResultColumn(name: "s", vector: s),
                                           ResultColumn(name: "u", vector: u), ResultColumn(name: "b", vector: b)])
        #expect(Cell.rows(of: result) == [
            [.time(5), .string("Song 001013 (feat. X, Y)"), .int("18446744073709551615"), .bool(true)],
            [.null, .string(""), .int("0"), .bool(false)],
        ])
    }
}
