import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// Intervals computed per row leave the engine as DuckDB's text of them, and the interval words round-trip.
@Suite("Interval results")
struct IntervalResultTests {
    @Test func differenceOfTimestampsIsIntervalText() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        let engine = QueryEngine(database: db)
        let r = try engine.execute("SELECT TIMESTAMP '2024-01-02 02:03:04' - TIMESTAMP '2024-01-01' AS d, TIMESTAMP '2024-01-01' - TIMESTAMP '2024-01-02 02:03:04.5' AS e")
        #expect(r.columns.map(\.type) == [.string, .string], "\(r.columns.map(\.type))")
        #expect(r.columns[0].vector.string(at: 0) == "1 day 02:03:04")
        #expect(r.columns[1].vector.string(at: 0) == "-1 day -02:03:04.5")
    }

    @Test func textOfIntervals() {
        #expect(IntervalValues.text(SQLInterval(months: 14, days: 3, nanoseconds: 0)) == "1 year 2 months 3 days")
        #expect(IntervalValues.text(SQLInterval()) == "00:00:00")
        #expect(IntervalValues.text(SQLInterval(nanoseconds: 90_000_000_000_000)) == "25:00:00")
        #expect(IntervalValues.text(IntervalValues.interval(-1_800_000_000_000)) == "-00:30:00")
    }

    /// Seeded: a word splits into days and a time part of its sign, and back.
    @Test func wordsRoundTrip() {
        var rng = SeededRandom(seed: 11)
        for _ in 0..<1000 {
            let ns = Int64.random(in: -400 * 86_400_000_000_000...400 * 86_400_000_000_000, using: &rng)
            let i = IntervalValues.interval(ns)
            #expect(IntervalValues.nanoseconds(i) == ns)
            #expect(i.months == 0 && (i.days == 0 || i.nanoseconds == 0 || (i.days < 0) == (i.nanoseconds < 0)))
        }
    }
}
