import ColumnStore

/// Lays out a result as a bordered table:
///
/// ```
/// ┌─────────┬─────────┐
/// │ artist  │  plays  │
/// │ string  │ integer │
/// ├─────────┼─────────┤
/// │ Abba    │      12 │
/// │ NULL    │       3 │
/// └─────────┴─────────┘
/// 2 rows
/// ```
///
/// Headers are centred, numbers right-aligned, other values left-aligned; NULL prints `NULL`. Control
/// characters in strings print as escapes (`\n`, `\t`, `\r`, `\x1b`) so a row stays on one line;
/// widths count terminal columns (see `UTF8Text.columns`).
enum TableFormatter {
    /// One column's rendered cells: text in an arena, each cell's byte range and width.
    struct Cells {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var widths: [Int] = []

        func text(_ i: Int) -> ArraySlice<UInt8> { bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]] }
    }

    /// `totalRows`, when given, is the length of an answer of which `result` holds only the shown rows
    /// (its first and last halves, as `TableRows` keeps them).
    static func render(_ result: QueryResult, _ o: TableStyle, totalRows: Int? = nil) -> [UInt8] {
        let n = result.rowCount
        let total = totalRows ?? n
        let truncated = o.maxRows > 0 && total > o.maxRows
        let top = truncated ? (o.maxRows + 1) / 2 : n
        let bottomStart = truncated ? n - min(n - top, o.maxRows / 2) : n
        let shownRows = Array(0..<top) + Array(bottomStart..<n)
        let ellipsis: [UInt8] = o.ascii ? Array("...".utf8) : Array("…".utf8)
        let ellipsisWidth = o.ascii ? 3 : 1
        let marker: [UInt8] = o.ascii ? [0x2E] : Array("·".utf8)

        var headers = Cells(), types = Cells(), cells: [Cells] = []
        var widths: [Int] = []
        var rightAligned: [Bool] = []
        for col in result.columns {
            appendCell(&headers, o, ellipsis, ellipsisWidth) { appendDisplayText(col.name, to: &$0) }
            // A tag is a string to the reader (and a server's CSV answer cannot tell them apart).
            let typeName = col.typeName
            appendCell(&types, o, ellipsis, ellipsisWidth) { $0.append(contentsOf: typeName.utf8) }
            var raw: [UInt8] = [], rawEnds: [Int] = []
            CellText.render(col.vector, 0..<top, .table, into: &raw, ends: &rawEnds)
            CellText.render(col.vector, bottomStart..<n, .table, into: &raw, ends: &rawEnds)
            var c = Cells()
            for k in rawEnds.indices {
                let cell = raw[(k == 0 ? 0 : rawEnds[k - 1])..<rawEnds[k]]
                appendCell(&c, o, ellipsis, ellipsisWidth) { $0.append(contentsOf: cell) }
            }
            var w = max(headers.widths.last!, 1)
            if o.showTypes { w = max(w, types.widths.last!) }
            for cw in c.widths { w = max(w, cw) }
            widths.append(w)
            cells.append(c)
            rightAligned.append(col.type == .int64 || col.type == .uint64 || col.type == .float64)
        }

        let box = TableBox(ascii: o.ascii)
        var out: [UInt8] = []
        func rule(_ left: String, _ mid: String, _ right: String) { box.rule(left, mid, right, widths: widths, into: &out) }
        func spaces(_ k: Int) { for _ in 0..<k { out.append(0x20) } }
        /// One table line; `cell(c)` gives column c's text, width and alignment (-1 left, 0 centre, 1 right).
        func line(_ cell: (Int) -> (ArraySlice<UInt8>, Int, Int)) {
            out.append(contentsOf: box[10].utf8)
            for c in widths.indices {
                let (text, w, align) = cell(c)
                let pad = widths[c] - w
                let left = align < 0 ? 0 : align > 0 ? pad : pad / 2
                spaces(1 + left)
                out.append(contentsOf: text)
                spaces(pad - left + 1)
                out.append(contentsOf: box[10].utf8)
            }
            out.append(0x0A)
        }

        if !widths.isEmpty {
            rule(box[0], box[1], box[2])
            line { (headers.text($0), headers.widths[$0], 0) }
            if o.showTypes { line { (types.text($0), types.widths[$0], 0) } }
            rule(box[3], box[4], box[5])
            for (k, _) in shownRows.enumerated() {
                if truncated && k == top {
                    for _ in 0..<3 { line { _ in (marker[...], 1, 0) } }
                }
                line { (cells[$0].text(k), cells[$0].widths[k], rightAligned[$0] ? 1 : -1) }
            }
            if truncated && top == shownRows.count {
                for _ in 0..<3 { line { _ in (marker[...], 1, 0) } }
            }
            rule(box[6], box[7], box[8])
        }
        if o.footer {
            ValueText.append(Int64(total), to: &out)
            out.append(contentsOf: (total == 1 ? " row" : " rows").utf8)
            if truncated {
                out.append(contentsOf: " (".utf8)
                ValueText.append(Int64(shownRows.count), to: &out)
                out.append(contentsOf: " shown)".utf8)
            }
            out.append(0x0A)
        }
        return out
    }

    /// Renders one cell with `body`, then measures it and cuts it to `maxCellWidth`.
    static func appendCell(_ cells: inout Cells, _ o: TableStyle, _ ellipsis: [UInt8], _ ellipsisWidth: Int,
                           _ body: (inout [UInt8]) -> Void) {
        let start = cells.bytes.count
        body(&cells.bytes)
        // The text is valid UTF-8 here: every appender sanitises.
        var width = 0, cut = start, widthAtCut = 0
        let limit = o.maxCellWidth > 0 ? max(o.maxCellWidth, ellipsisWidth + 1) : Int.max
        cells.bytes.withUnsafeBytes { p in
            var i = start
            while i < p.count {
                var len = 1, w = 1
                if p[i] >= 0x80, let (l, s) = UTF8Text.decode(p, at: i) { len = l; w = UTF8Text.columns(s) }
                if width + w <= limit - ellipsisWidth { cut = i + len; widthAtCut = width + w }
                width += w
                i += len
            }
        }
        if width > limit {
            cells.bytes.removeSubrange(cut...)
            cells.bytes.append(contentsOf: ellipsis)
            width = widthAtCut + ellipsisWidth
        }
        cells.ends.append(cells.bytes.count)
        cells.widths.append(width)
    }

    /// Appends `s` with control characters escaped and invalid UTF-8 replaced.
    static func appendDisplayText(_ s: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        UTF8Text.append(s, to: &out) { b, out in
            switch b {
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20, 0x7F:
                out.append(contentsOf: [0x5C, 0x78, JSONText.hex[Int(b >> 4)], JSONText.hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
    }

    static func appendDisplayText(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendDisplayText(UnsafeRawBufferPointer($0), to: &out) }
    }
}
