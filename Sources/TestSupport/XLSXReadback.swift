import ColumnStore
import Foundation

/// An .xlsx workbook read back with openpyxl (`scripts/xlsx_readback.py`), for tests that compare a
/// workbook tsdb wrote value by value, and what openpyxl reads for a value tsdb wrote.
public enum XLSXReadback {
    /// One sheet: its name, its rows of cells, column widths by letter, the number formats of its
    /// second row and whether each header cell is bold.
    public struct Sheet: Decodable, Sendable {
        public var name: String
        public var rows: [[Cell?]]
        public var widths: [String: Double]
        public var formats: [[String]]
        public var bold: [Bool]
    }

    /// A cell as the script prints it: its openpyxl kind and value.
    public enum Cell: Decodable, Equatable, Sendable {
        case number(Double), text(String), bool(Bool), date(String)

        public init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            switch try c.decode(String.self) {
            case "n": self = .number(try c.decode(Double.self))
            case "b": self = .bool(try c.decode(Bool.self))
            case "d": self = .date(try c.decode(String.self))
            default: self = .text(try c.decode(String.self))
            }
        }
    }

    /// The repository's `scripts/xlsx_readback.py`.
    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/xlsx_readback.py").path

    /// The sheets of the workbook at `path`; throws when the script fails (openpyxl cannot read it).
    public static func read(_ path: String) throws -> [Sheet] {
        struct Book: Decodable { var sheets: [Sheet] }
        // Through a file, not a pipe: a large workbook's JSON fills a pipe before the process exits.
        let out = path + ".readback.json"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, path]
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ReadbackError(message: "xlsx_readback.py exited with \(p.terminationStatus) reading \(path)")
        }
        return try JSONDecoder().decode(Book.self, from: Data(contentsOf: URL(fileURLWithPath: out))).sheets
    }

    /// What openpyxl reads for row `i` of `v` as tsdb writes it: numbers as doubles, integers past
    /// ±2^53 as text of their digits, times as dates to the millisecond, NaN and infinities as text.
    public static func expected(_ v: ColumnVector, _ i: Int) -> Cell? {
        if v.isNull(i) { return nil }
        switch v.type {
        case .int64:
            let x = v.int64s[i]
            return x.magnitude <= 1 << 53 ? .number(Double(x)) : .text(String(x))
        case .uint64:
            let x = v.uint64s[i]
            return x <= 1 << 53 ? .number(Double(x)) : .text(String(x))
        case .float64:
            let d = v.float64s[i]
            return d.isFinite ? .number(d) : .text(d.isNaN ? "NaN" : d < 0 ? "-Infinity" : "Infinity")
        case .bool: return .bool(v.bools[i] != 0)
        case .string: return .text(v.string(at: i))
        case .time:
            // Excel keeps a date as a double of days; openpyxl rounds it to the millisecond.
            let ms = Int64((Double(v.int64s[i]) / 1e6).rounded())
            let secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
            let f = DateFormatter()
            f.timeZone = TimeZone(identifier: "UTC")
            f.locale = Locale(identifier: "en_US_POSIX")
            f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
            let frac = String(format: "%03d000", Int(ms - secs * 1000))
            return .date(f.string(from: Date(timeIntervalSince1970: TimeInterval(secs))) + "." + frac)
        case .symbol, .date: return nil
        }
    }

    /// The read-back script failed.
    public struct ReadbackError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
