import ColumnStore
import PGWire
import QueryEngine

/// Turns the engine's and storage's errors into ErrorResponses: a SQLSTATE clients can act on, the
/// message, and the position in the text the client sent.
enum PGErrors {
    /// Why a query was cancelled by the server side (the engine only sees "cancelled").
    enum Cancellation { case user, timeout, disconnect, shutdown }

    /// The ErrorResponse for `error`, raised by a statement that starts at UTF-8 offset `base` of
    /// `query` (the text the client sent) and ran as `substituted`.
    static func fields(_ error: Error, query: String, base: Int = 0, substituted: PGParameters.Substituted? = nil,
                       cancellation: Cancellation? = nil) -> PGErrorFields {
        if let e = error as? PGErrorFields { return e }
        switch cancellation {
        case .user: return PGErrorFields(code: PGSQLState.queryCanceled, message: "canceling statement due to user request")
        case .timeout: return PGErrorFields(code: PGSQLState.queryCanceled, message: "canceling statement due to statement timeout")
        case .shutdown: return PGErrorFields(severity: "FATAL", code: PGSQLState.adminShutdown, message: "terminating connection due to administrator command")
        case .disconnect, nil: break
        }
        var position: Int?
        func place(_ p: SourcePosition?) {
            guard let p else { return }
            let offset = substituted?.originalOffset(p.offset) ?? p.offset
            position = PGSQLText.characterPosition(query, utf8Offset: base + offset)
        }
        switch error {
        case let e as QueryError:
            place(e.position)
            return PGErrorFields(code: code(e.message), message: message(e), position: position)
        case let e as SQLError:
            place(e.position)
            return PGErrorFields(code: e.kind == .syntax ? PGSQLState.syntaxError : e.kind == .tooDeep ? "54001" : PGSQLState.invalidTextRepresentation,
                                 message: e.description, position: position)
        case let e as StorageError:
            if case .unknownTable = e { return PGErrorFields(code: PGSQLState.undefinedTable, message: e.description) }
            return PGErrorFields(code: PGSQLState.ioError, message: e.description)
        default:
            return PGErrorFields(code: PGSQLState.internalError, message: "\(error)")
        }
    }

    /// The engine's message without its `error at 1:5:` prefix (the position travels as a field).
    static func message(_ e: QueryError) -> String {
        let d = e.description
        if d.hasPrefix("error: ") { return String(d.dropFirst(7)) }
        if d.hasPrefix("error at "), let colon = d.range(of: ": ") { return String(d[colon.upperBound...]) }
        return d
    }

    /// The SQLSTATE of an engine error, by the class of its message (the engine's errors carry no code).
    static func code(_ m: String) -> String {
        func has(_ s: String) -> Bool { m.contains(s) }
        if m.hasPrefix("syntax error") { return PGSQLState.syntaxError }
        if m.hasPrefix("query too deeply nested") { return "54001" }
        if m.hasPrefix("invalid literal") { return has("out of range") ? PGSQLState.numericValueOutOfRange : PGSQLState.invalidTextRepresentation }
        if has("unknown table") || has("table '") && has("is damaged") { return has("damaged") ? PGSQLState.ioError : PGSQLState.undefinedTable }
        if has("unknown column") { return PGSQLState.undefinedColumn }
        if has("unknown function") { return PGSQLState.undefinedFunction }
        if has("unrecognized configuration parameter") { return PGSQLState.undefinedObject }
        if has("query needs more than") { return PGSQLState.outOfMemory }
        if has("(--max-result-rows)") { return PGSQLState.programLimitExceeded }
        if has("overflow") || has("out of range") { return PGSQLState.numericValueOutOfRange }
        if has("division by zero") { return PGSQLState.divisionByZero }
        if has("invalid timestamp") || has("timestamp") && has("invalid") { return PGSQLState.invalidDatetimeFormat }
        if has("could not convert string") || has("cannot cast") || has("cannot convert") { return PGSQLState.invalidTextRepresentation }
        if has("aggregate function") || has("GROUP BY") { return PGSQLState.groupingError }
        if has("cannot apply") || has("cannot compare") || has("cannot negate") || has("cannot combine") || has("needs a") || has("expected a boolean") {
            return PGSQLState.datatypeMismatch
        }
        return "42000"
    }
}
