import ColumnStore
import Foundation
import Testing
import TestSupport
@testable import QueryEngine

/// `COPY … TO 'f.xlsx' (FORMAT xlsx)` read back with openpyxl, value by value.
@Suite struct CopyXLSXTests {
    typealias Cell = XLSXReadback.Cell

    static func readback(_ path: String) throws -> [XLSXReadback.Sheet] { try XLSXReadback.read(path) }

    static func expected(_ v: ColumnVector, _ i: Int) -> Cell? { XLSXReadback.expected(v, i) }

    @Test func everyTypeReadsBackFromTheSheetWithAQuerySheet() throws {
        let dir = TempDirectory("copy-xlsx"); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path + "/db", options: o)
        defer { try? db.close() }
        var b = BatchBuilder(table: "plays")
        let t0: Int64 = 1_767_225_600_123_000_000  // 2026-01-01T00:00:00.123Z
        let ints: [Int64] = [-9_007_199_254_740_991, 9_007_199_254_740_991, 0, -7]
        let floats: [Double] = [.infinity, -.infinity, -0.0, 1.5e-300, .nan, 2.5]
        for i in 0..<200 {
            var row: [(String, BatchBuilder.Value)] = [("artist", .tag(["A", "Ünïcode 😀", "x<&>\"y"][i % 3]))]
            if i % 7 != 0 { row.append(("n", .int(ints[i % ints.count]))) }
            if i % 5 != 0 { row.append(("u", .uint(UInt64(i) * 1_000_003))) }
            if i % 6 != 0 { row.append(("f", .float(floats[i % floats.count]))) }
            if i % 4 != 0 { row.append(("ok", .bool(i % 3 == 0))) }
            if i % 9 != 0 { row.append(("s", .string(i % 2 == 0 ? "line\nbreak, \"quoted\"" : "s\(i)"))) }
            b.add(time: t0 + Int64(i) * 86_400_000_000_000 + Int64(i % 3) * 1_000_000, row)
        }
        try db.write([b.batch])
        try db.flush()
        let e = QueryEngine(database: db, threads: 2)
        let path = dir.path + "/out.xlsx"
        let answer = try e.execute("COPY (SELECT * FROM plays ORDER BY time) TO '\(path)' (FORMAT xlsx)")
        #expect(answer.columns[0].vector.int64s == [200])
        let sheets = try Self.readback(path)
        #expect(sheets.map(\.name) == ["Result", "Query"])
        let want = try e.execute("SELECT * FROM plays ORDER BY time")
        let rows = sheets[0].rows
        #expect(rows.count == 201)
        #expect(rows[0] == want.columns.map { .text($0.name) })
        #expect(sheets[0].bold.allSatisfy { $0 } && sheets[0].bold.count == want.columns.count)
        for i in 0..<want.rowCount {
            for (c, col) in want.columns.enumerated() {
                let got: Cell? = c < rows[i + 1].count ? rows[i + 1][c] : nil
                #expect(got == Self.expected(col.vector, i), "row \(i + 1), column \(col.name)")
            }
        }
        // Timestamps carry a date format; every column has a width that fits its header.
        let timeColumn = want.columns.firstIndex { $0.type == .time }!
        #expect(sheets[0].formats[0][timeColumn] == "yyyy-mm-dd hh:mm:ss.000")
        #expect(sheets[0].widths.count == want.columns.count)
        // The second sheet: the statement and when it ran.
        let q = sheets[1].rows
        #expect(q[0] == [.text("sheet"), .text("query"), .text("ran_at"), .text("rows")])
        #expect(q[1][0] == .text("Result"))
        guard case .text(let query)? = q[1][1] else { Issue.record("no query text: \(q[1])"); return }
        #expect(query.hasPrefix("COPY (SELECT * FROM plays ORDER BY time) TO") && query.contains("FORMAT xlsx"), "\(query)")
        if case .date(let ranAt) = q[1][2] { #expect(ranAt.hasPrefix("20")) } else { Issue.record("ran_at is not a date: \(String(describing: q[1][2]))") }
        #expect(q[1][3] == .number(200))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp-\(getpid()).xlsx"))
    }

    @Test func aFailedCopyLeavesNoWorkbook() throws {
        let dir = TempDirectory("copy-xlsx-fail"); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path + "/db", options: o)
        defer { try? db.close() }
        var b = BatchBuilder(table: "t")
        b.add(time: 1, [("s", .string(String(repeating: "x", count: 40_000)))])
        try db.write([b.batch])
        let e = QueryEngine(database: db, threads: 1)
        let path = dir.path + "/big.xlsx"
        #expect(throws: QueryError.self) { try e.execute("COPY t TO '\(path)'") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("big") }.isEmpty)
    }

    /// Excel numbers are doubles: integers past ±2^53 would round, so they are text cells of their exact
    /// digits; those at ±2^53 and below stay numbers. Nanosecond timestamps keep their milliseconds.
    @Test func integersPastTwoToThe53AreExactTextCells() throws {
        let dir = TempDirectory("copy-xlsx-big"); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path + "/db", options: o)
        defer { try? db.close() }
        let limit: Int64 = 1 << 53
        let ints: [Int64] = [.min, .max, limit, -limit, limit + 1, -limit - 1, 1_767_225_600_123_456_789]
        let uints: [UInt64] = [.max, UInt64(limit), UInt64(limit) + 1, 18_446_744_073_709_551_557]
        var b = BatchBuilder(table: "big")
        for i in 0..<ints.count {
            var row: [(String, BatchBuilder.Value)] = [("n", .int(ints[i]))]
            if i < uints.count { row.append(("u", .uint(uints[i]))) }
            b.add(time: 1_767_225_600_123_456_789 + Int64(i), row)
        }
        try db.write([b.batch])
        let e = QueryEngine(database: db, threads: 1)
        let path = dir.path + "/big.xlsx"
        _ = try e.execute("COPY (SELECT time, n, u FROM big ORDER BY time) TO '\(path)' (FORMAT xlsx)")
        let rows = try XLSXReadback.read(path)[0].rows
        #expect(rows.count == ints.count + 1)
        for i in 0..<ints.count {
            let n = ints[i]
            #expect(rows[i + 1][1] == (n.magnitude <= 1 << 53 ? .number(Double(n)) : .text(String(n))), "n row \(i + 1)")
            let u: Cell? = i < uints.count ? (uints[i] <= 1 << 53 ? .number(Double(uints[i])) : .text(String(uints[i]))) : nil
            #expect((rows[i + 1].count > 2 ? rows[i + 1][2] : nil) == u, "u row \(i + 1)")
            // The time: an Excel date, to the millisecond (Excel's limit).
            #expect(rows[i + 1][0] == .date("2026-01-01T00:00:00.123000"), "time row \(i + 1)")
        }
        // Spot-check the literal digits: nothing rounded.
        #expect(rows[1][1] == .text("-9223372036854775808") && rows[2][1] == .text("9223372036854775807"))
        #expect(rows[3][1] == .number(9_007_199_254_740_992) && rows[5][1] == .text("9007199254740993"))
        #expect(rows[1][2] == .text("18446744073709551615"))
    }
}
