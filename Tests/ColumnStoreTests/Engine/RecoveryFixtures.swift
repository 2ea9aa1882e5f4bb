import Foundation
@testable import ColumnStore
import Testing
import TestSupport

/// Builders for the recovery tests: real databases written through the engine, copies to damage, and a
/// byte-for-byte record of a directory to prove that a refused open changed no file.
enum RecoveryFixtures {
    static let t0: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z

    static func options() -> DatabaseOptions {
        var o = DatabaseOptions()
        o.background = false
        o.durability = .batch
        return o
    }

    /// `n` rows of `table` numbered from `first` (column `seq`), with a tag and a string so every file kind exists.
    static func rows(_ table: String, _ n: Int, first: Int = 0) -> WriteBatch {
        var b = BatchBuilder(table: table)
        for i in first..<(first + n) {
            b.add(time: t0 + Int64(i) * 1_000_000, [("host", .tag("h\(i % 4)")), ("seq", .int(Int64(i))), ("note", .string("n\(i)"))])
        }
        return b.batch
    }

    /// The `seq` values of a table, sorted.
    static func seqs(_ db: Database, _ table: String) throws -> [Int64] {
        try TableReader.rows(db, table: table).compactMap { if case let .int(v) = $0["seq"] { v } else { nil } }.sorted()
    }

    /// Every file under `dir` (relative path → bytes), to compare before and after an open.
    static func files(_ dir: String) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        func walk(_ rel: String) {
            let p = rel.isEmpty ? dir : dir + "/" + rel
            for name in FileIO.list(p) {
                let r = rel.isEmpty ? name : rel + "/" + name
                if FileIO.isDirectory(dir + "/" + r) { walk(r) } else { out[r] = try? FileIO.readFile(dir + "/" + r) }
            }
        }
        walk("")
        out["LOCK"] = nil  // open creates it
        return out
    }

    /// A copy of a database directory, for damaging without touching the original.
    static func copy(_ from: String) throws -> TempDirectory {
        let to = TempDirectory("tsdb-damaged")
        for name in FileIO.list(from) {
            try FileManager.default.copyItem(atPath: from + "/" + name, toPath: to.path + "/" + name)
        }
        return to
    }

    /// XORs one byte of a file in place.
    static func flip(_ path: String, at offset: Int) throws {
        var b = try FileIO.readFile(path)
        b[offset] ^= 0x5A
        try FileIO.writeFileAtomically(path, b)
    }

    /// A database with a flushed table `name` (segments, symbols, manifest), closed.
    static func flushedDatabase(_ tables: [String] = ["t"], rows n: Int = 100) throws -> TempDirectory {
        let dir = TempDirectory("tsdb-recovery")
        let db = try Database(path: dir.path, options: options())
        for t in tables { try db.write([rows(t, n)]) }
        try db.close()
        return dir
    }

    /// The path of the first segment file of `table`.
    static func firstSegment(_ dir: String, _ table: String) -> String {
        let tdir = dir + "/" + table
        let day = FileIO.list(tdir).first { Day.parse($0) != nil }!
        return tdir + "/" + day + "/" + FileIO.list(tdir + "/" + day).first { $0.hasSuffix(".seg") }!
    }

    /// Opening must throw `StorageError.corrupt` whose text holds every one of `needles`, and leave every file as it was.
    static func expectRefusal(_ dir: String, _ needles: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let before = files(dir)
        #expect(sourceLocation: sourceLocation) {
            _ = try Database(path: dir, options: options())
        } throws: { e in
            guard case .corrupt = e as? StorageError else { return false }
            return needles.allSatisfy { "\(e)".contains($0) }
        }
        #expect(files(dir) == before, "a refused open changed files", sourceLocation: sourceLocation)
    }
}
