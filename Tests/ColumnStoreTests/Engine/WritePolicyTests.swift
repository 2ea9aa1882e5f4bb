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

private func rows(_ table: String, _ n: Int, start: Int64 = t0, step: Int64 = 1_000_000_000,
                  _ values: (Int) -> [(String, BatchBuilder.Value)] = { i in [("host", .tag("h\(i % 3)")), ("v", .int(Int64(i)))] }) -> WriteBatch {
    var b = BatchBuilder(table: table)
    for i in 0..<n { b.add(time: start + Int64(i) * step, values(i)) }
    return b.batch
}

private func count(_ db: Database, _ table: String) throws -> Int {
    try TableReader.rows(db, table: table).count
}

/// The store's one write decision: per-row rejections with reasons, never a thrown error for bad input.
@Suite("Write policy")
struct WritePolicyTests {
    /// Item 11: a measurement named like the store's own files used to be accepted, and then every
    /// flush failed (`mkdir …/LOCK/…: Not a directory`); `wal` or `.x` aborted the whole write.
    @Test func reservedMeasurementNamesAreRejectedPerRow() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        let bad = ["LOCK", "MANIFEST", "MANIFEST.tmp", "wal", ".hidden", "x.tmp", "symbols"]
        let r = try db.write(bad.map { rows($0, 2) } + [rows("good", 3)])
        #expect(r.written == 3)
        for (i, name) in bad.enumerated() {
            #expect(r.rejected[i].map(\.row) == [0, 1], "\(name)")
            #expect(r.rejected[i].first?.reason.contains("measurement name '\(name)'") == true, "\(r.rejected[i])")
        }
        #expect(r.rejected.last!.isEmpty)
        #expect(db.tableNames() == ["good"])
        try db.flush()  // would fail on LOCK/2026-01-01 if LOCK were accepted
        #expect(try count(db, "good") == 3)
    }

    /// A field or tag called `time` used to abort the whole write (`invalid name`); now only its rows go.
    @Test func fieldNamedTimeRejectsOnlyItsRows() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        let b = rows("m", 4) { i in i % 2 == 1 ? [("v", .int(1)), ("time", .int(5))] : [("v", .int(2))] }
        let r = try db.write([b, rows("other", 2)])
        #expect(r.written == 4)
        #expect(r.rejected[0].map(\.row) == [1, 3])
        #expect(r.rejected[0][0].reason.contains("'time' is reserved"))
        #expect(db.schema(of: "m")!.columns.map(\.name) == ["time", "v"])
        #expect(try count(db, "m") == 2)
        #expect(try count(db, "other") == 2)
    }

    /// `allOrNothing`: one rejected row means nothing is written, and the rejections say why; decided
    /// under the store's lock (the server checked the schema outside it before: racy).
    @Test func allOrNothingWritesNothingWhenARowIsRejected() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        try db.write([rows("m", 2)])  // v is an integer column
        let mixed = rows("m", 3) { i in i == 1 ? [("v", .float(1.5))] : [("w", .int(7))] }
        let strict = try db.write([mixed, rows("n", 2)], policy: WritePolicy(atomicity: .allOrNothing))
        #expect(strict.written == 0)
        #expect(strict.rejected[0].map(\.row) == [1])
        #expect(strict.rejected[0][0].reason.contains("type conflict"))
        #expect(try count(db, "m") == 2)
        #expect(db.tableNames() == ["m"])  // table n not created either
        let partial = try db.write([mixed, rows("n", 2)], policy: .partial)
        #expect(partial.written == 4)
        #expect(try count(db, "m") == 4)
    }

    /// Two batches of one write that disagree on a new column's type: the later one's rows are rejected,
    /// and under allOrNothing nothing is written (no schema change leaks out of a refused write).
    @Test func newColumnTypesAgreeAcrossTheBatchesOfOneWrite() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        let a = rows("m", 2) { _ in [("v", .int(1))] }
        let b = rows("m", 2) { _ in [("v", .string("x"))] }
        let strict = try db.write([a, b], policy: WritePolicy(atomicity: .allOrNothing))
        #expect(strict.written == 0 && strict.rejected[1].count == 2)
        #expect(db.schema(of: "m") == nil)
        let partial = try db.write([a, b])
        #expect(partial.written == 2 && partial.rejected[1].count == 2)
        #expect(db.schema(of: "m")!.column("v")!.type == .int64)
    }

    /// Item 12a: one write may create at most `maxNewPartitionsPerWrite` new days; the rest are rejected per row.
    @Test func newPartitionsPerWriteAreBounded() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = options()
        o.maxNewPartitionsPerWrite = 10
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        let r = try db.write([rows("m", 15, step: day)])
        #expect(r.written == 10)
        #expect(r.rejected[0].map(\.row) == Array(10..<15))
        #expect(r.rejected[0][0].reason.contains("maxNewPartitionsPerWrite"))
        // Days that exist take no budget: the first 10 again plus 10 new ones.
        let again = try db.write([rows("m", 20, step: day)])
        #expect(again.written == 20)
        try db.flush()
        let more = try db.write([rows("m", 25, step: day)])
        #expect(more.written == 25)
        #expect(try count(db, "m") == 10 + 20 + more.written)
    }

    /// Item 12a: new tables per write and tables in all are bounded.
    @Test func newTablesAreBounded() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = options()
        o.maxNewTablesPerWrite = 3
        o.maxTables = 5
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        let r = try db.write((0..<5).map { rows("t\($0)", 2) })
        #expect(r.written == 6)
        #expect(r.rejected[3].count == 2 && r.rejected[4].count == 2)
        #expect(r.rejected[3][0].reason.contains("maxNewTablesPerWrite"))
        let r2 = try db.write((3..<6).map { rows("t\($0)", 1) } + [rows("t0", 1)])
        #expect(r2.written == 3)
        #expect(r2.rejected[2][0].reason.contains("maxTables"))
        #expect(db.tableNames() == ["t0", "t1", "t2", "t3", "t4"])
    }

    /// Item 11: when flushes keep failing, writers waiting for room get `overloaded` at their deadline
    /// (the server answers 503), naming the flush failure; they used to wait forever, holding shutdown.
    @Test func failingFlushDoesNotHangWritersPastTheirDeadline() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        // A file where the table's directory must go: every flush of table "t" fails.
        FileManager.default.createFile(atPath: dir.path + "/t", contents: Data("x".utf8))
        var o = options(background: true)
        o.memtableMaxBytes = 4 << 10
        o.maxUnflushedBytes = 16 << 10
        let db = try Database(path: dir.path, options: o)
        let done = DispatchSemaphore(value: 0)
        let outcome = Box<Error?>(nil)
        let started = Date()
        let writer = Thread {
            do {
                for i in 0..<10_000 {
                    try db.write([rows("t", 100, start: t0 + Int64(i) * 1_000_000_000_000)], policy: WritePolicy(roomTimeout: 0.3))
                }
            } catch {
                outcome.value = error
            }
            done.signal()
        }
        writer.start()
        #expect(done.wait(timeout: .now() + 20) == .success, "writer still blocked after 20 s")
        let waited = Date().timeIntervalSince(started)
        guard case let .overloaded(w, _, _, failure)? = outcome.value as? StorageError else {
            Issue.record("expected overloaded, got \(String(describing: outcome.value))")
            return
        }
        #expect(w >= 0.3 && w < 5)
        #expect(waited < 15)
        #expect(failure?.contains("Not a directory") == true, "\(failure ?? "nil")")
        // Closing wakes waiters and does not hang (its own flush fails: that is reported).
        #expect(throws: StorageError.self) { try db.close() }
    }

    /// Rotation: the state lock only switches the memtable and WAL file; the sealed file's fsyncs run
    /// outside it, so snapshots and writers' memtable appends never wait behind them.
    @Test func walSealRunsOutsideTheStateLock() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        try db.write([rows("m", 10)])
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        db.wal.beforeSeal = {
            entered.signal()
            _ = release.wait(timeout: .now() + 10)
        }
        let flushed = DispatchSemaphore(value: 0)
        Thread { try? db.flush(); flushed.signal() }.start()
        #expect(entered.wait(timeout: .now() + 10) == .success)
        // While the seal is in progress, the state lock is free: snapshots and catalog calls go on. (A
        // writer's own sync waits for the seal: its record must not be durable before the older file's.)
        let got = DispatchSemaphore(value: 0)
        Thread { _ = db.memtableRows; _ = db.snapshot(table: "m"); got.signal() }.start()
        let free = got.wait(timeout: .now() + 3) == .success
        // The next WAL file does not exist before the previous one is durable (only the last file can be torn).
        #expect(FileIO.list(dir.path + "/wal").count == 1, "\(FileIO.list(dir.path + "/wal"))")
        // A write meanwhile is applied (its record held in memory) and acknowledged only after the seal.
        let wrote = DispatchSemaphore(value: 0)
        Thread { _ = try? db.write([rows("m", 1, start: t0 + 99)]); wrote.signal() }.start()
        let early = wrote.wait(timeout: .now() + 0.3) == .success
        db.wal.beforeSeal = nil
        release.signal()
        #expect(free, "the state lock was held across the WAL seal's fsyncs")
        #expect(!early, "a write was acknowledged before the WAL file holding it was created")
        #expect(wrote.wait(timeout: .now() + 10) == .success)
        #expect(flushed.wait(timeout: .now() + 10) == .success)
        try db.close()
        let again = try Database(path: dir.path, options: options())
        defer { try? again.close() }
        #expect(try count(again, "m") == 11)
    }

    /// Item 12b: flush, reopen and a full scan of 3,000 one-day partitions with at most 16 segment mappings.
    /// (Every segment was mapped from open or flush on: past `vm.max_map_count` every flush failed.)
    @Test func manyPartitionsNeedFewMappings() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let days = 3_000
        var o = options()
        o.durability = .none
        o.maxNewPartitionsPerWrite = days
        o.segmentMappings = SegmentMappings(limit: 16)
        var db: Database? = try Database(path: dir.path, options: o)
        #expect(try db!.write([rows("m", days, step: day)]).written == days)
        try db!.flush()
        #expect(Self.mappingsOf(dir.path) <= 16)
        #expect(try count(db!, "m") == days)
        #expect(Self.mappingsOf(dir.path) <= 16)
        try db!.close(); db = nil
        let db2 = try Database(path: dir.path, options: o)
        defer { try? db2.close() }
        #expect(Self.mappingsOf(dir.path) == 0)
        #expect(try count(db2, "m") == days)
        #expect(Self.mappingsOf(dir.path) <= 16)
        #expect(o.segmentMappings.peakCount <= 16)
        #expect(o.segmentMappings.count <= 16)
    }

    /// Mappings of files under `dir` in this process, from /proc/self/maps.
    static func mappingsOf(_ dir: String) -> Int {
        // procfs files report size 0: read to the end rather than trusting the size.
        guard let h = FileHandle(forReadingAtPath: "/proc/self/maps") else { return 0 }
        defer { try? h.close() }
        let maps = String(decoding: h.readDataToEndOfFile(), as: UTF8.self)
        return maps.split(separator: "\n").filter { $0.contains(dir + "/") }.count
    }
}

/// A value shared with a thread in a test.
final class Box<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var _value: T
    init(_ v: T) { _value = v }
    var value: T {
        get { lock.withLock { _value } }
        set { lock.withLock { _value = newValue } }
    }
}
