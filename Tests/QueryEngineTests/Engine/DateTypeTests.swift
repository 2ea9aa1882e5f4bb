import ColumnStore
import Foundation
import Testing
import TestSupport
@testable import QueryEngine

/// DATE as a value type: how it leaves the engine (text beside its days), `current_date` at a fixed
/// clock, the select-list `generate_series` stepping as the table function does, and Parquet DATE
/// columns read back by DuckDB, pyarrow and polars.
@Suite struct DateTypeTests {
    /// 2026-01-01T00:00:00Z.
    static let now: Int64 = 1_767_225_600_000_000_000

    private func withEngine(_ body: (QueryEngine, String) throws -> Void) throws {
        let dir = TempDirectory("date"); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path + "/db", options: o)
        defer { try? db.close() }
        var b = BatchBuilder(table: "plays")
        // Three days, one row before 1970 (its day is 1969-12-31), NULL-free times.
        for (i, t) in [Self.now + 3_600_000_000_000, Self.now + 90_000_000_000_000, Self.now + 200_000_000_000_000, -3_600_000_000_000].enumerated() {
            b.add(time: t, [("n", .int(Int64(i)))])
        }
        try db.write([b.batch])
        try body(QueryEngine(database: db, threads: 2), dir.path)
    }

    @Test func datesLeaveAsTextBesideTheirDays() throws {
        try withEngine { e, _ in
            let r = try e.execute("SELECT time::DATE AS d, CAST(NULL AS DATE) AS z, time::DATE - DATE '1970-01-01' AS days FROM plays ORDER BY time", now: Self.now)
            let d = r.columns[0]
            #expect(d.typeName == "date" && r.columns[1].typeName == "date" && r.columns[2].typeName == ColumnType.int64.description)
            #expect((0..<r.rowCount).map { d.vector.string(at: $0) } == ["1969-12-31", "2026-01-01", "2026-01-02", "2026-01-03"])
            #expect(d.dates?.int64s == r.columns[2].vector.int64s)
            #expect(r.columns[1].dates.map { v in (0..<v.count).allSatisfy { v.isNull($0) } } == true)
            #expect(ResultFormatter.string(r, as: .csv).hasPrefix("d,z,days\n1969-12-31,,-1\n2026-01-01,,20454\n"))
            #expect(ResultFormatter.string(r, as: .jsonl).hasPrefix(#"{"d":"1969-12-31","z":null,"days":-1}"#))
        }
    }

    @Test func currentDateIsTheClocksUTCDay() throws {
        try withEngine { e, _ in
            let late = Self.now + 86_399_000_000_000  // 23:59:59 on 2026-01-01
            let r = try e.execute("SELECT current_date, today(), current_date - 1, count(*) FROM plays WHERE time::DATE = current_date", now: late)
            #expect((0..<3).map { r.columns[$0].vector.string(at: 0) } == ["2026-01-01", "2026-01-01", "2025-12-31"])
            #expect(r.columns[3].vector.int64s == [1])
        }
    }

    /// DuckDB's select-list generate_series gives a list; tsdb's gives rows (PostgreSQL's form). Both
    /// must step as the table function does: from the last value (Jan 31, Feb 28, Mar 28…).
    @Test func selectListSeriesStepsLikeTheTableFunction() throws {
        try withEngine { e, _ in
            let args = "TIMESTAMP '2026-01-31', TIMESTAMP '2026-06-30', INTERVAL 1 MONTH"
            let list = try e.execute("SELECT generate_series(\(args)) AS t", now: Self.now)
            let table = try e.execute("SELECT * FROM generate_series(\(args))", now: Self.now)
            let want = ["2026-01-31", "2026-02-28", "2026-03-28", "2026-04-28", "2026-05-28", "2026-06-28"].map { try! SQLTimestamp.parse($0) }
            #expect(list.columns[0].vector.int64s == want)
            #expect(table.columns[0].vector.int64s == want)
        }
    }

    @Test func parquetDateColumnsReadBack() throws {
        try withEngine { e, dir in
            let path = dir + "/dates.parquet"
            _ = try e.execute("COPY (SELECT time::DATE AS d, CASE WHEN n = 1 THEN NULL ELSE DATE '2026-09-01' + n END AS maybe, n FROM plays ORDER BY time) TO '\(path)' (FORMAT parquet)", now: Self.now)
            let views = try ParquetReadback.read(path, readers: ["duckdb", "pyarrow", "polars"])
            let days = ["1969-12-31", "2026-01-01", "2026-01-02", "2026-01-03"]
            let maybe = ["2026-09-04", "2026-09-01", nil, "2026-09-03"]
            #expect(views["duckdb"]?.types?.prefix(2) == ["DATE", "DATE"], "\(views)")
            #expect(views["duckdb"]?.columns?[0] == days && views["duckdb"]?.columns?[1] == maybe, "\(views)")
            #expect(views["polars"]?.types?.prefix(2) == ["Date", "Date"], "\(views)")
            #expect(views["polars"]?.columns?[0] == days, "\(views)")
            // pyarrow's reader (date32) as nanoseconds of each midnight.
            #expect(views["pyarrow"]?.types?.prefix(2) == ["date32[day]", "date32[day]"], "\(views)")
            #expect(views["pyarrow"]?.columns?[0] == days.map { String(try! SQLTimestamp.parse($0)) }, "\(views)")
        }
    }

    /// An Excel date cell (openpyxl reads it as a datetime at midnight) in the `yyyy-mm-dd` format.
    @Test func xlsxDateCells() throws {
        try withEngine { e, dir in
            let path = dir + "/dates.xlsx"
            _ = try e.execute("COPY (SELECT time::DATE AS d, CASE WHEN n = 1 THEN NULL ELSE DATE '2026-09-01' END AS maybe FROM plays ORDER BY time) TO '\(path)' (FORMAT xlsx)", now: Self.now)
            let sheet = try XLSXReadback.read(path)[0]
            #expect(sheet.rows.map { $0.first ?? nil } == [.text("d"), .date("1969-12-31T00:00:00.000000"), .date("2026-01-01T00:00:00.000000"),
                                                          .date("2026-01-02T00:00:00.000000"), .date("2026-01-03T00:00:00.000000")])
            #expect(sheet.rows[3].count < 2 || sheet.rows[3][1] == nil)
            #expect(sheet.rows[1][1] == .date("2026-09-01T00:00:00.000000"))
            #expect(sheet.formats[0] == ["yyyy-mm-dd", "yyyy-mm-dd"])
        }
    }
}
