import Foundation
import Testing
@testable import ColumnStore
import TestSupport

private let day: Int64 = 86_400_000_000_000
private let t0: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z

/// Segments are mapped lazily and a bounded number at a time; files unlinked under a live snapshot stay readable.
@Suite("Segment mappings")
struct SegmentMappingsTests {
    private func store(_ dir: TempDirectory, limit: Int) throws -> (Database, SegmentMappings) {
        var o = DatabaseOptions()
        o.background = false
        o.durability = .none
        let m = SegmentMappings(limit: limit)
        o.segmentMappings = m
        return (try Database(path: dir.path, options: o), m)
    }

    private func rows(_ days: Int, perDay: Int) -> WriteBatch {
        var b = BatchBuilder(table: "m")
        for d in 0..<days {
            for i in 0..<perDay { b.add(time: t0 + Int64(d) * day + Int64(i), [("v", .int(Int64(i)))]) }
        }
        return b.batch
    }

    @Test func openingAndFlushingMapNothingAndReadsStayUnderTheLimit() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let (db, m) = try store(dir, limit: 2)
        defer { try? db.close() }
        try db.write([rows(6, perDay: 10)])
        try db.flush()
        #expect(m.count == 0 && m.mapCount == 0)
        #expect(try TableReader.rows(db, table: "m").count == 60)
        #expect(m.peakCount <= 2)
        #expect(m.mapCount == 6)
        // Again: the least recently used were unmapped, so reading all six maps again (still ≤ 2 at once).
        #expect(try TableReader.rows(db, table: "m").count == 60)
        #expect(m.peakCount <= 2 && m.count <= 2)
    }

    @Test func concurrentScansNeverLoseAMappingInUse() throws {
        // Four threads scan eight segments through a cache of two: evictions race with reads, and a
        // mapping being read must never be unmapped under it (that would crash or fail a checksum).
        let dir = TempDirectory(); defer { dir.remove() }
        let (db, m) = try store(dir, limit: 2)
        defer { try? db.close() }
        try db.write([rows(8, perDay: 2_000)])
        try db.flush()
        let group = DispatchGroup()
        let failures = Box<[String]>([])
        for _ in 0..<4 {
            group.enter()
            Thread {
                defer { group.leave() }
                for _ in 0..<5 {
                    do {
                        let n = try TableReader.rows(db, table: "m").count
                        if n != 16_000 { failures.value.append("read \(n) rows") }
                    } catch {
                        failures.value.append("\(error)")
                    }
                }
            }.start()
        }
        #expect(group.wait(timeout: .now() + 120) == .success)
        #expect(failures.value.isEmpty, "\(failures.value)")
        #expect(m.count <= 2)
    }

    @Test func aSnapshotReadsSegmentsThatRetentionUnlinked() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let (db, m) = try store(dir, limit: 1)
        defer { try? db.close() }
        try db.write([rows(3, perDay: 5)])
        try db.flush()
        let snap = try #require(db.snapshot(table: "m"))
        try db.setTableOptions("m") { $0.retentionDays = 1 }  // 2026-01-01..03 are long gone
        #expect(try db.applyRetention() == 3)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/m/2026-01-01"))
        var v = ColumnVector(type: .int64)
        var n = 0
        for g in snap.rowGroups {
            try g.read(1, type: .int64, into: &v)
            n += v.count
        }
        #expect(n == 15)
        #expect(m.count <= 3)
    }
}
