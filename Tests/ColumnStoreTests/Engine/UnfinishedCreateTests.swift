import Foundation
import Testing
@testable import ColumnStore
import TestSupport

/// `CREATE TABLE … AS SELECT` is all or nothing: a table created with `creating: true` and filled, then
/// left by a crash before `finishCreating`, is gone after the next open — with none of its rows, which were
/// only in the WAL, coming back then or at any later open; once finished it survives whole.
@Suite("UnfinishedCreate", .serialized)
struct UnfinishedCreateTests {
    typealias F = RecoveryFixtures

    static let schema = TableSchema(table: "copy", columns: [ColumnDef(name: "host", type: .symbol), ColumnDef(name: "seq", type: .int64),
                                                            ColumnDef(name: "note", type: .string)])

    static func declared() -> TableOptions {
        var o = TableOptions()
        o.declaredSchema = true
        return o
    }

    /// Creates `copy` as being created and writes `n` rows into it in three writes (one flushed to a
    /// segment, so the half table has files too); rows of `keep` are written beside it.
    static func halfCreated(_ db: Database, rows n: Int) throws {
        #expect(try db.createTable(schema, options: declared(), creating: true))
        try db.write([F.rows("copy", n / 3)])
        try db.flush()
        try db.write([F.rows("copy", n / 3, first: n / 3), F.rows("keep", 10)])
        try db.write([F.rows("copy", n - 2 * (n / 3), first: 2 * (n / 3))])
        try db.syncWAL()
    }

    @Test func aCrashBeforeTheFinishLeavesNoTable() throws {
        let dir = TempDirectory("tsdb-ctas"); defer { dir.remove() }
        do {
            let db = try Database(path: dir.path, options: F.options())
            try Self.halfCreated(db, rows: 300)
            #expect(try F.seqs(db, "copy").count == 300)
            // A read-only open beside the writer does not show the table being created.
            let reader = try Database.openReadOnly(path: dir.path, options: F.options())
            #expect(reader.schema(of: "copy") == nil && reader.schema(of: "keep") != nil)
            // No close: as in a crash, the manifest (marking `copy`) and the WAL remain.
        }
        #expect(try Manifest.load(dir.path + "/" + FileNames.manifest)?.tables["copy"]?.creating == true)
        do {
            let db = try Database(path: dir.path, options: F.options())
            #expect(db.tableNames() == ["keep"])
            #expect(try F.seqs(db, "keep") == (0..<10).map(Int64.init))
            #expect(!FileManager.default.fileExists(atPath: dir.path + "/copy"))
            let m = try Manifest.load(dir.path + "/" + FileNames.manifest)!
            #expect(m.tables["copy"] == nil)
            // A table of the same name made by a write now holds that write's rows only — the old ones'
            // WAL records are behind the checkpoint, at this open and the next.
            try db.write([F.rows("copy", 5, first: 1000)])
            try db.syncWAL()
        }
        let db = try Database(path: dir.path, options: F.options())
        defer { try? db.close() }
        #expect(try F.seqs(db, "copy") == (1000..<1005).map(Int64.init))
        #expect(db.tableOptions(of: "copy")?.declaredSchema == nil)
        #expect(try F.seqs(db, "keep") == (0..<10).map(Int64.init))
    }

    @Test func aFinishedCreateSurvivesACrashWhole() throws {
        let dir = TempDirectory("tsdb-ctas"); defer { dir.remove() }
        do {
            let db = try Database(path: dir.path, options: F.options())
            try Self.halfCreated(db, rows: 300)
            try db.finishCreating("copy")
            #expect(db.memtableRows == 0)
        }
        #expect(try Manifest.load(dir.path + "/" + FileNames.manifest)?.tables["copy"]?.creating == nil)
        let db = try Database(path: dir.path, options: F.options())
        defer { try? db.close() }
        #expect(try F.seqs(db, "copy") == (0..<300).map(Int64.init))
        #expect(db.tableOptions(of: "copy")?.declaredSchema == true)
    }

    /// Without a crash, a failed fill is taken back by dropping the table (what the SQL runner does).
    @Test func dropTakesBackAFailedCreate() throws {
        let dir = TempDirectory("tsdb-ctas"); defer { dir.remove() }
        let db = try Database(path: dir.path, options: F.options())
        try Self.halfCreated(db, rows: 30)
        #expect(try db.dropTable("copy"))
        try db.close()
        let again = try Database(path: dir.path, options: F.options())
        defer { try? again.close() }
        #expect(again.tableNames() == ["keep"])
    }

    @Test func systemTablePrefixIsReservedForNewTables() throws {
        let dir = TempDirectory("tsdb-ctas"); defer { dir.remove() }
        let db = try Database(path: dir.path, options: F.options())
        defer { try? db.close() }
        for name in ["tsdb_tables", "tsdb_mine", "TSDB_Partitions"] {
            #expect(throws: SchemaError.self) { try db.createTable(TableSchema(table: name, columns: []), options: TableOptions()) }
            let r = try db.write([F.rows(name, 2)])
            #expect(r.written == 0 && r.rejected.first?.first?.reason.contains("reserved for system tables") == true, "\(r.rejected)")
        }
        #expect(try db.write([F.rows("tsdbx", 2)]).written == 2)
        #expect(db.tableNames() == ["tsdbx"])
    }
}
