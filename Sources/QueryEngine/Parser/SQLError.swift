/// A query that cannot be understood: what went wrong, where, and what was expected instead.
///
/// `description` reads like `syntax error at 1:34 near 'GROUPBY': expected WHERE, GROUP BY, … or end of query`.
/// The planner may throw it too (kind `.semantic`) for errors such as an unknown column.
public struct SQLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure; it picks the message's first words.
    public enum Kind: Sendable, Hashable {
        /// The text does not follow the grammar (including unterminated strings and stray characters).
        case syntax
        /// A literal is well formed but its value is not: an integer out of range, a bad interval or timestamp.
        case invalidLiteral
        /// The query nests deeper than `SQLParser.maxDepth`; refused before it can exhaust the stack.
        case tooDeep
        /// A later stage (planner) rejects a well-formed query, e.g. an unknown column.
        case semantic
    }

    /// The class of failure.
    public var kind: Kind { storage.kind }
    /// Where the offending token starts.
    public var position: SourcePosition { storage.position }
    /// The offending token's text (shortened when long); nil at the end of the query.
    public var near: String? { storage.near }
    /// What is wrong, e.g. "expected FROM" or "integer is out of range for BIGINT".
    public var message: String { storage.message }

    /// One pointer wide: typed throws reserve room for the error at every call site, and the parser's
    /// recursion depth depends on small frames.
    private let storage: Storage

    private final class Storage: Sendable {
        let kind: Kind
        let position: SourcePosition
        let near: String?
        let message: String

        init(kind: Kind, position: SourcePosition, near: String?, message: String) {
            self.kind = kind
            self.position = position
            self.near = near
            self.message = message
        }
    }

    public init(_ kind: Kind, at position: SourcePosition, near: String?, message: String) {
        storage = Storage(kind: kind, position: position, near: near, message: message)
    }

    public static func == (lhs: SQLError, rhs: SQLError) -> Bool {
        lhs.kind == rhs.kind && lhs.position == rhs.position && lhs.near == rhs.near && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(position)
        hasher.combine(near)
        hasher.combine(message)
    }

    public var description: String {
        let label: String
        switch kind {
        case .syntax: label = "syntax error"
        case .invalidLiteral: label = "invalid literal"
        case .tooDeep: label = "query too deeply nested"
        case .semantic: label = "error"
        }
        if let near {
            return "\(label) at \(position) near '\(near)': \(message)"
        }
        return "\(label) at \(position) (end of query): \(message)"
    }
}
