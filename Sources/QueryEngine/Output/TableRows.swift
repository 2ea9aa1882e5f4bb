import ColumnStore

/// What a table shows of a streamed answer: its first and last rows (as `TableStyle.maxRows` asks)
/// and how many there were, so a table of any length is drawn from a bounded number of rows.
public struct TableRows {
    public let maxRows: Int
    /// Rows seen so far.
    public private(set) var totalRows = 0
    private var head: [ResultColumn] = []
    /// The latest rows; trimmed to `tailRows` when it holds twice that, so trimming costs little a row.
    private var tail: [ColumnVector] = []

    public init(maxRows: Int) { self.maxRows = maxRows }

    /// Rows kept elsewhere (a server's CSV answer read as it streamed): `shown` holds the first and last
    /// rows, as `add` keeps them, of an answer of `totalRows` rows.
    public init(maxRows: Int, shown: QueryResult, totalRows: Int) {
        self.maxRows = maxRows
        head = shown.columns
        tail = shown.columns.map { ColumnVector(type: $0.type) }
        self.totalRows = totalRows
    }

    private var headRows: Int { maxRows == 0 ? Int.max : (maxRows + 1) / 2 }
    private var tailRows: Int { maxRows / 2 }

    /// Takes the next batch of the answer.
    public mutating func add(_ batch: QueryResult) {
        if head.isEmpty {
            head = batch.columns.map { ResultColumn(name: $0.name, vector: ColumnVector(type: $0.type), dates: $0.dates.map { ColumnVector(type: $0.type) }) }
            tail = batch.columns.map { ColumnVector(type: $0.type) }
        }
        let n = batch.rowCount
        let intoHead = min(n, max(0, headRows - (head.first?.vector.count ?? 0)))
        for c in head.indices {
            head[c].vector.append(contentsOf: batch.columns[c].vector, range: 0..<intoHead)
            if let d = batch.columns[c].dates { head[c].dates?.append(contentsOf: d, range: 0..<intoHead) }
        }
        totalRows += n
        guard intoHead < n, tailRows > 0 else { return }
        let rest = max(intoHead, n - tailRows)..<n
        for c in tail.indices { tail[c].append(contentsOf: batch.columns[c].vector, range: rest) }
        if tail[0].count >= 2 * tailRows {
            let keep = (tail[0].count - tailRows)..<tail[0].count
            tail = tail.map { $0.slice(keep) }
        }
    }

    /// The table of everything added so far.
    public func render(_ style: TableStyle) -> [UInt8] {
        var shown = head
        let tailCount = min(tail.first?.count ?? 0, tailRows)
        if tailCount > 0 {
            let keep = (tail[0].count - tailCount)..<tail[0].count
            for c in shown.indices { shown[c].vector.append(contentsOf: tail[c], range: keep) }
        }
        var s = style
        s.maxRows = maxRows
        return TableFormatter.render(QueryResult(columns: shown), s, totalRows: totalRows)
    }
}
