import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

private let sep1: Int64 = 1_788_220_800_000_000_000  // 2026-09-01T00:00:00Z
private let day: Int64 = 86_400_000_000_000

private let playsDDL = """
    CREATE TABLE plays (time TIMESTAMP, artist SYMBOL, user_id VARCHAR, duration_ms BIGINT, revenue DOUBLE, liked BOOLEAN)
    WITH (retention = '3650 days', compression = 'zstd') DEDUP UPSERT KEYS (time, user_id)
    """

private func options() -> DatabaseOptions {
    var o = DatabaseOptions()
    o.background = false
    return o
}

@Suite("DDL")
struct DDLTests {
    @Test func createTablePersistsItsDeclaredSchemaAndOptions() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        do {
            let db = try Database(path: dir.path, options: options())
            let e = QueryEngine(database: db, threads: 2)
            #expect(try e.rows(playsDDL) == [["created table plays"]])
            #expect(try e.rows("CREATE TABLE IF NOT EXISTS plays (time TIMESTAMP)") == [["table plays exists"]])
            #expect(throws: QueryError.self) { try e.execute("CREATE TABLE plays (time TIMESTAMP)") }
            try db.close()
        }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        let e = QueryEngine(database: db, threads: 2)
        #expect(try e.rows("SELECT column_name, data_type, kind FROM tsdb_columns WHERE table_name = 'plays' ORDER BY position") == [
            ["time", "TIMESTAMP", "time"], ["artist", "SYMBOL", "tag"], ["user_id", "VARCHAR", "field"],
            ["duration_ms", "BIGINT", "field"], ["revenue", "DOUBLE", "field"], ["liked", "BOOLEAN", "field"],
        ])
        let o = try #require(db.tableOptions(of: "plays"))
        #expect(o.retentionDays == 3650 && o.compression == .zstd && o.declaredSchema == true && o.dedupKeys == ["time", "user_id"])
        #expect(try e.rows("SELECT count(*) FROM plays") == [["0"]])
        #expect(try e.rows("SELECT retention_days, compression, dedup_keys, declared_schema FROM tsdb_tables") == [["3650", "zstd", "time, user_id", "true"]])
    }

    @Test(arguments: [
        ("CREATE TABLE t (time BIGINT)", "column 'time' is the designated timestamp"),
        ("CREATE TABLE t (time TIMESTAMP, ts TIMESTAMP)", "only 'time', the designated timestamp, may be a TIMESTAMP"),
        ("CREATE TABLE t (time TIMESTAMP, a BIGINT, a DOUBLE)", "column 'a' is declared twice"),
        ("CREATE TABLE t (time TIMESTAMP, a BIGINT) DEDUP UPSERT KEYS (time, b)", "dedup key 'b' is not a column"),
        ("CREATE TABLE t (time TIMESTAMP, a BIGINT) DEDUP UPSERT KEYS (a)", "must include the designated timestamp"),
        ("CREATE TABLE t (time TIMESTAMP) WITH (retention = '1 month')", "whole days or weeks"),
        ("CREATE TABLE t (time TIMESTAMP) WITH (compression = 'gzip')", "compression must be"),
        ("CREATE TABLE t (time TIMESTAMP) WITH (ttl = '1 day')", "unknown table setting 'ttl'"),
        ("CREATE TABLE tsdb_tables (time TIMESTAMP)", "is a system table"),
        ("CREATE TABLE \"a/b\" (time TIMESTAMP)", "table name 'a/b'"),
    ])
    func createTableRefusals(sql: String, message: String) throws {
        try withEngine { e, db, _ in
            do {
                _ = try e.execute(sql)
                Issue.record("accepted: \(sql)")
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
            #expect(db.tableNames().isEmpty)
        }
    }

    @Test func insertValuesConvertsAndAnswersTheRowCount() throws {
        try withEngine { e, _, _ in
            _ = try e.execute(playsDDL)
            #expect(try e.rows("""
                INSERT INTO plays VALUES (TIMESTAMP '2026-09-01 10:00:00', 'Artist 1', 'u1', 1000, 0.5, true),
                  ('2026-09-02T11:00:00Z', 'Artist 2', 'u2', 2000.0, 1, false), ('2026-09-02 12:00:00', NULL, 'u3', NULL, NULL, NULL)
                """) == [["3"]])
            #expect(try e.rows("INSERT INTO plays (user_id, time, artist) VALUES ('u4', '2026-09-03', 'Artist' || ' 1')") == [["1"]])
            #expect(try e.rows("SELECT time, artist, user_id, duration_ms, revenue, liked FROM plays ORDER BY time") == [
                ["2026-09-01 10:00:00", "Artist 1", "u1", "1000", "0.5", "true"],
                ["2026-09-02 11:00:00", "Artist 2", "u2", "2000", "1", "false"],
                ["2026-09-02 12:00:00", "NULL", "u3", "NULL", "NULL", "NULL"],
                ["2026-09-03 00:00:00", "Artist 1", "u4", "NULL", "NULL", "NULL"],
            ])
            // Tags stay tags: the artist filter runs on dictionary codes.
            #expect(try e.rows("SELECT count(*) FROM plays WHERE artist = 'Artist 1'") == [["2"]])
        }
    }

    @Test func insertWithoutTimeUsesTheStatementClock() throws {
        try withEngine { e, _, _ in
            _ = try e.execute("CREATE TABLE t (time TIMESTAMP, a BIGINT)")
            #expect(try e.rows("INSERT INTO t (a) VALUES (1), (2)", now: sep1) == [["2"]])
            #expect(try e.rows("SELECT time, sum(a) FROM t GROUP BY time") == [["2026-09-01 00:00:00", "3"]])
        }
    }

    @Test(arguments: [
        ("INSERT INTO t VALUES ('2026-09-01', 1)", "VALUES row has 2 values for 3 columns"),
        ("INSERT INTO t (time, nope) VALUES ('2026-09-01', 1)", "table 't' has no column 'nope'"),
        ("INSERT INTO t (time, a, a) VALUES ('2026-09-01', 1, 2)", "column 'a' is named twice"),
        ("INSERT INTO t (time, a) VALUES ('2026-09-01', 1.5)", "1.5 is not a whole number"),
        ("INSERT INTO t (time, a) VALUES ('2026-09-01', 'x')", "'x' is not an integer"),
        ("INSERT INTO t (time, a) VALUES ('yesterday', 1)", "'yesterday' is not a timestamp"),
        ("INSERT INTO t (time, a) VALUES (NULL, 1)", "column 'time' must not be NULL"),
        ("INSERT INTO t (time, a) VALUES ('2026-09-01', a)", "unknown column 'a'"),
        ("INSERT INTO nope VALUES (1)", "unknown table 'nope'"),
        ("INSERT INTO tsdb_tables VALUES (1)", "read-only"),
    ])
    func insertRefusalsWriteNothing(sql: String, message: String) throws {
        try withEngine { e, _, _ in
            _ = try e.execute("CREATE TABLE t (time TIMESTAMP, a BIGINT, s VARCHAR)")
            do {
                _ = try e.execute(sql)
                Issue.record("accepted: \(sql)")
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
            #expect(try e.rows("SELECT count(*) FROM t") == [["0"]])
        }
    }

    @Test func insertSelectAndCreateTableAsSelect() throws {
        try withEngine { e, db, _ in
            var b = BatchBuilder(table: "raw")
            for i in 0..<300 {
                b.add(time: sep1 + Int64(i) * day / 10, [("artist", .tag("A\(i % 3)")), ("duration_ms", .int(Int64(i))), ("user_id", .string("u\(i % 7)"))])
            }
            try db.write([b.batch])
            try db.flush()
            _ = try e.execute("CREATE TABLE copy (time TIMESTAMP, artist SYMBOL, d BIGINT)")
            #expect(try e.rows("INSERT INTO copy (time, artist, d) SELECT time, artist, duration_ms FROM raw WHERE duration_ms >= 100") == [["200"]])
            let expected = try e.rows("SELECT artist, count(*), sum(duration_ms) FROM raw WHERE duration_ms >= 100 GROUP BY artist ORDER BY artist")
            #expect(try e.rows("SELECT artist, count(*), sum(d) FROM copy GROUP BY artist ORDER BY artist") == expected)
            #expect(try e.rows("""
                CREATE TABLE daily WITH (retention = '400 days') AS
                SELECT date_trunc('day', time) AS time, artist, count(*) AS plays, count(DISTINCT user_id) AS listeners
                FROM raw GROUP BY 1, 2
                """) == [["created table daily with 90 rows"]])
            #expect(try e.rows("SELECT column_name, data_type FROM tsdb_columns WHERE table_name = 'daily' ORDER BY position")
                == [["time", "TIMESTAMP"], ["artist", "SYMBOL"], ["plays", "BIGINT"], ["listeners", "BIGINT"]])
            #expect(try e.rows("SELECT sum(plays) FROM daily") == [["300"]])
            #expect(throws: QueryError.self) { try e.execute("CREATE TABLE bad AS SELECT artist FROM raw") }
            #expect(db.schema(of: "bad") == nil)
        }
    }

    @Test func declaredSchemaRejectsMismatchingLinesPerLine() throws {
        try withEngine { e, db, _ in
            _ = try e.execute("CREATE TABLE plays (time TIMESTAMP, artist SYMBOL, duration_ms BIGINT)")
            var b = BatchBuilder(table: "plays")
            b.add(time: sep1, [("artist", .tag("A")), ("duration_ms", .int(1))])
            b.add(time: sep1 + 1, [("artist", .tag("A")), ("country", .tag("SE"))])  // undeclared tag
            b.add(time: sep1 + 3, [("artist", .tag("C"))])
            var wrong = BatchBuilder(table: "plays")
            wrong.add(time: sep1 + 2, [("artist", .tag("B")), ("duration_ms", .float(1.5))])  // wrong type
            let r = try db.write([b.batch, wrong.batch])
            #expect(r.written == 2)
            #expect(r.rejected[0].map(\.row) == [1] && r.rejected[1].map(\.row) == [0])
            #expect(r.rejected[0].first?.reason.contains("tag 'country' is not a column of table 'plays', whose schema was declared") == true)
            #expect(r.rejected[1].first?.reason.contains("duration_ms") == true)
            #expect(db.schema(of: "plays")?.count == 3)
            _ = try e.execute("ALTER TABLE plays ADD COLUMN country SYMBOL")
            #expect(try db.write([b.batch, wrong.batch]).rejectedRows == 1)  // now only the wrong type
            #expect(try e.rows("SELECT artist, country FROM plays WHERE country IS NOT NULL") == [["A", "SE"]])
        }
    }

    @Test func alterTable() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let now = sep1 + 100 * day
        do {
            let db = try Database(path: dir.path, options: options())
            let e = QueryEngine(database: db, threads: 2)
            _ = try e.execute("CREATE TABLE t (time TIMESTAMP, a BIGINT)")
            _ = try e.execute("INSERT INTO t VALUES ('2026-09-01', 1), ('2026-11-01', 2), ('2026-12-01', 3)")
            try db.flush()
            #expect(try e.rows("ALTER TABLE t ADD COLUMN c DOUBLE") == [["added column c to t"]])
            #expect(try e.rows("ALTER TABLE t ADD COLUMN IF NOT EXISTS c DOUBLE") == [["column c exists"]])
            #expect(throws: QueryError.self) { try e.execute("ALTER TABLE t ADD COLUMN c BIGINT") }
            #expect(throws: QueryError.self) { try e.execute("ALTER TABLE t ADD COLUMN d TIMESTAMP") }
            _ = try e.execute("INSERT INTO t (time, a, c) VALUES ('2026-12-02', 4, 0.25)")
            #expect(try e.rows("ALTER TABLE t SET (retention = '60 days', compression = 'zstd')", now: now)
                == [["altered table t; retention dropped 1 partitions"]])
            #expect(try e.rows("SELECT a, c FROM t ORDER BY a") == [["2", "NULL"], ["3", "NULL"], ["4", "0.25"]])
            #expect(throws: QueryError.self) { try e.execute("ALTER TABLE t SET (retention = 'soon')") }
            try db.close()
        }
        let db = try Database(path: dir.path, options: options())
        defer { try? db.close() }
        let e = QueryEngine(database: db, threads: 2)
        #expect(db.tableOptions(of: "t")?.retentionDays == 60 && db.tableOptions(of: "t")?.compression == .zstd)
        #expect(try e.rows("SELECT a, c FROM t ORDER BY a") == [["2", "NULL"], ["3", "NULL"], ["4", "0.25"]])
        _ = try e.execute("ALTER TABLE t SET (retention = 'none')")
        #expect(db.tableOptions(of: "t")?.retentionDays == nil)
    }

    @Test func partitionsAndSegments() throws {
        try withEngine { e, db, _ in
            _ = try e.execute("CREATE TABLE plays (time TIMESTAMP, artist SYMBOL)")
            _ = try e.execute("""
                INSERT INTO plays VALUES ('2026-09-01 01:00', 'A'), ('2026-09-01 02:00', 'B'), ('2026-09-03 05:00', 'A'),
                  ('2026-10-01', 'B')
                """)
            try db.flush()
            _ = try e.execute("INSERT INTO plays VALUES ('2026-09-03 06:00', 'B'), ('2026-09-07', 'C')")  // memtable
            #expect(try e.rows("SHOW PARTITIONS FROM plays") == [
                ["2026-09-01 00:00:00", "2", "0", textRows(try e.execute("SELECT bytes FROM tsdb_segments WHERE day = '2026-09-01'"))[0][0], "1", "2026-09-01 01:00:00", "2026-09-01 02:00:00", "0"],
                ["2026-09-03 00:00:00", "2", "1", textRows(try e.execute("SELECT bytes FROM tsdb_segments WHERE day = '2026-09-03'"))[0][0], "1", "2026-09-03 05:00:00", "2026-09-03 06:00:00", "0"],
                ["2026-09-07 00:00:00", "1", "1", "0", "0", "2026-09-07 00:00:00", "2026-09-07 00:00:00", "0"],
                ["2026-10-01 00:00:00", "1", "0", textRows(try e.execute("SELECT bytes FROM tsdb_segments WHERE day = '2026-10-01'"))[0][0], "1", "2026-10-01 00:00:00", "2026-10-01 00:00:00", "0"],
            ])
            #expect(try e.rows("SELECT count(*), sum(rows) FROM tsdb_segments WHERE table_name = 'plays'") == [["3", "4"]])
            // Which days of September hold data: per table from the catalog, per artist from the rows.
            #expect(try e.rows("SELECT day FROM tsdb_partitions WHERE table_name = 'plays' AND day >= '2026-09-01' AND day < '2026-10-01' ORDER BY day")
                == [["2026-09-01 00:00:00"], ["2026-09-03 00:00:00"], ["2026-09-07 00:00:00"]])
            #expect(try e.rows("""
                SELECT DISTINCT date_trunc('day', time) AS day FROM plays
                WHERE artist IN ('A', 'C') AND time >= '2026-09-01' AND time < '2026-10-01' ORDER BY day
                """) == [["2026-09-01 00:00:00"], ["2026-09-03 00:00:00"], ["2026-09-07 00:00:00"]])
            #expect(throws: QueryError.self) { try e.execute("SHOW PARTITIONS FROM nope") }
        }
    }

    @Test func largeInsertsAreCutIntoBoundedWrites() {
        var id = ColumnVector(type: .int64), text = ColumnVector(type: .string)
        for i in 0..<10 {
            id.append(int64: Int64(i))
            text.append(string: String(repeating: "x", count: i == 4 ? 1000 : 10))
        }
        let r = QueryResult(columns: [ResultColumn(name: "id", vector: id), ResultColumn(name: "s", vector: text)])
        // 24 fixed bytes a row, plus 4 and the string: 38 for most rows, 1028 for row 4.
        #expect(Inserter.chunkEnd(r, from: 0, maxRows: 3, maxBytes: 1 << 20) == 3)
        #expect(Inserter.chunkEnd(r, from: 0, maxRows: 100, maxBytes: 200) == 4)
        #expect(Inserter.chunkEnd(r, from: 4, maxRows: 100, maxBytes: 200) == 5, "a row over the limit still goes, alone")
        #expect(Inserter.chunkEnd(r, from: 5, maxRows: 100, maxBytes: 200) == 10)
        #expect(Inserter.chunkEnd(r, from: 10) == 10)
    }
}
