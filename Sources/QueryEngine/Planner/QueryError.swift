/// A query that could not run: the message, and where in the query text the problem is (when known).
public struct QueryError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var position: SourcePosition?

    public init(_ message: String, at position: SourcePosition? = nil) {
        self.message = message
        self.position = position
    }

    init(_ e: SQLError) {
        message = e.description
        position = e.position
        prefixed = true
    }

    private var prefixed = false

    public var description: String {
        if prefixed { return message }
        if let p = position { return "error at \(p): \(message)" }
        return "error: \(message)"
    }
}
