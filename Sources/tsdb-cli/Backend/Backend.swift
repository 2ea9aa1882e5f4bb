import ColumnStore
import Foundation
import Ingest
import LineProtocol
import QueryEngine

/// Where commands send line protocol and SQL: an embedded database (`EmbeddedBackend`) or a tsdb-server
/// over HTTP (`RemoteBackend`). Every command that makes sense both ways goes through this.
protocol Backend: AnyObject {
    /// Where the data is, for messages: a directory or a URL, and the database.
    var label: String { get }
    /// A writer for one input stream (line numbers start at 1).
    func makeIngestSink(precision: Precision, maxErrors: Int) -> IngestSink
    /// Runs one SQL statement; `format` is how the caller will print it (a server renders CSV and JSON
    /// for us; a table is rendered here from the server's CSV). `control` cancels it from another thread.
    func query(_ sql: String, format: ResultFormat, threads: Int?, control: QueryControl?) throws -> QueryAnswer
    /// Flushes and releases the store.
    func close() throws
    /// A new control for one statement: Ctrl-C cancels through it; embedded, it carries `--query-memory`.
    func makeControl() -> QueryControl
    /// Engine settings every statement runs with (the shell's `SET view_rewrite = off`), by name.
    var settings: [String: String] { get set }
}

extension Backend {
    /// A server applies its own limits: the control only cancels.
    func makeControl() -> QueryControl { QueryControl() }

    /// `query` without a way to cancel it.
    func query(_ sql: String, format: ResultFormat, threads: Int?) throws -> QueryAnswer {
        try query(sql, format: format, threads: threads, control: nil)
    }

    /// The tables (`SHOW TABLES`).
    func tables(format: ResultFormat) throws -> QueryAnswer {
        try query("SHOW TABLES", format: format, threads: nil)
    }

    /// The columns of `table`, their SQL types and kinds (`DESCRIBE`).
    func describe(_ table: String, format: ResultFormat) throws -> QueryAnswer {
        try query("DESCRIBE \"\(table.replacingOccurrences(of: "\"", with: "\"\""))\"", format: format, threads: nil)
    }
}

/// An error whose message names a place in the query (a server's answer, say).
struct PositionedError: Error, CustomStringConvertible {
    var description: String
    var line: Int
    var column: Int
}

/// Writes line protocol for one input. `prepare` runs on the pipeline's worker threads, several chunks
/// at once (it may parse; it keeps no state between chunks), `write` on the caller's thread, in chunk
/// order; they overlap on successive chunks.
protocol IngestSink: AnyObject, Sendable {
    func prepare(_ chunk: LPChunk) -> PreparedChunk
    func write(_ chunk: PreparedChunk) throws -> IngestReport
}

/// A chunk made ready for writing: parsed batches (embedded) or the bytes themselves (remote).
struct PreparedChunk: Sendable {
    var bytes: Int
    var parsed: ParsedBatches?
    var raw: LPChunk?
}

/// A query's answer: a result to format here, or text a server already formatted.
enum QueryAnswer {
    case result(QueryResult)
    case text([UInt8], rows: Int?)

    /// Rows a table shows unless told otherwise (the first and last halves of a longer result), as DuckDB's shell.
    static let defaultMaxRows = 40

    /// The answer in `format` (text answers were asked for in that format).
    func render(_ format: ResultFormat, maxRows: Int = QueryAnswer.defaultMaxRows) -> [UInt8] {
        switch self {
        case let .result(r):
            return ResultFormatter.format(r, as: format, table: .init(maxRows: maxRows))
        case let .text(bytes, _):
            return bytes
        }
    }

    /// Rows in the answer, when known.
    var rowCount: Int? {
        switch self {
        case let .result(r): r.rowCount
        case let .text(_, rows): rows
        }
    }
}
