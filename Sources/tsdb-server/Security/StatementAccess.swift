import QueryEngine

/// Whether a SQL text changes data or the schema, which only `admin` tokens may run. The one place the
/// rule lives, for every front end.
enum StatementAccess {
    /// True for statements that change data or the schema. Parsed statements decide by their kind; text
    /// the parser does not know (yet) is judged by its first keyword, so a read-only token is refused a
    /// `DELETE` or `DROP` with 403 rather than told about its syntax.
    static func changesData(_ sql: String) -> Bool {
        if let statement = try? SQLParser.parse(sql) { return changesData(statement) }
        return changingKeywords.contains(firstKeyword(sql))
    }

    /// The parsed statement's kind (`Statement.hasEffects`: changing data, or COPY writing a file).
    static func changesData(_ statement: Statement) -> Bool { statement.hasEffects }

    /// First words of statements that write, in PostgreSQL's and the other databases' SQL.
    static let changingKeywords: Set<String> = [
        "insert", "update", "delete", "drop", "create", "alter", "truncate", "copy", "grant", "revoke",
        "vacuum", "merge", "replace", "upsert", "attach", "detach", "rename", "compact", "call", "do",
    ]

    /// The first word, lower-cased, after blanks, `--` and `/* */` comments and opening parentheses.
    static func firstKeyword(_ sql: String) -> String {
        let b = Array(sql.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "-"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "-") {
                while i < b.count && b[i] != 0x0A { i += 1 }
            } else if b[i] == UInt8(ascii: "/"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "*") {
                i += 2
                while i + 1 < b.count && !(b[i] == UInt8(ascii: "*") && b[i + 1] == UInt8(ascii: "/")) { i += 1 }
                i += 2
            } else if b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D || b[i] == UInt8(ascii: "(") {
                i += 1
            } else {
                break
            }
        }
        var word: [UInt8] = []
        while i < b.count, (b[i] | 0x20) >= UInt8(ascii: "a"), (b[i] | 0x20) <= UInt8(ascii: "z") {
            word.append(b[i] | 0x20)
            i += 1
        }
        return String(decoding: word, as: UTF8.self)
    }
}
