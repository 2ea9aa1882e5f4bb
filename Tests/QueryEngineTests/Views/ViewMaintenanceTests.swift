import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// One maintenance step replaces a view's rows only where it holds some (`heldRanges`), and a deferred
/// background (a one-shot ingest) leaves every change pending, answered from raw, until one step at the end.
@Suite("ViewMaintenance", .serialized)
struct ViewMaintenanceTests {
    typealias T = MaterializedViewTests

    /// The stored bucket starts of `view` (its column `bucket`) as nanoseconds.
    static func storedTimes(_ e: QueryEngine, _ view: String, bucket: String) throws -> [Int64] {
        let r = try e.execute("SELECT \(bucket) FROM \(view)", session: T.rawSession)
        return r.rowCount == 0 ? [] : (0..<r.rowCount).map { r.columns[0].vector.int64s[$0] }
    }

    static func contains(_ ranges: BucketRanges, _ t: Int64) -> Bool { ranges.intervals.contains { $0.lo <= t && t < $0.hi } }

    /// Seeded random ranges: every stored row inside them lies in `heldRanges`, which stays inside them —
    /// with the view's rows in segments and in the memtable.
    @Test(arguments: [21, 22, 23] as [UInt64])
    func heldRangesCoverEveryStoredRowOfTheRanges(seed: UInt64) throws {
        try withEngine { e, db, _ in
            var r = SeededRandom(seed: seed)
            _ = try e.execute(T.schema)
            try T.insertRows(e, &r, count: 200, days: 1...28)
            _ = try e.execute("CREATE MATERIALIZED VIEW hourly AS " + T.views[1].sql)
            if seed % 2 == 1 { try db.flush() }
            let catalog = ViewCatalog.of(db)
            let step = ViewMaintenance(catalog: catalog, definition: catalog.definition("hourly")!)
            let stored = try Self.storedTimes(e, "hourly", bucket: "hour")
            #expect(!stored.isEmpty)
            let sept1 = try SQLTimestamp.parse("2026-09-01")
            for _ in 0..<40 {
                var ranges = BucketRanges()
                for _ in 0..<(1 + r.below(3)) {
                    let lo = sept1 + Int64(r.below(30 * 24)) * 3_600_000_000_000
                    ranges.insert(lo, lo + Int64(1 + r.below(72)) * 3_600_000_000_000)
                }
                let held = step.heldRanges(ranges)
                for t in stored where Self.contains(ranges, t) {
                    #expect(Self.contains(held, t), "a stored row at \(SQLTimestamp.format(t)) outside the held ranges \(held)")
                }
                #expect(held.subtracting(ranges).isEmpty, "held \(held) reaches outside \(ranges)")
            }
            #expect(step.heldRanges(BucketRanges()).isEmpty)
            #expect(step.heldRanges(.everything) != BucketRanges())
        }
    }

    /// Late rows into buckets already materialized (their old rows deleted only there), a delete after that
    /// step, and new buckets: every view equals its defining query after each step and each maintenance.
    @Test func lateRowsIntoMaterializedBucketsThenADelete() throws {
        try withEngine { e, db, _ in
            var r = SeededRandom(seed: 31)
            _ = try e.execute(T.schema)
            try T.insertRows(e, &r, count: 150, days: 1...6)
            try T.createViews(e)
            let catalog = ViewCatalog.of(db)
            try db.flush()
            for round in 0..<4 {
                try T.insertRows(e, &r, count: 20, days: 2...3)  // late: buckets the views hold
                try T.insertRows(e, &r, count: 20, days: (7 + 3 * round)...(9 + 3 * round))  // new buckets
                try T.checkViews(e, "round \(round): late and new rows")
                try catalog.maintainAll(foreground: round % 2 == 0)
                try T.checkViews(e, "round \(round): maintenance")
                _ = try e.execute("DELETE FROM plays WHERE artist = 'a\(round)' AND time < '2026-09-05'")
                try T.checkViews(e, "round \(round): delete")
                if round % 2 == 1 { try db.flush() }
                try catalog.maintainAll()
                try T.checkViews(e, "round \(round): maintenance after the delete")
            }
            #expect(try e.rows("SELECT sum(pending_ranges) FROM tsdb_views") == [["0"]])
            try T.checkAgainstDuckDB(e)
        }
    }

