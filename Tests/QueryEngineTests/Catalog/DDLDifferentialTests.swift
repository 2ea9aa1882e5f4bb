import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// The same CREATE TABLE, INSERT … VALUES, INSERT … SELECT and SELECT text, seeded and random, run by
/// tsdb and by DuckDB (python3 -m duckdb): every statement's answer must agree.
@Suite("DDLDifferential", .serialized)
struct DDLDifferentialTests {
    /// Runs `statements` in an in-memory DuckDB; per statement, its rows as text (nil for NULL).
    static func duckdb(_ statements: [String]) throws -> [[[String?]]] {
        try DifferentialSetup.checkPython()
        let script = """
            import duckdb, json, sys
            con = duckdb.connect()
            out = []
            for s in json.load(open(sys.argv[1])):
                rows = con.execute(s).fetchall()
                out.append([[None if v is None else (repr(v) if isinstance(v, float) else str(v).lower() if isinstance(v, bool) else str(v)) for v in r] for r in rows])
            print(json.dumps(out))
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tsdb-ddl-diff-\(getpid())-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONSerialization.data(withJSONObject: statements).write(to: file)
        let out = try DifferentialSetup.run(DifferentialSetup.python, ["-c", script, file.path])
        guard out.status == 0 else { throw DifferentialError("duckdb failed: \(out.stderr)") }
        return try JSONDecoder().decode([[[String?]]].self, from: Data(out.stdout.utf8))
    }

    /// A random script: a table, inserts of random rows (NULLs, negatives, quotes), inserts from queries
    /// of the table itself, then questions.
    static func script(seed: UInt64) -> [String] {
        var r = SeededRandom(seed: seed)
        var s = ["CREATE TABLE t (time TIMESTAMP, user_id VARCHAR, duration_ms BIGINT, revenue DOUBLE, liked BOOLEAN, n UBIGINT)"]
        func value(_ kind: Int) -> String {
            if r.chance(0.1) { return "NULL" }
            switch kind {
            case 0: return "'u\(r.below(20))\(r.chance(0.1) ? "''s" : "")'"
            case 1: return String(r.below(2_000_000) - 1_000_000)
            case 2: return String(Double(r.below(100_000)) / 64 - 500)
            case 3: return r.chance(0.5) ? "true" : "false"
            default: return String(r.below(1 << 30))
            }
        }
        func time() -> String {
            String(format: "'2026-09-%02d %02d:%02d:%02d'", 1 + r.below(28), r.below(24), r.below(60), r.below(60))
        }
        for _ in 0..<8 {
            let rows = (0..<(1 + r.below(40))).map { _ in "(\(time()), \(value(0)), \(value(1)), \(value(2)), \(value(3)), \(value(4)))" }
            s.append("INSERT INTO t VALUES " + rows.joined(separator: ", "))
            let sub = (0..<(1 + r.below(10))).map { _ in "(\(time()), \(value(1)), \(value(0)))" }
            s.append("INSERT INTO t (time, duration_ms, user_id) VALUES " + sub.joined(separator: ", "))
        }
        s.append("INSERT INTO t (time, user_id, revenue) SELECT time + INTERVAL 1 HOUR, user_id || '-copy', revenue * 2 FROM t WHERE liked")
        s.append("INSERT INTO t SELECT time, user_id, duration_ms + 1, revenue, NOT liked, n FROM t WHERE duration_ms > 0 AND time < '2026-09-15'")
        s += [
            "SELECT count(*), count(user_id), count(duration_ms), sum(duration_ms), count(revenue), sum(revenue), count(liked), count(n), sum(n) FROM t",
            "SELECT user_id, count(*) AS c, sum(duration_ms) AS d, max(revenue) AS m FROM t GROUP BY user_id ORDER BY user_id NULLS LAST",
            "SELECT date_trunc('day', time) AS day, count(*) AS c FROM t GROUP BY day ORDER BY day",
            "SELECT time, user_id, duration_ms, revenue, liked, n FROM t ORDER BY time, user_id NULLS FIRST, duration_ms NULLS FIRST, revenue NULLS FIRST, liked NULLS FIRST, n NULLS FIRST",
        ]
        return s
    }

    static func same(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        if a == b { return true }
        if let x = Double(a), let y = Double(b) { return abs(x - y) <= 1e-9 * max(1, abs(x), abs(y)) }
        return false
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func sameAnswersAsDuckDB(seed: UInt64) throws {
        let statements = Self.script(seed: seed)
        let expected = try Self.duckdb(statements)
        try withEngine { e, _, _ in
            for (i, sql) in statements.enumerated() {
                let r = try e.execute(sql)
                // CREATE TABLE answers a status where DuckDB answers nothing; INSERTs answer the row count in both.
                if sql.hasPrefix("CREATE") { continue }
                let got = (0..<r.rowCount).map { row in
                    r.columns.map { c -> String? in
                        let v = c.vector
                        if v.isNull(row) { return nil }
                        switch v.type {
                        case .float64: return String(v.float64s[row])
                        default: return textRows(QueryResult(columns: [ResultColumn(name: "", vector: v.slice(row..<row + 1))]))[0][0]
                        }
                    }
                }
                let want = expected[i]
                #expect(got.count == want.count, "\(sql): \(got.count) rows, DuckDB \(want.count)")
                for (g, w) in zip(got, want) where !(g.count == w.count && zip(g, w).allSatisfy(Self.same)) {
                    Issue.record("\(sql)\n tsdb:   \(g)\n duckdb: \(w)")
                    break
                }
            }
        }
    }
}
