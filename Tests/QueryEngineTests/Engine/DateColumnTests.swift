import ColumnStore
import Foundation
import Testing
import TestSupport
@testable import QueryEngine

/// DATE table columns: the new column type (id 7) in the manifest and the segment footer, segments
/// written before it still read, and DATE values out through COPY (CSV, JSON, Parquet read back by DuckDB).
@Suite struct DateColumnTests {
    /// `Tests/Fixtures/before-date`: a database written by the build before DATE columns (3 rows, 2 segments).
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/before-date").path

    static func rows(_ r: QueryResult) -> [[String]] {
        (0..<r.rowCount).map { i in
            r.columns.map { c in
                let v = c.vector
                if v.isNull(i) { return "NULL" }
                switch v.type {
                case .string: return v.string(at: i)
                case .int64, .time, .date: return String(v.int64s[i])
                case .uint64: return String(v.uint64s[i])
                case .float64: return String(v.float64s[i])
                case .bool: return v.bools[i] != 0 ? "true" : "false"
                case .symbol: return "?"
                }
            }
        }
    }

    static func text(_ r: QueryResult) -> String { ResultFormatter.string(r, as: .csv) }

    /// Runs a Python script; its exit status and output (standard output and error).
    static func python(_ script: String) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func open(_ path: String) throws -> Database {
        var o = DatabaseOptions()
        o.background = false
        return try Database(path: path, options: o)
    }

    @Test func segmentsFromBeforeDateColumnsReadAndTakeOne() throws {
        let dir = TempDirectory("date-columns"); defer { dir.remove() }
        try FileManager.default.copyItem(atPath: Self.fixture + "/default", toPath: dir.path + "/db")
        let db = try Self.open(dir.path + "/db")
        defer { try? db.close() }
        let e = QueryEngine(database: db, threads: 2)
        #expect(Self.text(try e.execute("SELECT time, artist, duration_ms, liked, title FROM plays ORDER BY time")) ==
                "time,artist,duration_ms,liked,title\n2026-03-01T00:00:00Z,A,100,true,\n2026-03-02T00:00:00Z,B,200,false,\n2026-03-02T00:00:01Z,A,300,,x\n")
        _ = try e.execute("ALTER TABLE plays ADD COLUMN due DATE")
        _ = try e.execute("INSERT INTO plays (time, artist, due) VALUES ('2026-03-02 05:00', 'C', '2026-04-30'), ('2026-03-03 05:00', 'C', NULL)")
        try db.flush()
        let r = try e.execute("SELECT artist, due FROM plays ORDER BY time")
        #expect(r.columns[1].typeName == "date")
        #expect(Self.rows(r) == [["A", "NULL"], ["B", "NULL"], ["A", "NULL"], ["C", "2026-04-30"], ["C", "NULL"]])
        #expect(Self.rows(try e.execute("DESCRIBE plays")).map { Array($0.prefix(2)) }.last == ["due", "DATE"])
        // The type is recorded as "date" in the manifest and as id 7 in the new segments' footers.
        let manifest = try String(contentsOfFile: dir.path + "/db/MANIFEST", encoding: .utf8)
        #expect(manifest.contains("\"date\""), "\(manifest)")
        let segments = try FileManager.default.subpathsOfDirectory(atPath: dir.path + "/db/plays").filter { $0.hasSuffix(".seg") }
        let descriptor: [UInt8] = [3, 0] + Array("due".utf8) + [7]
        func holdsDate(_ s: String) throws -> Bool {
            Array(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/db/plays/" + s))).firstRange(of: descriptor) != nil
        }
        let old = ["2026-03-01/0000000000000001.seg", "2026-03-02/0000000000000002.seg"]
        #expect(Set(old).isSubset(of: segments) && segments.count > 2, "\(segments)")
        #expect(try old.allSatisfy { try !holdsDate($0) })
        #expect(try segments.filter { !old.contains($0) }.contains { try holdsDate($0) })
        // Reopened: the schema and the values come back from the files.
        try db.close()
        let again = try Self.open(dir.path + "/db")
        defer { try? again.close() }
        let e2 = QueryEngine(database: again, threads: 2)
        #expect(Self.rows(try e2.execute("SELECT max(due), count(due), min(due) FROM plays")) == [["2026-04-30", "1", "2026-04-30"]])
    }

