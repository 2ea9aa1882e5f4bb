import ColumnStore

/// Writes query results as CSV, JSON or JSON Lines a slice of rows at a time, so that a server can
/// stream a large answer: `writeHeader`, then `writeRows` for each batch or slice (in order), then
/// `writeFooter`. Each call appends to the caller's buffer, which it may send and clear in between.
/// The formats are defined on `ResultFormat`.
public struct ResultWriter: Sendable {
    public let format: ResultFormat
    public let columnNames: [String]
    /// JSON object keys, `"name":`, escaped once.
    let keys: [[UInt8]]
    /// Rows written so far.
    public private(set) var rowsWritten = 0

    /// A writer for results with these column names. `format` must be streamable (not `.table`).
    public init(format: ResultFormat, columnNames: [String]) {
        precondition(format.isStreamable, "BUG: \(format) output cannot be streamed")
        self.format = format
        self.columnNames = columnNames
        keys = columnNames.map { name in
            var k: [UInt8] = []
            JSONText.appendQuoted(name, to: &k)
            k.append(0x3A)
            return k
        }
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
        let columns = result.columns
        precondition(columns.count == columnNames.count,
                     "BUG: result has \(columns.count) columns, the writer \(columnNames.count)")
        precondition(rows.lowerBound >= 0 && rows.upperBound <= result.rowCount,
                     "BUG: rows \(rows) of a result of \(result.rowCount)")
        switch format {
        case .csv:
            for r in rows {
                for c in columns.indices {
                    if c > 0 { out.append(0x2C) }
                    Self.appendCSV(columns[c].vector, r, to: &out)
                }
                out.append(0x0A)
            }
        case .json, .jsonl:
            let json = format == .json
            for r in rows {
                if json {
                    if rowsWritten + r - rows.lowerBound > 0 { out.append(0x2C) }
                    out.append(0x0A)
                }
                out.append(0x7B)
                for c in columns.indices {
                    if c > 0 { out.append(0x2C) }
                    out.append(contentsOf: keys[c])
                    Self.appendJSON(columns[c].vector, r, to: &out)
                }
                out.append(0x7D)
                if !json { out.append(0x0A) }
            }
        case .table:
            preconditionFailure("BUG: table output cannot be streamed")
        }
        rowsWritten += rows.count
    }

    /// Appends what comes after the rows: JSON's `]`.
    public func writeFooter(into out: inout [UInt8]) {
        if format == .json {
            if rowsWritten > 0 { out.append(0x0A) }
            out.append(contentsOf: [0x5D, 0x0A])
        }
    }

    /// Appends row `r` of `v` as a JSON value.
    static func appendJSON(_ v: ColumnVector, _ r: Int, to out: inout [UInt8]) {
        if v.isNull(r) { out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]); return }
        switch v.type {
        case .time:
            out.append(0x22)
            RFC3339.append(v.int64s[r], to: &out)
            out.append(0x22)
        case .int64: ValueText.append(v.int64s[r], to: &out)
        case .uint64: ValueText.append(v.uint64s[r], to: &out)
        case .float64:
            let d = v.float64s[r]
            if d.isFinite { ValueText.append(d, to: &out) } else { out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }
        case .bool: ValueText.append(v.bools[r] != 0, to: &out)
        case .string: v.withStringBytes(r) { JSONText.appendQuoted($0, to: &out) }
        case .symbol: preconditionFailure("BUG: symbol column in a query result; resolve it to strings first")
        }
    }

    /// Appends row `r` of `v` as a CSV field (NULL: nothing).
    static func appendCSV(_ v: ColumnVector, _ r: Int, to out: inout [UInt8]) {
        if v.isNull(r) { return }
        switch v.type {
        case .time: RFC3339.append(v.int64s[r], to: &out)
        case .int64: ValueText.append(v.int64s[r], to: &out)
        case .uint64: ValueText.append(v.uint64s[r], to: &out)
        case .float64: ValueText.append(v.float64s[r], to: &out)
        case .bool: ValueText.append(v.bools[r] != 0, to: &out)
        case .string: v.withStringBytes(r) { CSVText.appendField($0, to: &out) }
        case .symbol: preconditionFailure("BUG: symbol column in a query result; resolve it to strings first")
        }
    }
}
