/// The class of a lexical token; the token's text stays in the query bytes.
enum TokenKind: UInt8, Sendable {
    case word              // identifier or keyword (see Token.keyword)
    case quotedIdentifier  // "…" with "" as an escaped quote
    case integer           // digits only
    case decimal           // digits with a point or an exponent
    case string            // '…' with '' as an escaped quote
    case comma, dot, semicolon, leftParen, rightParen
    case plus, minus, star, slash, slashSlash, percent, concat, doubleColon
    case equal, notEqual, less, lessEqual, greater, greaterEqual
    /// PostgreSQL's regular-expression match `~` (`~*` ignores case) and its negation `!~` (`!~*`).
    case tilde, notTilde
    /// `[` and `]`: array constructors (`ARRAY[…]`), subscripts (`a[1]`) and array types (`text[]`).
    case leftBracket, rightBracket
    case end               // after the last token

    /// How the token is named in "expected …" messages.
    var display: String {
        switch self {
        case .word, .quotedIdentifier: return "an identifier"
        case .integer: return "an integer"
        case .decimal: return "a number"
        case .string: return "a string"
        case .comma: return "','"
        case .dot: return "'.'"
        case .semicolon: return "';'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .plus: return "'+'"
        case .minus: return "'-'"
        case .star: return "'*'"
        case .slash: return "'/'"
        case .slashSlash: return "'//'"
        case .percent: return "'%'"
        case .concat: return "'||'"
        case .doubleColon: return "'::'"
        case .equal: return "'='"
        case .notEqual: return "'<>'"
        case .less: return "'<'"
        case .lessEqual: return "'<='"
        case .greater: return "'>'"
        case .greaterEqual: return "'>='"
        case .tilde: return "'~'"
        case .notTilde: return "'!~'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .end: return "end of query"
        }
    }
}

/// One token: its kind, keyword (for words), UTF-8 byte range and source position. No text is copied.
struct Token: Sendable {
    var kind: TokenKind
    /// For `.word` tokens that spell a keyword; nil otherwise (also for quoted identifiers).
    var keyword: Keyword?
    var start: Int
    var end: Int
    var position: SourcePosition

    func `is`(_ keyword: Keyword) -> Bool { kind == .word && self.keyword == keyword }

    /// A word usable as a name: any unreserved word, or a quoted identifier.
    var isIdentifier: Bool {
        kind == .quotedIdentifier || (kind == .word && !(keyword?.isReserved ?? false))
    }
}
