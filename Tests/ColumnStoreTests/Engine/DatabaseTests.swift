import Foundation
import Testing
@testable import ColumnStore
import TestSupport

private let day: Int64 = 86_400_000_000_000
private let t0: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z

private func options(background: Bool = false) -> DatabaseOptions {
    var o = DatabaseOptions()
    o.background = background
    o.durability = .batch
    return o
}

private func plays(_ n: Int, start: Int64 = t0, step: Int64 = 1_000_000_000) -> WriteBatch {
    var b = BatchBuilder(table: "plays")
    for i in 0..<n {
        b.add(time: start + Int64(i) * step, [
            ("artist", .tag("Artist \(i % 5)")), ("duration_ms", .int(Int64(i) * 10)),
            ("revenue", .float(Double(i) / 8)), ("liked", .bool(i % 3 == 0)), ("user_id", .string("u\(i)")),
        ])
    }
    return b.batch
}

/// A row as text with its columns in name order, for set comparisons.
private func canon(_ row: [String: TableReader.Cell]) -> String {
    row.keys.sorted().map { "\($0)=\(row[$0]!)" }.joined(separator: ",")
}

@Suite("Database")
struct DatabaseTests {
    @Test func writeReadFlushReopen() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var db: Database? = try Database(path: dir.path, options: options())
        let r = try db!.write([plays(1000)])
        #expect(r.written == 1000)
        let before = try TableReader.rows(db!, table: "plays")
        #expect(before.count == 1000)
        try db!.flush()
        let afterFlush = try TableReader.rows(db!, table: "plays")
        #expect(Set(afterFlush.map { canon($0) }) == Set(before.map { canon($0) }))
        try db!.close(); db = nil
        let db2 = try Database(path: dir.path, options: options())
        defer { try? db2.close() }
        let reopened = try TableReader.rows(db2, table: "plays")
        #expect(reopened.count == 1000)
        #expect(Set(reopened.map { canon($0) }) == Set(before.map { canon($0) }))
        #expect(db2.schema(of: "plays")!.columns.map(\.name) == ["time", "artist", "duration_ms", "revenue", "liked", "user_id"])
    }

    @Test func walReplayWithoutFlush() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        do {
            let db = try Database(path: dir.path, options: options())
            try db.write([plays(300)])
            // No close: simulate a process that dies with rows only in the WAL (the lock dies with the object).
        }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        #expect(try TableReader.rows(db, table: "plays").count == 300)
    }

    @Test func newColumnsReadAsNullInEarlierRows() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        var a = BatchBuilder(table: "t")
        a.add(time: t0, [("x", .int(1))])
        try db.write([a.batch])
        try db.flush()
        var b = BatchBuilder(table: "t")
        b.add(time: t0 + 1, [("x", .int(2)), ("y", .string("new"))])
        try db.write([b.batch])
        let rows = try TableReader.rows(db, table: "t").sorted { $0["x"]!.description < $1["x"]!.description }
        #expect(rows.count == 2)
        #expect(rows[0]["y"] == .null)
        #expect(rows[1]["y"] == .string("new"))
        try db.flush()
        let rows2 = try TableReader.rows(db, table: "t")
        #expect(rows2.filter { $0["y"] == .null }.count == 1)
    }

    @Test func typeConflictRejectsOnlyThoseRows() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        var a = BatchBuilder(table: "t")
        a.add(time: t0, [("x", .int(1))])
        try db.write([a.batch])
        var b = BatchBuilder(table: "t")
        b.add(time: t0 + 1, [("x", .float(2.5))])
        b.add(time: t0 + 2, [("z", .int(3))])
        let r = try db.write([b.batch])
        #expect(r.written == 1)
        #expect(r.rejected[0].count == 1)
        #expect(r.rejected[0][0].row == 0)
        #expect(r.rejected[0][0].reason == "type conflict in table 't': column 'x' is integer, got float")
        #expect(try TableReader.rows(db, table: "t").count == 2)
    }

    @Test func outOfOrderRowsLandInTheirDay() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        var b = BatchBuilder(table: "t")
        for i in 0..<100 { b.add(time: t0 + Int64((i * 37) % 5) * day + Int64(i), [("i", .int(Int64(i)))]) }
        try db.write([b.batch])
        try db.flush()
        let segs = db.segments(of: "t")
        #expect(segs.count == 5)
        for s in segs {
            let d = Day.parse(s.day)!
            #expect(Day.of(s.footer.minTime) == d && Day.of(s.footer.maxTime) == d)
            // sorted by time within the segment
        }
        for d in 0..<5 {
            let rows = try TableReader.rows(db, table: "t", range: (t0 + Int64(d) * day)...(t0 + Int64(d + 1) * day - 1))
            #expect(rows.count == 20)
            let times: [Int64] = rows.map { row -> Int64 in if case let .int(t) = row["time"]! { return t }; return 0 }
            #expect(times == times.sorted())
        }
    }

    @Test func snapshotIsStableAcrossFlushAndCompaction() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        for k in 0..<3 {
            try db.write([plays(500, start: t0 + Int64(k) * 1000)])
            try db.flush()
        }
        try db.write([plays(200, start: t0 + 7)])
        let snap = db.snapshot(table: "plays")!
        func read(_ s: TableSnapshot) throws -> Int {
            var v = ColumnVector(type: .int64)
            var total = 0
            for g in s.rowGroups { try g.read(2, type: .int64, into: &v); total += v.int64s.reduce(0) { $0 + Int($1) } }
            return total
        }
        let before = try read(snap)
        try db.flush()
        #expect(try db.compact() == 4)
        #expect(db.segments(of: "plays").count == 1)
        #expect(try read(snap) == before)
        #expect(try read(db.snapshot(table: "plays")!) == before)
        #expect(try TableReader.rows(db, table: "plays").count == 1700)
    }

    @Test func retentionDropsOldPartitions() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        var b = BatchBuilder(table: "t")
        for d in 0..<10 { b.add(time: t0 + Int64(d) * day, [("d", .int(Int64(d)))]) }
        try db.write([b.batch])
        try db.flush()
        try db.setTableOptions("t") { $0.retentionDays = 3 }
        let dropped = try db.applyRetention(now: t0 + 9 * day + 5)
        #expect(dropped == 6)
        let left = try TableReader.rows(db, table: "t").map { $0["d"]! }
        #expect(Set(left) == Set((6..<10).map { TableReader.Cell.int(Int64($0)) }))
        #expect(!FileIO.exists(dir.path + "/t/2026-01-01"))
    }

    @Test func corruptBlockNamesFileColumnAndBlock() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        try db.write([plays(1000)])
        try db.close()
        let seg = db.segments(of: "plays")[0]
        // Flip a byte inside the duration_ms column's first block.
        let ref = seg.footer.blocks[2][0]
        var bytes = try FileIO.readFile(seg.path)
        bytes[Int(ref.offset) + Int(ref.length) / 2] ^= 0x5A
        try FileIO.writeFileAtomically(seg.path, bytes)
        let db2 = try Database(path: dir.path, options: options())
        defer { try? db2.close() }
        #expect {
            _ = try TableReader.rows(db2, table: "plays")
        } throws: { e in
            let s = "\(e)"
            return s.contains(seg.path) && s.contains("column 'duration_ms' block 0") && s.contains("checksum")
        }
    }

    @Test func tornWALTailIsCut() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        do {
            let db = try Database(path: dir.path, options: options())
            try db.write([plays(10)])
            try db.write([plays(20, start: t0 + 100)])
        }
        let walDir = dir.path + "/wal"
        let files = FileIO.list(walDir)
        let last = walDir + "/" + files.last!
        var bytes = try FileIO.readFile(last)
        bytes.removeLast(7)  // tear the second record
        try FileIO.writeFileAtomically(last, bytes)
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        #expect(try TableReader.rows(db, table: "plays").count == 10)
        try db.write([plays(5, start: t0 + 1000)])
        #expect(try TableReader.rows(db, table: "plays").count == 15)
    }

    @Test func secondOpenIsRefused() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        #expect(throws: StorageError.self) { _ = try Database(path: dir.path, options: options()) }
    }

    @Test func backgroundFlushByAgeAndConcurrentWriters() async throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = options(background: true)
        o.memtableMaxAge = 0.05
        o.memtableMaxBytes = 64 << 10
        let db = try Database(path: dir.path, options: o)
        await withTaskGroup(of: Void.self) { g in
            for w in 0..<4 {
                g.addTask {
                    for k in 0..<20 { _ = try? db.write([plays(100, start: t0 + Int64(w * 100_000 + k * 1000))]) }
                }
            }
        }
        try db.close()
        let db2 = try Database(path: dir.path, options: options())
        defer { try? db2.close() }
        #expect(try TableReader.rows(db2, table: "plays").count == 8000)
        #expect(db2.memtableRows == 0)
    }

    @Test func dayArithmetic() {
        #expect(Day.name(Day.of(t0)) == "2026-01-01")
        #expect(Day.of(-1) == -1)
        // Day numbers of real dates only: the day of the month is checked against the month and leap years.
        #expect(Day.parse("2026-02-28") == Day.from(year: 2026, month: 2, day: 28))
        #expect(Day.parse("2026-02-29") == nil)
        #expect(Day.parse("2026-02-30") == nil)
        #expect(Day.parse("2024-02-29") == Day.from(year: 2024, month: 2, day: 29))
        #expect(Day.parse("2000-02-29") != nil)
        #expect(Day.parse("2100-02-29") == nil)
        #expect(Day.parse("2026-04-31") == nil)
        #expect(Day.parse("2026-12-31") != nil)
        #expect(Day.parse("2026-13-01") == nil)
        #expect(Day.parse("2026-00-10") == nil)
        #expect(Day.parse("+026-01-01") == nil)
        for day in Int32(-800)...Int32(800) { #expect(Day.parse(Day.name(day)) == day) }
        for d: Int32 in [-800_000, -1, 0, 1, 20_000, 2_000_000] { #expect(Day.parse(Day.name(d)) == d || d < -700_000) }
    }
}
