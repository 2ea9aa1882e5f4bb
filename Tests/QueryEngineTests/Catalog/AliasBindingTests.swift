import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// Select-list aliases that share a name with a source column, over `tsdb_partitions` (a system table
/// DuckDB cannot hold, so its cases live here; the plain-table cases are in sqllogic/alias_binding.test).
@Suite("Alias binding")
struct AliasBindingTests {
    @Test func whereSeesTheColumnBeforeTheAliasOfTheSameName() throws {
        try withEngine { e, db, _ in
            _ = try e.execute("CREATE TABLE plays (time TIMESTAMP, artist SYMBOL)")
            _ = try e.execute("INSERT INTO plays VALUES ('2026-09-01 01:00', 'A'), ('2026-09-03 05:00', 'B'), ('2026-09-07 12:00', 'C')")
            try db.flush()
            // The alias `day` (a day shifted by 2 days) must not replace the column `day` in WHERE.
            #expect(try e.rows("""
                SELECT day + INTERVAL 2 DAYS AS day FROM tsdb_partitions
                WHERE table_name = 'plays' AND day IN (SELECT max(day) FROM tsdb_partitions WHERE table_name = 'plays')
                """) == [["2026-09-09 00:00:00"]])
            #expect(try e.rows("""
                SELECT CAST(day AS DATE) AS day FROM tsdb_partitions
                WHERE table_name = 'plays' AND day IN (SELECT day FROM tsdb_partitions WHERE day >= '2026-09-03') ORDER BY day
                """) == [["2026-09-03"], ["2026-09-07"]])
            // A name no column has falls back to the alias.
            #expect(try e.rows("""
                SELECT date_trunc('month', day) AS month, count(*) AS n FROM tsdb_partitions
                WHERE table_name = 'plays' AND month = '2026-09-01' GROUP BY month
                """) == [["2026-09-01 00:00:00", "3"]])
            // ORDER BY a bare name prefers the alias: negated days of the month sort in reverse.
            #expect(try e.rows("""
                SELECT -date_part('day', day) AS day FROM tsdb_partitions WHERE table_name = 'plays' ORDER BY day
                """) == [["-7"], ["-3"], ["-1"]])
            #expect(throws: QueryError.self) { try e.execute("SELECT count(*) AS n FROM tsdb_partitions WHERE n > 0") }
        }
    }
}
