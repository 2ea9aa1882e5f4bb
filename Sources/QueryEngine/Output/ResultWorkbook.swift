import ColumnStore
import Foundation
import XLSX

/// Query answers as an Excel workbook: each answer on a sheet of its own (`Result`, or `Result 1`,
/// `Result 2`… for a report of several), with a bold header row, typed cells and fitted column widths,
/// then a sheet `Query` listing each answer's sheet, query text, when it ran (UTC) and its rows.
/// Answers stream in a batch at a time; memory stays flat (`XLSXWorkbook`).
public final class ResultWorkbook {
    let book: XLSXWorkbook
    /// How many answers the workbook will hold (it names the sheets).
    public let results: Int
    var sheet: XLSXSheet?
    var notes: [(sheet: String, query: String, ranAt: Int64, rows: Int)] = []

    public init(path: String, results: Int = 1) throws {
        book = try XLSXWorkbook(path: path)
        self.results = results
    }

    /// Starts the next answer's sheet: `query` is its text; `columns` (a batch of it) names and types
    /// its columns.
    public func begin(query: String, columns: QueryResult, ranAt: Int64 = Int64(Date().timeIntervalSince1970 * 1e9)) throws {
        let name = results == 1 ? "Result" : "Result \(notes.count + 1)"
        sheet = try book.addSheet(name: name, columns: columns.columns.map { $0.dates != nil ? .int64 : $0.type == .symbol ? .string : $0.type },
                                  names: columns.columns.map(\.name),
                                  dates: Set(columns.columns.indices.filter { columns.columns[$0].dates != nil }))
        notes.append((name, query, ranAt, 0))
    }

    /// Appends a batch of the current answer.
    public func write(_ batch: QueryResult) throws {
        guard let sheet else { preconditionFailure("BUG: rows written before ResultWorkbook.begin") }
        try sheet.write(batch.columns.map { $0.dates ?? $0.vector }, rows: 0..<batch.rowCount)
        notes[notes.count - 1].rows += batch.rowCount
    }

    /// Writes the `Query` sheet and puts the workbook in place.
    public func close() throws {
        let q = try book.addSheet(name: "Query", columns: [.string, .string, .time, .int64], names: ["sheet", "query", "ran_at", "rows"])
        for n in notes {
            try q.writeRow([.text(n.sheet), .text(n.query), .time(n.ranAt), .number(Double(n.rows))])
        }
        try book.close()
    }

    /// Drops the unfinished workbook: no file is left.
    public func abandon() { book.abandon() }
}
