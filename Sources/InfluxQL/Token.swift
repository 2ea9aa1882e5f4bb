/// One InfluxQL token with where it starts in the query text.
public struct InfluxQLToken: Sendable, Equatable {
    /// What kind of token this is; keywords are identifiers, matched case-insensitively by the parser.
    public enum Kind: Sendable, Equatable {
        case identifier        // bare name, or keyword
        case quotedIdentifier  // "name" (never a keyword)
        case string            // 'text'
        case integer
        case number            // with a fraction or exponent
        case duration          // integer + unit: 5m, 1700000000000ms
        case regex             // /pattern/
        case symbol            // operators and punctuation
        case eof
        case illegal
    }

    public var kind: Kind
    /// The token's text: a name or string without quotes and escapes, an operator as written.
    public var text: String
    /// Byte offset of the token's first character.
    public var offset: Int
    /// 1-based line and character of the token, as InfluxDB reports them ("at line 1, char 8").
    public var line: Int
    public var char: Int

    /// The token as InfluxDB's "found …" names it.
    public var found: String {
        switch kind {
        case .eof: "EOF"
        case .string: "'\(text)'"
        case .regex: "/\(text)/"
        case .quotedIdentifier: text
        default: text
        }
    }

    /// True for an identifier spelling `keyword` (any case).
    public func isKeyword(_ keyword: String) -> Bool {
        kind == .identifier && text.uppercased() == keyword
    }
}
