import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// The data-lifecycle statements' remaining contracts: a DELETE scanning on many threads deletes exactly
/// what one thread does; `CREATE TABLE … AS SELECT` that fails leaves no table; `tsdb_*` names are the
/// system tables'.
@Suite("LifecycleStatement")
struct LifecycleStatementTests {
    static let t0: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z

    /// A database of `rows` seeded plays over 6 days, flushed into many segments of several blocks.
    static func database(_ dir: TempDirectory, seed: UInt64, rows: Int) throws -> Database {
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path, options: o)
        var rng = SeededRandom(seed: seed)
        var b = BatchBuilder(table: "plays")
        for i in 0..<rows {
            let t = t0 + Int64(rng.below(6 * 86_400)) * 1_000_000_000 + Int64(i)
            b.add(time: t, [("artist", .tag("Artist \(rng.below(9))")), ("user_id", .string("u\(rng.below(300))")),
                            ("duration_ms", .int(Int64(rng.below(300_000)))), ("seq", .int(Int64(i)))])
            if i % 9_000 == 8_999 {
                try db.write([b.batch])
                try db.flush()
                b = BatchBuilder(table: "plays")
            }
        }
        try db.write([b.batch])  // the rest stays in the memtable: DELETE flushes it first
        return db
    }

    static func seqs(_ e: QueryEngine) throws -> [Int64] {
        let r = try e.execute("SELECT seq FROM plays ORDER BY seq")
        return r.columns[0].vector.int64s
    }

    @Test func parallelDeleteEqualsOneThread() throws {
        let one = TempDirectory(), many = TempDirectory()
        defer { one.remove(); many.remove() }
        let dbOne = try Self.database(one, seed: 41, rows: 60_000), dbMany = try Self.database(many, seed: 41, rows: 60_000)
        defer { try? dbOne.close(); try? dbMany.close() }
        let e1 = QueryEngine(database: dbOne, threads: 1), e4 = QueryEngine(database: dbMany, threads: 4)
        #expect(dbMany.partitions(of: "plays").reduce(0) { $0 + $1.segments } >= 6)
        let deletes = [
            "DELETE FROM plays WHERE user_id = 'u17'",
            "DELETE FROM plays WHERE artist = 'Artist 3' AND time >= '2026-01-02' AND time < '2026-01-04'",
            "DELETE FROM plays WHERE duration_ms % 11 = 0",
            "DELETE FROM plays WHERE user_id = 'u17'",  // nothing left to delete
            "DELETE FROM plays WHERE seq % 2 = 1 OR user_id LIKE 'u2%'",
        ]
        for sql in deletes {
            let before = try Self.seqs(e4).count
            let n1 = try e1.execute(sql).columns[0].vector.int64s[0]
            let n4 = try e4.execute(sql).columns[0].vector.int64s[0]
            #expect(n1 == n4, "\(sql)")
            #expect(Int64(before) - n4 == Int64(try Self.seqs(e4).count), "\(sql)")
            #expect(try Self.seqs(e1) == Self.seqs(e4), "\(sql)")
        }
        #expect(try Self.seqs(e4).count > 1_000)
        // An error while the threads scan (the WHERE fails on some rows) deletes nothing.
        let before = try Self.seqs(e4)
        #expect(throws: QueryError.self) { try e4.execute("DELETE FROM plays WHERE CAST(user_id AS BIGINT) > 0") }
        #expect(try Self.seqs(e4) == before)
    }

    @Test func failedCreateTableAsSelectLeavesNoTable() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Self.database(dir, seed: 5, rows: 2_000)
        defer { try? db.close() }
        let e = QueryEngine(database: db, threads: 2)
        // The rows are from January 2026; "now" is a year later, so a 30-day retention rejects them.
        let now = Self.t0 + 365 * 86_400 * 1_000_000_000
        do {
            _ = try e.execute("CREATE TABLE recent WITH (retention = '30 days') AS SELECT time, artist, user_id FROM plays", now: now)
            Issue.record("CREATE TABLE … AS SELECT of rows beyond the retention succeeded")
        } catch let error as QueryError {
            #expect(error.message.contains("beyond") && error.message.hasSuffix("the table was not created"), "\(error.message)")
        }
        #expect(db.schema(of: "recent") == nil)
        #expect(try e.execute("SELECT count(*) FROM tsdb_tables WHERE table_name = 'recent'").columns[0].vector.int64s == [0])
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/recent"))
        // The same statement within the retention succeeds whole.
        let r = try e.execute("CREATE TABLE recent WITH (retention = '3650 days') AS SELECT time, artist, user_id FROM plays", now: now)
        #expect(r.columns[0].vector.string(at: 0) == "created table recent with 2000 rows")
        #expect(try e.execute("SELECT count(*) FROM recent").columns[0].vector.int64s == [2_000])
    }

    @Test func systemTableNamesAreRefused() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let db = try Self.database(dir, seed: 6, rows: 100)
        defer { try? db.close() }
        let e = QueryEngine(database: db, threads: 2)
        for sql in ["CREATE TABLE tsdb_tables (time TIMESTAMP, x BIGINT)", "CREATE TABLE tsdb_mine (time TIMESTAMP, x BIGINT)",
                    "CREATE TABLE tsdb_copy AS SELECT time, seq FROM plays"] {
            do {
                _ = try e.execute(sql)
                Issue.record("\(sql) succeeded")
            } catch let error as QueryError {
                #expect(error.message.contains("system table"), "\(sql): \(error.message)")
            }
        }
        #expect(db.tableNames() == ["plays"])
    }
}
