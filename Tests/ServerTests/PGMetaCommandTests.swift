import Foundation
import Testing
import TestSupport
@testable import tsdb_server

/// psql's meta-commands, run by the real psql against the catalog virtual tables, and the SQL
/// Grafana's PostgreSQL data source sends (connection test, table and column pickers, what its
/// macros expand to), with answers compared to the HTTP API's.
@Suite(.serialized) struct PGMetaCommandTests {
    static func server() throws -> RunningServer {
        let s = try PGClientTests.server()
        let r = try s.client().request("POST", "/write?db=pg", headers: s.auth, body: Array("cpu,host=h1 usage=1.5 1763683201000000000\n".utf8))
        guard r.status == 204 else { throw TestError("setup write failed: \(r.status) \(r.text)") }
        return s
    }

    static func psql(_ s: RunningServer, _ command: String) throws -> [String] {
        let (status, out) = try PGClientTests.psql(s.pgPort, ["-A", "-F", "|", "-c", command])
        #expect(status == 0, "\(command): \(out)")
        return out.split(separator: "\n").map(String.init)
    }

    @Test func listDatabasesTablesSchemasRelations() throws {
        let s = try Self.server()
        defer { s.stop() }
        // \l: every database under --data, with PostgreSQL's columns.
        let l = try Self.psql(s, "\\l")
        #expect(l.first == "List of databases", "\(l)")
        #expect(l.contains("Name|Owner|Encoding|Collate|Ctype|ICU Locale|Locale Provider|Access privileges"), "\(l)")
        #expect(l.contains("pg|tsdb|UTF8|C|C||libc|"), "\(l)")
        // \dt and \d: the tables of the database, in name order.
        for command in ["\\dt", "\\d"] {
            let dt = try Self.psql(s, command)
            #expect(dt.first == "List of relations", "\(dt)")
            #expect(Array(dt.dropFirst()) == ["Schema|Name|Type|Owner", "public|cpu|table|tsdb", "public|plays|table|tsdb", "(2 rows)"], "\(command): \(dt)")
        }
        // A pattern is a regular expression match psql builds (OPERATOR(pg_catalog.~) … COLLATE).
        #expect(try Self.psql(s, "\\dt pl*").contains("public|plays|table|tsdb"))
        #expect(try Self.psql(s, "\\dt pl*").contains("(1 row)"))
        #expect(try Self.psql(s, "\\dt nothing*").last == "Did not find any relation named \"nothing*\".")
        // \dn: the user schemas (pg_* and information_schema hidden).
        #expect(try Self.psql(s, "\\dn") == ["List of schemas", "Name|Owner", "public|tsdb", "(1 row)"])
    }

