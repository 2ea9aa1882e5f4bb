import CXlsxWriter
import ColumnStore
import Foundation

/// One worksheet: a header row, then typed cells a batch of column vectors at a time. Numbers are
/// Excel numbers (doubles), except integers past ±2^53, which a double would round: those are text
/// cells of their exact digits. Timestamps are Excel dates (days since 1899-12-30, UTC) in the
/// workbook's date format, which Excel shows and keeps to the millisecond; booleans are Excel booleans,
/// strings text; NULL leaves the cell empty.
public final class XLSXSheet {
    let sheet: UnsafeMutablePointer<lxw_worksheet>
    let types: [ColumnType]
    let names: [String]
    let headerFormat: UnsafeMutablePointer<lxw_format>
    let timeFormat: UnsafeMutablePointer<lxw_format>
    let dateFormat: UnsafeMutablePointer<lxw_format>
    /// Whether each column is a DATE (`.int64` days since 1970-01-01, written as an Excel date).
    let isDate: [Bool]
    /// The next row to write (row 0 is the header).
    public private(set) var nextRow: UInt32 = 1
    /// Each column's widest cell so far, in characters (for the column widths).
    var widths: [Int]
    /// A string cell NUL-terminated for the C API; reused from cell to cell.
    var scratch: [CChar] = []

    /// Rows an Excel sheet holds, the header included.
    public static let maxRows = Int(LXW_ROW_MAX)
    /// The widest a column is made, in characters.
    static let maxWidth = 60

    init(_ sheet: UnsafeMutablePointer<lxw_worksheet>, types: [ColumnType], names: [String],
         header: UnsafeMutablePointer<lxw_format>, time: UnsafeMutablePointer<lxw_format>,
         date: UnsafeMutablePointer<lxw_format>, dates: Set<Int>) {
        self.sheet = sheet
        self.types = types
        self.names = names
        headerFormat = header
        timeFormat = time
        dateFormat = date
        isDate = names.indices.map { dates.contains($0) }
        widths = names.map { $0.count }
    }

    func check(_ rc: lxw_error, _ row: UInt32, _ col: Int) throws {
        guard rc == LXW_NO_ERROR else {
            throw XLSXError("cannot write row \(row), column '\(names[col])' of the sheet: \(String(cString: lxw_strerror(rc)))")
        }
    }

    func writeHeader() throws {
        for (c, name) in names.enumerated() {
            try check(worksheet_write_string(sheet, 0, lxw_col_t(c), name, headerFormat), 0, c)
        }
    }

    /// The largest magnitude up to which every integer is an exact double (2^53). Excel numbers are
    /// doubles: integers past it are written as text cells of their digits instead, which lose nothing.
    public static let exactIntegers: UInt64 = 1 << 53

    /// An integer as a text cell of its decimal digits (one Excel cannot hold exactly as a number).
    func writeDigits(_ magnitude: UInt64, negative: Bool, _ r: UInt32, _ col: lxw_col_t) -> lxw_error {
        scratch.removeAll(keepingCapacity: true)
        var m = magnitude
        repeat {
            scratch.append(CChar(48 + Int(m % 10)))
            m /= 10
        } while m > 0
        if negative { scratch.append(CChar(45)) }
        scratch.reverse()
        scratch.append(0)
        return worksheet_write_string(sheet, r, col, scratch, nil)
    }

    /// Excel's serial date of `ns` nanoseconds since 1970 (UTC): days since 1899-12-30.
    @inline(__always) public static func excelDate(_ ns: Int64) -> Double {
        Double(ns) / 86_400_000_000_000 + 25_569
    }

