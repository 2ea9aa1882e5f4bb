import QueryEngine

/// A response body produced in pieces on a query thread: `nextChunk` until it returns nil.
protocol ChunkSource: AnyObject, Sendable {
    /// The next piece of the body; nil once everything was returned.
    func nextChunk() -> [UInt8]?
}

/// A query result written out a slice of rows at a time (CSV, JSON, JSON Lines), so a large answer
/// streams as a chunked response instead of being built whole in memory.
///
/// Used by one thread at a time: the streaming loop asks for chunks until it gets nil.
final class ResultStream: ChunkSource, @unchecked Sendable {
    let result: QueryResult
    private var writer: ResultWriter
    private var nextRow = 0
    private var started = false
    private var finished = false
    /// Rows per chunk: large enough that per-chunk costs vanish, small enough to keep memory flat.
    let rowsPerChunk: Int

    init(result: QueryResult, format: ResultFormat, rowsPerChunk: Int = 16_384) {
        self.result = result
        writer = ResultWriter(format: format, for: result)
        self.rowsPerChunk = rowsPerChunk
    }

    /// The next piece of the body; nil once everything was returned.
    func nextChunk() -> [UInt8]? {
        if finished { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(64 << 10)
        if !started {
            started = true
            writer.writeHeader(into: &out)
        }
        let end = min(result.rowCount, nextRow + rowsPerChunk)
        if nextRow < end {
            writer.writeRows(of: result, nextRow..<end, into: &out)
            nextRow = end
        }
        if nextRow == result.rowCount {
            writer.writeFooter(into: &out)
            finished = true
        }
        return out
    }
}
