import ColumnStore
import Ingest

/// Writes parsed line protocol to a database and reports on every line (HTTP and TCP share it).
enum LineWriter {
    /// Writes `parsed`; returns the final report (parse rejections plus the rows storage rejected).
    ///
    /// Storage refuses a whole write when a batch holds a name it cannot store (a tag or field called
    /// `time`, a measurement called `..`). Then the batches are written one by one, and a refused column's
    /// rows are taken out of its batch (with the column) so that only the lines that used the name are
    /// rejected. Other storage errors (I/O, closed) are thrown: nothing was acknowledged.
    static func write(_ parsed: ParsedBatches, to db: Database) throws -> IngestReport {
        guard !parsed.batches.isEmpty else { return parsed.report }
        do {
            return parsed.report(after: try db.write(parsed.batches))
        } catch let e as StorageError where isBadInput(e) {
            var result = WriteResult()
            var refused: [(line: Int, reason: String)] = []
            for (i, b) in parsed.batches.enumerated() {
                var batch = b
                var lines = parsed.rowLines[i]
                while true {
                    do {
                        let r = try db.write([batch])
                        result.written += r.written
                        // Storage's row numbers are of the reduced batch: map them back through `lines`.
                        refused += (r.rejected.first ?? []).map { (lines[$0.row], $0.reason) }
                        break
                    } catch let e as StorageError where isBadInput(e) {
                        guard case let .invalidName(name) = e, name != batch.table,
                              let c = batch.columns.firstIndex(where: { $0.name == name }) else {
                            refused += lines.map { ($0, e.description) }
                            break
                        }
                        var keep: [Int32] = []
                        var kept: [Int] = []
                        for r in 0..<batch.rowCount {
                            if batch.columns[c].vector.isNull(r) {
                                keep.append(Int32(r))
                                kept.append(lines[r])
                            } else {
                                refused.append((lines[r], e.description))
                            }
                        }
                        batch = without(batch, column: c, keeping: keep)
                        lines = kept
                        if batch.rowCount == 0 { break }
                    }
                }
                result.rejected.append([])
            }
            var report = parsed.report
            refused.sort { $0.line < $1.line }
            report.linesAccepted -= refused.count
            report.addRejections(refused.count, refused.prefix(report.maxErrors).map {
                IngestError(line: $0.line, message: "line \($0.line): \($0.reason)")
            })
            return report
        }
    }

    /// `b` without column `column` and with only the rows `keep`.
    static func without(_ b: WriteBatch, column: Int, keeping keep: [Int32]) -> WriteBatch {
        var out = WriteBatch(table: b.table)
        out.time = keep.map { b.time[Int($0)] }
        for (i, c) in b.columns.enumerated() where i != column {
            out.columns.append(BatchColumn(name: c.name, vector: c.vector.gather(keep), dictionary: c.dictionary))
        }
        return out
    }

    /// Errors caused by what was sent, not by the server.
    static func isBadInput(_ e: StorageError) -> Bool {
        switch e {
        case .invalidName, .typeConflict: true
        default: false
        }
    }
}
