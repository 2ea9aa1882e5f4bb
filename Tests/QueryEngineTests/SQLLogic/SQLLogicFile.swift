import Foundation

/// A sqllogictest file in DuckDB's `.test` format: `statement ok`, `statement error` (with an optional
/// expected message after `----`), `query <types> [rowsort|nosort]` with the expected rows after `----`,
/// and `# comments`. tsdb has no INSERT, so tables come from `load <table>` blocks: a header of
/// `name:type` columns (time, tag, string, int, uint, float, bool; the first is the time) and
/// tab-separated rows, `NULL` for a missing value, up to a blank line. `scripts/sqllogic_expected.py`
/// loads the same rows into DuckDB and writes its answers into the file.
struct SQLLogicFile {
    struct Load {
        var table: String
        var columns: [(name: String, type: String)]
        var rows: [[String]]
    }

    enum Record {
        case load(Load)
        case statement(sql: String, error: String?, expectError: Bool, line: Int)
        case query(sql: String, types: [Character], sorted: Bool, expected: [String], line: Int)
    }

    var records: [Record] = []

    init(_ text: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var i = 0
        func block() -> [String] {
            var out: [String] = []
            while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).isEmpty { out.append(lines[i]); i += 1 }
            return out
        }
        while i < lines.count {
            let line = lines[i].trimmingCharacters(in: .whitespaces)
            let start = i + 1
            i += 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(separator: " ").map(String.init)
            switch words[0] {
            case "load":
                guard words.count == 2 else { throw SQLLogicError("line \(start): load <table>") }
                let body = block()
                guard let header = body.first else { throw SQLLogicError("line \(start): load needs a header") }
                let columns = header.split(separator: "\t").map { part in
                    let p = part.split(separator: ":", maxSplits: 1).map(String.init)
                    return (name: p[0], type: p.count > 1 ? p[1] : "string")
                }
                records.append(.load(Load(table: words[1], columns: columns,
                                          rows: body.dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) })))
            case "statement":
                let body = block()
                let split = body.firstIndex(of: "----")
                let sql = body[..<(split ?? body.count)].joined(separator: "\n")
                let message = split.map { body[($0 + 1)...].joined(separator: "\n") }
                records.append(.statement(sql: sql, error: message, expectError: words.count > 1 && words[1] == "error", line: start))
            case "query":
                guard words.count >= 2 else { throw SQLLogicError("line \(start): query <types>") }
                let body = block()
                guard let split = body.firstIndex(of: "----") else { throw SQLLogicError("line \(start): query without ----") }
                records.append(.query(sql: body[..<split].joined(separator: "\n"), types: Array(words[1]),
                                      sorted: words.count > 2 && words[2] == "rowsort", expected: Array(body[(split + 1)...]), line: start))
            default:
                throw SQLLogicError("line \(start): unknown record '\(words[0])'")
            }
        }
    }
}

struct SQLLogicError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
