import QueryEngine

/// How the shell prints results (`.mode`): the layouts for people drawn here from the whole result, or a
/// data format (CSV, JSON, JSON Lines) as `query --format` writes it.
enum ShellMode: String, CaseIterable {
    /// Box drawing with the column types: what `query --format table` prints (the default).
    case box
    /// The same layout with ASCII borders (`+-|`).
    case table
    case markdown
    /// `name = value` lines per row.
    case line
    case csv, json, jsonl

    static let usage = ".mode " + allCases.map(\.rawValue).joined(separator: "|")

    /// What to ask the backend for: the result itself for the layouts drawn here.
    var queryFormat: ResultFormat {
        switch self {
        case .box, .table, .markdown, .line: .table
        case .csv: .csv
        case .json: .json
        case .jsonl: .jsonl
        }
    }

    /// Whether a server's answer is printed as it streams in (`markdown` and `line` lay out the whole
    /// answer: they are drawn from it once it came).
    var streamsFromServer: Bool {
        switch self {
        case .box, .table, .csv, .json, .jsonl: true
        case .markdown, .line: false
        }
    }

    /// The answer as text; `maxRows` caps `box` and `table` (0: every row).
    func render(_ answer: QueryAnswer, maxRows: Int) -> [UInt8] {
        guard case let .result(r) = answer else { return answer.render(queryFormat, maxRows: maxRows) }
        switch self {
        case .box: return ResultFormatter.format(r, as: .table, table: TableStyle(maxRows: maxRows))
        case .table: return ResultFormatter.format(r, as: .table, table: TableStyle(maxRows: maxRows, ascii: true))
        case .markdown: return TextLayouts.markdown(r)
        case .line: return TextLayouts.lines(r)
        case .csv, .json, .jsonl: return ResultFormatter.format(r, as: queryFormat)
        }
    }
}
