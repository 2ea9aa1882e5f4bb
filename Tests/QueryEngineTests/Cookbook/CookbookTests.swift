import ColumnStore
import Foundation
import QueryEngine
import Testing

/// docs/cookbook.md runs as tests: its `-- name: cookbook_…` queries on the differential test's play
/// events in tsdb and in DuckDB (the answers must agree), and its `-- run: …` blocks that change data on
/// their own database, checked against the raw rows. The page cannot drift from what the engine does.
@Suite("Cookbook", .serialized)
struct CookbookTests {
    /// One SQL block of the cookbook: its first line (`-- name: x` or `-- run: kind`) and its statements.
    struct Block {
        var tag: String
        var value: String
        var sql: String

        /// The block's statements, split at semicolons that end a line.
        var statements: [String] {
            sql.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .map { $0.hasSuffix(";") ? String($0.dropLast()) : $0 }.filter { !$0.isEmpty }
        }
    }

    static let path = DifferentialSetup.repository.appendingPathComponent("docs/cookbook.md").path

    /// Every ```sql block of docs/cookbook.md that starts with `-- name:` or `-- run:`.
    static func blocks() throws -> [Block] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var out: [Block] = []
        var current: [String]?
        for line in text.components(separatedBy: "\n") {
            if current == nil, line.hasPrefix("```sql") { current = []; continue }
            guard var lines = current else { continue }
            if line.hasPrefix("```") {
                if let first = lines.first, let m = first.firstMatch(of: /^--\s*(name|run):\s*(\S+)/) {
                    out.append(Block(tag: String(m.1), value: String(m.2), sql: lines.dropFirst().joined(separator: "\n")))
                }
                current = nil
                continue
            }
            lines.append(line)
            current = lines
        }
        return out
    }

    static let names: [String] = (try? blocks().filter { $0.tag == "name" }.map(\.value)) ?? ["docs/cookbook.md not readable"]

    /// DuckDB's answers to the named queries (computed once, cached by the text like the differential test's).
    static let answers: Result<[String: DuckDBAnswers.Case], any Error> = Result {
        try DifferentialSetup.checkPython()
        let data = try DifferentialSetup.playsData()
        var file = ""
        for b in try blocks() where b.tag == "name" { file += "-- name: \(b.value)\n\(b.sql)\n\n" }
        var key = Data(file.utf8)
        key += try Data(contentsOf: URL(fileURLWithPath: DifferentialSetup.oracle))
        key += Data("\(DifferentialSetup.rows) \(DifferentialSetup.dataSeed)".utf8)
        let base = DifferentialSetup.cacheDirectory + "/cookbook-" + String(DifferentialSetup.fnv1a(key), radix: 16)
        if !FileManager.default.fileExists(atPath: base + ".json") {
            try file.write(toFile: base + ".sql", atomically: true, encoding: .utf8)
            let out = try DifferentialSetup.run(DifferentialSetup.python, [DifferentialSetup.oracle, "--parquet", data + "/plays.parquet",
                                                                           "--queries-sql", base + ".sql", "--out", base + ".tmp", "--random", "0"])
            guard out.status == 0 else { throw DifferentialError("differential.py failed (exit \(out.status)): \(out.stderr)") }
            try FileManager.default.moveItem(atPath: base + ".tmp", toPath: base + ".json")
        }
        let answers = try DuckDBAnswers.load(base + ".json")
        return Dictionary(answers.cases.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    @Test("cookbook queries answer as DuckDB does", arguments: names)
    func named(_ name: String) throws {
        let fixture = try DifferentialFixture.shared.get()
        let c = try #require(try Self.answers.get()[name], "DuckDB has no answer for \(name)")
        #expect(c.error == nil, "DuckDB refused \(name): \(c.error ?? "")")
        let result = try fixture.engine.execute(c.sql)
        #expect(result.rowCount > 0, "\(name) answers nothing on the test data")
        if let d = ResultComparison().difference(tsdb: Cell.rows(of: result), duckdb: try c.cells(), ordered: c.ordered, names: c.names) {
            Issue.record("\(name): \(d)\n\(c.sql)")
        }
    }

    /// The differential test's play events from September 2026 on (what the tests that change data
    /// need, in a sixth of the load time), as a line-protocol file made once.
    static let recentPlays: Result<String, any Error> = Result {
        let data = try DifferentialSetup.playsData()
        let path = data + "/plays-since-2026-09.lp"
        if FileManager.default.fileExists(atPath: path) { return path }
        let since = 1_788_220_800_000_000_000  // 2026-09-01T00:00:00Z
        let text = try String(contentsOfFile: data + "/plays.lp", encoding: .utf8)
        var kept = ""
        for line in text.split(separator: "\n") where Int(line.split(separator: " ").last ?? "").map({ $0 >= since }) == true {
            kept += line + "\n"
        }
        try kept.write(toFile: path + ".tmp-\(getpid())", atomically: true, encoding: .utf8)
        try? FileManager.default.moveItem(atPath: path + ".tmp-\(getpid())", toPath: path)
        return path
    }

    /// A fresh database holding the play events since September 2026.
    static func freshPlays() throws -> (Database, QueryEngine, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tsdb-cookbook-\(UUID().uuidString)").path
        var options = DatabaseOptions()
        options.durability = .none
        let db = try Database(path: dir, options: options)
        _ = try PlaysLoader.load(lp: try recentPlays.get(), into: db)
        return (db, QueryEngine(database: db, threads: 2), dir)
    }

    /// Rows as sorted text, to compare answers whatever their order.
    static func rows(_ r: QueryResult) -> [String] {
        Cell.rows(of: r).map { ResultComparison.show($0) }.sorted()
    }

    @Test("question 2: each view equals its defining query, and roll-ups from the daily view equal raw")
    func materializedViews() throws {
        let (db, engine, dir) = try Self.freshPlays()
        defer { try? db.close(); try? FileManager.default.removeItem(atPath: dir) }
        // Raw answers with the automatic rewrite off, or a view would answer its own defining query.
        let raw = QueryEngine(database: db, threads: 2, viewRewrite: false)
        let blocks = try Self.blocks().filter { $0.tag == "run" && $0.value == "views" }
        #expect(blocks.count == 2)
        let creates = blocks[0].statements
        #expect(creates.count == 4)
        for create in creates {
            _ = try engine.execute(create)
            let name = try #require(create.firstMatch(of: /CREATE MATERIALIZED VIEW (\w+) AS/)?.1)
            let defining = String(create[try #require(create.range(of: " AS\n"))!.upperBound...])
            #expect(Self.rows(try engine.execute("SELECT * FROM \(name)")) == Self.rows(try raw.execute(defining)), "\(name)")
        }
        let asks = blocks[1].statements
        #expect(asks.count == 2)
        let monthly = try engine.execute(asks[0])
        #expect(monthly.rowCount > 0)
        #expect(Self.rows(monthly) == Self.rows(try raw.execute("""
            SELECT date_trunc('month', time) AS month, track, count(*) AS plays, count(DISTINCT user_id) AS listeners
            FROM plays WHERE track = 'Track 172894' GROUP BY month, track
            """)))
        let rollUp = try engine.execute(asks[1])
        #expect(rollUp.rowCount > 0)
        #expect(Self.rows(rollUp) == Self.rows(try raw.execute("""
            SELECT date_trunc('month', time) AS month, track, count(*) AS plays,
                   sum(CASE WHEN liked THEN 1 ELSE 0 END) AS likes,
                   round(sum(CASE WHEN completed THEN 1 ELSE 0 END) * 1.0 / count(*), 4) AS completion_rate
            FROM plays WHERE track = 'Track 172894' GROUP BY month, track
            """)))
    }

    @Test("question 10: erasure removes the user's rows, keeps the others, and leaves no hidden rows")
    func erasure() throws {
        let (db, engine, dir) = try Self.freshPlays()
        defer { try? db.close(); try? FileManager.default.removeItem(atPath: dir) }
        let blocks = try Self.blocks().filter { $0.tag == "run" && $0.value == "erasure" }
        #expect(blocks.count == 2)
        let steps = blocks[0].statements
        #expect(steps.count == 4)
        func count(_ r: QueryResult) -> Int64 { r.columns[0].vector.int64s.first ?? -1 }
        let total = count(try engine.execute("SELECT count(*) FROM plays"))
        let before = count(try engine.execute(steps[0]))
        #expect(before > 100)
        for s in steps[1...2] { _ = try engine.execute(s) }
        #expect(count(try engine.execute(steps[3])) == 0)
        #expect(count(try engine.execute("SELECT count(*) FROM plays")) == total - before)
        #expect(count(try engine.execute(blocks[1].statements[0])) == 0)
    }

    @Test("question 4: days without any data come from tsdb_partitions")
    func daysWithoutData() throws {
        let block = try #require(try Self.blocks().first { $0.tag == "run" && $0.value == "tsdb" })
        let fixture = try DifferentialFixture.shared.get()
        // The test data has plays on every day of October 2026.
        #expect(try fixture.engine.execute(block.statements[0]).rowCount == 0)
        // A day deleted whole is reported once its partition is gone.
        let (db, engine, dir) = try Self.freshPlays()
        defer { try? db.close(); try? FileManager.default.removeItem(atPath: dir) }
        _ = try engine.execute("DELETE FROM plays WHERE time >= TIMESTAMP '2026-10-07' AND time < TIMESTAMP '2026-10-08'")
        _ = try engine.execute("VACUUM plays")
        let gaps = try engine.execute(block.statements[0])
        #expect(Self.rows(gaps) == Self.rows(try engine.execute("SELECT TIMESTAMP '2026-10-07' AS day")))
    }
}