    /// With background maintenance on but deferred (what `tsdb-cli ingest` does), writes, late rows, deletes
    /// and flushes stay pending — answered from raw, exactly — until one foreground step materializes them.
    @Test func deferredBackgroundStaysExactUntilOneStep() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = true
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        let e = QueryEngine(database: db, threads: 2)
        var r = SeededRandom(seed: 41)
        _ = try e.execute(T.schema)
        try T.insertRows(e, &r, count: 120, days: 1...5)
        try T.createViews(e)
        QueryEngine.deferMaterializedViewMaintenance(db)
        for step in 0..<8 {
            try T.insertRows(e, &r, count: 1 + r.below(40), days: (step % 3 == 0 ? 1 : 4)...(6 + step))
            if step % 3 == 2 { _ = try e.execute("DELETE FROM plays WHERE artist = 'a\(r.below(5))' AND time < '2026-09-04'") }
            if step % 4 == 3 { try db.flush() }
            try T.checkViews(e, "deferred step \(step)")
        }
        // Nothing ran in the background while deferred.
        #expect(try e.rows("SELECT min(pending_ranges) > 0 FROM tsdb_views") == [["true"]])
        try QueryEngine.maintainMaterializedViews(db)
        #expect(try e.rows("SELECT sum(pending_ranges) FROM tsdb_views") == [["0"]])
        try T.checkViews(e, "the step at the end")
    }

    /// Appends into buckets already materialized are merged into the stored rows (`ViewMerge`: count, sum of
    /// integers, min, max, FILTER) instead of recomputed; a DELETE sends its buckets back to a recompute from
    /// raw, and later appends merge again. Views with distinct counts or quantiles always recompute. Every
    /// view equals its defining query after every step, and DuckDB agrees at the end.
    @Test func appendsIntoMaterializedBucketsAreMerged() throws {
        try withEngine { e, db, _ in
            var r = SeededRandom(seed: 51)
            _ = try e.execute(T.schema)
            try T.insertRows(e, &r, count: 200, days: 1...6)
            try T.createViews(e)
            let catalog = ViewCatalog.of(db)
            #expect(ViewMerge.candidateRules(catalog.definition("track_daily")!) != nil)
            #expect(ViewMerge.candidateRules(catalog.definition("hourly")!) != nil)
            #expect(ViewMerge.candidateRules(catalog.definition("daily")!) == nil)   // count(DISTINCT), avg
            #expect(ViewMerge.candidateRules(catalog.definition("weekly")!) == nil)  // median
            var merges = catalog.mergeCount
            for round in 0..<6 {
                // Appends into held buckets (and a few new ones).
                try T.insertRows(e, &r, count: 30, days: 1...(6 + round))
                try T.checkViews(e, "round \(round): appends, unmaintained")
                if round % 3 == 1 { try db.flush() }
                try catalog.maintainAll(foreground: round % 2 == 0)
                #expect(catalog.mergeCount > merges, "round \(round): the appends were merged")
                merges = catalog.mergeCount
                try T.checkViews(e, "round \(round): merged")
                #expect(try e.rows("SELECT sum(pending_ranges) FROM tsdb_views") == [["0"]])
                if round % 2 == 1 {
                    // A delete, then appends into the same buckets before maintenance: recomputed from raw.
                    _ = try e.execute("DELETE FROM plays WHERE artist = 'a\(round % 5)' AND time < '2026-09-04'")
                    try T.insertRows(e, &r, count: 10, days: 1...3)
                    try T.checkViews(e, "round \(round): delete and appends")
                    try catalog.maintainAll()
                    try T.checkViews(e, "round \(round): recomputed after the delete")
                }
            }
            // Past the limit of held rows, appended buckets turn pending and are recomputed: still exact.
            catalog.appendedRowLimit = 25
            try T.insertRows(e, &r, count: 20, days: 1...4)
            try T.insertRows(e, &r, count: 20, days: 3...8)
            try T.checkViews(e, "over the limit, unmaintained")
            try catalog.maintainAll()
            try T.checkViews(e, "over the limit, maintained")
            try T.checkAgainstDuckDB(e)
        }
    }

    /// A crash loses the rows held for a merge: the buckets they touched are pending in `VIEWS` as soon as
    /// the rows leave the WAL (a flush), and recomputed from raw after reopening — never merged twice.
    @Test func reopenRecomputesAppendedBuckets() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        var r = SeededRandom(seed: 61)
        do {
            let db = try Database(path: dir.path, options: o)
            let e = QueryEngine(database: db, threads: 2)
            _ = try e.execute(T.schema)
            try T.insertRows(e, &r, count: 150, days: 1...5)
            try T.createViews(e)
            try T.insertRows(e, &r, count: 40, days: 1...5)  // appended, held in memory only
            try db.flush()                                  // the rows leave the WAL: `VIEWS` must name the buckets
            try T.insertRows(e, &r, count: 40, days: 2...7)  // appended, still in the WAL
            try T.checkViews(e, "before the crash")
            try db.close()  // no maintenance ran: as a crash after these writes would leave it
        }
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        let e = QueryEngine(database: db, threads: 2)
        #expect(try e.rows("SELECT min(pending_ranges) > 0 FROM tsdb_views") == [["true"]])
        try T.checkViews(e, "reopened")
        let catalog = ViewCatalog.of(db)
        try catalog.maintainAll()
        #expect(catalog.mergeCount == 0)
        try T.checkViews(e, "recomputed after reopening")
    }
}
