/// The box-drawing glyphs of a table and its horizontal rules, shared by `TableFormatter` and `TableSpool`.
struct TableBox {
    /// ┌ ┬ ┐ ├ ┼ ┤ └ ┴ ┘ ─ │ (or their ASCII stand-ins), in that order.
    let glyphs: [String]

    init(ascii: Bool) {
        glyphs = ascii ? ["+", "+", "+", "+", "+", "+", "+", "+", "+", "-", "|"]
            : ["┌", "┬", "┐", "├", "┼", "┤", "└", "┴", "┘", "─", "│"]
    }

    subscript(i: Int) -> String { glyphs[i] }

    /// A rule line across columns of `widths` (each padded by one space a side), ending in a newline.
    func rule(_ left: String, _ mid: String, _ right: String, widths: [Int], into out: inout [UInt8]) {
        out.append(contentsOf: left.utf8)
        for (c, w) in widths.enumerated() {
            if c > 0 { out.append(contentsOf: mid.utf8) }
            for _ in 0..<(w + 2) { out.append(contentsOf: glyphs[9].utf8) }
        }
        out.append(contentsOf: right.utf8)
        out.append(0x0A)
    }
}
