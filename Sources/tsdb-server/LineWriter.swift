import ColumnStore
import Ingest

/// Writes parsed line protocol to a database and reports on every line (HTTP and TCP share it).
enum LineWriter {
    /// Writes `parsed`; returns the final report (parse rejections plus the rows storage rejected).
    ///
    /// Storage refuses a whole write when one batch has a name it cannot store (a measurement or key
    /// such as `time` or `..`). Then each batch is written on its own, so only that measurement's lines
    /// are rejected. Other storage errors (I/O, closed) are thrown: nothing was acknowledged.
    static func write(_ parsed: ParsedBatches, to db: Database) throws -> IngestReport {
        guard !parsed.batches.isEmpty else { return parsed.report }
        do {
            return parsed.report(after: try db.write(parsed.batches))
        } catch let e as StorageError where isBadInput(e) {
            var result = WriteResult()
            var refused: [(batch: Int, reason: String)] = []
            for (i, b) in parsed.batches.enumerated() {
                do {
                    let r = try db.write([b])
                    result.written += r.written
                    result.rejected.append(r.rejected.first ?? [])
                } catch let e as StorageError where isBadInput(e) {
                    result.rejected.append([])
                    refused.append((i, e.description))
                }
            }
            var report = parsed.report(after: result)
            for (i, reason) in refused {
                let lines = parsed.rowLines[i]
                report.linesAccepted -= lines.count
                report.addRejections(lines.count, lines.prefix(report.maxErrors).map {
                    IngestError(line: $0, message: "line \($0): \(reason)")
                })
            }
            return report
        }
    }

    /// Errors caused by what was sent, not by the server.
    static func isBadInput(_ e: StorageError) -> Bool {
        switch e {
        case .invalidName, .typeConflict: true
        default: false
        }
    }
}
