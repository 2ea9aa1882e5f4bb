import ColumnStore
import Foundation

extension QueryEngine {
    /// Runs one statement and hands its answer to `emit` a batch of rows at a time, in order, at least
    /// once (an empty answer is one empty batch naming the columns). A SELECT that only projects a table
    /// streams from the scan, so memory stays bounded however large its answer; other statements are run
    /// whole and handed out in slices. Errors are those of `execute`.
    public func stream(_ sql: String, now: Int64? = nil, control: QueryControl? = nil, session: QuerySession = QuerySession(),
                       emit: (QueryResult) throws -> Void) throws {
        let clock = now ?? Int64(Date().timeIntervalSince1970 * 1e9)
        var sql = sql, session = session
        switch try splitSession(sql, session) {
        case let .answered(r): return try SelectRunner.emitSlices(r, emit: emit)
        case let .run(rest, s): (sql, session) = (rest, s)
        }
        let statement: Statement
        do { statement = try SQLParser.parse(sql) } catch { throw QueryError(error) }
        if case let .select(s) = statement {
            try SelectRunner(engine: self, now: clock, control: control, session: session).stream(s, emit: emit)
        } else {
            let result = try StatementRunner(engine: self, now: clock, control: control, session: session).run(sql)
            try SelectRunner.emitSlices(result, emit: emit)
        }
    }
}
