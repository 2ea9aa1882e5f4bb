import Foundation
import Testing
@testable import ColumnStore
import TestSupport

/// The MANIFEST: checksummed, versioned, and never a licence to delete what it cannot prove garbage.
@Suite("Manifest", .serialized)
struct ManifestTests {
    typealias F = RecoveryFixtures

    private func manifestPath(_ dir: String) -> String { dir + "/" + FileNames.manifest }

    /// Rewrites the MANIFEST as a version-1 file (plain JSON, no trailer) after `edit`.
    private func rewriteAsVersion1(_ dir: String, _ edit: (inout Manifest) -> Void = { _ in }) throws {
        var m = try Manifest.load(manifestPath(dir))!
        edit(&m)
        m.version = 1
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        try FileIO.writeFileAtomically(manifestPath(dir), Array(try enc.encode(m)))
    }

    @Test func goldenBytes() throws {
        var m = Manifest()
        m.walCheckpoint = 3
        m.nextSegmentID = 7
        let text = String(decoding: m.encoded(), as: UTF8.self)
        let body = "{\n  \"nextSegmentID\" : 7,\n  \"tables\" : {\n\n  },\n  \"version\" : 4,\n  \"walCheckpoint\" : 3\n}\n"
        #expect(text == body + "crc32c " + Manifest.hex(CRC32C.checksum(Array(body.utf8))) + "\n")
        #expect(try Manifest.decode(m.encoded(), path: "m") == m)
    }

    /// A version-1 MANIFEST as builds before the checksum wrote it (plain JSON, no trailer).
    static let version1Fixture = """
    {
      "nextSegmentID" : 3,
      "tables" : {
        "t" : {
          "columns" : [
            { "name" : "time", "type" : "timestamp" },
            { "name" : "host", "type" : "tag" }
          ],
          "options" : { "columnCompression" : { }, "compression" : "lz4", "sortKey" : [ ], "zstdLevel" : 3 },
          "segments" : [
            { "bytes" : 391, "day" : "2026-01-01", "file" : "0000000000000002.seg", "maxTime" : 2, "minTime" : 1, "rows" : 2 }
          ],
          "symbolCounts" : { "host" : 4 }
        }
      },
      "version" : 1,
      "walCheckpoint" : 7
    }
    """

    @Test func version1FixtureDecodesAndReencodesAsCurrentVersion() throws {
        let m = try Manifest.decode(Array(Self.version1Fixture.utf8), path: "fixture")
        #expect(m.version == 1 && m.walCheckpoint == 7 && m.nextSegmentID == 3 && m.retired == nil)
        #expect(m.tables["t"]?.segments.map(\.file) == ["0000000000000002.seg"] && m.tables["t"]?.walCheckpoint == nil)
        let again = try Manifest.decode(m.encoded(), path: "re-encoded")
        #expect(again.version == Manifest.currentVersion)
        var expected = m
        expected.version = Manifest.currentVersion
        #expect(again == expected)
    }

    @Test func editThatStillParsesIsRefused() throws {
        let dir = try F.flushedDatabase(); defer { dir.remove() }
        // Rows in a WAL file past the checkpoint: an edited checkpoint would have deleted that file.
        do {
            let db = try Database(path: dir.path, options: F.options())
            try db.write([F.rows("t", 10, first: 100)])
        }
        var text = String(decoding: try FileIO.readFile(manifestPath(dir.path)), as: UTF8.self)
        let r = text.range(of: "\"walCheckpoint\" : ")!
        text.replaceSubrange(r.upperBound..<text.index(r.upperBound, offsetBy: 1), with: "9")
        try FileIO.writeFileAtomically(manifestPath(dir.path), Array(text.utf8))
        F.expectRefusal(dir.path, [manifestPath(dir.path), "checksum mismatch"])
    }

    @Test func checkpointAboveEveryWALFileIsRefused() throws {
        let dir = try F.flushedDatabase(); defer { dir.remove() }
        do {
            let db = try Database(path: dir.path, options: F.options())
            try db.write([F.rows("t", 10, first: 100)])
        }
        // A legacy manifest has no checksum; its checkpoint must still agree with the WAL files present.
        try rewriteAsVersion1(dir.path) { $0.walCheckpoint += 5 }
        F.expectRefusal(dir.path, [manifestPath(dir.path), "walCheckpoint"])
    }

