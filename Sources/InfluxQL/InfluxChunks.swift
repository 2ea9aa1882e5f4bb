/// The lines of a `chunked=true` answer, made one at a time as the connection takes them: each holds
/// at most `size` rows of one series, read from the statement's result only when its line is written.
///
/// Used by one thread at a time.
public final class InfluxChunks: @unchecked Sendable {
    private let results: [InfluxStatementResult]
    private let json: InfluxResponseJSON
    private let size: Int
    private var statement = 0, series = 0, row = 0

    public init(results: [InfluxStatementResult], json: InfluxResponseJSON, size: Int) {
        self.results = results
        self.json = json
        self.size = max(1, size)
    }

    /// The next line (with its newline), or nil after the last.
    public func next() -> [UInt8]? {
        guard statement < results.count else { return nil }
        let r = results[statement]
        if r.error != nil || r.series.isEmpty {
            statement += 1
            return json.chunkLine(r, series: 0, rows: 0..<0)
        }
        let count = r.series[series].rowCount
        let end = min(count, row + size)
        let line = json.chunkLine(r, series: series, rows: row..<end)
        row = end
        if row >= count {
            row = 0
            series += 1
            if series == r.series.count {
                series = 0
                statement += 1
            }
        }
        return line
    }
}
