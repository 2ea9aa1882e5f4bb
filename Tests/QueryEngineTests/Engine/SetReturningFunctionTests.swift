import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// Set-returning functions in the select list with PostgreSQL's semantics: `generate_series` as rows
/// (checked against DuckDB's `unnest(generate_series(…))`, DuckDB's series being a list), several
/// functions zipped, `information_schema._pg_expandarray` and its record's fields `(r).x`, `(r).n`.
@Suite("SetReturningFunctions", .serialized)
struct SetReturningFunctionTests {
    static let setup = [
        "CREATE TABLE t (time TIMESTAMP, name VARCHAR, n BIGINT)",
        "INSERT INTO t VALUES ('2026-09-01 00:00:00', 'a', 2), ('2026-09-01 00:00:01', 'b', 0), ('2026-09-01 00:00:02', 'c', 3), ('2026-09-01 00:00:03', 'd', NULL)",
    ]

    /// tsdb's spelling and DuckDB's of the same question.
    static let pairs: [(String, String)] = [
        ("SELECT generate_series(1, 3)", "SELECT unnest(generate_series(1, 3))"),
        ("SELECT generate_series(10, 1, -4)", "SELECT unnest(generate_series(10, 1, -4))"),
        ("SELECT generate_series(3, 1)", "SELECT unnest(generate_series(3, 1))"),
        ("SELECT name, generate_series(1, n) AS k FROM t ORDER BY name, k", "SELECT name, unnest(generate_series(1, n)) AS k FROM t ORDER BY name, k"),
        ("SELECT generate_series(1, 2) AS a, generate_series(1, 4) AS b", "SELECT unnest(generate_series(1, 2)) AS a, unnest(generate_series(1, 4)) AS b"),
        ("SELECT generate_series(TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-02 12:00:00', INTERVAL '12 hours')",
         "SELECT unnest(generate_series(TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-02 12:00:00', INTERVAL '12 hours'))"),
        ("SELECT count(*) FROM (SELECT generate_series(1, n) FROM t) s", "SELECT count(*) FROM (SELECT unnest(generate_series(1, n)) FROM t) s"),
    ]

    @Test func generateSeriesAgreesWithDuckDB() throws {
        let expected = try DDLDifferentialTests.duckdb(Self.setup + Self.pairs.map(\.1))
        try withEngine { e, _, _ in
            for s in Self.setup { _ = try e.execute(s) }
            for (i, (sql, _)) in Self.pairs.enumerated() {
                let got: [[String?]] = textRows(try e.execute(sql)).map { row in row.map { (v: String) -> String? in v == "NULL" ? nil : v } }
                let want: [[String?]] = expected[Self.setup.count + i].map { row in row.map { $0.map { $0.replacingOccurrences(of: " ", with: "T") } } }
                #expect(got.map { $0.map { $0?.replacingOccurrences(of: " ", with: "T").replacingOccurrences(of: "Z", with: "") } } == want, "\(sql)\n tsdb:   \(got)\n duckdb: \(want)")
            }
        }
    }

    /// `_pg_expandarray(a)` is a record per element, `(x, n)`: the element and its 1-based index.
    @Test func expandArrayRecords() throws {
        try withEngine { e, _, _ in
            var r = try e.execute("SELECT (information_schema._pg_expandarray(ARRAY[10, 20, NULL])).n AS n, (information_schema._pg_expandarray(ARRAY[10, 20, NULL])).x AS x")
            #expect(textRows(r) == [["1", "10"], ["2", "20"], ["3", "NULL"]], "\(textRows(r))")
            #expect(r.columns.map(\.name) == ["n", "x"])
            // A record column: DuckDB's STRUCT text over HTTP, PostgreSQL's record text for the PG wire.
            r = try e.execute("SELECT information_schema._pg_expandarray(ARRAY['a', 'b c']) AS k")
            #expect(textRows(r) == [["{'x': a, 'n': 1}"], ["{'x': b c, 'n': 2}"]], "\(textRows(r))")
            let pg = try #require(r.columns[0].postgresRecord)
            #expect((0..<pg.count).map { pg.string(at: $0) } == ["(a,1)", "(\"b c\",2)"])
            // The record survives a subquery, and its fields are read outside it (JDBC's getPrimaryKeys shape).
            r = try e.execute("SELECT s.v, (s.k).x FROM (SELECT 5 AS v, information_schema._pg_expandarray(ARRAY[7, 8]) AS k) s WHERE (s.k).n = 2")
            #expect(textRows(r) == [["5", "8"]], "\(textRows(r))")
            // An empty or NULL array expands to no rows.
            r = try e.execute("SELECT information_schema._pg_expandarray('{}'::int[]) AS k")
            #expect(r.rowCount == 0)
        }
    }

    @Test func errorsSayWhatIsWrong() throws {
        try withEngine { e, _, _ in
            for s in Self.setup { _ = try e.execute(s) }
            let cases: [(String, String)] = [
                ("SELECT (1).x", "not a record"),
                ("SELECT (information_schema._pg_expandarray(ARRAY[1])).z", "no field 'z'"),
                ("SELECT sum(unnest(ARRAY[1, 2]))", "aggregate function calls cannot contain set-returning function calls"),
                ("SELECT unnest(unnest(ARRAY[1]))", "cannot be nested"),
                ("SELECT name FROM t WHERE unnest(ARRAY[1]) = 1", "not allowed here"),
                ("SELECT unnest(1)", "needs an array"),
                ("SELECT generate_series(1, 3, 0)", "zero"),
            ]
            for (sql, message) in cases {
                #expect { _ = try e.execute(sql) } throws: { error in
                    "\(error)".contains(message)
                }
            }
        }
    }
}