    /// Block statistics of a DATE column prune its blocks; the answers are those of the unpruned plan.
    @Test func statisticsPruneDateBlocks() throws {
        let dir = TempDirectory("date-prune"); defer { dir.remove() }
        let db = try Self.open(dir.path)
        defer { try? db.close() }
        let e = QueryEngine(database: db, threads: 2)
        _ = try e.execute("CREATE TABLE bills (time TIMESTAMP, due DATE, amount BIGINT)")
        // Three flushes, three segments on one day, each with its own range of due dates.
        for k in 0..<3 {
            let values = (0..<50).map { i in "(TIMESTAMP '2026-03-01 00:00:00' + INTERVAL \(k * 50 + i) SECOND, DATE '2026-0\(k + 4)-01' + \(i % 28), \(i))" }
            _ = try e.execute("INSERT INTO bills VALUES " + values.joined(separator: ", "))
            try db.flush()
        }
        for (predicate, read) in [("due = DATE '2026-05-03'", 1), ("due >= '2026-06-01'", 1), ("due < DATE '2026-05-01'", 1), ("due BETWEEN '2026-04-20' AND '2026-05-02'", 2)] {
            let lines = try e.execute("EXPLAIN SELECT sum(amount) FROM bills WHERE \(predicate)").columns[0].vector
            let plan = (0..<lines.count).map { lines.string(at: $0) }.joined(separator: "\n")
            #expect(plan.contains("blocks: \(read) of 3 read"), "\(predicate)\n\(plan)")
            let unpruned = try e.execute("SELECT sum(amount) FROM bills WHERE \(predicate.replacingOccurrences(of: "due", with: "(due + 0)"))")
            #expect(Self.rows(try e.execute("SELECT sum(amount) FROM bills WHERE \(predicate)")) == Self.rows(unpruned), "\(predicate)")
        }
    }

    /// COPY of a DATE column: CSV and JSON text, Parquet INT32 DATE that DuckDB reads as DATE.
    @Test func dateColumnsLeaveThroughCopy() throws {
        let dir = TempDirectory("date-copy"); defer { dir.remove() }
        let db = try Self.open(dir.path + "/db")
        defer { try? db.close() }
        let e = QueryEngine(database: db, threads: 2)
        _ = try e.execute("CREATE TABLE t (time TIMESTAMP, d DATE)")
        _ = try e.execute("INSERT INTO t VALUES ('2026-03-01 10:00', '2026-03-01'), ('2026-03-02 10:00', NULL), ('2026-03-03 10:00', '0001-01-01')")
        _ = try e.execute("COPY t TO '\(dir.path)/t.csv'")
        #expect(try String(contentsOfFile: dir.path + "/t.csv", encoding: .utf8) ==
                "time,d\n2026-03-01T10:00:00Z,2026-03-01\n2026-03-02T10:00:00Z,\n2026-03-03T10:00:00Z,0001-01-01\n")
        _ = try e.execute("COPY (SELECT d FROM t ORDER BY time) TO '\(dir.path)/t.json' (FORMAT json)")
        let json = try String(contentsOfFile: dir.path + "/t.json", encoding: .utf8)
        #expect(json.contains("\"d\":\"2026-03-01\"") && json.contains("\"d\":null") && json.contains("\"d\":\"0001-01-01\""), "\(json)")
        _ = try e.execute("COPY t TO '\(dir.path)/t.parquet'")
        let (status, out) = try Self.python("""
            import duckdb
            print(duckdb.sql("SELECT typeof(d), d FROM '\(dir.path)/t.parquet' ORDER BY time").fetchall())
            """)
        #expect(status == 0 && out.contains("[('DATE', datetime.date(2026, 3, 1)), ('DATE', None), ('DATE', datetime.date(1, 1, 1))]"), "\(out)")
    }
}
