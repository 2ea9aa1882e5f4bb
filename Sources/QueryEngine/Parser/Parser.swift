/// Recursive-descent parser over the token array: token navigation, names and error building.
/// The grammar lives in `Parser+Statement.swift` (statements, SELECT clauses) and `Parser+Expr.swift`.
struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let tokens: [Token]
    var index = 0
    /// Current recursion depth, bounded by `SQLParser.maxDepth`.
    var depth = 0
    /// What could have followed the last complete SELECT, for the "expected …" of the error after it.
    var followers: [String] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>, tokens: [Token]) {
        precondition(tokens.last?.kind == .end, "BUG: token stream must end with .end")
        self.bytes = bytes
        self.tokens = tokens
    }

    var current: Token { tokens[index] }

    /// The token `ahead` places after the current one (the end token past the end).
    func peek(_ ahead: Int = 1) -> Token { tokens[min(index + ahead, tokens.count - 1)] }

    mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    /// Consumes the keyword if it is next.
    mutating func accept(_ keyword: Keyword) -> Bool {
        guard current.is(keyword) else { return false }
        advance()
        return true
    }

    /// Consumes a token of `kind` if it is next.
    mutating func accept(_ kind: TokenKind) -> Bool {
        guard current.kind == kind else { return false }
        advance()
        return true
    }

    mutating func expect(_ keyword: Keyword, _ expected: [String]? = nil) throws(SQLError) {
        guard accept(keyword) else { throw unexpected(expected ?? [keyword.text]) }
    }

    mutating func expect(_ kind: TokenKind, _ expected: [String]? = nil) throws(SQLError) {
        guard accept(kind) else { throw unexpected(expected ?? [kind.display]) }
    }

    /// After a statement: an optional `;`, then nothing.
    mutating func expectEnd() throws(SQLError) {
        if accept(.semicolon) {
            guard current.kind == .end else { throw unexpected(["end of query (one statement at a time)"]) }
        }
        guard current.kind == .end else { throw unexpected(followers + ["end of query"]) }
    }

    /// Enters one level of nesting, refusing to go deeper than `SQLParser.maxDepth`.
    mutating func enter() throws(SQLError) {
        depth += 1
        if depth > SQLParser.maxDepth { throw tooDeep(at: current) }
    }

    // MARK: Text of tokens

    /// The token's bytes as a String.
    func text(_ token: Token) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[token.start..<token.end]), as: UTF8.self)
    }

    /// A name: an unquoted word folded to lower case, or a quoted identifier's content with `""` undoubled.
    func name(_ token: Token) -> String {
        if token.kind == .quotedIdentifier {
            return unquote(token, quote: UInt8(ascii: "\""))
        }
        let slice = UnsafeBufferPointer(rebasing: bytes[token.start..<token.end])
        return String(unsafeUninitializedCapacity: slice.count) { out in
            for (index, byte) in slice.enumerated() { out[index] = foldASCII(byte) }
            return slice.count
        }
    }

    /// The content between the quotes, each doubled quote read as one.
    func unquote(_ token: Token, quote: UInt8) -> String {
        if bytes[token.start] != quote { return unescape(token) }
        var content: [UInt8] = []
        content.reserveCapacity(token.end - token.start - 2)
        var at = token.start + 1
        while at < token.end - 1 {
            content.append(bytes[at])
            at += bytes[at] == quote ? 2 : 1
        }
        return String(decoding: content, as: UTF8.self)
    }

    /// The text of an escape string `E'…'`: `\n`, `\t`, `\r`, `\b`, `\f`, `\\`, `\'` and `''`; a
    /// backslash before any other character stands for that character.
    func unescape(_ token: Token) -> String {
        var content: [UInt8] = []
        var at = token.start + 2
        while at < token.end - 1 {
            var b = bytes[at]
            if b == UInt8(ascii: "\\"), at + 1 < token.end - 1 {
                at += 1
                switch bytes[at] {
                case UInt8(ascii: "n"): b = 0x0A
                case UInt8(ascii: "t"): b = 0x09
                case UInt8(ascii: "r"): b = 0x0D
                case UInt8(ascii: "b"): b = 0x08
                case UInt8(ascii: "f"): b = 0x0C
                default: b = bytes[at]
                }
            } else if b == UInt8(ascii: "'") {
                at += 1  // '' stands for one quote
            }
            content.append(b)
            at += 1
        }
        return String(decoding: content, as: UTF8.self)
    }

    // MARK: Errors

    /// "syntax error at L:C near 'tok': expected A, B or C", with a hint when the token looks like a typo
    /// of what was expected or names an unsupported feature.
    func unexpected(_ expected: [String]) -> SQLError {
        let token = current
        var message = "expected " + Parser.list(expected)
        if token.kind == .word {
            message += Parser.hint(for: name(token), expected: expected)
        }
        return error(.syntax, at: token, message)
    }

    func error(_ kind: SQLError.Kind, at token: Token, _ message: String) -> SQLError {
        let near = token.kind == .end ? nil : tokenSnippet(bytes, token.start..<token.end)
        return SQLError(kind, at: token.position, near: near, message: message)
    }

    func tooDeep(at token: Token) -> SQLError {
        error(.tooDeep, at: token, "more than \(SQLParser.maxDepth) levels of parentheses, subqueries or operators")
    }

    /// "A", "A or B", "A, B or C" (duplicates dropped, order kept).
    static func list(_ items: [String]) -> String {
        var seen = Set<String>()
        let unique = items.filter { seen.insert($0).inserted }
        guard unique.count > 1 else { return unique.first ?? "something else" }
        return unique.dropLast().joined(separator: ", ") + " or " + unique.last!
    }

    /// " (did you mean GROUP BY?)" for a near-miss of an expected keyword, or a note on an unsupported feature.
    static func hint(for word: String, expected: [String]) -> String {
        switch word {
        case "filter": return " (FILTER clauses are not supported)"
        default: break
        }
        let upper = Array(word.uppercased().utf8)
        for candidate in expected where candidate.first?.isUppercase ?? false {
            let phrase = Array(candidate.utf8)
            let joined = phrase.filter { $0 != UInt8(ascii: " ") }
            if upper == joined || (upper.count >= 3 && editDistance(upper, phrase) <= 1)
                || (upper.count >= 3 && phrase.count > joined.count && editDistance(upper, joined) <= 1) {
                return " (did you mean \(candidate)?)"
            }
        }
        return ""
    }

    /// Optimal string alignment distance (edits and swaps of neighbours), small inputs only.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        if abs(a.count - b.count) > 2 { return 3 }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var row = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            row[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    row[j] = min(row[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, row) = (previous, row, previous2)
        }
        return previous[b.count]
    }
}

/// Words that are not reserved keywords (COPY, DELETE, TABLE, DEDUP, …): statements match them by text.
extension Parser {
    /// Whether the current token is the unquoted word `word` (lower case); the length check spares a String.
    func isWord(_ word: String) -> Bool {
        current.kind == .word && current.end - current.start == word.utf8.count && name(current) == word
    }

    mutating func acceptWord(_ word: String) -> Bool {
        guard isWord(word) else { return false }
        advance()
        return true
    }

    mutating func expectWord(_ word: String) throws(SQLError) {
        guard acceptWord(word) else { throw unexpected([word.uppercased()]) }
    }
}
