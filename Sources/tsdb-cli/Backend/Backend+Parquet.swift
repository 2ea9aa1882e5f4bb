import Foundation
import Parquet
import QueryEngine

extension RemoteBackend {
    /// Asks the server for `sql`'s answer as a file (`format=parquet` or `format=xlsx`, with `params`)
    /// and returns its bytes.
    func queryFile(_ sql: String, format: String, params: [(String, String)] = [], control: QueryControl? = nil) throws -> [UInt8] {
        let all = [("db", database), ("q", sql), ("format", format)] + params
        let r = try client.send(request(url("/api/v3/query_sql", all)), control: control)
        guard r.status == 200 else { throw RemoteBackend.queryFailure(r) }
        return [UInt8](r.body)
    }
}

extension Backend {
    /// Runs `sql` and returns its answer as the bytes of a Parquet file: written here from the result
    /// when embedded, asked of the server (`format=parquet`) when remote.
    func queryParquet(_ sql: String, compression: ParquetCompression, threads: Int?, control: QueryControl?) throws -> [UInt8] {
        if let remote = self as? RemoteBackend {
            return try remote.queryFile(sql, format: "parquet", params: [("compression", compression.name)], control: control)
        }
        switch try query(sql, format: .csv, threads: threads, control: control) {
        case .result(let result):
            return try ResultParquet.bytes(result, options: ParquetWriterOptions(compression: compression))
        case .text:
            throw CLIError("this backend cannot answer in Parquet")
        }
    }
}
