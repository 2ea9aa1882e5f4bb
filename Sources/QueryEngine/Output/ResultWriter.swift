import ColumnStore

/// Writes query results as CSV, JSON or JSON Lines a slice of rows at a time, so that a server can
/// stream a large answer: `writeHeader`, then `writeRows` for each batch or slice (in order), then
/// `writeFooter`. Each call appends to the caller's buffer, which it may send and clear in between.
/// The formats are defined on `ResultFormat`.
public struct ResultWriter: Sendable {
    public let format: ResultFormat
    public let columnNames: [String]
    /// JSON object keys, `"name":`, escaped once, back to back; `keyEnds[c]` ends column c's.
    let keyBytes: [UInt8]
    let keyEnds: [Int]
    /// Rows written so far.
    public private(set) var rowsWritten = 0
    /// Scratch for one block: rendered cells, column-major, and where each ends.
    var cells: [UInt8] = []
    var ends: [Int] = []

    /// A writer for results with these column names. `format` must be streamable (not `.table`).
    public init(format: ResultFormat, columnNames: [String]) {
        precondition(format.isStreamable, "BUG: \(format) output cannot be streamed")
        self.format = format
        self.columnNames = columnNames
        var keyBytes: [UInt8] = [], keyEnds: [Int] = []
        for name in columnNames {
            JSONText.appendQuoted(name, to: &keyBytes)
            keyBytes.append(0x3A)
            keyEnds.append(keyBytes.count)
        }
        self.keyBytes = keyBytes
        self.keyEnds = keyEnds
    }

    /// A writer for results shaped like `result`.
    public init(format: ResultFormat, for result: QueryResult) {
        self.init(format: format, columnNames: result.columns.map(\.name))
    }

    /// Appends what comes before the rows: the CSV header row, JSON's `[`.
    public func writeHeader(into out: inout [UInt8]) {
        switch format {
        case .csv:
            for (c, name) in columnNames.enumerated() {
                if c > 0 { out.append(0x2C) }
                CSVText.appendField(name, to: &out)
            }
            out.append(0x0A)
        case .json:
            out.append(0x5B)
        case .jsonl, .table:
            break
        }
    }

    /// Appends rows `rows` of `result`, whose columns must be the writer's.
    public mutating func writeRows(of result: QueryResult, _ rows: Range<Int>, into out: inout [UInt8]) {
        precondition(result.columns.count == columnNames.count,
                     "BUG: result has \(result.columns.count) columns, the writer \(columnNames.count)")
        precondition(rows.lowerBound >= 0 && rows.upperBound <= result.rowCount,
                     "BUG: rows \(rows) of a result of \(result.rowCount)")
        let style: CellText.Style = format == .csv ? .csv : .json
        var lo = rows.lowerBound
        while lo < rows.upperBound {
            // A block of rows at a time: render each column's cells, then interleave them into rows.
            let block = lo..<min(lo + Self.blockRows, rows.upperBound)
            cells.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            for column in result.columns {
                CellText.render(column.vector, block, style, into: &cells, ends: &ends)
            }
            assemble(rowCount: block.count, into: &out)
            rowsWritten += block.count
            lo = block.upperBound
        }
    }

    /// Rows per rendering block: enough to amortise the per-column setup, small enough for cache.
    static let blockRows = 1024

    /// Appends `rowCount` rows from `cells`/`ends` (column-major) in the writer's format.
    func assemble(rowCount n: Int, into out: inout [UInt8]) {
        let columnCount = columnNames.count
        cells.withUnsafeBytes { text in ends.withUnsafeBufferPointer { ends in keyBytes.withUnsafeBytes { keys in
            @inline(__always) func cell(_ c: Int, _ k: Int) -> UnsafeRawBufferPointer {
                let i = c * n + k
                return UnsafeRawBufferPointer(rebasing: text[(i == 0 ? 0 : ends[i - 1])..<ends[i]])
            }
            @inline(__always) func key(_ c: Int) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: keys[(c == 0 ? 0 : keyEnds[c - 1])..<keyEnds[c]])
            }
            for k in 0..<n {
                switch format {
                case .csv:
                    for c in 0..<columnCount {
                        if c > 0 { out.append(0x2C) }
                        out.append(contentsOf: cell(c, k))
                    }
                    out.append(0x0A)
                case .json, .jsonl:
                    if format == .json {
                        if rowsWritten + k > 0 { out.append(0x2C) }
                        out.append(0x0A)
                    }
                    out.append(0x7B)
                    for c in 0..<columnCount {
                        if c > 0 { out.append(0x2C) }
                        out.append(contentsOf: key(c))
                        out.append(contentsOf: cell(c, k))
                    }
                    out.append(0x7D)
                    if format == .jsonl { out.append(0x0A) }
                case .table:
                    preconditionFailure("BUG: table output cannot be streamed")
                }
            }
        } } }
    }

    /// Appends what comes after the rows: JSON's `]`.
    public func writeFooter(into out: inout [UInt8]) {
        if format == .json {
            if rowsWritten > 0 { out.append(0x0A) }
            out.append(contentsOf: [0x5D, 0x0A])
        }
    }
}
