import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// `SET`, `RESET` and `SHOW` of the engine's settings (`view_rewrite`): parsed, applied to a session, and
/// honoured before the statement of the same text, with positions in the rest unchanged.
@Suite("SessionSetting", .serialized)
struct SessionSettingTests {
    @Test func parsesSessionStatements() throws {
        #expect(try SessionStatement.parse("SET view_rewrite = off") == .set(name: "view_rewrite", value: "off"))
        #expect(try SessionStatement.parse("set SESSION View_Rewrite TO 'on';") == .set(name: "view_rewrite", value: "on"))
        #expect(try SessionStatement.parse("SET view_rewrite TO DEFAULT") == .set(name: "view_rewrite", value: nil))
        #expect(try SessionStatement.parse("RESET view_rewrite") == .reset("view_rewrite"))
        #expect(try SessionStatement.parse("RESET ALL") == .reset(nil))
        #expect(try SessionStatement.parse("  -- why\n SHOW view_rewrite ;") == .show("view_rewrite"))
        #expect(try SessionStatement.parse("SHOW ALL") == .show(nil))
        // The engine's own statements are not session statements.
        #expect(try SessionStatement.parse("SHOW TABLES") == nil)
        #expect(try SessionStatement.parse("SHOW MATERIALIZED VIEWS") == nil)
        #expect(try SessionStatement.parse("SELECT 'SET x = 1'") == nil)
        #expect(try SessionStatement.parse("SET view_rewrite = off; SELECT 1") == nil)
        #expect(throws: QueryError.self) { try SessionStatement.parse("SET view_rewrite") }
        #expect(throws: QueryError.self) { try SessionStatement.parse("SET view_rewrite = on off") }
        #expect(throws: QueryError.self) { try SessionStatement.parse("RESET") }
    }

    @Test func leadingStatementsKeepPositions() throws {
        let (s, rest) = try SessionStatement.leading("SET view_rewrite = off; -- raw\nSELECT 1;")
        #expect(s == [.set(name: "view_rewrite", value: "off")])
        #expect(rest == String(repeating: " ", count: 30) + "\nSELECT 1;")
        let (s2, rest2) = try SessionStatement.leading("SET view_rewrite = off; SHOW view_rewrite")
        #expect(s2 == [.set(name: "view_rewrite", value: "off"), .show("view_rewrite")] && rest2 == nil)
        let (s3, rest3) = try SessionStatement.leading("SELECT 1")
        #expect(s3.isEmpty && rest3 == "SELECT 1")
        #expect(SessionStatement.statementText("SET view_rewrite = 0; DELETE FROM t").hasSuffix("DELETE FROM t"))
    }

    @Test func sessionValuesAreCheckedAndCanonical() throws {
        var session = QuerySession()
        try session.apply(.set(name: "VIEW_REWRITE", value: "False"))
        #expect(session.settings == ["view_rewrite": "off"])
        try session.apply(.reset("view_rewrite"))
        #expect(session.settings.isEmpty)
        #expect(throws: QueryError.self) { try session.apply(.set(name: "view_rewrite", value: "maybe")) }
        #expect(throws: QueryError.self) { try session.apply(.set(name: "nonsense", value: "on")) }
    }

    @Test func engineHonoursSetBeforeItsStatement() throws {
        try withEngine { e, db, _ in
            var r = SeededRandom(seed: 4)
            try MaterializedViewRewriteTests.setUp(e, &r)
            let sql = "SELECT date_trunc('month', time) AS m, artist, count(*) FROM plays GROUP BY m, artist"
            #expect(try MaterializedViewRewriteTests.answeringView(e, sql) == "daily")
            let off = try e.rows("SET view_rewrite = off;\nEXPLAIN " + sql).joined().joined()
            #expect(!off.contains("materialized view"), "\(off)")
            // Each text starts again from the engine's setting.
            #expect(try MaterializedViewRewriteTests.answeringView(e, sql) == "daily")
            #expect(try e.rows("SHOW view_rewrite") == [["on"]])
            #expect(try e.rows("SET view_rewrite = off; SHOW view_rewrite") == [["off"]])
            #expect(try e.rows("SET view_rewrite = off") == [["SET"]])
            #expect(textRows(try e.execute("SHOW view_rewrite", session: QuerySession(settings: ["view_rewrite": "off"]))) == [["off"]])
            let plain = QueryEngine(database: db, threads: 2, viewRewrite: false)
            #expect(try plain.rows("SHOW view_rewrite") == [["off"]])
            #expect(try plain.rows("SET view_rewrite = on; SHOW ALL") == [["view_rewrite", "on"]])
            let onAgain = try plain.rows("SET view_rewrite = on; EXPLAIN " + sql).joined().joined()
            #expect(onAgain.contains("answered from materialized view daily"))
            // The statement after SET is located in the whole text.
            do {
                _ = try e.execute("SET view_rewrite = off;\nSELECT nope FROM plays")
                Issue.record("an unknown column must fail")
            } catch let error as QueryError {
                #expect(error.position?.line == 2 && error.position?.column == 8, "\(error)")
            }
            // Streaming reads the same.
            var streamed: [String] = []
            try e.stream("SET view_rewrite = off; SHOW view_rewrite") { streamed += textRows($0).map { $0[0] } }
            #expect(streamed == ["off"])
        }
    }
}
