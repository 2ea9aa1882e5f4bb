import ColumnStore
import Foundation
import QueryEngine

extension EmbeddedBackend {
    /// Runs `sql` and hands its answer to `emit` a batch at a time as the engine produces it
    /// (`QueryEngine.stream`). On a read-only view a statement is run again when the writer replaced a
    /// file under it, but only while nothing was emitted: rows already printed cannot be taken back, so
    /// a later change fails the statement instead.
    func stream(_ sql: String, threads: Int?, control: QueryControl?, emit: (QueryResult) throws -> Void) throws {
        try prepare(sql)
        let e = engine(threads: threads)
        let control = control ?? makeControl()
        var emitted = false
        try database.consistentRead {
            do {
                try e.stream(sql, control: control, session: session) { batch in
                    emitted = true
                    try emit(batch)
                }
            } catch let error as StorageError where emitted {
                throw CLIError("the data changed under the query after part of its answer was written (\(error)); run it again")
            }
        }
    }
}
