import Foundation
import Testing
@testable import ColumnStore
import TestSupport

/// Tables declared by CREATE TABLE: the schema and options persisted in MANIFEST version 3, kept across a
/// crash (reopen without close), and enforced on writes replayed from the WAL.
@Suite("DeclaredSchema", .serialized)
struct DeclaredSchemaTests {
    typealias F = RecoveryFixtures

    static func declared() -> (TableSchema, TableOptions) {
        var o = TableOptions()
        o.declaredSchema = true
        o.dedupKeys = ["time", "host"]
        o.retentionDays = 36_500  // kept in the options; long enough that the fixture's 2026 rows are never beyond it
        return (TableSchema(table: "t", columns: [ColumnDef(name: "host", type: .symbol), ColumnDef(name: "seq", type: .int64),
                                                   ColumnDef(name: "note", type: .string)]), o)
    }

    @Test func goldenOptionsOfVersion3() throws {
        var m = Manifest()
        var o = TableOptions()
        o.declaredSchema = true
        o.dedupKeys = ["time", "user_id"]
        m.tables["t"] = Manifest.Table(columns: [ColumnDef(name: "time", type: .time)], options: o, symbolCounts: [:], segments: [])
        let text = String(decoding: m.encoded(), as: UTF8.self)
        #expect(text.contains("""
                  "options" : {
                    "columnCompression" : {

                    },
                    "compression" : "lz4",
                    "declaredSchema" : true,
                    "dedupKeys" : [
                      "time",
                      "user_id"
                    ],
                    "sortKey" : [

                    ],
                    "zstdLevel" : 3
                  },
            """), "\(text)")
        #expect(text.contains("\"version\" : 4"))
        #expect(try Manifest.decode(m.encoded(), path: "m") == m)
        // Absent fields (a version-2 table) decode as nil: a table that widens on write, without dedup.
        var plain = m
        plain.tables["t"]!.options = TableOptions()
        let back = try Manifest.decode(plain.encoded(), path: "m")
        #expect(back.tables["t"]!.options.declaredSchema == nil && back.tables["t"]!.options.dedupKeys == nil)
        #expect(!String(decoding: plain.encoded(), as: UTF8.self).contains("declaredSchema"))
    }

    @Test func version2ManifestOpensAndIsRewrittenAsTheCurrentVersion() throws {
        let dir = try F.flushedDatabase(); defer { dir.remove() }
        var m = try Manifest.load(dir.path + "/" + FileNames.manifest)!
        m.version = 2
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        var body = Array(try enc.encode(m)) + [10]
        body += Array("crc32c \(Manifest.hex(CRC32C.checksum(body)))\n".utf8)
        try FileIO.writeFileAtomically(dir.path + "/" + FileNames.manifest, body)
        let db = try Database(path: dir.path, options: F.options())
        #expect(try F.seqs(db, "t") == (0..<100).map(Int64.init))
        try db.write([F.rows("t", 1, first: 100)])
        try db.close()
        #expect(try Manifest.load(dir.path + "/" + FileNames.manifest)?.version == Manifest.currentVersion)
    }

    @Test func createdTableSurvivesACrashAndKeepsRefusingUndeclaredColumns() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let (schema, options) = Self.declared()
        do {
            let db = try Database(path: dir.path, options: F.options())
            #expect(try db.createTable(schema, options: options))
            #expect(try db.createTable(schema, options: options, ifNotExists: true) == false)
            #expect(throws: SchemaError.self) { try db.createTable(schema, options: options) }
            let r = try db.write([F.rows("t", 10)])
            #expect(r.written == 10 && r.rejectedRows == 0)
            var extra = BatchBuilder(table: "t")
            extra.add(time: F.t0, [("host", .tag("h")), ("cpu", .float(1))])
            #expect(try db.write([extra.batch]).rejectedRows == 1)
            #expect(try db.addColumn("t", ColumnDef(name: "cpu", type: .float64)))
            #expect(try db.write([extra.batch]).written == 1)
            // No close: the memtable is lost as in a crash; the manifest and the WAL remain.
        }
        let db = try Database(path: dir.path, options: F.options())
        defer { try? db.close() }
        #expect(db.schema(of: "t")?.columns.map(\.name) == ["time", "host", "seq", "note", "cpu"])
        #expect(db.tableOptions(of: "t") == options)
        #expect(try F.seqs(db, "t") == (0..<10).map(Int64.init))
        #expect(db.partitions(of: "t").map(\.rows) == [11])
        var undeclared = BatchBuilder(table: "t")
        undeclared.add(time: F.t0, [("mem", .int(1))])
        let r = try db.write([undeclared.batch])
        #expect(r.rejected.first?.first?.reason == "field 'mem' is not a column of table 't', whose schema was declared (ALTER TABLE t ADD COLUMN adds it)")
    }

    @Test func refusals() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Database(path: dir.path, options: F.options())
        defer { try? db.close() }
        var (schema, options) = Self.declared()
        options.dedupKeys = ["host"]
        #expect(throws: SchemaError.self) { try db.createTable(schema, options: options) }
        options.dedupKeys = ["time", "nope"]
        #expect(throws: SchemaError.self) { try db.createTable(schema, options: options) }
        schema = TableSchema(table: "MANIFEST", columns: [])
        #expect(throws: SchemaError.self) { try db.createTable(schema, options: TableOptions()) }
        #expect(throws: StorageError.self) { try db.addColumn("nope", ColumnDef(name: "c", type: .int64)) }
        #expect(db.tableNames().isEmpty)
    }

    /// CREATE TABLE on a full disk: the manifest save fails before its rename, so the table exists neither
    /// now nor after a reopen; with room again, the same statement succeeds.
    @Test func createTableOnAFullDiskLeavesNoTable() throws {
        guard let fs = SmallFilesystem(megabytes: 4, purpose: "CREATE TABLE on a full disk") else { return }
        defer { fs.unmount() }
        let dir = fs.path + "/db"
        let (schema, options) = Self.declared()
        do {
            let db = try Database(path: dir, options: F.options())
            let filler = fs.fill()
            #expect(throws: (any Error).self) { try db.createTable(schema, options: options) }
            #expect(db.tableNames().isEmpty)
            FileIO.unlink(filler)
            try db.close()
        }
        let db = try Database(path: dir, options: F.options())
        defer { try? db.close() }
        #expect(db.tableNames().isEmpty)
        #expect(try db.createTable(schema, options: options))
    }

    /// A save that fails after its rename (the directory fsync): the new manifest may be on disk, so the
    /// database refuses further saves until reopened — and after the reopen the table is there, whole.
    @Test func createTableWhoseSaveFailsAfterTheRenameIsThereAfterReopen() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let (schema, options) = Self.declared()
        do {
            let db = try Database(path: dir.path, options: F.options())
            FaultInjection.failDirectorySyncAfterRename(in: dir.path)
            defer { FaultInjection.failDirectorySyncAfterRename(in: nil) }
            #expect(throws: StorageError.self) { try db.createTable(schema, options: options) }
            #expect(db.schema(of: "t") == nil)
        }
        let db = try Database(path: dir.path, options: F.options())
        defer { try? db.close() }
        #expect(db.schema(of: "t") == schema && db.tableOptions(of: "t") == options)
    }

    /// A row the WAL holds was accepted: replay keeps it even when the MANIFEST lacks its column (an
    /// ADD COLUMN whose save failed, then a crash).
    @Test func replayKeepsRowsOfAColumnTheManifestLacks() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let (schema, options) = Self.declared()
        do {
            let db = try Database(path: dir.path, options: F.options())
            try db.createTable(schema, options: options)
            try db.addColumn("t", ColumnDef(name: "cpu", type: .float64))
            var b = BatchBuilder(table: "t")
            b.add(time: F.t0, [("host", .tag("h")), ("cpu", .float(0.5))])
            #expect(try db.write([b.batch]).written == 1)
        }
        let path = dir.path + "/" + FileNames.manifest
        var m = try Manifest.load(path)!
        m.tables["t"]!.columns.removeAll { $0.name == "cpu" }
        try FileIO.writeFileAtomically(path, m.encoded())
        let db = try Database(path: dir.path, options: F.options())
        defer { try? db.close() }
        let rows = try TableReader.rows(db, table: "t")
        #expect(rows.count == 1 && rows.first?["cpu"] == .float((0.5).bitPattern), "\(rows)")
    }
}
