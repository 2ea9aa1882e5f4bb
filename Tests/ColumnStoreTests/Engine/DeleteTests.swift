import Foundation
import Testing
@testable import ColumnStore
import TestSupport

private let day: Int64 = 86_400_000_000_000
private let t0: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z

private func options() -> DatabaseOptions {
    var o = DatabaseOptions()
    o.background = false
    o.durability = .batch
    return o
}

/// `n` plays over three days; user `u<i % users>`, artist `Artist <i % 5>`.
private func plays(_ n: Int, users: Int = 50, first: Int = 0) -> WriteBatch {
    var b = BatchBuilder(table: "plays")
    for i in first..<first + n {
        b.add(time: t0 + Int64(i % 3) * day + Int64(i) * 1_000_000, [
            ("artist", .tag("Artist \(i % 5)")), ("user_id", .string("u\(i % users)")), ("seq", .int(Int64(i))),
        ])
    }
    return b.batch
}

/// The `select` of `Database.delete` for rows whose string column `column` equals `value`.
private func matching(_ db: Database, _ column: String, _ value: String) -> (RowGroup) throws -> [Int32]? {
    let idx = db.schema(of: "plays")!.index(of: column)!
    let type = db.schema(of: "plays")!.columns[idx].type
    return { g in
        var v = ColumnVector(type: type)
        try g.read(idx, type: type, into: &v)
        return (0..<v.count).filter { !v.isNull($0) && v.string(at: $0) == value }.map { Int32($0) }
    }
}

private func seqs(_ db: Database) throws -> Set<Int64> {
    Set(try TableReader.rows(db, table: "plays").map { row -> Int64 in
        guard case let .int(s) = row["seq"]! else { return -1 }
        return s
    })
}

/// Every file under `dir` (recursively) whose bytes contain `marker`.
private func filesContaining(_ marker: String, in dir: String) -> [String] {
    let needle = Data(marker.utf8)
    var hits: [String] = []
    let e = FileManager.default.enumerator(atPath: dir)
    while let rel = e?.nextObject() as? String {
        let p = dir + "/" + rel
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue,
              let data = FileManager.default.contents(atPath: p) else { continue }
        if data.range(of: needle) != nil { hits.append(rel) }
    }
    return hits.sorted()
}

