import Foundation
import Testing
@testable import ColumnStore
import TestSupport

private let day: Int64 = 86_400_000_000_000

/// Rows older than a table's retention are refused per row with the reason, never acknowledged and dropped
/// later; setting a retention drops expired days at once.
@Suite("RetentionRejection")
struct RetentionRejectionTests {
    private func batch(_ times: [Int64]) -> WriteBatch {
        var b = BatchBuilder(table: "plays")
        for (i, t) in times.enumerated() { b.add(time: t, [("seq", .int(Int64(i)))]) }
        return b.batch
    }

    @Test func oldRowsAreRejectedWithTheReason() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        try db.write([batch([now])])
        try db.setRetention("plays", days: 30)
        let r = try db.write([batch([now - 1, now - 40 * day, now - 5 * day, now - 400 * day])])
        #expect(r.written == 2)
        let rejected = r.rejected.flatMap { $0 }
        #expect(rejected.map(\.row) == [1, 3])
        #expect(rejected.allSatisfy { $0.reason.hasPrefix(RowRejection.beyondRetention) && $0.reason.contains("30-day retention") })
        try db.flush()
        #expect(try TableReader.rows(db, table: "plays").count == 3)  // nothing acknowledged went missing
    }

    @Test func settingRetentionDropsExpiredDaysAtOnce() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        try db.write([batch([now, now - 10 * day, now - 100 * day, now - 200 * day])])
        try db.flush()
        #expect(db.partitionStats(of: "plays").count == 4)
        #expect(try db.setRetention("plays", days: 50) == 2)
        #expect(db.partitionStats(of: "plays").count == 2)
        #expect(try TableReader.rows(db, table: "plays").count == 2)
    }
}
