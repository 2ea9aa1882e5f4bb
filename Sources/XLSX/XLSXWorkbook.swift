import CXlsxWriter
import ColumnStore
import Foundation

/// An error from writing an .xlsx workbook: libxlsxwriter's message, or a limit of the format.
public struct XLSXError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// An Excel workbook (.xlsx) written through libxlsxwriter in constant-memory mode: each sheet's rows go
/// to a temporary file as they are written, so memory stays flat however many rows. The workbook is
/// built under a temporary name next to `path` and appears there whole on `close`, or not at all.
public final class XLSXWorkbook {
    public let path: String
    let temporaryPath: String
    var book: UnsafeMutablePointer<lxw_workbook>?
    var sheets: [XLSXSheet] = []
    /// Shared cell formats: the bold header, and timestamps as dates.
    let headerFormat: UnsafeMutablePointer<lxw_format>
    let timeFormat: UnsafeMutablePointer<lxw_format>
    let dateFormat: UnsafeMutablePointer<lxw_format>

    /// Excel's number format for timestamps: UTC date and time to the millisecond (Excel's resolution).
    public static let timeNumberFormat = "yyyy-mm-dd hh:mm:ss.000"
    /// Excel's number format for dates (a DATE column's cells).
    public static let dateNumberFormat = "yyyy-mm-dd"

    public init(path: String) throws {
        self.path = path
        temporaryPath = path + ".tmp-\(getpid()).xlsx"
        if let why = tsdb_xlsx_load() {
            throw XLSXError("cannot load libxlsxwriter, which Excel output needs (\(String(cString: why))); install "
                            + "libxlsxwriter 1.x (Debian/Ubuntu: apt-get install libxlsxwriter4) or name its file in TSDB_LIBXLSXWRITER")
        }
        var options = lxw_workbook_options()
        options.constant_memory = 1
        options.use_zip64 = 1
        guard let book = workbook_new_opt(temporaryPath, &options) else {
            throw XLSXError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        self.book = book
        headerFormat = workbook_add_format(book)
        format_set_bold(headerFormat)
        timeFormat = workbook_add_format(book)
        format_set_num_format(timeFormat, Self.timeNumberFormat)
        dateFormat = workbook_add_format(book)
        format_set_num_format(dateFormat, Self.dateNumberFormat)
    }

    /// A new sheet named `name` (Excel allows 31 characters, none of `[]:*?/\`), with a bold header row
    /// of `columns`' names; the `.int64` columns at `dates` hold days since 1970-01-01, written as Excel dates.
    public func addSheet(name: String, columns: [ColumnType], names: [String], dates: Set<Int> = []) throws -> XLSXSheet {
        guard let book else { preconditionFailure("BUG: sheet added to a closed workbook") }
        guard columns.count <= Int(LXW_COL_MAX) else { throw XLSXError("an Excel sheet holds at most \(LXW_COL_MAX) columns, the result has \(columns.count)") }
        guard let ws = workbook_add_worksheet(book, name) else { throw XLSXError("cannot add sheet '\(name)'") }
        let sheet = XLSXSheet(ws, types: columns, names: names, header: headerFormat, time: timeFormat, date: dateFormat, dates: dates)
        try sheet.writeHeader()
        sheets.append(sheet)
        return sheet
    }

    /// Sets each sheet's column widths, writes the workbook and moves it into place.
    public func close() throws {
        guard let b = book else { return }
        for s in sheets { s.setWidths() }
        book = nil
        let rc = workbook_close(b)
        guard rc == LXW_NO_ERROR else {
            unlink(temporaryPath)
            throw XLSXError("cannot write \(path): \(String(cString: lxw_strerror(rc)))")
        }
        guard rename(temporaryPath, path) == 0 else {
            let e = errno
            unlink(temporaryPath)
            throw XLSXError("cannot rename the workbook to \(path): \(String(cString: strerror(e)))")
        }
    }

    /// Drops the unfinished workbook (after an error): no file is left at `path`.
    public func abandon() {
        guard let b = book else { return }
        book = nil
        // libxlsxwriter frees a workbook only by writing it; the file written is removed at once.
        _ = workbook_close(b)
        unlink(temporaryPath)
    }

    deinit { abandon() }
}
