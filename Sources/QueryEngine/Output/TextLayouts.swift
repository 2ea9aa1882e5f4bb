import ColumnStore

/// Two more layouts for people, as the SQLite and DuckDB shells print them:
///
/// - `markdown`: a GitHub table, numbers right-aligned (`|--:|`), `|` in a value escaped as `\|`:
///
///   ```
///   | artist | plays |
///   |--------|------:|
///   | Abba   |    12 |
///   ```
///
/// - `line`: one `name = value` line per column, names right-aligned, a blank line between rows.
///
/// Cells read as in the table layout (NULL prints `NULL`, control characters as escapes); every row
/// is printed.
public enum TextLayouts {
    /// `result` as a Markdown table.
    public static func markdown(_ result: QueryResult) -> [UInt8] {
        let n = result.rowCount
        var names: [[UInt8]] = [], cells: [[[UInt8]]] = [], widths: [Int] = [], right: [Bool] = []
        for col in result.columns {
            var name: [UInt8] = []
            TableFormatter.appendDisplayText(col.name, to: &name)
            let column = texts(col.vector, n).map(escapePipes)
            names.append(escapePipes(name))
            widths.append(max(3, ([names.last!] + column).map(width).max() ?? 0))
            cells.append(column)
            right.append(col.type == .int64 || col.type == .uint64 || col.type == .float64)
        }
        var out: [UInt8] = []
        func line(_ text: (Int) -> [UInt8]) {
            out.append(0x7C)
            for c in widths.indices {
                let t = text(c), pad = widths[c] - width(t)
                out.append(0x20)
                if right[c] { out.append(contentsOf: repeatElement(0x20, count: pad)) }
                out.append(contentsOf: t)
                if !right[c] { out.append(contentsOf: repeatElement(0x20, count: pad)) }
                out.append(contentsOf: [0x20, 0x7C])
            }
            out.append(0x0A)
        }
        guard !widths.isEmpty else { return out }
        line { names[$0] }
        out.append(0x7C)
        for c in widths.indices {
            out.append(contentsOf: repeatElement(0x2D, count: widths[c] + 1))
            out.append(right[c] ? 0x3A : 0x2D)
            out.append(0x7C)
        }
        out.append(0x0A)
        for r in 0..<n { line { cells[$0][r] } }
        return out
    }

    /// `result` as `name = value` lines, a blank line between rows.
    public static func lines(_ result: QueryResult) -> [UInt8] {
        let n = result.rowCount
        var names: [[UInt8]] = []
        var cells: [[[UInt8]]] = []
        for col in result.columns {
            var name: [UInt8] = []
            TableFormatter.appendDisplayText(col.name, to: &name)
            names.append(name)
            cells.append(texts(col.vector, n))
        }
        let nameWidth = names.map(width).max() ?? 0
        var out: [UInt8] = []
        for r in 0..<n {
            if r > 0 { out.append(0x0A) }
            for c in names.indices {
                out.append(contentsOf: repeatElement(0x20, count: nameWidth - width(names[c])))
                out.append(contentsOf: names[c])
                out.append(contentsOf: " = ".utf8)
                out.append(contentsOf: cells[c][r])
                out.append(0x0A)
            }
        }
        return out
    }

    /// Each row's cell as table text.
    static func texts(_ v: ColumnVector, _ n: Int) -> [[UInt8]] {
        var raw: [UInt8] = [], ends: [Int] = []
        CellText.render(v, 0..<n, .table, into: &raw, ends: &ends)
        return ends.indices.map { Array(raw[($0 == 0 ? 0 : ends[$0 - 1])..<ends[$0]]) }
    }

    static func escapePipes(_ s: [UInt8]) -> [UInt8] {
        guard s.contains(0x7C) else { return s }
        var out: [UInt8] = []
        for b in s {
            if b == 0x7C { out.append(0x5C) }
            out.append(b)
        }
        return out
    }

    /// Terminal columns of valid UTF-8 text.
    static func width(_ s: [UInt8]) -> Int {
        s.withUnsafeBytes { p in
            var i = 0, w = 0
            while i < p.count {
                if p[i] >= 0x80, let (len, scalar) = UTF8Text.decode(p, at: i) {
                    w += UTF8Text.columns(scalar)
                    i += len
                } else {
                    w += 1
                    i += 1
                }
            }
            return w
        }
    }
}
