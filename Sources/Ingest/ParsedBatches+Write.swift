import ColumnStore

extension ParsedBatches {
    /// Writes the batches through the store's one decision point (`Database.write(_:policy:)`) and
    /// reports on every line: parse rejections plus the rows the store rejected, by line number. HTTP,
    /// TCP and `tsdb-cli ingest` all write this way, so the same input is accepted the same way.
    ///
    /// Under `.allOrNothing`, a line the parser rejected means nothing is written (the store is not
    /// asked), as does a row the store rejects; the report then has `linesAccepted == 0`.
    /// Throws what the store throws: I/O, closed, `overloaded` (nothing written).
    ///
    /// `announced`: the caller announced the write (`Database.announceWrite()`); it is withdrawn when
    /// nothing reaches the store.
    public func write(to db: Database, policy: WritePolicy, announced: Bool = false) throws -> (report: IngestReport, waitedForRoom: Double) {
        guard !(policy.atomicity == .allOrNothing && !report.isComplete), !batches.isEmpty else {
            if announced { db.withdrawWrite() }
            return (policy.atomicity == .allOrNothing && !report.isComplete ? report.nothingWritten : report, 0)
        }
        let result = try db.write(batches, policy: policy, announced: announced)
        let r = report(after: result)
        if policy.atomicity == .allOrNothing && result.rejectedRows > 0 { return (r.nothingWritten, result.waitedForRoom) }
        return (r, result.waitedForRoom)
    }
}

extension IngestReport {
    /// This report for a write that wrote nothing: its well-formed lines were discarded with the bad ones.
    var nothingWritten: IngestReport {
        var r = self
        r.linesDiscarded = r.linesAccepted
        r.linesAccepted = 0
        return r
    }
}
