/// Splits query text (UTF-8 bytes) into tokens. Whitespace, `-- line` and nested `/* block */` comments
/// are skipped. Tokens keep byte ranges into the input; nothing is copied.
struct Lexer {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var positions: PositionTracker

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.positions = PositionTracker(bytes)
    }

    /// All tokens of the input, ending with one `.end` token.
    static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>) throws(SQLError) -> [Token] {
        var lexer = Lexer(bytes)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func peek(_ ahead: Int = 0) -> UInt8 {
        let at = index &+ ahead
        return at < bytes.count ? bytes[at] : 0
    }

    mutating func next() throws(SQLError) -> Token {
        try skipSpaceAndComments()
        let start = index
        guard start < bytes.count else { return make(.end, from: start) }
        let byte = bytes[start]
        index &+= 1
        switch byte {
        case UInt8(ascii: "E"), UInt8(ascii: "e"):
            guard index < bytes.count, bytes[index] == UInt8(ascii: "'") else { fallthrough }
            // PostgreSQL's escape string E'…': backslash escapes (`Parser.unquote` decodes them).
            index &+= 1
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "\\") { index &+= 2; continue }
                if bytes[index] == UInt8(ascii: "'") {
                    if peek(1) == UInt8(ascii: "'") { index &+= 2; continue }
                    index &+= 1
                    return make(.string, from: start)
                }
                index &+= 1
            }
            throw error(at: start, "unterminated string literal")
        case _ where isWordStart(byte):
            while index < bytes.count, isWordPart(bytes[index]) { index &+= 1 }
            var token = make(.word, from: start)
            token.keyword = Keyword.lookup(bytes, start..<index)
            return token
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number(from: start)
        case UInt8(ascii: "."):
            if isDigit(peek()) { return try number(from: start) }
            return make(.dot, from: start)
        case UInt8(ascii: "'"):
            try quoted(UInt8(ascii: "'"), from: start, what: "string literal")
            return make(.string, from: start)
        case UInt8(ascii: "\""):
            try quoted(UInt8(ascii: "\""), from: start, what: "quoted identifier")
            if index &- start == 2 {
                throw error(at: start, "a quoted identifier cannot be empty")
            }
            return make(.quotedIdentifier, from: start)
        case UInt8(ascii: ","): return make(.comma, from: start)
        case UInt8(ascii: ";"): return make(.semicolon, from: start)
        case UInt8(ascii: "("): return make(.leftParen, from: start)
        case UInt8(ascii: ")"): return make(.rightParen, from: start)
        case UInt8(ascii: "["): return make(.leftBracket, from: start)
        case UInt8(ascii: "]"): return make(.rightBracket, from: start)
        case UInt8(ascii: "+"): return make(.plus, from: start)
        case UInt8(ascii: "-"): return make(.minus, from: start)
        case UInt8(ascii: "*"): return make(.star, from: start)
        case UInt8(ascii: "%"): return make(.percent, from: start)
        case UInt8(ascii: "/"):
            return make(consume(UInt8(ascii: "/")) ? .slashSlash : .slash, from: start)
        case UInt8(ascii: "|"):
            if consume(UInt8(ascii: "|")) { return make(.concat, from: start) }
        case UInt8(ascii: ":"):
            if consume(UInt8(ascii: ":")) { return make(.doubleColon, from: start) }
        case UInt8(ascii: "="): return make(.equal, from: start)
        case UInt8(ascii: "!"):
            if consume(UInt8(ascii: "=")) { return make(.notEqual, from: start) }
            if consume(UInt8(ascii: "~")) {
                _ = consume(UInt8(ascii: "*"))
                return make(.notTilde, from: start)
            }
        case UInt8(ascii: "~"):
            _ = consume(UInt8(ascii: "*"))
            return make(.tilde, from: start)
        case UInt8(ascii: "<"):
            if consume(UInt8(ascii: "=")) { return make(.lessEqual, from: start) }
            if consume(UInt8(ascii: ">")) { return make(.notEqual, from: start) }
            return make(.less, from: start)
        case UInt8(ascii: ">"):
            return make(consume(UInt8(ascii: "=")) ? .greaterEqual : .greater, from: start)
        default:
            break
        }
        // Show the whole offending character, not one byte of it.
        index = start &+ 1
        while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index &+= 1 }
        throw error(at: start, "unexpected character")
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index &+= 1
        return true
    }

    private mutating func make(_ kind: TokenKind, from start: Int) -> Token {
        Token(kind: kind, keyword: nil, start: start, end: index, position: positions.position(at: start))
    }

    private mutating func error(at start: Int, _ message: String) -> SQLError {
        SQLError(.syntax, at: positions.position(at: start), near: tokenSnippet(bytes, start..<index), message: message)
    }

    private mutating func skipSpaceAndComments() throws(SQLError) {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                index &+= 1
            case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index &+= 1 }
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                // Block comments nest, as in PostgreSQL and DuckDB.
                let start = index
                index &+= 2
                var depth = 1
                while depth > 0 {
                    guard index < bytes.count else {
                        index = min(start &+ 2, bytes.count)
                        throw error(at: start, "unterminated /* comment")
                    }
                    if bytes[index] == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                        depth &-= 1
                        index &+= 2
                    } else if bytes[index] == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                        depth &+= 1
                        index &+= 2
                    } else {
                        index &+= 1
                    }
                }
            default:
                return
            }
        }
    }

    /// Skips to after the closing quote; a doubled quote stands for one quote character.
    private mutating func quoted(_ quote: UInt8, from start: Int, what: String) throws(SQLError) {
        while index < bytes.count {
            if bytes[index] == quote {
                if peek(1) == quote {
                    index &+= 2
                    continue
                }
                index &+= 1
                return
            }
            index &+= 1
        }
        throw error(at: start, "unterminated \(what)")
    }

    /// `digits [. digits] [e [+-] digits]` or `. digits …`; letters right after a number are an error
    /// (so `1abc` is not read as `1 AS abc`).
    private mutating func number(from start: Int) throws(SQLError) -> Token {
        var kind = TokenKind.integer
        while isDigit(peek()) { index &+= 1 }
        if bytes[start] == UInt8(ascii: ".") || peek() == UInt8(ascii: ".") {
            kind = .decimal
            if bytes[start] != UInt8(ascii: ".") { index &+= 1 }
            while isDigit(peek()) { index &+= 1 }
        }
        if peek() | 0x20 == UInt8(ascii: "e") {
            let sign = peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-") ? 1 : 0
            if isDigit(peek(1 &+ sign)) {
                kind = .decimal
                index &+= 1 &+ sign
                while isDigit(peek()) { index &+= 1 }
            }
        }
        if index < bytes.count, isWordPart(bytes[index]) || bytes[index] == UInt8(ascii: ".") {
            while index < bytes.count, isWordPart(bytes[index]) || bytes[index] == UInt8(ascii: ".") {
                index &+= 1
            }
            throw error(at: start, "invalid number")
        }
        return make(kind, from: start)
    }
}

