import ColumnStore
import Foundation
import Parquet

/// A file a query's answer streams into a batch at a time (Parquet, CSV, JSON, JSON Lines or Excel), so memory
/// stays bounded by a batch (a Parquet row group) however large the answer. The file is written under a
/// temporary name and appears at `path` whole on `finish`, or not at all.
public final class ResultFile {
    /// What the file holds.
    public enum Format: Sendable {
        case parquet(ParquetWriterOptions)
        /// CSV (`header`: its header row), JSON (an array) or JSON Lines.
        case text(ResultFormat, header: Bool)
        /// An Excel workbook: the answer on a sheet `Result`, and a sheet `Query` with `query` and
        /// when it ran (`ResultWorkbook`).
        case xlsx(query: String)
    }

    public let path: String
    public let format: Format
    /// Rows written so far.
    public private(set) var rowCount = 0
    private var parquet: ParquetFileWriter?
    private var text: (fd: Int32, writer: ResultWriter)?
    private var workbook: ResultWorkbook?
    private var buffer: [UInt8] = []
    private var temporaryPath: String { path + ".tmp-\(getpid())" }

    /// Text is handed to the file in pieces of about this many bytes.
    static let flushBytes = 1 << 20

    public init(path: String, format: Format) {
        self.path = path
        self.format = format
    }

    /// Appends a batch of the answer; the first batch's columns name the file's columns.
    public func write(_ batch: QueryResult) throws {
        switch format {
        case .parquet(let options):
            if parquet == nil { parquet = try ParquetFileWriter(path: path, columns: ResultParquet.columns(of: batch), options: options) }
            try parquet!.write(ResultParquet.vectors(of: batch), rows: 0..<batch.rowCount)
        case let .text(f, header):
            if text == nil {
                let fd = try FileIO.open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC)
                text = (fd, ResultWriter(format: f, for: batch))
                if f != .csv || header { text!.writer.writeHeader(into: &buffer) }
            }
            text!.writer.writeRows(of: batch, 0..<batch.rowCount, into: &buffer)
            if buffer.count >= Self.flushBytes { try flushText() }
        case .xlsx(let query):
            if workbook == nil {
                workbook = try ResultWorkbook(path: path)
                try workbook!.begin(query: query, columns: batch)
            }
            try workbook!.write(batch)
        }
        rowCount += batch.rowCount
    }

    private func flushText() throws {
        guard let t = text else { return }
        try FileIO.writeAll(t.fd, buffer, path: temporaryPath)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Ends the file and puts it in place. Without any batch written, there is nothing to finish.
    public func finish() throws {
        do {
            if let p = parquet { try p.finish(); parquet = nil }
            if let w = workbook { try w.close(); workbook = nil }
            if let t = text {
                t.writer.writeFooter(into: &buffer)
                try flushText()
                try FileIO.fsync(t.fd, path: temporaryPath)
                close(t.fd)
                text = nil
                try FileIO.rename(temporaryPath, path)
            }
        } catch {
            abandon()
            throw error
        }
    }

    /// Removes the unfinished file (after an error).
    public func abandon() {
        parquet?.abandon()
        parquet = nil
        workbook?.abandon()
        workbook = nil
        if let t = text {
            close(t.fd)
            FileIO.unlink(temporaryPath)
            text = nil
        }
        buffer = []
    }
}
