import Foundation
import Parquet
import QueryEngine

extension Backend {
    /// Runs `sql` and returns its answer as the bytes of a Parquet file: written here from the result
    /// when embedded, asked of the server (`format=parquet`) when remote.
    func queryParquet(_ sql: String, compression: ParquetCompression, threads: Int?, control: QueryControl?) throws -> [UInt8] {
        if let remote = self as? RemoteBackend {
            let params = [("db", remote.database), ("q", sql), ("format", "parquet"), ("compression", compression.name)]
            let r = try remote.client.send(remote.request(remote.url("/api/v3/query_sql", params)), control: control)
            guard r.status == 200 else { throw RemoteBackend.queryFailure(r) }
            return [UInt8](r.body)
        }
        switch try query(sql, format: .csv, threads: threads, control: control) {
        case .result(let result):
            return try ResultParquet.bytes(result, options: ParquetWriterOptions(compression: compression))
        case .text:
            throw CLIError("this backend cannot answer in Parquet")
        }
    }
}
