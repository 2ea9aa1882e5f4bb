import ColumnStore
import Foundation
import Ingest
import Parquet

/// `tsdb-cli ingest FILE.parquet`: loads a Parquet file into one table, a row group at a time.
///
/// Nothing is written until the whole file has been read and checked once (every page decoded, every
/// time present), so a truncated or damaged file imports nothing; then each row group is written as
/// one all-or-nothing batch (to a server: requests of about 4 MB of line protocol, each all-or-nothing,
/// stopping at the first refused). Memory stays at about one row group.
struct ParquetIngest {
    let table: String?
    let tags: [String]
    let timeColumn: String

    static func isParquet(_ path: String) -> Bool { path.lowercased().hasSuffix(".parquet") }

    /// The table a file loads into by default: its base name without the extension.
    static func defaultTable(for path: String) -> String {
        let base = URL(fileURLWithPath: path).lastPathComponent
        return base.lowercased().hasSuffix(".parquet") ? String(base.dropLast(8)) : base
    }

    func run(_ path: String, into destination: BatchDestination, progress: (Int, Int) -> Void) throws -> Int {
        let reader: ParquetReader
        let batcher: ParquetBatcher
        do {
            reader = try ParquetReader(path: path)
            batcher = try ParquetBatcher(table: table ?? Self.defaultTable(for: path), columns: reader.columns,
                                         timeColumn: timeColumn, tags: tags)
        } catch {
            throw CLIError("\(path): \(error)")
        }
        let total = Int(reader.rowCount)
        // Pass 1: read and check everything.
        var first = 0
        for g in 0..<reader.rowGroupCount {
            do {
                _ = try batcher.batch(try reader.readRowGroup(g), firstRow: first)
            } catch {
                throw CLIError("\(path): \(error); nothing was imported")
            }
            first += reader.rows(inRowGroup: g)
        }
        // Pass 2: write.
        var written = 0
        for g in 0..<reader.rowGroupCount {
            let batch = try batcher.batch(try reader.readRowGroup(g), firstRow: written)
            let (done, rejected) = try destination.write(batch, allOrNothing: true)
            if let rejection = rejected.first {
                // Embedded, a row group is written whole or not at all; to a server, each request of it
                // is, so the requests before the refused one are in.
                let before = written + done
                let note = before == 0 ? "nothing was imported" : "\(before) rows were imported before it"
                throw CLIError("\(path): row \(written + rejection.row + 1) rejected: \(rejection.reason); \(note)")
            }
            written += batch.rowCount
            progress(written, total)
        }
        return written
    }
}
