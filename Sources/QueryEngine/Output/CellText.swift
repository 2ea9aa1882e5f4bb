import ColumnStore

/// Renders a column's cells as text a column at a time: the type is switched on once per column and
/// the loop runs over the typed array, so no per-cell copy of the vector or dispatch is paid.
enum CellText {
    /// Which format's conventions the text follows.
    enum Style {
        /// NULL empty, strings quoted only when needed (`CSVText`).
        case csv
        /// NULL `null`; strings, times and non-finite floats quoted (`"inf"`, `"-inf"`, `"nan"`: JSON has no
        /// number for them, and `null` would make an overflowed sum look like one of no rows).
        case json
        /// NULL `NULL`, strings with control characters escaped (`TableFormatter`).
        case table
    }

    /// Appends the cells of `rows` of `v` to `bytes`, back to back, and each cell's end offset to `ends`.
    static func render(_ v: ColumnVector, _ rows: Range<Int>, _ style: Style,
                       into bytes: inout [UInt8], ends: inout [Int]) {
        let words = v.validity?.words
        @inline(__always) func isNull(_ r: Int) -> Bool {
            guard let words else { return false }
            return (words[r >> 6] >> UInt64(r & 63)) & 1 == 0
        }
        @inline(__always) func null() {
            switch style {
            case .csv: break
            case .json: ValueText.appendStatic("null", to: &bytes)
            case .table: ValueText.appendStatic("NULL", to: &bytes)
            }
        }
        switch v.type {
        case .time:
            v.int64s.withUnsafeBufferPointer { a in
                for r in rows {
                    if isNull(r) { null() } else if style == .json {
                        bytes.append(0x22); RFC3339.append(a[r], to: &bytes); bytes.append(0x22)
                    } else {
                        RFC3339.append(a[r], to: &bytes)
                    }
                    ends.append(bytes.count)
                }
            }
        case .int64:
            v.int64s.withUnsafeBufferPointer { a in
                for r in rows {
                    if isNull(r) { null() } else { ValueText.append(a[r], to: &bytes) }
                    ends.append(bytes.count)
                }
            }
        case .uint64:
            v.uint64s.withUnsafeBufferPointer { a in
                for r in rows {
                    if isNull(r) { null() } else { ValueText.append(a[r], to: &bytes) }
                    ends.append(bytes.count)
                }
            }
        case .float64:
            v.float64s.withUnsafeBufferPointer { a in
                for r in rows {
                    if isNull(r) { null() } else if style == .json && !a[r].isFinite {
                        ValueText.appendStatic(a[r].isNaN ? "\"nan\"" : a[r] < 0 ? "\"-inf\"" : "\"inf\"", to: &bytes)
                    } else { ValueText.append(a[r], to: &bytes) }
                    ends.append(bytes.count)
                }
            }
        case .bool:
            v.bools.withUnsafeBufferPointer { a in
                for r in rows {
                    if isNull(r) { null() } else { ValueText.append(a[r] != 0, to: &bytes) }
                    ends.append(bytes.count)
                }
            }
        case .string:
            v.offsets.withUnsafeBufferPointer { offsets in
                v.bytes.withUnsafeBytes { text in
                    for r in rows {
                        if isNull(r) { null() } else {
                            let s = UnsafeRawBufferPointer(rebasing: text[Int(offsets[r])..<Int(offsets[r + 1])])
                            switch style {
                            case .csv: CSVText.appendField(s, to: &bytes)
                            case .json: JSONText.appendQuoted(s, to: &bytes)
                            case .table: TableFormatter.appendDisplayText(s, to: &bytes)
                            }
                        }
                        ends.append(bytes.count)
                    }
                }
            }
        case .symbol:
            preconditionFailure("BUG: symbol column in a query result; resolve it to strings first")
        case .date:
            preconditionFailure("BUG: a DATE column in a query result is its text (ResultColumn.dates)")
        }
    }
}
