import ColumnStore
import Foundation
import Testing
import TestSupport
@testable import QueryEngine

/// `COPY … TO 'f.xlsx' (FORMAT xlsx)` read back with openpyxl, value by value.
@Suite struct CopyXLSXTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/xlsx_readback.py").path

    struct Sheet: Decodable {
        var name: String
        var rows: [[Cell?]]
        var widths: [String: Double]
        var formats: [[String]]
        var bold: [Bool]
    }

    /// A cell as the script prints it: its openpyxl kind and value.
    enum Cell: Decodable, Equatable {
        case number(Double), text(String), bool(Bool), date(String)
        init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            switch try c.decode(String.self) {
            case "n": self = .number(try c.decode(Double.self))
            case "b": self = .bool(try c.decode(Bool.self))
            case "d": self = .date(try c.decode(String.self))
            default: self = .text(try c.decode(String.self))
            }
        }
    }

    static func readback(_ path: String) throws -> [Sheet] {
        struct Book: Decodable { var sheets: [Sheet] }
        let out = path + ".json"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, path]
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        return try JSONDecoder().decode(Book.self, from: Data(contentsOf: URL(fileURLWithPath: out))).sheets
    }

    /// What openpyxl reads for row `i` of `v`: numbers as doubles, times as dates to the millisecond.
    static func expected(_ v: ColumnVector, _ i: Int) -> Cell? {
        if v.isNull(i) { return nil }
        switch v.type {
        case .int64: return .number(Double(v.int64s[i]))
        case .uint64: return .number(Double(v.uint64s[i]))
        case .float64:
            let d = v.float64s[i]
            return d.isFinite ? .number(d) : .text(d.isNaN ? "NaN" : d < 0 ? "-Infinity" : "Infinity")
        case .bool: return .bool(v.bools[i] != 0)
        case .string: return .text(v.string(at: i))
        case .time:
            // Excel keeps a date as a double of days; openpyxl rounds it to the millisecond.
            let ms = Int64((Double(v.int64s[i]) / 1e6).rounded())
            let secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
            let f = DateFormatter()
            f.timeZone = TimeZone(identifier: "UTC")
            f.locale = Locale(identifier: "en_US_POSIX")
            f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
            let frac = String(format: "%03d000", Int(ms - secs * 1000))
            return .date(f.string(from: Date(timeIntervalSince1970: TimeInterval(secs))) + "." + frac)
        case .symbol: return nil
        }
    }

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
}
