/// Cuts shell input into SQL statements at `;`, ignoring semicolons inside quotes and comments.
///
/// Lines are fed one at a time; the text of an unfinished statement is kept until its `;` arrives.
struct StatementSplitter {
    private enum Mode { case code, single, double, lineComment, blockComment }
    private var mode = Mode.code
    private var current = ""

    /// True while a statement has begun but not ended (the shell shows its continuation prompt).
    var isPending: Bool { !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || mode == .blockComment }

    /// Adds a line; returns the statements it completes, without their `;`, trimmed, empty ones skipped.
    mutating func feed(_ line: String) -> [String] {
        var done: [String] = []
        let scalars = Array(line.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            let next: Unicode.Scalar? = i + 1 < scalars.count ? scalars[i + 1] : nil
            switch mode {
            case .code:
                if c == ";" {
                    let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !s.isEmpty { done.append(s) }
                    current = ""
                    i += 1
                    continue
                }
                if c == "'" { mode = .single } else if c == "\"" { mode = .double } else if c == "-" && next == "-" {
                    mode = .lineComment
                } else if c == "/" && next == "*" {
                    mode = .blockComment
                    current.unicodeScalars.append(c)
                    current.unicodeScalars.append(next!)
                    i += 2
                    continue
                }
            case .single:
                if c == "'" { mode = .code }  // a doubled '' leaves and re-enters: same result
            case .double:
                if c == "\"" { mode = .code }
            case .lineComment:
                break
            case .blockComment:
                if c == "*" && next == "/" {
                    mode = .code
                    current.unicodeScalars.append(c)
                    current.unicodeScalars.append(next!)
                    i += 2
                    continue
                }
            }
            current.unicodeScalars.append(c)
            i += 1
        }
        if mode == .lineComment { mode = .code }
        if !current.isEmpty || !done.isEmpty { current += "\n" }
        if current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && mode == .code { current = "" }
        return done
    }

    /// Drops an unfinished statement (Ctrl-C).
    mutating func reset() {
        current = ""
        mode = .code
    }

    /// The unfinished statement, if any (at end of input it runs as if ended by `;`).
    mutating func takeRest() -> String? {
        let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
        reset()
        return s.isEmpty ? nil : s
    }
}
