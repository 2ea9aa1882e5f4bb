import ColumnStore
import Foundation
@testable import QueryEngine
import Testing
import TestSupport

/// Errors about names keep their position in the query text and their "did you mean" after table
/// aliases: over one table, in joins, in WHERE, GROUP BY and ON, and for an alias that does not exist.
@Suite struct AliasErrorTests {
    /// The error `sql` fails with, and the column (1-based) it points at.
    private func failure(_ e: QueryEngine, _ sql: String) -> (message: String, column: Int?) {
        do {
            _ = try e.execute(sql)
            return ("no error", nil)
        } catch let error as QueryError {
            return (error.message, error.position?.column)
        } catch {
            return ("\(error)", nil)
        }
    }

    /// The 1-based column of `needle`'s first occurrence in `sql`.
    private func column(of needle: String, in sql: String) -> Int {
        sql.distance(from: sql.startIndex, to: sql.range(of: needle)!.lowerBound) + 1
    }

    @Test(arguments: [
        ("SELECT p.artst FROM plays p", "p.artst", "unknown column 'artst' in table 'plays' (did you mean 'artist'?)"),
        ("SELECT artst FROM plays AS p", "artst", "unknown column 'artst' in table 'plays' (did you mean 'artist'?)"),
        ("SELECT p.artist FROM plays p WHERE p.platfrm = 'web'", "p.platfrm", "(did you mean 'platform'?)"),
        ("SELECT count(*) FROM plays p GROUP BY p.artst", "p.artst", "(did you mean 'artist'?)"),
        ("SELECT x.artist FROM plays p", "x.artist", "unknown table or alias 'x' in 'x.artist' (the FROM has 'p')"),
        ("SELECT plays.artist FROM plays pl", "plays.artist", "unknown table or alias 'plays' in 'plays.artist'"),
        ("SELECT pp.artist FROM plays p", "pp.artist", "unknown table or alias 'pp' in 'pp.artist' (did you mean 'p'?)"),
        ("SELECT p.artist FROM plays p JOIN plays q ON p.user_id = q.usr_id", "q.usr_id",
         "unknown column 'q.usr_id' (did you mean 'q.user_id'?)"),
        // A condition on one side is planned into that side's scan, under its alias.
        ("SELECT p.artist FROM plays p JOIN plays q ON p.user_id = q.user_id WHERE q.platfom = 'ios'", "q.platfom",
         "unknown column 'platfom' in table 'plays' (did you mean 'platform'?)"),
        ("SELECT p.artist FROM plays p JOIN plays q ON p.user_id = q.user_id WHERE q.artist = 'A' AND p.duraton_ms > 0", "p.duraton_ms",
         "(did you mean 'duration_ms'?)"),
        ("SELECT r.artist FROM plays p JOIN plays q ON p.user_id = q.user_id", "r.artist",
         "unknown table or alias 'r' in 'r.artist' (the FROM has 'p', 'q')"),
        ("SELECT pl.artist FROM plays p JOIN plays qq ON p.user_id = qq.user_id", "pl.artist",
         "unknown table or alias 'pl' in 'pl.artist' (did you mean 'p'?)"),
        ("SELECT count(*) FROM plays p JOIN plays q ON p.user_id = q.user_id WHERE artist = 'A'", "artist =",
         "column reference 'artist' is ambiguous (p.artist, q.artist)"),
    ])
    func namesAfterAliases(_ sql: String, _ at: String, _ message: String) throws {
        try withPlays(rows: 50) { e in
            let f = failure(e, sql)
            #expect(f.message.contains(message), "\(sql): \(f.message)")
            #expect(f.column == column(of: at, in: sql), "\(sql): \(f.message) at column \(f.column.map(String.init) ?? "none")")
        }
    }

    @Test func aliasesThatExistStillWork() throws {
        try withPlays(rows: 50) { e in
            for sql in ["SELECT p.artist FROM plays p", "SELECT plays.artist FROM plays", "SELECT P.artist FROM plays p",
                        "SELECT count(*) FROM plays p WHERE EXISTS (SELECT 1 FROM plays q WHERE q.user_id = p.user_id)",
                        "SELECT count(*) FROM plays WHERE duration_ms > (SELECT avg(q.duration_ms) FROM plays q WHERE q.artist = plays.artist)"] {
                #expect(throws: Never.self, "\(sql)") { try e.execute(sql) }
            }
        }
    }
}

/// Every scalar function the binder knows is a "did you mean" candidate, session functions included.
@Suite struct FunctionSuggestionTests {
    @Test func sessionFunctionsAreSuggested() throws {
        try withPlays(rows: 10) { e in
            do {
                _ = try e.execute("SELECT curent_database()")
                Issue.record("no error")
            } catch {
                #expect("\(error)".contains("did you mean current_database()?"), "\(error)")
            }
        }
    }
}
