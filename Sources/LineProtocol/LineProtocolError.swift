/// A bad line: where (1-based line and byte column), why, and the offending text (clipped).
///
/// `description` reads e.g. `line 17, column 48: invalid integer 'abci' for field 'duration_ms'`.
public struct LineProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What rule the line broke.
    public enum Kind: UInt8, Sendable, Hashable {
        case missingMeasurement
        case missingFields
        case emptyTagKey
        case missingTagValue
        case emptyTagValue
        case unescapedEquals
        case duplicateTag
        case emptyFieldKey
        case missingFieldValue
        case duplicateField
        case invalidInteger
        case integerOutOfRange
        case invalidUnsigned
        case unsignedOutOfRange
        case invalidFloat
        case floatOutOfRange
        case nonFiniteFloat
        case invalidFieldValue
        case unterminatedString
        case unexpectedText
        case invalidTimestamp
        case timestampOutOfRange
        case lineTooLong
        /// Line protocol is UTF-8; `text` shows the offending bytes in hex.
        case invalidUTF8
        /// The visitor refused the line (see `message`).
        case rejected
    }

    /// 1-based line number within the parsed stream (blank and comment lines count).
    public var line: Int
    /// 1-based byte offset of the offending text within its line.
    public var column: Int
    public var kind: Kind
    /// The tag or field key the error is about, when there is one.
    public var name: String?
    /// The offending text, at most `LineProtocolError.clipLength` bytes (then `…`).
    public var text: String
    /// For `.rejected` (the visitor's reason) and `.lineTooLong` (the limit).
    public var detail: String?

    public init(line: Int, column: Int, kind: Kind, name: String? = nil, text: String, detail: String? = nil) {
        self.line = line
        self.column = column
        self.kind = kind
        self.name = name
        self.text = text
        self.detail = detail
    }

    /// Longest offending text quoted in an error, in bytes.
    public static let clipLength = 40

    /// The reason without the position.
    public var reason: String {
        let n = name ?? ""
        switch kind {
        case .missingMeasurement: return "missing measurement name"
        case .missingFields: return "missing field set (every line needs at least one field)"
        case .emptyTagKey: return "empty tag key"
        case .missingTagValue: return "tag '\(n)' has no '=value'"
        case .emptyTagValue: return "empty value for tag '\(n)'"
        case .unescapedEquals: return "unescaped '=' in value '\(text)' of tag '\(n)'"
        case .duplicateTag: return "duplicate tag '\(n)'"
        case .emptyFieldKey: return "empty field key"
        case .missingFieldValue: return "missing value for field '\(n)'"
        case .duplicateField: return "duplicate field '\(n)'"
        case .invalidInteger: return "invalid integer '\(text)' for field '\(n)'"
        case .integerOutOfRange: return "integer '\(text)' out of Int64 range for field '\(n)'"
        case .invalidUnsigned: return "invalid unsigned integer '\(text)' for field '\(n)'"
        case .unsignedOutOfRange: return "unsigned integer '\(text)' out of UInt64 range for field '\(n)'"
        case .invalidFloat: return "invalid float '\(text)' for field '\(n)'"
        case .floatOutOfRange: return "float '\(text)' out of range for field '\(n)'"
        case .nonFiniteFloat: return "'\(text)' for field '\(n)': NaN and infinity are not supported"
        case .invalidFieldValue:
            return "invalid value '\(text)' for field '\(n)' (expected a number, boolean or double-quoted string)"
        case .unterminatedString: return "unterminated string '\(text)' for field '\(n)'"
        case .unexpectedText: return "unexpected text '\(text)'" + (name.map { " after field '\($0)'" } ?? "")
        case .invalidTimestamp: return "invalid timestamp '\(text)'"
        case .timestampOutOfRange: return "timestamp '\(text)' out of range (Int64 nanoseconds)"
        case .lineTooLong: return "line longer than \(detail ?? "the limit") bytes, starting '\(text)'"
        case .invalidUTF8: return "invalid UTF-8 (bytes \(text))"
        case .rejected: return detail ?? "rejected"
        }
    }

    public var description: String { "line \(line), column \(column): \(reason)" }

    /// `bytes` as text for a message: at most `clipLength` bytes, cut on a UTF-8 boundary, then `…`.
    public static func clip(_ bytes: UnsafeRawBufferPointer) -> String {
        guard bytes.count > clipLength else { return String(decoding: bytes, as: UTF8.self) }
        var n = clipLength
        while n > 0 && bytes[n] & 0xC0 == 0x80 { n -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<n]), as: UTF8.self) + "…"
    }
}
