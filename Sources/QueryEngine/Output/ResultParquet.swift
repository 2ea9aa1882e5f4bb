import ColumnStore
import Parquet

/// Query results as Parquet: each result column becomes a Parquet column of the same name and type.
public enum ResultParquet {
    /// The Parquet columns of `result`.
    public static func columns(of result: QueryResult) -> [ParquetColumn] {
        result.columns.map { $0.dates != nil ? ParquetColumn(name: $0.name, type: .int64, date: true) : ParquetColumn(name: $0.name, type: $0.type == .symbol ? .string : $0.type) }
    }

    /// The vectors written for `result`'s columns (a DATE's days, not its text), in `columns(of:)`'s order.
    public static func vectors(of result: QueryResult) -> [ColumnVector] {
        result.columns.map { $0.dates ?? $0.vector }
    }

    /// Writes `result` to a Parquet file at `path` (atomically: a failed write leaves no file).
    public static func write(_ result: QueryResult, to path: String,
                             options: ParquetWriterOptions = ParquetWriterOptions()) throws {
        let file = try ParquetFileWriter(path: path, columns: columns(of: result), options: options)
        do {
            try file.write(vectors(of: result), rows: 0..<result.rowCount)
            try file.finish()
        } catch {
            file.abandon()
            throw error
        }
    }

    /// `result` as the bytes of a Parquet file.
    public static func bytes(_ result: QueryResult, options: ParquetWriterOptions = ParquetWriterOptions()) throws -> [UInt8] {
        var out: [UInt8] = []
        let writer = try ParquetWriter(columns: columns(of: result), options: options) { out.append(contentsOf: $0) }
        try writer.write(vectors(of: result), rows: 0..<result.rowCount)
        try writer.finish()
        return out
    }
}