    /// Appends rows `rows` of `vectors` (one per column, of the sheet's types; tags as strings).
    public func write(_ vectors: [ColumnVector], rows: Range<Int>) throws {
        guard Int(nextRow) + rows.count <= Self.maxRows else {
            throw XLSXError("an Excel sheet holds at most \(Self.maxRows - 1) rows under its header; this answer has more (add a LIMIT or aggregate)")
        }
        // A longer string than a cell holds (32,767 characters) fails with libxlsxwriter's error.
        // Row by row: constant-memory mode writes a row out once the next one begins.
        for i in rows {
            let r = nextRow
            for c in vectors.indices {
                let v = vectors[c]
                if v.isNull(i) { continue }
                let col = lxw_col_t(c)
                let rc: lxw_error
                var width = 0
                switch v.type {
                case .int64 where isDate[c]:
                    // Excel's serial day: days since 1899-12-30.
                    rc = worksheet_write_number(sheet, r, col, Double(v.int64s[i] + 25_569), dateFormat)
                    width = XLSXWorkbook.dateNumberFormat.count
                case .int64:
                    let x = v.int64s[i]
                    rc = x.magnitude <= Self.exactIntegers ? worksheet_write_number(sheet, r, col, Double(x), nil)
                        : writeDigits(x.magnitude, negative: x < 0, r, col)
                    width = Self.digits(x.magnitude) + (x < 0 ? 1 : 0)
                case .uint64:
                    let x = v.uint64s[i]
                    rc = x <= Self.exactIntegers ? worksheet_write_number(sheet, r, col, Double(x), nil)
                        : writeDigits(x, negative: false, r, col)
                    width = Self.digits(x)
                case .float64:
                    let d = v.float64s[i]
                    // Excel has no NaN or infinity: they are written as text.
                    rc = d.isFinite ? worksheet_write_number(sheet, r, col, d, nil)
                        : worksheet_write_string(sheet, r, col, d.isNaN ? "NaN" : d < 0 ? "-Infinity" : "Infinity", nil)
                    width = 12
                case .time:
                    rc = worksheet_write_number(sheet, r, col, Self.excelDate(v.int64s[i]), timeFormat)
                    width = XLSXWorkbook.timeNumberFormat.count
                case .bool:
                    rc = worksheet_write_boolean(sheet, r, col, Int32(v.bools[i]), nil)
                    width = 5
                case .string:
                    let lo = Int(v.offsets[i]), hi = Int(v.offsets[i + 1])
                    scratch.removeAll(keepingCapacity: true)
                    v.bytes.withUnsafeBytes { b in
                        for k in lo..<hi { scratch.append(CChar(bitPattern: b[k])) }
                    }
                    scratch.append(0)
                    rc = worksheet_write_string(sheet, r, col, scratch, nil)
                    width = hi - lo
                case .symbol:
                    preconditionFailure("BUG: a tag column written to a sheet: resolve it to strings first")
                case .date:
                    preconditionFailure("BUG: a DATE column is written as an .int64 column of days flagged as dates")
                }
                try check(rc, r, c)
                if width > widths[c] { widths[c] = width }
            }
            nextRow += 1
        }
    }

    /// One row of text and numbers (a report's notes): `.some(String)` as text, numbers as numbers.
    public func writeRow(_ cells: [XLSXCell]) throws {
        let r = nextRow
        for (c, cell) in cells.enumerated() {
            let rc: lxw_error
            switch cell {
            case .text(let s):
                rc = worksheet_write_string(sheet, r, lxw_col_t(c), s, nil)
                if c < widths.count { widths[c] = max(widths[c], s.count) }
            case .number(let d): rc = worksheet_write_number(sheet, r, lxw_col_t(c), d, nil)
            case .time(let ns):
                rc = worksheet_write_number(sheet, r, lxw_col_t(c), Self.excelDate(ns), timeFormat)
                if c < widths.count { widths[c] = max(widths[c], XLSXWorkbook.timeNumberFormat.count) }
            }
            try check(rc, r, min(c, names.count - 1))
        }
        nextRow += 1
    }

    /// Sets each column's width to fit its widest cell (plus a margin), at most `maxWidth`.
    func setWidths() {
        for (c, w) in widths.enumerated() {
            _ = worksheet_set_column(sheet, lxw_col_t(c), lxw_col_t(c), Double(min(w + 2, Self.maxWidth)), nil)
        }
    }

    static func digits(_ v: UInt64) -> Int {
        var n = 1, x = v
        while x >= 10 { x /= 10; n += 1 }
        return n
    }
}

/// A cell of a note row (`XLSXSheet.writeRow`).
public enum XLSXCell {
    case text(String)
    case number(Double)
    /// Nanoseconds since 1970, written as an Excel date.
    case time(Int64)
}
