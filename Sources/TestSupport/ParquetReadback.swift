import ColumnStore
import Foundation

/// A Parquet file read back by DuckDB, pyarrow, polars and chDB (`scripts/parquet_readback.py`), and
/// the canonical text of each cell that the script prints, for tests that compare value by value.
public enum ParquetReadback {
    /// What one reader saw in a file: column names and types, each column's cells, or its error.
    public struct View: Decodable, Sendable {
        public var names: [String]?
        public var types: [String]?
        public var columns: [[String?]]?
        public var error: String?
    }

    /// The repository's `scripts/parquet_readback.py`.
    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/parquet_readback.py").path

    /// Runs the script on `path` with `readers` (none: DuckDB, pyarrow and polars); its output goes
    /// through a file so no pipe fills up. Throws when the script fails.
    public static func read(_ path: String, readers: [String] = []) throws -> [String: View] {
        let out = path + ".readback.json"
        defer { try? FileManager.default.removeItem(atPath: out) }
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, path] + readers
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw XLSXReadback.ReadbackError(message: "parquet_readback.py exited \(p.terminationStatus) reading \(path)") }
        return try JSONDecoder().decode([String: View].self, from: Data(contentsOf: URL(fileURLWithPath: out)))
    }

    /// Each cell of `v` as the script prints it: integers in decimal, floats as the hex of their bits
    /// (`nan` for NaN), booleans `true`/`false`, strings as they are, times in nanoseconds (`micros`:
    /// truncated to microseconds, as DuckDB reads a TIMESTAMP WITH TIME ZONE).
    public static func cells(_ v: ColumnVector, micros: Bool = false) -> [String?] {
        (0..<v.count).map { r -> String? in
            if v.isNull(r) { return nil }
            switch v.type {
            case .time:
                let ns = v.int64s[r]
                return String(micros ? (ns >= 0 ? ns / 1000 : (ns - 999) / 1000) * 1000 : ns)
            case .int64, .date: return String(v.int64s[r])
            case .uint64: return String(v.uint64s[r])
            case .float64:
                let x = v.float64s[r]
                if x.isNaN { return "nan" }
                let hex = String(x.bitPattern, radix: 16)
                return String(repeating: "0", count: 16 - hex.count) + hex
            case .bool: return v.bools[r] != 0 ? "true" : "false"
            case .string: return String(decoding: v.bytes[Int(v.offsets[r])..<Int(v.offsets[r + 1])], as: UTF8.self)
            case .symbol: return "?"
            }
        }
    }
}
