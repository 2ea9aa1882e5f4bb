import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// `compaction_compression` in `WITH (…)` and `ALTER TABLE … SET (…)`, and how `compression` sets both.
@Suite struct CompactionCompressionSettingTests {
    @Test func settingsChooseTheCompactedCompression() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        let e = QueryEngine(database: db, threads: 2)
        _ = try e.rows("CREATE TABLE a (time TIMESTAMP, x DOUBLE)")
        #expect(db.tableOptions(of: "a")?.compactedCompression == nil, "the default: the table's compression")
        #expect(db.tableOptions(of: "a")?.compacted.compression == .lz4)
        _ = try e.rows("CREATE TABLE b (time TIMESTAMP, x DOUBLE) WITH (compression = 'lz4')")
        #expect(db.tableOptions(of: "b")?.compacted.compression == .lz4, "an explicit compression covers compaction too")
        _ = try e.rows("CREATE TABLE c (time TIMESTAMP, x DOUBLE) WITH (compaction_compression = 'none', compression = 'lz4')")
        #expect(db.tableOptions(of: "c")?.compression == .lz4 && db.tableOptions(of: "c")?.compactedCompression == CompressionKind.none)
        _ = try e.rows("ALTER TABLE a SET (compaction_compression = 'zstd')")
        #expect(db.tableOptions(of: "a")?.compression == .lz4 && db.tableOptions(of: "a")?.compacted.compression == .zstd)
        do {
            _ = try e.rows("ALTER TABLE a SET (compaction_compression = 'brotli')")
            Issue.record("accepted an unknown compression")
        } catch let error as QueryError {
            #expect(error.message.contains("compaction_compression must be 'lz4', 'zstd' or 'none', not 'brotli'"))
        }
    }
}
