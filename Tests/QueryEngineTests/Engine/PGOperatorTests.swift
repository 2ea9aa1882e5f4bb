import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// PostgreSQL's spellings catalog queries use (psql's `\d` family): `~`, `!~`, `~*`, `!~*`,
/// `OPERATOR(pg_catalog.~)`, `COLLATE`, `E'…'` strings, `pg_catalog.fn(…)`, and the catalog functions.
/// Regular-expression answers are checked against DuckDB's `regexp_matches` over the same rows.
@Suite("PGOperators", .serialized)
struct PGOperatorTests {
    static let setup = [
        "CREATE TABLE t (time TIMESTAMP, name VARCHAR, n BIGINT)",
        "INSERT INTO t VALUES ('2026-09-01 00:00:00', 'pg_toast', 1), ('2026-09-01 00:00:01', 'plays', 2), ('2026-09-01 00:00:02', 'Plays_2', 3), "
            + "('2026-09-01 00:00:03', NULL, 4), ('2026-09-01 00:00:04', 'information_schema', 5), ('2026-09-01 00:00:05', 'a.b', 6)",
    ]

    /// tsdb's spelling and DuckDB's of the same question.
    static let pairs: [(String, String)] = [
        ("SELECT n FROM t WHERE name ~ '^pl' ORDER BY n", "SELECT n FROM t WHERE regexp_matches(name, '^pl') ORDER BY n"),
        ("SELECT n FROM t WHERE name !~ '^pg_' ORDER BY n", "SELECT n FROM t WHERE NOT regexp_matches(name, '^pg_') ORDER BY n"),
        ("SELECT n FROM t WHERE name ~* '^PLAYS' ORDER BY n", "SELECT n FROM t WHERE regexp_matches(name, '^PLAYS', 'i') ORDER BY n"),
        ("SELECT n FROM t WHERE name !~* 'S$' ORDER BY n", "SELECT n FROM t WHERE NOT regexp_matches(name, 'S$', 'i') ORDER BY n"),
        ("SELECT n FROM t WHERE name OPERATOR(pg_catalog.~) '^(plays)$' COLLATE pg_catalog.default ORDER BY n",
         "SELECT n FROM t WHERE regexp_matches(name, '^(plays)$') ORDER BY n"),
        ("SELECT n, name ~ 'a\\.b' FROM t ORDER BY n", "SELECT n, regexp_matches(name, 'a\\.b') FROM t ORDER BY n"),
        ("SELECT n FROM t WHERE n OPERATOR(pg_catalog.>=) 4 ORDER BY n", "SELECT n FROM t WHERE n >= 4 ORDER BY n"),
        ("SELECT E'a\\nb''c\\\\', length(E'\\t')", "SELECT E'a\\nb''c\\\\', length(E'\\t')"),
    ]

    @Test func regularExpressionsAgreeWithDuckDB() throws {
        let expected = try DDLDifferentialTests.duckdb(Self.setup + Self.pairs.map(\.1))
        try withEngine { e, _, _ in
            for s in Self.setup { _ = try e.execute(s) }
            for (i, (sql, _)) in Self.pairs.enumerated() {
                let got: [[String?]] = textRows(try e.execute(sql)).map { row in row.map { (v: String) -> String? in v == "NULL" ? nil : v } }
                let want: [[String?]] = expected[Self.setup.count + i]
                #expect(got == want, "\(sql)\n tsdb:   \(got)\n duckdb: \(want)")
            }
        }
    }

    @Test func catalogFunctions() throws {
        try withEngine { e, _, _ in
            let r = textRows(try e.execute("""
                SELECT pg_catalog.pg_get_userbyid(10), pg_get_userbyid(77), pg_catalog.pg_encoding_to_char(6), format_type(1184, -1),
                       format_type(20, NULL), quote_ident('plays'), quote_ident('My "T"'), pg_catalog.obj_description(1, 'pg_class') IS NULL,
                       pg_table_is_visible(16384), array_to_string(NULL, ',') IS NULL
                """))
            #expect(r == [["tsdb", "unknown (OID=77)", "UTF8", "timestamp with time zone", "bigint", "plays", "\"My \"\"T\"\"\"", "true", "true", "true"]], "\(r)")
        }
        #expect(throws: SQLError.self) { try SQLParser.parse("SELECT 1 OPERATOR(other.~) 2") }
        #expect(throws: SQLError.self) { try SQLParser.parse("SELECT E'unterminated") }
        #expect(throws: QueryError.self) { try withEngine { e, _, _ in _ = try e.execute("SELECT 'a' ~ '('") } }
    }

    /// A quoted constant compared with a number is read as a number (PostgreSQL's untyped literal;
    /// DuckDB's implicit cast), and `::oid` is BIGINT: the same rows as DuckDB's.
    @Test func untypedLiteralsAgreeWithDuckDB() throws {
        let pairs = [
            ("SELECT n FROM t WHERE n = '2'", "SELECT n FROM t WHERE n = '2'"),
            ("SELECT n FROM t WHERE '3' <= n ORDER BY n", "SELECT n FROM t WHERE '3' <= n ORDER BY n"),
            ("SELECT n FROM t WHERE n::pg_catalog.oid <> ' 4 ' ORDER BY n", "SELECT n FROM t WHERE n::BIGINT <> 4 ORDER BY n"),
        ]
        let expected = try DDLDifferentialTests.duckdb(Self.setup + pairs.map(\.1))
        try withEngine { e, _, _ in
            for s in Self.setup { _ = try e.execute(s) }
            for (i, (sql, _)) in pairs.enumerated() {
                let got: [[String?]] = textRows(try e.execute(sql)).map { row in row.map { (v: String) -> String? in v == "NULL" ? nil : v } }
                #expect(got == expected[Self.setup.count + i], "\(sql)")
            }
            #expect(throws: QueryError.self) { _ = try e.execute("SELECT n FROM t WHERE n = 'plays'") }
        }
    }

    @Test func regclassAndRegtype() throws {
        try withEngine { e, _, _ in
            let r = textRows(try e.execute("""
                SELECT 'plays'::regclass = \(PGCatalogFunctions.tableOID("plays")), 'public."Plays"'::pg_catalog.regclass = \(PGCatalogFunctions.tableOID("Plays")),
                       'pg_class'::regclass, 16384::regclass, 23::regtype, 1184::pg_catalog.regtype::pg_catalog.text, 'x'::name
                """))
            #expect(r == [["true", "true", "1259", "16384", "integer", "timestamp with time zone", "x"]], "\(r)")
        }
        // Not column types.
        #expect(throws: SQLError.self) { try SQLParser.parse("CREATE TABLE u (time TIMESTAMP, r REGCLASS)") }
    }
}
