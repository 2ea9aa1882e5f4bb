import ColumnStore
import Foundation
import Parquet

/// Runs `COPY … TO 'path'`: the query's (or table's) rows written as Parquet, CSV, JSON or Excel as the scan
/// produces them (`SelectRunner.stream`), so memory stays bounded however many rows are copied. The file
/// appears whole or not at all (written under a temporary name, then renamed). The answer is one row,
/// `count`, the rows written (DuckDB answers the same).
struct CopyRunner {
    let engine: QueryEngine
    let now: Int64
    let control: QueryControl?

    func run(_ copy: CopyStatement) throws -> QueryResult {
        let select: SelectStatement
        switch copy.source {
        case .query(let s): select = s
        case .table(let t):
            guard engine.database.schema(of: t.name) != nil else { throw QueryError("unknown table '\(t.name)'", at: t.position) }
            select = SelectStatement(items: [.wildcard], from: TableRef(.table(t)), position: t.position)
        }
        let file = ResultFile(path: copy.path, format: Self.fileFormat(copy))
        do {
            try SelectRunner(engine: engine, now: now, control: control).stream(select) { try file.write($0) }
            try file.finish()
        } catch let e as QueryError {
            file.abandon()
            throw e
        } catch {
            file.abandon()
            throw QueryError("COPY to '\(copy.path)' failed: \(error)")
        }
        var count = ColumnVector(type: .int64)
        count.append(int64: Int64(file.rowCount))
        return QueryResult(columns: [ResultColumn(name: "count", vector: count)])
    }

    /// The file `copy` names, in its format and with its options.
    static func fileFormat(_ copy: CopyStatement) -> ResultFile.Format {
        switch copy.format {
        case .parquet:
            var options = ParquetWriterOptions(compression: copy.compression)
            if let n = copy.rowGroupSize { options.rowGroupRows = n }
            return .parquet(options)
        case .csv: return .text(.csv, header: copy.header)
        case .json: return .text(copy.jsonArray ? .json : .jsonl, header: true)
        case .xlsx: return .xlsx(query: copy.description)
        }
    }
}
