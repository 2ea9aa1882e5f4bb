/// Receives the pieces of each line from `LineProtocolParser`, in order:
/// `beginLine`, then `tag` per tag, then `field` per field, then `endLine` — or `abortLine` as soon as the
/// line turns out bad (after `beginLine`), in which case the visitor must drop whatever it staged for it.
///
/// The parser is generic over the visitor, so these calls are specialised and inlined, never dynamic.
/// Slices point into the input buffer and stay valid until `endChunk`, which ends every `parse` call.
public protocol LineProtocolVisitor {
    /// A line starts; `line` is its 1-based number in the stream.
    mutating func beginLine(measurement: LineSlice, line: Int)
    /// One tag, in line order. Return a rejection to reject the whole line (the parser then calls `abortLine`).
    mutating func tag(key: LineKey, value: LineSlice) -> LineRejection?
    /// One field, in line order. Return a rejection to reject the whole line (the parser then calls `abortLine`).
    mutating func field(key: LineKey, value: FieldValue) -> LineRejection?
    /// The line was valid: commit it. `timestamp` is in nanoseconds, nil when the line had none.
    mutating func endLine(timestamp: Int64?)
    /// The line was bad after `beginLine`: forget it.
    mutating func abortLine()
    /// The parse call is about to return: the last moment the slices it handed out are valid.
    mutating func endChunk()
    /// True when the visitor itself rejects a key repeated within a line's tags or fields (returning a
    /// `.duplicateTag` / `.duplicateField` rejection), so the parser need not check.
    static var detectsDuplicateKeys: Bool { get }
}

extension LineProtocolVisitor {
    /// Nothing to do by default.
    @inlinable public mutating func endChunk() {}
    /// The parser checks for duplicate keys by default.
    @inlinable public static var detectsDuplicateKeys: Bool { false }
}

/// Why a visitor refused a line (a schema conflict, say); reported like a syntax error, with its position.
public struct LineRejection: Error, Sendable, Hashable {
    /// `.rejected` with a `message`, or a parser kind the visitor found itself (`.duplicateTag`, `.duplicateField`).
    public var kind: LineProtocolError.Kind
    public var message: String
    public init(_ message: String) { kind = .rejected; self.message = message }
    public init(kind: LineProtocolError.Kind) { self.kind = kind; message = "" }
}
