import ColumnStore
import QueryEngine

/// One result value in a form both engines' answers convert to, for comparison.
///
/// Integers keep their decimal text (DuckDB's HUGEINT sums may not fit in 64 bits); times are
/// nanoseconds since the epoch (DuckDB's µs TIMESTAMPs scaled up by the script).
enum Cell: Sendable, Equatable, CustomStringConvertible {
    case null
    case int(String)
    case float(Double)
    case string(String)
    case bool(Bool)
    case time(Int64)

    /// Parses a cell of DuckDB's answer file.
    init(duckdb text: String?, kind: String) throws {
        guard let text else { self = .null; return }
        switch kind {
        case "int":
            guard text.wholeMatch(of: /-?[0-9]+/) != nil else { throw DifferentialError("bad int cell '\(text)'") }
            self = .int(text == "-0" ? "0" : text)
        case "float":
            guard let v = Double(text) else { throw DifferentialError("bad float cell '\(text)'") }
            self = .float(v)
        case "bool":
            guard text == "true" || text == "false" else { throw DifferentialError("bad bool cell '\(text)'") }
            self = .bool(text == "true")
        case "time":
            guard let v = Int64(text) else { throw DifferentialError("bad time cell '\(text)'") }
            self = .time(v)
        // An INTERVAL is compared as DuckDB's text of it, which tsdb prints too.
        // A DATE as its text (YYYY-MM-DD), which tsdb's DATE columns hold too.
        case "string", "interval", "date": self = .string(text)
        default: throw DifferentialError("unknown column kind '\(kind)' (cell '\(text)')")
        }
    }

    /// Row `row` of a tsdb result column.
    init(_ v: ColumnVector, row: Int) {
        if v.isNull(row) { self = .null; return }
        switch v.type {
        case .int64, .date: self = .int(String(v.int64s[row]))
        case .uint64: self = .int(String(v.uint64s[row]))
        case .float64: self = .float(v.float64s[row])
        case .bool: self = .bool(v.bools[row] != 0)
        case .time: self = .time(v.int64s[row])
        case .string: self = .string(v.string(at: row))
        // Results resolve symbols to strings; a code here can't be compared, so show it for what it is.
        case .symbol: self = .string("<unresolved symbol code \(v.codes[row])>")
        }
    }

    /// The rows of a tsdb result.
    static func rows(of result: QueryResult) -> [[Cell]] {
        (0..<result.rowCount).map { r in result.columns.map { Cell($0.vector, row: r) } }
    }

    var kindName: String {
        switch self {
        case .null: "null"
        case .int: "int"
        case .float: "float"
        case .string: "string"
        case .bool: "bool"
        case .time: "time"
        }
    }

    var description: String {
        switch self {
        case .null: "NULL"
        case .int(let s): s
        case .float(let v): "\(v)"
        case .string(let s): "'\(s)'"
        case .bool(let b): b ? "true" : "false"
        case .time(let ns): "\(RFC3339.string(ns)) (\(ns) ns)"
        }
    }
}
