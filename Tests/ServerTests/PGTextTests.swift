import Foundation
import PGWire
import Testing
import TestSupport
@testable import tsdb_server

/// The PostgreSQL front end's work on SQL text: splitting statements, finding `$n`, substituting typed
/// literals (safely, with positions mapped back), classifying session commands, settings.
@Suite struct PGTextTests {
    @Test func statementsSplitOutsideQuotesAndComments() {
        let sql = "SELECT ';' AS a; -- c;\nSELECT \"x;y\" FROM t /* ; /* nested; */ */;  ;\n SELECT E'\\';' "
        let parts = PGSQLText.statements(sql)
        #expect(parts.map(\.text) == ["SELECT ';' AS a", " -- c;\nSELECT \"x;y\" FROM t /* ; /* nested; */ */", "\n SELECT E'\\';' "])
        #expect(parts.map(\.offset) == [0, 16, 68])
        #expect(PGSQLText.statements("  ; -- only a comment\n ;").isEmpty)
        #expect(PGSQLText.statements("SELECT 1").map(\.text) == ["SELECT 1"])
    }

    @Test func placeholdersAndInferredTypes() throws {
        let sql = "SELECT '$1', a$1, $1, \"$2\" FROM t WHERE x > $2::BIGINT -- $3\n LIMIT $3 OFFSET $10"
        #expect(PGSQLText.placeholders(sql).map(\.number) == [1, 2, 3, 10])
        let types = try PGParameters.types(of: sql, declared: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25])
        #expect(types.count == 11)
        #expect(types[0] == .text && types[1] == .int8 && types[2] == .int8 && types[9] == .int8 && types[10] == .text)
        #expect(try PGParameters.types(of: "SELECT $1", declared: [23]) == [.int4])
        // From the column a parameter is compared with, either side, quoted or qualified.
        let columns: (String) -> PGType? = { ["duration_ms": PGType.int8, "time": .timestamptz, "Liked": .bool][$0] }
        let inferred = try PGParameters.types(of: "SELECT * FROM t WHERE duration_ms>=$1 AND $2 < t.time AND \"Liked\" = $3 AND artist = $4 AND $5 + 1 > 0",
                                              declared: [], columnType: columns)
        #expect(inferred == [.int8, .timestamptz, .bool, .text, .text])
        #expect(throws: PGErrorFields.self) { try PGParameters.types(of: "SELECT $1", declared: [600]) }  // point
    }

    /// Whatever a text parameter holds, it stays one string literal: the statement keeps its shape.
    @Test func substitutionCannotInject() throws {
        var rng = SeededRandom(seed: 5)
        let alphabet = Array("a'\";-/*\\$1 \n)(E")
        for _ in 0..<500 {
            let s = String((0..<rng.below(16)).map { _ in alphabet[rng.below(alphabet.count)] })
            let sub = try PGParameters.substitute("SELECT count(*) FROM plays WHERE artist = $1", [.text(s)], types: [.text])
            #expect(PGSQLText.statements(sub.sql).count == 1, "\(sub.sql)")
            #expect(sub.sql == "SELECT count(*) FROM plays WHERE artist = '" + s.replacingOccurrences(of: "'", with: "''") + "'")
        }
        #expect(throws: PGErrorFields.self) { try PGParameters.substitute("SELECT $1", [.text("a\0b")], types: [.text]) }
        let typed = try PGParameters.substitute("SELECT $1, $2, $3, $4, $5, $6 - $7",
                                                [.int(-5), .bool(true), .timestamp(micros: 1_500_000), .text("2026-01-01"), .null,
                                                 .interval(months: 1, days: -2, micros: 3), .double(-0.5)],
                                                types: [.int8, .bool, .timestamptz, .date, .text, .interval, .float8])
        #expect(typed.sql == "SELECT (-5), TRUE, TIMESTAMP '1970-01-01 00:00:01.5', DATE '2026-01-01', NULL, INTERVAL '1 months -2 days 3 microseconds' - CAST((-0.5) AS DOUBLE)")
    }

    @Test func errorPositionsMapToTheOriginalText() throws {
        let sub = try PGParameters.substitute("SELECT $1, nope FROM t", [.text("a long value")], types: [.text])
        let offset = sub.sql.utf8.count - " FROM t".utf8.count - "nope".utf8.count
        #expect(sub.originalOffset(offset) == 11)
        #expect(sub.originalOffset(8) == 7)  // inside the literal: the placeholder itself
        #expect(PGSQLText.characterPosition("SELECT 'é', x", utf8Offset: 13) == 13)
    }

    @Test func sessionCommands() throws {
        #expect(try PGSessionCommand.parse("SET extra_float_digits = 3") == .set(name: "extra_float_digits", value: "3"))
        #expect(try PGSessionCommand.parse("set SESSION application_name TO 'my app'") == .set(name: "application_name", value: "my app"))
        #expect(try PGSessionCommand.parse("SET TIME ZONE 'UTC'") == .set(name: "TimeZone", value: "UTC"))
        #expect(try PGSessionCommand.parse("SET search_path TO \"$user\", public") == .set(name: "search_path", value: "$user, public"))
        #expect(try PGSessionCommand.parse("SET statement_timeout TO DEFAULT") == .set(name: "statement_timeout", value: nil))
        #expect(try PGSessionCommand.parse("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY") == .noEffect(tag: "SET"))
        #expect(try PGSessionCommand.parse("RESET ALL") == .reset(nil))
        #expect(try PGSessionCommand.parse("SHOW transaction isolation level") == .show("transaction_isolation"))
        #expect(try PGSessionCommand.parse("show DateStyle;") == .show("DateStyle"))
        #expect(try PGSessionCommand.parse("SHOW TABLES") == nil)
        #expect(try PGSessionCommand.parse("begin isolation level read committed") == .begin)
        #expect(try PGSessionCommand.parse("/* c */ COMMIT") == .commit)
        #expect(try PGSessionCommand.parse("DEALLOCATE PREPARE s1") == .deallocate("s1"))
        #expect(try PGSessionCommand.parse("SELECT 'SET x = 1'") == nil)
        #expect(throws: PGErrorFields.self) { try PGSessionCommand.parse("SET x") }
    }

    @Test func settings() throws {
        var s = PGSettings(user: "u")
        #expect(s.value("server_version")?.hasPrefix("16.0 (tsdb") == true)
        #expect(try s.set("application_name", "'x'")! == ("application_name", "x"))
        #expect(try s.set("client_encoding", "unicode")! == ("client_encoding", "UTF8"))
        #expect(throws: PGErrorFields.self) { _ = try s.set("client_encoding", "LATIN1") }
        #expect(throws: PGErrorFields.self) { _ = try s.set("server_version", "9") }
        _ = try s.set("statement_timeout", "1500")
        #expect(s.statementTimeout == 1.5)
        _ = try s.set("statement_timeout", "2s")
        #expect(s.statementTimeout == 2)
        #expect(s.resetAll().map(\.0) == ["application_name"])
        #expect(s.statementTimeout == 0 && s.value("application_name") == "")
        #expect(PGConnectionHandler.options("-c search_path=x --DateStyle=ISO") .map { "\($0.0)=\($0.1)" } == ["search_path=x", "DateStyle=ISO"])
    }
}
