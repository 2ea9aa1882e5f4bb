import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// A read-only view loads a tag's dictionary only when a query reads that tag: queries in an order that
/// starts with none, then one tag, then others (filters, keys, LIKE, outputs, `*`, a join, a subquery),
/// answer exactly as on the writable open, which holds every dictionary.
@Suite("Read-only views load only the tags a query reads")
struct ReadOnlyTagTests {
    static let queries = [
        "SELECT count(*), count(DISTINCT user_id), sum(duration_ms) FROM plays WHERE time >= '2026-01-01 05:00:00'",
        "SELECT platform, count(*) FROM plays GROUP BY platform ORDER BY platform",
        "SELECT count(*) FROM plays WHERE artist = 'B' AND liked",
        "SELECT artist, max(revenue) FROM plays WHERE artist LIKE '%C%' OR platform IN ('ios') GROUP BY artist ORDER BY artist",
        "SELECT arg_max(artist, time), first(platform) FROM plays",
        "SELECT * FROM plays ORDER BY time DESC LIMIT 3",
        "SELECT p.artist, count(*) FROM plays p JOIN (SELECT DISTINCT artist FROM plays WHERE platform = 'web') w ON p.artist = w.artist GROUP BY p.artist ORDER BY p.artist",
        "SELECT artist FROM plays WHERE duration_ms > 998000 ORDER BY time LIMIT 4",
    ]

    @Test func answersAsTheWritableOpen() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let t0: Int64 = 1_767_225_600_000_000_000
        var expected: [[[String]]] = []
        do {
            let db = try Database(path: dir.path, options: o)
            let artists = ["A", "B", "C", "D"], platforms = ["web", "ios", "android"]
            for part in 0..<3 {
                var b = BatchBuilder(table: "plays")
                for i in (part * 1000)..<((part + 1) * 1000) {
                    b.add(time: t0 + Int64(i) * 60_000_000_000, [
                        ("artist", .tag(artists[i % 4])), ("platform", .tag(platforms[i % 3])),
                        ("duration_ms", .int(Int64(i % 1000) * 1000)), ("liked", .bool(i % 3 == 0)),
                        ("user_id", .string("user-\(i % 97)")), ("revenue", .float(Double(i % 100) * 0.25)),
                    ])
                }
                try db.write([b.batch])
                try db.flush()
            }
            let e = QueryEngine(database: db, threads: 2)
            expected = try Self.queries.map { cells(try e.execute($0)) }
            try db.close()
        }
        let reader = try Database.openReadOnly(path: dir.path, options: o)
        defer { try? reader.close() }
        let e = QueryEngine(database: reader, threads: 2)
        for (q, want) in zip(Self.queries, expected) {
            #expect(cells(try e.execute(q)) == want, "\(q)")
        }
    }
}
