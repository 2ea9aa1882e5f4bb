import ColumnStore
import Foundation
import Parquet

/// Runs `COPY … TO 'path'`: the query's (or table's) rows written as Parquet, CSV or JSON. The file
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
        let result = try SelectRunner(engine: engine, now: now, control: control).run(select)
        do {
            switch copy.format {
            case .parquet:
                var options = ParquetWriterOptions(compression: copy.compression)
                if let n = copy.rowGroupSize { options.rowGroupRows = n }
                try ResultParquet.write(result, to: copy.path, options: options)
            case .csv, .json:
                try writeText(result, copy)
            }
        } catch let e as QueryError {
            throw e
        } catch {
            throw QueryError("COPY to '\(copy.path)' failed: \(error)")
        }
        var count = ColumnVector(type: .int64)
        count.append(int64: Int64(result.rowCount))
        return QueryResult(columns: [ResultColumn(name: "count", vector: count)])
    }

    /// CSV (header unless `HEADER false`) or JSON (one object per line, or an array with `ARRAY true`).
    func writeText(_ result: QueryResult, _ copy: CopyStatement) throws {
        let format: ResultFormat = copy.format == .csv ? .csv : copy.jsonArray ? .json : .jsonl
        var writer = ResultWriter(format: format, for: result)
        let tmp = copy.path + ".tmp-\(getpid())"
        let fd = try FileIO.open(tmp, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            var out: [UInt8] = []
            if copy.format != .csv || copy.header { writer.writeHeader(into: &out) }
            var lo = 0
            let step = 64 * 1024
            repeat {
                let hi = min(lo + step, result.rowCount)
                writer.writeRows(of: result, lo..<hi, into: &out)
                if hi == result.rowCount { writer.writeFooter(into: &out) }
                try FileIO.writeAll(fd, out, path: tmp)
                out.removeAll(keepingCapacity: true)
                lo = hi
            } while lo < result.rowCount
            try FileIO.fsync(fd, path: tmp)
            close(fd)
            try FileIO.rename(tmp, copy.path)
        } catch {
            close(fd)
            FileIO.unlink(tmp)
            throw error
        }
    }
}
