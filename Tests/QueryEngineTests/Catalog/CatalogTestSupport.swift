import Foundation
import ColumnStore
@testable import QueryEngine
import TestSupport

/// Opens a fresh database without background work, runs `body` with an engine on it, closes it.
func withEngine(_ body: (QueryEngine, Database, TempDirectory) throws -> Void) throws {
    let dir = TempDirectory(); defer { dir.remove() }
    var o = DatabaseOptions()
    o.background = false
    let db = try Database(path: dir.path, options: o)
    defer { try? db.close() }
    try body(QueryEngine(database: db, threads: 2), db, dir)
}

/// A result as rows of strings (NULL as "NULL", floats with %g, times in RFC 3339).
func textRows(_ r: QueryResult) -> [[String]] {
    (0..<r.rowCount).map { i in
        r.columns.map { c in
            let v = c.vector
            if v.isNull(i) { return "NULL" }
            switch v.type {
            case .time: return SQLTimestamp.format(v.int64s[i])
            case .int64, .date: return String(v.int64s[i])
            case .uint64: return String(v.uint64s[i])
            case .float64: return String(format: "%g", v.float64s[i])
            case .bool: return v.bools[i] != 0 ? "true" : "false"
            case .string: return v.string(at: i)
            case .symbol: return "?"
            }
        }
    }
}

extension QueryEngine {
    /// Runs `sql` and returns its rows as text.
    func rows(_ sql: String, now: Int64? = nil) throws -> [[String]] { textRows(try execute(sql, now: now)) }
}
