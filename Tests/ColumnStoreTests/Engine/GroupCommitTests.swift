import Foundation
import Testing
@testable import ColumnStore
import TestSupport

private let t0: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z

private func options() -> DatabaseOptions {
    var o = DatabaseOptions()
    o.background = false
    o.durability = .batch
    return o
}

private func rows(_ n: Int, from first: Int) -> WriteBatch {
    var b = BatchBuilder(table: "m")
    for i in first..<(first + n) {
        b.add(time: t0 + Int64(i) * 1_000_000_000, [("host", .tag("h\(i % 3)")), ("seq", .int(Int64(i)))])
    }
    return b.batch
}

/// Calls of a test hook, from any thread.
private final class Calls: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var count: Int { lock.withLock { n } }
}

/// Group commit: a sync waits for announced writes (requests being parsed) so one fdatasync acknowledges them.
@Suite("GroupCommit")
struct GroupCommitTests {
    @Test func announcedWriteIsAcknowledgedByTheSyncThatWaitedForIt() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        do {
            let db = try Database(path: dir.path, options: options())
            // Wait as long as it takes (the deadline is never reached here), so the outcome does not depend on timing.
            db.wal.gate.minWait = 120
            db.wal.gate.maxWait = 120
            let waiting = DispatchSemaphore(value: 0)
            db.wal.gate.onWait = { waiting.signal() }
            let before = db.stats.walSyncs

            db.announceWrite()  // the second request, still "parsing"
            let first = DispatchGroup()
            let failure = Calls()
            first.enter()
            Thread {
                defer { first.leave() }
                do { try db.write([rows(100, from: 0)]) } catch { failure.add() }
            }.start()
            // The first write appended and its sync is waiting for the announced one.
            #expect(waiting.wait(timeout: .now() + 120) == .success)
            try db.write([rows(100, from: 100)], announced: true)
            #expect(first.wait(timeout: .now() + 120) == .success)
            #expect(failure.count == 0)
            // One fdatasync acknowledged both writes.
            #expect(db.stats.walSyncs - before == 1)
            // No close: both rows must come back from the WAL alone.
        }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        let seqs = try TableReader.rows(db, table: "m").compactMap { row -> Int? in
            if case .int(let v)? = row["seq"] { return Int(v) }
            return nil
        }
        #expect(Set(seqs) == Set(0..<200))
    }

    @Test func noWaitWithoutAnnouncedWrites() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        db.wal.gate.minWait = 120
        db.wal.gate.maxWait = 120
        let waits = Calls()
        db.wal.gate.onWait = { waits.add() }
        try db.write([rows(10, from: 0)])
        // Announced, then withdrawn (nothing to write): no later sync waits for it.
        db.announceWrite()
        db.withdrawWrite()
        try db.write([rows(10, from: 10)])
        // Announced and written with no rows: it arrives all the same.
        db.announceWrite()
        try db.write([], announced: true)
        try db.write([rows(10, from: 20)])
        // Announced and refused (a damaged table is not the only way: all-or-nothing with a bad row).
        db.announceWrite()
        var bad = BatchBuilder(table: "m")
        bad.add(time: t0, [("seq", .string("not an integer"))])
        let refused = try db.write([bad.batch], policy: WritePolicy(atomicity: .allOrNothing), announced: true)
        #expect(refused.written == 0)
        try db.write([rows(10, from: 30)])
        #expect(waits.count == 0)
        #expect(try TableReader.rows(db, table: "m").count == 40)
    }

    @Test func aWriteThatNeverArrivesDelaysASyncOnlyBriefly() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        db.wal.gate.minWait = 0.01
        db.wal.gate.maxWait = 0.01
        let waits = Calls()
        db.wal.gate.onWait = { waits.add() }
        db.announceWrite()  // a request whose parse never ends
        for i in 0..<5 { try db.write([rows(10, from: i * 10)]) }
        #expect(waits.count == 5)
        db.withdrawWrite()
        #expect(try TableReader.rows(db, table: "m").count == 50)
    }
}
