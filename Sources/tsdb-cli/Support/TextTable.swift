/// A plain text table for reports: a header, a rule, rows; columns padded with spaces, numbers right-aligned.
struct TextTable {
    let headers: [String]
    /// Per column: true to right-align (numbers).
    let rightAligned: [Bool]
    private(set) var rows: [[String]] = []

    init(_ headers: [String], rightAligned: [Bool]? = nil) {
        self.headers = headers
        self.rightAligned = rightAligned ?? headers.map { _ in false }
    }

    mutating func add(_ row: [String]) {
        precondition(row.count == headers.count, "BUG: row of \(row.count) cells in a table of \(headers.count) columns")
        rows.append(row)
    }

    /// The table, each line indented by `indent` and ended by a newline.
    func render(indent: String = "") -> String {
        var widths = headers.map(\.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            var s = indent
            for (i, c) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - c.count)
                let last = i == cells.count - 1
                s += rightAligned[i] ? pad + c : (last ? c : c + pad)
                if !last { s += "  " }
            }
            return s + "\n"
        }
        var out = line(headers)
        out += line(widths.map { String(repeating: "-", count: $0) })
        for r in rows { out += line(r) }
        return out
    }
}
