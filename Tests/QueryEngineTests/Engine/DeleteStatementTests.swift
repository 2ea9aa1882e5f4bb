import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

private let t0: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z

/// Seeded rows, written to tsdb (some flushed, some left in the memtable) and to a CSV for DuckDB.
private struct Fixture {
    var csv = "time,artist,user_id,duration_ms,liked\n"
    var batches: [WriteBatch] = []

    init(seed: UInt64, rows: Int) {
        var rng = SeededRandom(seed: seed)
        var b = BatchBuilder(table: "plays")
        for i in 0..<rows {
            let t = t0 + Int64(rng.below(4 * 86_400)) * 1_000_000_000
            let artist = "Artist \(rng.below(6))", user = "u\(rng.below(40))", dur = Int64(rng.below(20_000)), liked = rng.chance(0.3)
            b.add(time: t, [("artist", .tag(artist)), ("user_id", .string(user)), ("duration_ms", .int(dur)), ("liked", .bool(liked))])
            csv += "\(SQLTimestamp.format(t)),\(artist),\(user),\(dur),\(liked)\n"
            if i % 700 == 699 { batches.append(b.batch); b = BatchBuilder(table: "plays") }
        }
        batches.append(b.batch)
    }
}

/// Runs `statements` on DuckDB over the CSV; each answer as rows of text cells.
private func duckdb(csv: String, _ statements: [String]) throws -> [[[String]]] {
    let dir = TempDirectory(); defer { dir.remove() }
    try csv.write(toFile: dir.path + "/plays.csv", atomically: true, encoding: .utf8)
    try JSONSerialization.data(withJSONObject: statements).write(to: URL(fileURLWithPath: dir.path + "/q.json"))
    let script = """
    import duckdb, json, sys
    con = duckdb.connect()
    con.execute("CREATE TABLE plays AS SELECT * FROM read_csv('\(dir.path)/plays.csv', header=true, columns={'time':'TIMESTAMP','artist':'VARCHAR','user_id':'VARCHAR','duration_ms':'BIGINT','liked':'BOOLEAN'})")
    out = []
    for q in json.load(open('\(dir.path)/q.json')):
        rows = con.execute(q).fetchall()
        out.append([[('NULL' if c is None else str(c).lower() if isinstance(c, bool) else str(c)) for c in r] for r in rows])
    print(json.dumps(out))
    """
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", script]
    let pipe = Pipe(), err = Pipe()
    p.standardOutput = pipe
    p.standardError = err
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw QueryError("duckdb failed: \(errText)") }
    return try JSONDecoder().decode([[[String]]].self, from: data)
}

private func text(_ r: QueryResult) -> [[String]] {
    (0..<r.rowCount).map { i in
        r.columns.map { c in
            let v = c.vector
            if v.isNull(i) { return "NULL" }
            switch v.type {
            case .time: return SQLTimestamp.format(v.int64s[i])
            case .int64, .date: return String(v.int64s[i])
            case .uint64: return String(v.uint64s[i])
            case .float64: return String(v.float64s[i])
            case .bool: return v.bools[i] != 0 ? "true" : "false"
            case .string: return v.string(at: i)
            case .symbol: return "?"
            }
        }
    }
}

@Suite("DeleteStatement")
struct DeleteStatementTests {
    @Test func parsesAndPrintsBack() throws {
        let cases = [
            "DELETE FROM plays", "DELETE FROM plays WHERE user_id = 'u1'", "VACUUM", "VACUUM plays",
            "TRUNCATE TABLE plays", "DROP TABLE plays", "DROP TABLE IF EXISTS plays",
        ]
        for sql in cases {
            let s = try SQLParser.parse(sql)
            #expect(s.changesData)
            #expect(try SQLParser.parse(s.description) == s)
        }
        #expect(try SQLParser.parse("truncate plays") == SQLParser.parse("TRUNCATE TABLE plays"))
        #expect(try !SQLParser.parse("SELECT 1").changesData)
        #expect(throws: SQLError.self) { try SQLParser.parse("DELETE plays") }
        #expect(throws: SQLError.self) { try SQLParser.parse("DROP plays") }
        #expect(throws: SQLError.self) { try SQLParser.parse("DELETE FROM plays WHERE") }
        // The words stay usable as column names.
        #expect(try SQLParser.parse("SELECT delete, drop FROM t") != nil)
    }

    /// Each DELETE's count and the table after it equal DuckDB's on the same rows and statements.
    @Test func deletesMatchDuckDB() throws {
        let f = Fixture(seed: 12, rows: 5000)
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        for (i, b) in f.batches.enumerated() {
            try db.write([b])
            if i % 3 == 0 { try db.flush() }
        }
        let e = QueryEngine(database: db, threads: 2)
        let check = "SELECT artist, count(*) AS n, sum(duration_ms) AS d, count(DISTINCT user_id) AS u FROM plays GROUP BY artist ORDER BY artist"
        let deletes = [
            "DELETE FROM plays WHERE user_id = 'u3'",
            "DELETE FROM plays WHERE artist = 'Artist 2' AND time >= '2026-01-02' AND time < '2026-01-03'",
            "DELETE FROM plays WHERE duration_ms % 7 = 0 OR liked",
            "DELETE FROM plays WHERE user_id IN ('u1', 'u2') AND duration_ms > 5000",
            "DELETE FROM plays WHERE user_id LIKE 'u1%'",
        ]
        var statements: [String] = []
        for d in deletes { statements += [d, check] }
        statements += ["DELETE FROM plays", "SELECT count(*) FROM plays"]
        let expected = try duckdb(csv: f.csv, statements)
        for (i, sql) in statements.enumerated() {
            if i == 10 { _ = try e.execute("VACUUM plays") }  // a purge in between changes no answer
            let got = text(try e.execute(sql))
            #expect(got == expected[i], "\(sql)")
        }
    }

    @Test func truncateDropAndErrors() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        try db.write(Fixture(seed: 3, rows: 300).batches)
        let e = QueryEngine(database: db, threads: 2)
        #expect(text(try e.execute("TRUNCATE TABLE plays")) == [["300"]])
        #expect(text(try e.execute("SELECT count(*) FROM plays")) == [["0"]])
        #expect(text(try e.execute("DROP TABLE plays")) == [["0"]])
        #expect(text(try e.execute("DROP TABLE IF EXISTS plays")) == [["0"]])
        #expect(throws: QueryError.self) { try e.execute("DROP TABLE plays") }
        #expect(throws: QueryError.self) { try e.execute("DELETE FROM nope WHERE x = 1") }
        try db.write(Fixture(seed: 4, rows: 10).batches)
        #expect(throws: QueryError.self) { try e.execute("DELETE FROM plays WHERE nope = 1") }
        #expect(throws: QueryError.self) { try e.execute("DELETE FROM plays WHERE count(*) > 1") }
        #expect(text(try e.execute("SELECT count(*) FROM plays")) == [["10"]])
    }
}
