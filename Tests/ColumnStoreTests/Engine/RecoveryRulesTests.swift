import Foundation
import Testing
@testable import ColumnStore
import TestSupport

/// The recovery rules of docs/operations.md: only the tail of the last WAL file may be cut on open;
/// anything else that fails its checksum or version check refuses, naming the file and offset, and
/// changes no file. Each test damages a copy of files the engine really wrote.
@Suite("Recovery rules", .serialized)
struct RecoveryRulesTests {
    typealias F = RecoveryFixtures

    /// Writes WAL files directly: one record per batch, a rotation between groups.
    private func writeWAL(_ dir: String, _ groups: [[WriteBatch]]) throws {
        let wal = try WriteAheadLog(directory: dir + "/" + FileNames.walDirectory)
        _ = try wal.replay(after: 0) { _, _ in }
        for (g, batches) in groups.enumerated() {
            if g > 0 { try wal.syncAll(); _ = try wal.rotate() }
            for b in batches { _ = try wal.append(WALRecord.encode([b])) }
        }
        try wal.close()
    }

    private func walPath(_ dir: String, _ seq: UInt64) -> String { dir + "/wal/" + FileNames.walFile(seq) }

    // MARK: 1. a failed append leaves no torn record in front of later ones

    @Test func walAppendFailingOnAFullDiskCutsItsPartialRecord() throws {
        guard let fs = SmallFilesystem(megabytes: 1, purpose: "WAL append on a full disk") else { return }
        defer { fs.unmount() }
        let dir = fs.path + "/wal"
        let wal = try WriteAheadLog(directory: dir)
        _ = try wal.replay(after: 0) { _, _ in }
        let record = WALRecord.encode([F.rows("t", 300)])  // ~10 KB: crosses pages
        var good = 0
        for _ in 0..<3 { _ = try wal.append(record); good += 1 }
        let filler = fs.fill()
        var failed = false
        for _ in 0..<50 where !failed {
            do { _ = try wal.append(record); good += 1 } catch { failed = true }
        }
        #expect(failed, "the disk never filled up")
        #expect(FileIO.fileSize(dir + "/" + FileNames.walFile(1)) == WriteAheadLog.headerSize + good * (8 + record.count),
                "the failed append left bytes behind")
        FileIO.unlink(filler)
        for _ in 0..<5 { _ = try wal.append(record); good += 1 }
        try wal.syncAll()
        try wal.close()
        var replayed = 0
        let again = try WriteAheadLog(directory: dir)
        let report = try again.replay(after: 0) { _, _ in replayed += 1 }
        try again.close()
        #expect(replayed == good, "acknowledged records after the failed append were lost")
        #expect(report.cut == nil)
    }

    /// A flush rotates the WAL; the next file is created by the next sync. When the disk is full then, the
    /// sync fails without poisoning the log, and once there is room again the same log goes on: nothing
    /// appended meanwhile is lost and later writes are acknowledged.
    @Test func walSealOnAFullDiskRetriesOnceThereIsRoom() throws {
        guard let fs = SmallFilesystem(megabytes: 1, purpose: "WAL seal on a full disk") else { return }
        defer { fs.unmount() }
        let dir = fs.path + "/wal"
        let wal = try WriteAheadLog(directory: dir)
        _ = try wal.replay(after: 0) { _, _ in }
        let record = WALRecord.encode([F.rows("t", 30)])
        var appended = 0
        for _ in 0..<3 { _ = try wal.append(record); appended += 1 }
        try wal.syncAll()
        _ = try wal.rotate()
        _ = try wal.append(record); appended += 1  // held until the seal creates the next file
        let filler = fs.fill()
        #expect(throws: (any Error).self, "the seal found room on a full disk") { try wal.syncAll() }
        FileIO.unlink(filler)
        for _ in 0..<3 { _ = try wal.append(record); appended += 1 }
        try wal.syncAll()  // not poisoned: the seal is retried and succeeds
        try wal.close()
        var replayed = 0
        let again = try WriteAheadLog(directory: dir)
        _ = try again.replay(after: 0) { _, _ in replayed += 1 }
        try again.close()
        #expect(replayed == appended)
    }

    // MARK: 2. corruption in the middle of the WAL refuses

    @Test func damagedRecordInAnEarlierWALFileRefuses() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        try writeWAL(dir.path, [[F.rows("t", 10)], [F.rows("t", 10, first: 10)]])
        try F.flip(walPath(dir.path, 1), at: WriteAheadLog.headerSize + 8 + 20)
        F.expectRefusal(dir.path, [walPath(dir.path, 1), "offset 16", "not the last"])
    }

    @Test func damagedRecordFollowedByAValidOneRefuses() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        try writeWAL(dir.path, [[F.rows("t", 10), F.rows("t", 10, first: 10)]])
        try F.flip(walPath(dir.path, 1), at: WriteAheadLog.headerSize + 8 + 20)
        F.expectRefusal(dir.path, [walPath(dir.path, 1), "offset 16", "valid record follows"])
    }

    @Test func missingWALFileInTheMiddleRefuses() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        try writeWAL(dir.path, [[F.rows("t", 10)], [F.rows("t", 10, first: 10)], [F.rows("t", 10, first: 20)]])
        FileIO.unlink(walPath(dir.path, 2))
        F.expectRefusal(dir.path, [walPath(dir.path, 2), "is missing"])
    }

    /// A file the log moved on from ends with its seal; cut at a record boundary it would look whole.
    @Test func sealedWALFileCutAtARecordBoundaryRefuses() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        try writeWAL(dir.path, [[F.rows("t", 10), F.rows("t", 10, first: 10)], [F.rows("t", 10, first: 20)]])
        let p = walPath(dir.path, 1)
        let b = try FileIO.readFile(p)
        #expect(Array(b.suffix(8)) == WriteAheadLog.seal(1))
        let firstRecordEnd = WriteAheadLog.headerSize + 8 + Int(UInt32(b[16]) | UInt32(b[17]) << 8 | UInt32(b[18]) << 16 | UInt32(b[19]) << 24)
        try FileIO.writeFileAtomically(p, Array(b[0..<firstRecordEnd]))
        F.expectRefusal(dir.path, [p, "without its seal"])
    }

    @Test func sealedLastWALFileIsNotAppendedTo() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        try writeWAL(dir.path, [[F.rows("t", 10)], [F.rows("t", 10, first: 10)]])
        // A crash after file 1's seal and before file 2 was created.
        FileIO.unlink(walPath(dir.path, 2))
        for _ in 0..<2 {
            let db = try Database(path: dir.path, options: F.options())
            try db.write([F.rows("t", 5, first: 100)])
            try db.close()
        }
        let db = try Database(path: dir.path, options: F.options())
        defer { try? db.close() }
        #expect(db.snapshot(table: "t")?.rowGroups.reduce(0) { $0 + $1.rowCount } == 20)
    }

    @Test func tornTailOfTheLastWALFileIsCutAndReported() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        try writeWAL(dir.path, [[F.rows("t", 10)], [F.rows("t", 10, first: 10), F.rows("t", 10, first: 20)]])
        let p = walPath(dir.path, 2)
        var b = try FileIO.readFile(p)
        let full = b.count
        b.removeLast(7)
        try FileIO.writeFileAtomically(p, b)
        let wal = try WriteAheadLog(directory: dir.path + "/wal")
        let report = try wal.replay(after: 0) { _, _ in }
        try wal.close()
        #expect(report.records == 2)
        #expect(report.cut?.path == p && report.cut?.bytes == full - 7 - report.cut!.offset)
        let db = try Database(path: dir.path, options: F.options())
        defer { try? db.close() }
        #expect(try F.seqs(db, "t") == (0..<20).map(Int64.init))
    }

    // MARK: 6. headers are checked; no garbage left behind

    @Test func foreignWALMagicRefuses() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        try writeWAL(dir.path, [[F.rows("t", 10)]])
        try F.flip(walPath(dir.path, 1), at: 0)
        F.expectRefusal(dir.path, [walPath(dir.path, 1), "bad magic at offset 0"])
    }

    @Test func unknownWALVersionRefuses() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        try writeWAL(dir.path, [[F.rows("t", 10)]])
        var b = try FileIO.readFile(walPath(dir.path, 1))
        b[8] = 3
        try FileIO.writeFileAtomically(walPath(dir.path, 1), b)
        F.expectRefusal(dir.path, [walPath(dir.path, 1), "WAL version 3 at offset 8"])
    }

    @Test func walHeaderGoldenBytes() {
        #expect(WriteAheadLog.header() == Array("TSDBWAL\0".utf8) + [2, 0, 0, 0, 0, 0, 0, 0])
        // The seal of file 3: length 0xFFFFFFFF, then crc32c of the sequence as u64 little-endian.
        #expect(WriteAheadLog.seal(3) == [0xFF, 0xFF, 0xFF, 0xFF] + withUnsafeBytes(of: CRC32C.checksum([3, 0, 0, 0, 0, 0, 0, 0]).littleEndian, Array.init))
    }

    @Test func unknownSegmentVersionIsReported() throws {
        let dir = try F.flushedDatabase(); defer { dir.remove() }
        let seg = F.firstSegment(dir.path, "t")
        var b = try FileIO.readFile(seg)
        #expect(Array(b[0..<10]) == Array("TSDBSEG\0".utf8) + [1, 0])
        b[8] = 9
        try FileIO.writeFileAtomically(seg, b)
        #expect { _ = try SegmentReader(path: seg) } throws: { "\($0)".contains("unsupported segment version 9 at offset 8") }
        let before = F.files(dir.path)
        let db = try Database(path: dir.path, options: F.options())
        #expect(db.damagedTables()["t"].map { "\($0)".contains("unsupported segment version 9") } == true)
        try db.close()
        #expect(F.files(dir.path) == before)
    }

    @Test func temporaryFilesOutsideDayFoldersAreRemoved() throws {
        let dir = try F.flushedDatabase(); defer { dir.remove() }
        try FileIO.writeFileAtomically(dir.path + "/MANIFEST.tmp", Array("half a manifest".utf8))
        let db = try Database(path: dir.path, options: F.options())
        try db.close()
        #expect(!FileIO.exists(dir.path + "/MANIFEST.tmp"))
    }

    @Test func reopeningLeavesNoEmptyWALFiles() throws {
        let dir = try F.flushedDatabase(); defer { dir.remove() }
        let count = FileIO.list(dir.path + "/wal").count
        for _ in 0..<3 { try Database(path: dir.path, options: F.options()).close() }
        #expect(FileIO.list(dir.path + "/wal").count == count)
        // And appends after a reopen still replay.
        do {
            let db = try Database(path: dir.path, options: F.options())
            try db.write([F.rows("t", 5, first: 100)])
        }
        let db = try Database(path: dir.path, options: F.options())
        defer { try? db.close() }
        #expect(try F.seqs(db, "t") == (0..<105).map(Int64.init))
    }

    // MARK: 4. symbol files: verify before repair

    @Test func damagedSymbolFileIsNotShrunk() throws {
        let dir = try F.flushedDatabase(); defer { dir.remove() }
        let sym = dir.path + "/t/symbols/host.sym"
        try F.flip(sym, at: 16 + 12 + 2)  // inside the first chunk's payload
        let before = F.files(dir.path)
        let db = try Database(path: dir.path, options: F.options())
        let why = db.damagedTables()["t"].map { "\($0)" } ?? ""
        #expect(why.contains(sym) && why.contains("offset 16") && why.contains("the manifest needs 4"), "\(why)")
        try db.close()
        #expect(F.files(dir.path) == before, "the symbol file was changed")
    }

    @Test func tornSymbolTailBeyondTheManifestIsCut() throws {
        let dir = try F.flushedDatabase(); defer { dir.remove() }
        let sym = dir.path + "/t/symbols/host.sym"
        let good = try FileIO.readFile(sym)
        try FileIO.writeFileAtomically(sym, good + [5, 0, 0, 0, 99, 0])  // a chunk header cut short
        let db = try Database(path: dir.path, options: F.options())
        defer { try? db.close() }
        #expect(db.damagedTables().isEmpty)
        #expect(try FileIO.readFile(sym) == good)
        #expect(try F.seqs(db, "t").count == 100)
    }
}
