import ColumnStore
import Foundation
import Ingest

/// Loads a plays.lp file into a database the way a client would stream it: 4 MB chunks cut at newlines,
/// parsed by the Ingest module and written batch by batch. The memtable is flushed to segments after
/// `flushFractions` of the rows, so queries read segments (several per day: late events overlap) and
/// the memtable at once.
enum PlaysLoader {
    struct Loaded {
        var rows = 0
        /// Rows written before the last flush: they are in segments; the rest is in the memtable.
        var flushedRows = 0
        var memtableRows = 0
    }

    static func load(lp path: String, into db: Database, flushFractions: [Double] = [0.35, 0.7],
                     chunkBytes: Int = 4 << 20) throws -> Loaded {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let lines = bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        var flushAt = flushFractions.map { Int(Double(lines) * $0) }
        var loaded = Loaded()
        var ingester = LineProtocolIngester(defaultTime: 0)
        var start = 0
        try bytes.withUnsafeBytes { all in
            while start < all.count {
                var end = min(all.count, start + chunkBytes)
                if end < all.count {
                    while end > start && all[end - 1] != UInt8(ascii: "\n") { end -= 1 }
                    if end == start { throw DifferentialError("a line of \(path) is longer than \(chunkBytes) bytes") }
                }
                let chunk = UnsafeRawBufferPointer(rebasing: all[start..<end])
                let used = ingester.feed(chunk, isFinal: end == all.count)
                guard used == chunk.count else {
                    throw DifferentialError("the ingester consumed \(used) of \(chunk.count) bytes of a chunk ending at a newline")
                }
                start = end
                let parsed = ingester.takeBatches()
                let report = parsed.batches.isEmpty ? parsed.report : parsed.report(after: try db.write(parsed.batches))
                guard report.isComplete else {
                    throw DifferentialError("loading \(path) rejected lines: \(report)")
                }
                loaded.rows += report.linesAccepted
                if let next = flushAt.first, loaded.rows >= next {
                    flushAt.removeFirst()
                    try db.flush()
                    loaded.flushedRows = loaded.rows
                }
            }
        }
        guard loaded.rows == lines else {
            throw DifferentialError("loaded \(loaded.rows) rows from \(lines) lines of \(path)")
        }
        loaded.memtableRows = db.memtableRows
        return loaded
    }
}
