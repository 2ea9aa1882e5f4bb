import Foundation

/// A named SQL query from a query file.
struct NamedQuery: Sendable, Equatable {
    var name: String
    var sql: String
}

/// Query files: each query follows a `-- name: NAME` header line and runs to the next header;
/// other comment lines and blank lines are ignored, a trailing `;` is dropped.
enum QueryFile {
    static func parse(_ text: String) throws -> [NamedQuery] {
        var out: [NamedQuery] = []
        var name: String?
        var body: [Substring] = []
        func close() {
            guard let n = name else { return }
            var sql = body.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            while sql.hasSuffix(";") { sql.removeLast(); sql = sql.trimmingCharacters(in: .whitespacesAndNewlines) }
            out.append(NamedQuery(name: n, sql: sql))
        }
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("--") {
                let c = t.dropFirst(2).trimmingCharacters(in: .whitespaces)
                if c.hasPrefix("name:") {
                    close()
                    let n = c.dropFirst(5).trimmingCharacters(in: .whitespaces)
                    guard !n.isEmpty else { throw CLIError("line \(i + 1): '-- name:' without a name") }
                    name = n
                    body = []
                }
                continue
            }
            if name == nil {
                guard t.isEmpty else { throw CLIError("line \(i + 1): SQL before the first '-- name:' header") }
                continue
            }
            body.append(line)
        }
        close()
        if let empty = out.first(where: { $0.sql.isEmpty }) { throw CLIError("query '\(empty.name)' has no SQL") }
        guard !out.isEmpty else { throw CLIError("no '-- name:' headers found") }
        return out
    }
}
