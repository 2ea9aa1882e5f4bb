import Foundation
import Testing
@testable import ColumnStore
import TestSupport

/// A table that fails verification on open stays closed on its own; the other tables serve, and
/// nothing of the damaged one — its files, its rows still in the WAL — is lost.
@Suite("Damaged table", .serialized)
struct DamagedTableTests {
    typealias F = RecoveryFixtures

    @Test func damagedTableRefusesAloneAndKeepsItsWALRows() throws {
        let dir = try F.flushedDatabase(["a", "b"], rows: 100); defer { dir.remove() }
        do {  // rows of both tables only in the WAL (no close: nothing flushed)
            let db = try Database(path: dir.path, options: F.options())
            try db.write([F.rows("a", 10, first: 100), F.rows("b", 10, first: 100)])
        }
        let seg = F.firstSegment(dir.path, "a")
        let good = try FileIO.readFile(seg)
        try F.flip(seg, at: good.count - SegmentFormat.tailSize - 3)  // inside the footer
        let before = F.files(dir.path)

        let db = try Database(path: dir.path, options: F.options())
        let why = db.damagedTables()["a"].map { "\($0)" } ?? ""
        #expect(why.contains(seg) && why.contains("footer checksum"), "\(why)")
        #expect(try F.seqs(db, "b") == (0..<110).map(Int64.init))
        #expect { try db.write([F.rows("a", 1, first: 500)]) } throws: { e in
            guard case .tableDamaged(table: "a", let cause) = e as? StorageError else { return false }
            return cause.contains(seg)
        }
        #expect(throws: StorageError.self) { try db.checkNotDamaged("a") }
        #expect(db.snapshot(table: "a") == nil)
        try db.close()
        for (name, bytes) in before where name.hasPrefix("a/") {
            #expect(F.files(dir.path)[name] == bytes, "\(name) changed")
        }

        // The other table moved on (flushed, WAL checkpoint advanced); more of it, then another flush.
        do {
            let db = try Database(path: dir.path, options: F.options())
            try db.write([F.rows("b", 10, first: 110)])
            try db.close()
        }
        // Repaired (the operator restores the segment): every row of both tables, exactly once.
        try FileIO.writeFileAtomically(seg, good)
        let fixed = try Database(path: dir.path, options: F.options())
        #expect(fixed.damagedTables().isEmpty)
        #expect(try F.seqs(fixed, "a") == (0..<110).map(Int64.init))
        #expect(try F.seqs(fixed, "b") == (0..<120).map(Int64.init))
        try fixed.close()
        let again = try Database(path: dir.path, options: F.options())
        defer { try? again.close() }
        #expect(try F.seqs(again, "a") == (0..<110).map(Int64.init))
        #expect(try F.seqs(again, "b") == (0..<120).map(Int64.init))
    }
}
