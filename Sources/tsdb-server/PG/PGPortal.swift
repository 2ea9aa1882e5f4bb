import PGWire
import QueryEngine

/// A prepared statement (Parse): its text, parameter types and, for session commands, the command.
struct PGPreparedStatement {
    var sql: String
    /// Nothing but whitespace and comments: executes as EmptyQueryResponse.
    var isEmpty: Bool
    var command: PGSessionCommand?
    var parameterTypes: [PGType]
}

/// A portal (Bind, or one statement of a simple query): the statement with its values substituted,
/// the result formats, and once executed the result and how many rows were sent.
final class PGPortal {
    let statement: PGPreparedStatement
    let substituted: PGParameters.Substituted
    /// The text the client sent (the whole Query message for simple queries) and where this statement
    /// starts in it, for error positions.
    let original: String
    let base: Int
    let formats: [PGFormat]
    var result: QueryResult?
    var sent = 0
    /// Rows sent by the current Execute (its CommandComplete's count).
    var sentByExecute = 0
    var isComplete = false

    init(statement: PGPreparedStatement, substituted: PGParameters.Substituted, original: String, base: Int, formats: [PGFormat]) {
        self.statement = statement
        self.substituted = substituted
        self.original = original
        self.base = base
        self.formats = formats
    }
}
