import Foundation
import Testing
@testable import ColumnStore
import TestSupport

/// A compaction whose manifest save fails after the rename must not delete the segments the manifest on
/// disk may already name.
@Suite("Compaction failure", .serialized)
struct CompactionFailureTests {
    typealias F = RecoveryFixtures

    @Test func manifestSaveFailingAfterTheRenameKeepsTheNewSegments() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        do {
            let db = try Database(path: dir.path, options: F.options())
            try db.write([F.rows("t", 10)])
            try db.flush()
            try db.write([F.rows("t", 10, first: 10)])
            try db.flush()
            FaultInjection.failDirectorySyncAfterRename(in: dir.path)
            #expect(throws: StorageError.self) { try db.compact(minSegments: 2) }
            FaultInjection.failDirectorySyncAfterRename(in: nil)
            // The manifest on disk names the merged segment: it must still be there.
            let m = try Manifest.load(dir.path + "/" + FileNames.manifest)!
            #expect(m.tables["t"]!.segments.count == 1)
            for s in m.tables["t"]!.segments {
                #expect(FileIO.exists(dir.path + "/t/" + s.day + "/" + s.file), "a segment the manifest names was deleted")
            }
            // Still serving the same rows; maintenance refuses until reopened.
            #expect(try F.seqs(db, "t") == (0..<20).map(Int64.init))
            try db.write([F.rows("t", 5, first: 20)])
            #expect { try db.flush() } throws: { e in
                guard case .poisoned(let why) = e as? StorageError else { return false }
                return why.contains("reopen")
            }
            // close flushes, which refuses too; the rows are in the WAL, and the lock goes with the object.
            #expect(throws: StorageError.self) { try db.close() }
        }
        let db2 = try Database(path: dir.path, options: F.options())
        defer { try? db2.close() }
        #expect(try F.seqs(db2, "t") == (0..<25).map(Int64.init))
    }
}