    /// The newest WAL file holds acknowledged rows no segment has: removing it must not go unnoticed.
    @Test func deletedNewestWALFileIsRefused() throws {
        let dir = try F.flushedDatabase(); defer { dir.remove() }
        do {
            let db = try Database(path: dir.path, options: F.options())
            try db.write([F.rows("t", 10, first: 100)])  // not closed: a crash, the rows are in the WAL only
        }
        let wal = dir.path + "/" + FileNames.walDirectory
        for f in FileIO.list(wal) { FileIO.unlink(wal + "/" + f) }
        F.expectRefusal(dir.path, [manifestPath(dir.path), "is missing"])
    }

    @Test func unknownVersionIsRefused() throws {
        let dir = try F.flushedDatabase(); defer { dir.remove() }
        var m = try Manifest.load(manifestPath(dir.path))!
        m.version = 5
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        var body = Array(try enc.encode(m)) + [10]
        body += Array("crc32c \(Manifest.hex(CRC32C.checksum(body)))\n".utf8)
        try FileIO.writeFileAtomically(manifestPath(dir.path), body)
        F.expectRefusal(dir.path, ["manifest version 5"])
    }

    @Test func currentVersionWithoutItsTrailerIsRefused() throws {
        let dir = try F.flushedDatabase(); defer { dir.remove() }
        let b = try FileIO.readFile(manifestPath(dir.path))
        try FileIO.writeFileAtomically(manifestPath(dir.path), Array(b.dropLast(Manifest.trailerSize)))
        F.expectRefusal(dir.path, ["no checksum trailer"])
    }

    @Test func version1StillOpensAndIsUpgradedOnSave() throws {
        let dir = try F.flushedDatabase(); defer { dir.remove() }
        try rewriteAsVersion1(dir.path)
        let db = try Database(path: dir.path, options: F.options())
        #expect(try F.seqs(db, "t") == (0..<100).map(Int64.init))
        try db.write([F.rows("t", 1, first: 100)])
        try db.close()
        let text = String(decoding: try FileIO.readFile(manifestPath(dir.path)), as: UTF8.self)
        #expect(text.contains("\"version\" : 4") && text.contains("\ncrc32c "))
    }

    @Test func missingManifestRefusesAndDeletesNothing() throws {
        let dir = try F.flushedDatabase(); defer { dir.remove() }
        FileIO.unlink(manifestPath(dir.path))
        F.expectRefusal(dir.path, ["manifest is missing", "table folders t"])
    }

    @Test func missingManifestOfANeverFlushedDatabaseReplaysTheWAL() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        do {
            let db = try Database(path: dir.path, options: F.options())
            try db.write([F.rows("t", 10)])
        }
        #expect(!FileIO.exists(manifestPath(dir.path)))
        let db = try Database(path: dir.path, options: F.options())
        defer { try? db.close() }
        #expect(try F.seqs(db, "t") == (0..<10).map(Int64.init))
    }

    @Test func unlistedSegmentIsKeptButUnpublishedOnesAreDeleted() throws {
        let dir = try F.flushedDatabase(); defer { dir.remove() }
        let seg = F.firstSegment(dir.path, "t")
        let m = try Manifest.load(manifestPath(dir.path))!
        // A segment a legacy (unchecksummed) manifest no longer lists: not provably garbage.
        try rewriteAsVersion1(dir.path) { $0.tables["t"]!.segments = [] }
        // A segment newer than the manifest: a flush that never published.
        let newer = FileIO.parent(of: seg) + "/" + FileNames.segmentFile(m.nextSegmentID)
        try FileIO.writeFileAtomically(newer, try FileIO.readFile(seg))
        let db = try Database(path: dir.path, options: F.options())
        try db.close()
        #expect(FileIO.exists(seg), "a segment the manifest cannot prove garbage was deleted")
        #expect(!FileIO.exists(newer))
    }

    @Test func segmentsRetiredByACompactionAreDeletedAfterACrash() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: F.options())
        try db.write([F.rows("t", 10)])
        try db.flush()
        try db.write([F.rows("t", 10, first: 10)])
        try db.flush()
        let old = db.segments(of: "t").map { ($0.path, try! FileIO.readFile($0.path)) }
        #expect(old.count == 2)
        #expect(try db.compact(minSegments: 2) == 2)
        try db.close()
        // As if the process died between publishing the compaction and unlinking what it replaced.
        for (p, b) in old { try FileIO.writeFileAtomically(p, b) }
        let db2 = try Database(path: dir.path, options: F.options())
        defer { try? db2.close() }
        for (p, _) in old { #expect(!FileIO.exists(p)) }
        #expect(try F.seqs(db2, "t") == (0..<20).map(Int64.init))
    }
}
