import ColumnStore
import Foundation
import Parquet
import QueryEngine

/// Where `tsdb-cli query` writes an answer that arrives a batch at a time: a file (`ResultFile`), CSV or
/// JSON text on standard output, written as it comes, or a table drawn at the end from the answer's
/// first and last rows (`TableRows`).
final class QueryOutputSink {
    private var file: ResultFile?
    private var writer: ResultWriter?
    private let textFormat: ResultFormat?
    private var table: TableRows?
    private var buffer: [UInt8] = []
    private(set) var rows = 0

    /// Standard output gets text in pieces of about this many bytes.
    static let flushBytes = 256 << 10

    /// `format` nil is Parquet (with `codec`), which needs `output`.
    init(output: String?, format: ResultFormat?, codec: ParquetCompression, maxRows: Int) {
        if let output {
            file = ResultFile(path: output, format: format.map { .text($0, header: true) } ?? .parquet(ParquetWriterOptions(compression: codec)))
            textFormat = nil
        } else if format == .table {
            table = TableRows(maxRows: maxRows)
            textFormat = nil
        } else {
            textFormat = format
        }
    }

    func add(_ batch: QueryResult) throws {
        rows += batch.rowCount
        if let file { try file.write(batch); return }
        if table != nil { table!.add(batch); return }
        if writer == nil {
            writer = ResultWriter(format: textFormat!, for: batch)
            writer!.writeHeader(into: &buffer)
        }
        writer!.writeRows(of: batch, 0..<batch.rowCount, into: &buffer)
        if buffer.count >= Self.flushBytes { flush() }
    }

    private func flush() {
        Terminal.write(STDOUT_FILENO, buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        if let file { try file.finish(); return }
        if let table { Terminal.write(STDOUT_FILENO, table.render(TableStyle(maxRows: table.maxRows))); return }
        writer?.writeFooter(into: &buffer)
        flush()
    }

    /// After an error: no file left behind; text already printed stays printed.
    func abandon() {
        file?.abandon()
        if !buffer.isEmpty { flush() }
    }
}
