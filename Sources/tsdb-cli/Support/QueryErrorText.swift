import QueryEngine

/// A failed query as text for people: the error, then the query line it points at with a caret under the spot.
enum QueryErrorText {
    static func describe(_ error: Error, sql: String) -> String {
        var text = "\(error)"
        let position: SourcePosition?
        if let e = error as? QueryError {
            position = e.position
            // A planner error reads "error at 1:8: …"; the caller already says "Error:".
            if let p = e.position, e.description != e.message { text = "\(e.message) (at \(p))" }
            if e.position == nil, e.description != e.message { text = e.message }
        } else if let e = error as? PositionedError {
            position = SourcePosition(line: e.line, column: e.column, offset: 0)
        } else if let e = error as? SQLError {
            position = e.position
        } else {
            position = nil
        }
        guard let p = position else { return text }
        return text + caret(sql: sql, line: p.line, column: p.column)
    }

    /// `\n  <the line>\n  <spaces>^`, the line cut to a window around a far column.
    static func caret(sql: String, line: Int, column: Int) -> String {
        let lines = sql.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count, column >= 1 else { return "" }
        var scalars = Array(lines[line - 1].unicodeScalars.map { $0 == "\t" || $0 == "\r" ? " " : $0 })
        var col = column - 1
        guard col <= scalars.count else { return "" }
        let window = 100
        var prefix = "", suffix = ""
        if scalars.count > window {
            let start = max(0, min(col - window / 2, scalars.count - window))
            let end = min(scalars.count, start + window)
            if start > 0 { prefix = "…" }
            if end < scalars.count { suffix = "…" }
            scalars = Array(scalars[start..<end])
            col = col - start + (start > 0 ? 1 : 0)
        }
        var shown = String.UnicodeScalarView()
        shown.append(contentsOf: scalars)
        return "\n  " + prefix + String(shown) + suffix + "\n  " + String(repeating: " ", count: col) + "^"
    }
}