@inline(__always) private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

/// Letters, `_` and any non-ASCII byte (so UTF-8 letters can be part of names, as in PostgreSQL).
@inline(__always) private func isWordStart(_ byte: UInt8) -> Bool {
    (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte == UInt8(ascii: "_") || byte >= 0x80
}

@inline(__always) private func isWordPart(_ byte: UInt8) -> Bool {
    isWordStart(byte) || isDigit(byte) || byte == UInt8(ascii: "$")
}

/// The text of `bytes[range]` for a message, cut to about 40 bytes at a character boundary.
func tokenSnippet(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
    var end = min(range.upperBound, range.lowerBound &+ 40)
    while end < range.upperBound, end > range.lowerBound, bytes[end] & 0xC0 == 0x80 { end &-= 1 }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range.lowerBound..<end]), as: UTF8.self)
    return end < range.upperBound ? text + "…" : text
}

/// Turns byte offsets into line:column. Offsets must be asked for in increasing order, so the whole
/// input is walked once however many tokens it has.
struct PositionTracker {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var offset = 0
    private var line = 1
    private var column = 1

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func position(at target: Int) -> SourcePosition {
        precondition(target >= offset, "BUG: positions must be asked for in order")
        while offset < target {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\n") {
                line &+= 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column &+= 1
            }
            offset &+= 1
        }
        return SourcePosition(line: line, column: column, offset: target)
    }
}
