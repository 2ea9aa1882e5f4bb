import Parquet

/// `COPY (query) TO 'path' [(options)]` or `COPY table TO 'path' [(options)]`, DuckDB's syntax.
///
/// Options, comma separated, names in any case: `FORMAT parquet|csv|json|xlsx` (default: from the file's
/// extension, else csv), `HEADER [true|false]` (CSV; default true), `COMPRESSION
/// zstd|snappy|uncompressed` (Parquet; default zstd), `ROW_GROUP_SIZE n` (Parquet rows per row group),
/// `ARRAY [true|false]` (JSON: one array instead of one object per line; default false).
public struct CopyStatement: Sendable, Hashable {
    /// What is copied.
    public indirect enum Source: Sendable, Hashable {
        case table(TableName)
        case query(SelectStatement)
    }

    /// The file format written.
    public enum Format: String, Sendable, Hashable {
        case parquet, csv, json, xlsx
    }

    public var source: Source
    public var path: String
    public var format: Format
    public var header: Bool = true
    public var compression: ParquetCompression = .zstd
    public var rowGroupSize: Int?
    public var jsonArray: Bool = false

    public init(source: Source, path: String, format: Format) {
        self.source = source
        self.path = path
        self.format = format
    }

    /// The format a path's extension implies (DuckDB's rule), csv when none does.
    public static func format(forPath path: String) -> Format {
        let lower = path.lowercased()
        if lower.hasSuffix(".parquet") { return .parquet }
        if lower.hasSuffix(".xlsx") { return .xlsx }
        if lower.hasSuffix(".json") || lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .json }
        return .csv
    }
}

extension CopyStatement: CustomStringConvertible {
    /// The statement as SQL; it parses back to an equal statement.
    public var description: String {
        var text = "COPY "
        switch source {
        case .table(let t): text += SQLIdentifier.quoted(t.name)
        case .query(let s): text += "(\(s.description))"
        }
        text += " TO '" + path.replacingOccurrences(of: "'", with: "''") + "' (FORMAT \(format.rawValue)"
        switch format {
        case .csv: text += ", HEADER \(header)"
        case .parquet:
            text += ", COMPRESSION \(compression.name)"
            if let rowGroupSize { text += ", ROW_GROUP_SIZE \(rowGroupSize)" }
        case .json: text += ", ARRAY \(jsonArray)"
        case .xlsx: break
        }
        return text + ")"
    }
}
