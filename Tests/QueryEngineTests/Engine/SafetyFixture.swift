import Foundation
import ColumnStore
@testable import QueryEngine
import TestSupport

/// A `plays` table of `rows` rows (one every minute from 2026-01-01), flushed to segments except the
/// last `memtableRows`, for the query-safety tests: several row groups, so scans run on several threads
/// and their states merge.
func withPlays(rows: Int = 2_000, memtableRows: Int = 10, threads: Int = 2, partitionAfterGroups: Int = 16_384,
               _ body: (QueryEngine) throws -> Void) throws {
    let dir = TempDirectory(); defer { dir.remove() }
    var o = DatabaseOptions()
    o.background = false
    let db = try Database(path: dir.path, options: o)
    defer { try? db.close() }
    let t0: Int64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z
    let artists = ["A", "B", "C", "D"], platforms = ["web", "ios", "android"]
    func batch(_ range: Range<Int>) -> WriteBatch {
        var b = BatchBuilder(table: "plays")
        for i in range {
            b.add(time: t0 + Int64(i) * 60_000_000_000, [
                ("artist", .tag(artists[i % artists.count])), ("platform", .tag(platforms[i % platforms.count])),
                ("duration_ms", .int(Int64(i % 1000) * 1000)), ("liked", .bool(i % 3 == 0)),
                ("user_id", .string("user-\(i % 997)")), ("revenue", .float(Double(i % 100) * 0.25)),
            ])
        }
        return b.batch
    }
    let flushed = max(0, rows - memtableRows)
    var start = 0
    while start < flushed {  // several segments
        let end = min(flushed, start + 25_000)
        try db.write([batch(start..<end)])
        try db.flush()
        start = end
    }
    if rows > flushed { try db.write([batch(flushed..<rows)]) }
    try body(QueryEngine(database: db, threads: threads, partitionAfterGroups: partitionAfterGroups))
}

/// The result's cells as text (NULL as "NULL").
func cells(_ r: QueryResult) -> [[String]] {
    (0..<r.rowCount).map { i in
        r.columns.map { c in
            let v = c.vector
            if v.isNull(i) { return "NULL" }
            switch v.type {
            case .time: return SQLTimestamp.format(v.int64s[i])
            case .int64, .date: return String(v.int64s[i])
            case .uint64: return String(v.uint64s[i])
            case .float64: return v.float64s[i].isNaN ? "nan" : "\(v.float64s[i])"
            case .bool: return v.bools[i] != 0 ? "true" : "false"
            case .string: return v.string(at: i)
            case .symbol: return "?"
            }
        }
    }
}

/// The error text a query fails with, or nil when it succeeds.
func failure(_ e: QueryEngine, _ sql: String, control: QueryControl? = nil) -> String? {
    do {
        _ = try e.execute(sql, control: control)
        return nil
    } catch {
        return "\(error)"
    }
}