    /// The pieces of psql's `\d table` and JDBC's metadata queries that work today: `::regclass`,
    /// `::regtype`, `::oid` and `pg_catalog.`-qualified casts, a quoted OID compared with an OID column,
    /// and the catalog tables of objects tsdb has none of (empty, with PostgreSQL's columns) or one of.
    @Test func catalogCastsAndObjectTables() throws {
        let s = try Self.server()
        defer { s.stop() }
        func pg(_ sql: String) throws -> [String] {
            let (status, out) = try PGClientTests.psql(s.pgPort, ["-A", "-t", "-F", "|", "-c", sql])
            #expect(status == 0, "\(sql): \(out)")
            return out.split(separator: "\n").map(String.init)
        }
        // 'name'::regclass is the relation's OID, the one pg_class and pg_attribute report.
        let oid = try pg("SELECT oid FROM pg_catalog.pg_class WHERE relname = 'plays'")
        guard oid.count == 1, Int64(oid[0]) != nil else { throw TestError("no OID for plays: \(oid)") }
        #expect(try pg("SELECT 'plays'::regclass, 'public.plays'::pg_catalog.regclass::pg_catalog.oid") == ["\(oid[0])|\(oid[0])"])
        #expect(try pg("SELECT relname FROM pg_class WHERE oid = 'plays'::regclass") == ["plays"])
        #expect(try pg("SELECT count(*) FROM pg_attribute WHERE attrelid = '\(oid[0])' AND attnum > 0 AND NOT attisdropped") == ["7"])
        // PostgreSQL's fixed OIDs for its catalogs (JDBC compares classoid with 'pg_class'::regclass).
        #expect(try pg("SELECT 'pg_class'::regclass, 'pg_catalog.pg_namespace'::regclass") == ["1259|2615"])
        // ::regtype names a type by its OID, as format_type does.
        #expect(try pg("SELECT 23::regtype, 1184::pg_catalog.regtype::pg_catalog.text, format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = 'plays'::regclass AND attname = 'time'")
                == ["integer|timestamp with time zone|timestamp with time zone"])
        // A quoted literal that is not a number is an error, not a silent non-match.
        let (status, out) = try PGClientTests.psql(s.pgPort, ["-A", "-t", "-c", "SELECT relname FROM pg_class WHERE oid = 'plays'"])
        #expect(status != 0 && out.contains("invalid input syntax for type BIGINT"), "\(out)")
        // psql 15's second \d query (the table's properties), as it sends it.
        #expect(try pg("""
            SELECT c.relchecks, c.relkind, c.relhasindex, c.relhasrules, c.relhastriggers, c.relrowsecurity, c.relforcerowsecurity, false AS relhasoids, c.relispartition, '', c.reltablespace, CASE WHEN c.reloftype = 0 THEN '' ELSE c.reloftype::pg_catalog.regtype::pg_catalog.text END, c.relpersistence, c.relreplident, am.amname
            FROM pg_catalog.pg_class c
             LEFT JOIN pg_catalog.pg_class tc ON (c.reltoastrelid = tc.oid)
            LEFT JOIN pg_catalog.pg_am am ON (c.relam = am.oid)
            WHERE c.oid = '\(oid[0])';
            """) == ["0|r|f|f|f|f|f|f|f||0||p|d|heap"])
        // Text columns have the default collation, like their type: psql shows no Collation for them.
        #expect(try pg("SELECT a.attname, c.collname, t.typcollation = a.attcollation FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = 'plays'::regclass ORDER BY a.attnum")
                == (try pg("SELECT column_name FROM information_schema.columns WHERE table_name = 'plays' AND data_type = 'text' ORDER BY ordinal_position")).map { $0 + "|default|t" })
        #expect(try pg("SELECT count(*) FROM pg_attribute WHERE attrelid = 'plays'::regclass AND attcollation = 100") == ["3"])
        // The one role, which owns everything.
        #expect(try pg("SELECT rolname, rolsuper, rolcanlogin, rolconnlimit, rolvaliduntil IS NULL FROM pg_catalog.pg_roles") == ["tsdb|t|t|-1|t"])
        #expect(try pg("SELECT r.rolname FROM pg_authid r JOIN pg_class c ON c.relowner = r.oid WHERE c.relname = 'plays'") == ["tsdb"])
        #expect(try pg("SELECT usename, usesuper FROM pg_user") == ["tsdb|t"])
        // Objects tsdb has none of: empty, but every column psql and JDBC read is there.
        for sql in [
            "SELECT adrelid, adnum, adbin FROM pg_catalog.pg_attrdef",
            "SELECT objoid, classoid, objsubid, description FROM pg_description WHERE classoid = 'pg_class'::regclass",
            "SELECT indexrelid, indrelid, indisprimary, indisunique, indkey FROM pg_index",
            "SELECT conname, contype, conrelid, conkey FROM pg_constraint",
            "SELECT inhrelid, inhparent FROM pg_inherits",
            "SELECT polname, polpermissive, polroles, polqual, polwithcheck, polcmd FROM pg_policy",
            "SELECT pubname, puballtables FROM pg_publication p JOIN pg_publication_rel pr ON p.oid = pr.prpubid",
            "SELECT pnpubid FROM pg_publication_namespace",
            "SELECT stxname, stxkeys FROM pg_statistic_ext WHERE stxrelid = 'plays'::regclass",
            "SELECT tgname FROM pg_trigger",
            "SELECT roleid, member FROM pg_auth_members",
        ] {
            #expect(try pg(sql) == [], "\(sql)")
        }
    }

    /// Grafana's PostgreSQL data source: its connection test, pickers and macro expansions.
    /// psql 15's third `\d table` query, as it sends it: correlated subqueries over pg_attrdef (an outer-only
    /// condition beside the keys) and pg_collation × pg_type (a condition mixing both sides, `<>`). Its column
    /// names and types are DESCRIBE's; no column has a default or a collation other than its type's.
    @Test func describeColumnListQuery() throws {
        let s = try Self.server()
        defer { s.stop() }
        func pg(_ sql: String) throws -> [[String]] {
            let (status, out) = try PGClientTests.psql(s.pgPort, ["-A", "-t", "-F", "|", "-c", sql])
            #expect(status == 0, "\(sql): \(out)")
            return out.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        }
        let oid = try pg("SELECT oid FROM pg_catalog.pg_class WHERE relname = 'plays'")
        guard oid.count == 1, let relid = oid[0].first, Int64(relid) != nil else { throw TestError("no OID for plays: \(oid)") }
        let rows = try pg("""
            SELECT a.attname,
              pg_catalog.format_type(a.atttypid, a.atttypmod),
              (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
               FROM pg_catalog.pg_attrdef d
               WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
              a.attnotnull,
              (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
               WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,
              a.attidentity,
              a.attgenerated
            FROM pg_catalog.pg_attribute a
            WHERE a.attrelid = '\(relid)' AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum;
            """)
        let pgType = ["TIMESTAMP": "timestamp with time zone", "VARCHAR": "text", "BIGINT": "bigint", "DOUBLE": "double precision",
                      "BOOLEAN": "boolean", "UBIGINT": "numeric(20,0)"]
        let describe = try pg("DESCRIBE plays")
        #expect(!describe.isEmpty)
        #expect(rows.map { Array($0.prefix(2)) } == describe.map { [$0[0], pgType[$0[1]] ?? "unmapped \($0[1])"] }, "\(rows) vs \(describe)")
        // No default, no collation of its own (the residual `<>` is false for every text column), not generated.
        for r in rows { #expect(r.count == 7 && r[2] == "" && r[4] == "" && r[5] == "" && r[6] == "", "\(r)") }
    }

    /// psql 15's `\d table` as a whole: after the column list it runs the policies, statistics,
    /// publications and inheritance queries (arrays: `= any (polroles)`, `'{0}'`, `ARRAY(SELECT …)`,
    /// `'d' = any(stxkind)`, a correlated `generate_series(0, array_upper(prattrs::int2[], 1))`, `prattrs[s]`).
    /// It prints the columns and types DESCRIBE has, `time` NOT NULL, and no footer: tsdb has no index,
    /// policy, statistics object, publication or parent table.
    @Test func describeTableWhole() throws {
        let s = try Self.server()
        defer { s.stop() }
        let pgType = ["TIMESTAMP": "timestamp with time zone", "VARCHAR": "text", "BIGINT": "bigint", "DOUBLE": "double precision",
                      "BOOLEAN": "boolean", "UBIGINT": "numeric(20,0)"]
        for table in ["plays", "cpu"] {
            let describe = try Self.psql(s, "DESCRIBE \(table)").dropFirst().dropLast().map { $0.split(separator: "|").map(String.init) }
            #expect(!describe.isEmpty)
            let columns = describe.map { "\($0[0])|\(pgType[$0[1]] ?? "unmapped \($0[1])")||\($0[0] == "time" ? "not null" : "")|" }
            let d = try Self.psql(s, "\\d \(table)")
            #expect(d == ["Table \"public.\(table)\"", "Column|Type|Collation|Nullable|Default"] + columns, "\(d)")
        }
        // The arrays those queries build, as psql receives them (array text, array OIDs).
        let (status, out) = try PGClientTests.psql(s.pgPort, ["-A", "-t", "-F", "|", "-c",
            "SELECT ARRAY(SELECT rolname FROM pg_catalog.pg_roles WHERE oid = any ('{10,11}'::oid[]) ORDER BY 1), '{0}'::oid[] = '{0}', 'd' = any('{d,f}'::char[]), array_upper('{1,2,3}'::int2[], 1), ARRAY[1,NULL,3]"])
        #expect(status == 0 && out.split(separator: "\n") == ["{tsdb}|t|t|3|{1,NULL,3}"], "\(out)")
    }

    /// psql 15's `\du`: the roles, each with `ARRAY(SELECT b.rolname … WHERE m.member = r.oid)` (a correlated
    /// array subquery): tsdb's one role, a superuser member of no role (`{}`).
    @Test func listRoles() throws {
        let s = try Self.server()
        defer { s.stop() }
        #expect(try Self.psql(s, "\\du") == ["List of roles", "Role name|Attributes|Member of", "tsdb|Superuser|{}"])
        #expect(try Self.psql(s, "SELECT rolname FROM pg_roles WHERE rolsuper AND NOT rolcreaterole") == ["rolname", "tsdb", "(1 row)"])
    }

    /// With tokens, `\du` lists each token as a login role (Superuser with every right, Create DB when it
    /// may change data) and its rights as the group roles it is a member of; `tsdb` owns but cannot log in.
    @Test func listRolesOfTokens() throws {
        let dir = TempDirectory("tsdb-pg-roles")
        defer { dir.remove() }
        let file = try SecurityEndpointTests.tokenFile(dir, [
            try SecurityEndpointTests.hashLine("reader-secret") + " name=reader read=pg write=-",
            try SecurityEndpointTests.hashLine("ops-secret") + " name=ops write=pg admin=yes",
        ])
        let s = try PGClientTests.server { $0.tokens = ["admin-secret"]; $0.tokenFile = file }
        defer { s.stop() }
        let admin = TokenFile.fingerprint(TokenFile.sha256("admin-secret"))
        let (status, out) = try PGClientTests.psql(s.pgPort, ["-A", "-F", "|", "-c", "\\du"], password: "reader-secret")
        #expect(status == 0)
        #expect(out.split(separator: "\n").map(String.init) == [
            "List of roles", "Role name|Attributes|Member of",
            "admin|Cannot login|{}",
            "ops|Create DB|{admin,read:*,write:pg}",
            "read:*|Cannot login|{}",
            "read:pg|Cannot login|{}",
            "reader||{read:pg}",
            "\(admin)|Superuser, Create DB|{admin,read:*,write:*}",
            "tsdb|Superuser, Cannot login|{}",
            "write:*|Cannot login|{}",
            "write:pg|Cannot login|{}",
        ], "\(out)")
    }

    /// Unnamed result columns are named as PostgreSQL names them over the PG wire (`count`, `?column?`,
    /// a cast's type, `case`, `array`, `bool`); HTTP keeps the engine's DuckDB-like names.
    @Test func unnamedColumnsNamedAsPostgreSQL() throws {
        let s = try Self.server()
        defer { s.stop() }
        let sql = "SELECT count(*), 1 + 1, host, '5'::bigint, max(usage)::double, CASE WHEN true THEN 1 END, ARRAY[1], sum(usage) AS total, true, version() IS NULL FROM cpu GROUP BY host"
        let out = try Self.psql(s, sql)
        #expect(out.first == "count|?column?|host|int8|max|case|array|total|bool|?column?", "\(out)")
        #expect(out.dropFirst().first == "1|2|h1|5|1.5|1|{1}|1.5|t|f", "\(out)")
        let r = try s.client().request("GET", "/api/v3/query_sql?db=pg&format=csv&q=\(urlEncode("SELECT count(*), 1 + 1, ARRAY[1, 2] FROM cpu"))", headers: s.auth)
        #expect(r.status == 200 && r.text.hasPrefix("count_star(),1 + 1,\"ARRAY[1, 2]\"\n1,2,\"[1, 2]\""), "\(r.text)")
    }

    @Test func grafanaQueriesAnswerLikeHTTP() throws {
        let s = try Self.server()
        defer { s.stop() }
        func pg(_ sql: String) throws -> [[String]] {
            let (status, out) = try PGClientTests.psql(s.pgPort, ["-A", "-t", "-F", ",", "-c", sql])
            #expect(status == 0, "\(sql): \(out)")
            return out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        }
        #expect(try pg("SELECT 1") == [["1"]])
        #expect(try pg("SELECT quote_ident(table_name) AS \"table\" FROM information_schema.tables WHERE quote_ident(table_schema) NOT IN ('information_schema', 'pg_catalog') AND table_type = 'BASE TABLE' ORDER BY 1") == [["cpu"], ["plays"]])
        #expect(try pg("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'plays' ORDER BY ordinal_position").map { $0[0] }
                == ["time", "artist", "platform", "duration_ms", "liked", "revenue", "user_id"])
        // $__timeFilter, $__timeGroup, $__unixEpochFilter and to_timestamp: the same answers as HTTP's.
        for sql in [
            "SELECT floor(extract(epoch from time)/60)*60 AS \"time\", count(*) AS n FROM plays WHERE time BETWEEN '2025-11-21T00:00:00Z' AND '2025-11-22T00:00:00Z' GROUP BY 1 ORDER BY 1",
            "SELECT count(*) AS n FROM plays WHERE extract(epoch from time) BETWEEN 1763683200 AND 1763683203",
            "SELECT count(*) AS n FROM plays WHERE time >= to_timestamp(1763683202) AND time < to_timestamp(1763683206)",
            "SELECT platform AS metric, sum(duration_ms) AS value FROM plays WHERE time BETWEEN '2025-11-21T00:00:00Z' AND '2025-11-22T00:00:00Z' GROUP BY platform ORDER BY platform",
        ] {
            let want = try PGClientTests.httpRows(s, sql)
            #expect(!want.isEmpty, "\(sql)")
            PGClientTests.same(try pg(sql), want, sql)
        }
    }
}