@Suite("Delete")
struct DeleteTests {
    @Test func deleteCountsHidesAndSurvivesReopen() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var expected: Set<Int64> = []
        do {
            let db = try Database(path: dir.path, options: options())
            try db.write([plays(3000)])
            try db.flush()
            try db.write([plays(600, first: 3000)])  // some rows still in the memtable: delete flushes them first
            let n = try db.delete(from: "plays", select: matching(db, "user_id", "u7"))
            expected = Set((0..<3600).filter { $0 % 50 != 7 }.map(Int64.init))
            #expect(n == 3600 / 50)
            #expect(try seqs(db) == expected)
            // Deleting again finds nothing; the count answers only rows it deleted.
            #expect(try db.delete(from: "plays", select: matching(db, "user_id", "u7")) == 0)
            #expect(db.snapshot(table: "plays")!.rowGroups.reduce(0) { $0 + $1.rowCount } == expected.count)
            // No close: the delete must already be durable.
        }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        #expect(try seqs(db) == expected)
        let stats = db.partitionStats(of: "plays")
        #expect(stats.reduce(0) { $0 + $1.deletedRows } == 72)
        #expect(stats.reduce(0) { $0 + $1.rows } == expected.count)
    }

    @Test func compactionAndVacuumPurgeDeletedRows() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        for k in 0..<3 { try db.write([plays(1000, first: k * 1000)]); try db.flush() }
        #expect(try db.delete(from: "plays", select: matching(db, "user_id", "u3")) == 60)
        try db.compact(minSegments: 2)  // an ordinary merge drops deleted rows too
        #expect(db.partitionStats(of: "plays").reduce(0) { $0 + $1.deletedRows } == 0)
        #expect(try seqs(db) == Set((0..<3000).filter { $0 % 50 != 3 }.map(Int64.init)))
        #expect(try db.delete(from: "plays", select: matching(db, "user_id", "u4")) == 60)
        let r = try db.vacuum()
        #expect(r.rowsPurged == 60)
        #expect(db.partitionStats(of: "plays").reduce(0) { $0 + $1.rows } == 2880)
        #expect(FileIO.list(dir.path + "/plays").flatMap { d in FileIO.list(dir.path + "/plays/" + d) }.allSatisfy { !$0.hasSuffix(".del") })
    }

    /// GDPR erasure: after DELETE and VACUUM no file of the database holds a byte of the deleted rows —
    /// not a segment, not the WAL, not a symbol dictionary (the tag value only those rows used).
    @Test func vacuumLeavesNoByteOfDeletedRowsInAnyFile() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let tagMarker = "ZQXJ-erase-me-artist-7f3a", fieldMarker = "ZQXJ-erase-me-user-91c2"
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        try db.write([plays(2000)])
        var b = BatchBuilder(table: "plays")
        for i in 0..<40 {
            b.add(time: t0 + Int64(i % 3) * day + 5, [("artist", .tag(tagMarker)), ("user_id", .string(fieldMarker)), ("seq", .int(Int64(10_000 + i)))])
        }
        try db.write([b.batch])
        #expect(!filesContaining(fieldMarker, in: dir.path).isEmpty)  // in the WAL
        try db.flush()
        try db.write([plays(500, first: 2000)])  // later rows, in a newer WAL file
        #expect(!filesContaining(tagMarker, in: dir.path).isEmpty)
        #expect(!filesContaining(fieldMarker, in: dir.path).isEmpty)
        #expect(try db.delete(from: "plays", select: matching(db, "user_id", fieldMarker)) == 40)
        #expect(try TableReader.rows(db, table: "plays").allSatisfy { $0["user_id"] != .string(fieldMarker) })
        let r = try db.vacuum(table: "plays")
        #expect(r.rowsPurged == 40)
        #expect(r.symbolsErased == 1)
        #expect(filesContaining(tagMarker, in: dir.path) == [])
        #expect(filesContaining(fieldMarker, in: dir.path) == [])
        #expect(try seqs(db) == Set((0..<2500).map(Int64.init)))
        // The erased tag value can be written again: it gets a new code and reads back.
        var again = BatchBuilder(table: "plays")
        again.add(time: t0, [("artist", .tag(tagMarker)), ("user_id", .string("back")), ("seq", .int(99_999))])
        try db.write([again.batch])
        try db.flush()
        let back = try TableReader.rows(db, table: "plays").filter { $0["seq"] == .int(99_999) }
        #expect(back.first?["artist"] == .string(tagMarker))
        // And the dictionary with its erased entry reopens with every code in place.
        try db.close()
        let db2 = try Database(path: dir.path, options: options())
        defer { try? db2.close() }
        #expect(try TableReader.rows(db2, table: "plays").count == 2501)
        #expect(try TableReader.rows(db2, table: "plays").filter { $0["seq"] == .int(99_999) }.first?["artist"] == .string(tagMarker))
        #expect(try TableReader.rows(db2, table: "plays").filter { $0["seq"] == .int(7) }.first?["artist"] == .string("Artist 2"))
    }

    @Test func truncateAndDrop() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        try db.write([plays(900)])
        var other = BatchBuilder(table: "other")
        other.add(time: t0, [("x", .int(1))])
        try db.write([other.batch])
        #expect(try db.truncate(table: "plays") == 900)
        #expect(try TableReader.rows(db, table: "plays").isEmpty)
        #expect(db.schema(of: "plays") != nil)
        try db.write([plays(10)])
        #expect(try TableReader.rows(db, table: "plays").count == 10)
        #expect(try db.dropTable("plays"))
        #expect(db.schema(of: "plays") == nil)
        #expect(!FileIO.exists(dir.path + "/plays"))
        #expect(try !db.dropTable("plays"))
        #expect(try TableReader.rows(db, table: "other").count == 1)
        try db.close()
        let db2 = try Database(path: dir.path, options: options())
        defer { try? db2.close() }
        #expect(db2.tableNames() == ["other"])
    }

    @Test func deleteVectorGoldenBytesAndDamage() throws {
        var bits = Bitmap(count: 70, value: false)
        bits[1] = true; bits[64] = true; bits[69] = true
        let v = DeleteVector(segmentID: 0x2A, deleted: bits)
        let bytes = v.encoded()
        let words: [UInt8] = [0x02, 0, 0, 0, 0, 0, 0, 0, 0x21, 0, 0, 0, 0, 0, 0, 0]
        let crc = CRC32C.checksum(words)
        var golden: [UInt8] = Array("TSDBDEL\0".utf8) + [1, 0, 0, 0, 0, 0, 0, 0]
        golden += [0x2A, 0, 0, 0, 0, 0, 0, 0, 70, 0, 0, 0, 3, 0, 0, 0]
        golden += [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 24), 0, 0, 0, 0]
        golden += words
        #expect(bytes == golden)
        #expect(try DeleteVector.decode(bytes, path: "x.del", segmentID: 0x2A, segmentRows: 70) == v)
        #expect(throws: StorageError.self) { try DeleteVector.decode(bytes, path: "x.del", segmentID: 0x2B, segmentRows: 70) }
        #expect(throws: StorageError.self) { try DeleteVector.decode(bytes, path: "x.del", segmentID: 0x2A, segmentRows: 71) }
        var flipped = bytes
        flipped[41] ^= 0x10
        #expect(throws: StorageError.self) { try DeleteVector.decode(flipped, path: "x.del", segmentID: 0x2A, segmentRows: 70) }
    }

    /// Seeded property: random deletes, flushes, compactions and vacuums against a model of the live rows.
    @Test(arguments: [1, 2, 3] as [UInt64]) func randomDeletesMatchModel(seed: UInt64) throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var rng = SeededRandom(seed: seed)
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        try db.write([plays(100, users: 13)])
        var live = Set<Int64>((0..<100).map(Int64.init))
        var next = 100
        for _ in 0..<25 {
            switch rng.below(5) {
            case 0, 1:
                let n = 1 + rng.below(400)
                try db.write([plays(n, users: 13, first: next)])
                live.formUnion((next..<next + n).map(Int64.init))
                next += n
            case 2:
                let u = rng.below(13)
                let n = try db.delete(from: "plays", select: matching(db, "user_id", "u\(u)"))
                let gone = live.filter { Int($0) % 13 == u }
                #expect(n == gone.count)
                live.subtract(gone)
            case 3: try db.compact(minSegments: 2)
            default: try db.vacuum()
            }
            #expect(try seqs(db) == live)
        }
    }
}
