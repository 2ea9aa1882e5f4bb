/// How a query result is written out.
///
/// - `table`: aligned columns for people (see `TableStyle`); needs the whole result.
/// - `csv`: RFC 4180 — a header row of names, fields quoted when they hold `,` `"` CR or LF (quotes
///   doubled), LF line ends, NULL as an empty field, the empty string as `""`.
/// - `json`: one array of objects, one object per line: `[\n{"a":1},\n{"a":2}\n]\n`; `[]\n` when empty.
/// - `jsonl`: one object per line (JSON Lines), nothing for an empty result.
///
/// In every format timestamps are RFC 3339 UTC (`2026-09-01T12:00:00Z`, fraction digits only when
/// non-zero, trailing zeros trimmed) and floats print the shortest digits that read back to the same
/// Double; in JSON NULL is `null` and a non-finite float is `null`.
public enum ResultFormat: String, Sendable, CaseIterable {
    case table, csv, json, jsonl

    /// Whether `ResultWriter` can write it a slice of rows at a time (every format but `table`).
    public var isStreamable: Bool { self != .table }

    /// Parses a format name, accepting `pretty` for `table` and `ndjson` for `jsonl` (InfluxDB 3's names).
    public init?(name: String) {
        switch name.lowercased() {
        case "table", "pretty": self = .table
        case "csv": self = .csv
        case "json": self = .json
        case "jsonl", "ndjson": self = .jsonl
        default: return nil
        }
    }

    /// The HTTP Content-Type of a response in this format.
    public var contentType: String {
        switch self {
        case .table: "text/plain; charset=utf-8"
        case .csv: "text/csv; charset=utf-8"
        case .json: "application/json"
        case .jsonl: "application/jsonl"
        }
    }
}
