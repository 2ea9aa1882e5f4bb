import ColumnStore
@testable import QueryEngine
import Testing

@Suite("DDLParser")
struct DDLParserTests {
    @Test func createTableWithEverything() throws {
        let s = try SQLParser.parse("""
            create table if not exists Plays (time TIMESTAMP, artist SYMBOL, user_id VARCHAR(64), duration_ms BIGINT,
              revenue DOUBLE PRECISION, liked BOOLEAN, n INTEGER, u UBIGINT, t TEXT, s STRING, r REAL)
            WITH (retention = '90 days', compression = 'zstd') DEDUP UPSERT KEYS (time, user_id);
            """)
        guard case let .createTable(c) = s else { Issue.record("not CREATE TABLE: \(s)"); return }
        #expect(c.table.name == "plays" && c.ifNotExists && c.asSelect == nil)
        #expect(c.columns.map(\.name) == ["time", "artist", "user_id", "duration_ms", "revenue", "liked", "n", "u", "t", "s", "r"])
        #expect(c.columns.map(\.type) == [.time, .symbol, .string, .int64, .float64, .bool, .int64, .uint64, .string, .string, .float64])
        #expect(c.settings.map { "\($0.name)=\($0.value)" } == ["retention=90 days", "compression=zstd"])
        #expect(c.dedupKeys == ["time", "user_id"])
    }

    @Test(arguments: [
        "CREATE TABLE t (time TIMESTAMP, a SYMBOL)",
        "CREATE TABLE IF NOT EXISTS \"My Table\" (time TIMESTAMP, \"from\" VARCHAR) WITH (retention = '30 days')",
        "CREATE TABLE t (time TIMESTAMP, k VARCHAR) DEDUP UPSERT KEYS (time, k)",
        "CREATE TABLE daily WITH (compression = 'zstd') AS SELECT date_trunc('day', time) AS time, count(*) AS n FROM plays GROUP BY 1",
        "INSERT INTO t VALUES (TIMESTAMP '2026-09-01 00:00:00', 'a', 1), ('2026-09-02', NULL, -2.5)",
        "INSERT INTO t (time, a) VALUES (now(), 'x' || 'y')",
        "INSERT INTO t (time, a) SELECT time, artist FROM plays WHERE artist = 'A'",
        "ALTER TABLE t ADD COLUMN c DOUBLE",
        "ALTER TABLE t ADD COLUMN IF NOT EXISTS c SYMBOL",
        "ALTER TABLE t SET (retention = '30 days', compression = 'lz4')",
        "SHOW PARTITIONS FROM plays",
    ])
    func roundTrips(sql: String) throws {
        let first = try SQLParser.parse(sql)
        let printed = first.description
        let second = try SQLParser.parse(printed)
        #expect(second == first, "printed as: \(printed)")
        #expect(second.description == printed)
    }

    @Test func insertForms() throws {
        guard case let .insert(i) = try SQLParser.parse("INSERT INTO t (time, a) VALUES (1, 2), (3, 4)") else { Issue.record("not INSERT"); return }
        #expect(i.columns == ["time", "a"])
        guard case let .values(rows) = i.source else { Issue.record("not VALUES"); return }
        #expect(rows.count == 2 && rows.allSatisfy { $0.count == 2 })
        guard case let .insert(j) = try SQLParser.parse("INSERT INTO t (SELECT * FROM u)") else { Issue.record("not INSERT"); return }
        guard case .select = j.source else { Issue.record("not SELECT"); return }
        #expect(j.columns == nil)
        #expect(SQLParser.parseAlterOrNil("ALTER TABLE t ADD c BIGINT") == .addColumn(ColumnSpec(name: "c", type: .int64, at: SourcePosition(line: 1, column: 1, offset: 0)), ifNotExists: false))
    }

    @Test(arguments: [
        ("CREATE TABLE t", "syntax error at 1:15 (end of query): expected '(', WITH or AS SELECT"),
        ("CREATE TABLE t (time TIMESTAMP", "syntax error at 1:31 (end of query): expected ',' or ')'"),
        ("CREATE TABLE t (a MONEY)", "syntax error at 1:19 near 'MONEY': expected a type such as BIGINT, DOUBLE, VARCHAR, BOOLEAN or TIMESTAMP"),
        ("CREATE TABLE t (d INTERVAL)", "syntax error at 1:19 near 'INTERVAL': INTERVAL columns are not supported: store a TIMESTAMP or a BIGINT"),
        ("CREATE TABLE t (a BIGINT) DEDUP KEYS (a)", "syntax error at 1:33 near 'KEYS': expected UPSERT"),
        ("CREATE TABLE t (a BIGINT) WITH retention = 1", "syntax error at 1:32 near 'retention': expected '('"),
        ("CREATE t (a BIGINT)", "syntax error at 1:8 near 't': expected TABLE"),
        ("INSERT t VALUES (1)", "syntax error at 1:8 near 't': expected INTO"),
        ("INSERT INTO t VALUES 1", "syntax error at 1:22 near '1': expected '('"),
        ("INSERT INTO t (a) VALUE (1)", "syntax error at 1:19 near 'VALUE': expected VALUES or SELECT (did you mean VALUES?)"),
        ("ALTER TABLE t DROP COLUMN c", "syntax error at 1:15 near 'DROP': expected ADD COLUMN, SET or DEDUP"),
        ("SHOW PARTITIONS plays", "syntax error at 1:17 near 'plays': expected FROM"),
        ("SHOW TABLE", "syntax error at 1:6 near 'TABLE': expected TABLES or PARTITIONS (did you mean TABLES?)"),
    ])
    func errors(sql: String, expected: String) {
        #expect(parseError(sql)?.description == expected)
    }
}

extension SQLParser {
    /// The action of an ALTER TABLE statement, nil for anything else.
    static func parseAlterOrNil(_ sql: String) -> AlterTableStatement.Action? {
        guard case let .alterTable(a)? = try? parse(sql) else { return nil }
        return a.action
    }
}
