import Foundation
import LineProtocol

/// The database a read benchmark runs on: the one named by the global options when it holds a `plays`
/// table (or a server), else a temporary one loaded with the benchmark data.
struct BenchTarget {
    let backend: Backend
    /// What the data is, for the report.
    let what: String
    /// Removes the temporary directory, if any.
    let cleanup: () -> Void

    static func open(_ global: GlobalOptions, _ data: BenchDataOptions, table: String = "plays") throws -> BenchTarget {
        if global.effectiveServer != nil {
            return BenchTarget(backend: try global.openBackend(create: false), what: "server \(global.effectiveServer!), db \(global.db)", cleanup: {})
        }
        if data.input == nil {
            // A named directory must hold the database (a typo is not a reason to benchmark generated
            // rows); without one, ./tsdb-data is used when it has the table.
            let existing: EmbeddedBackend?
            do {
                existing = try EmbeddedBackend(root: global.dataDirectory, database: global.db, create: false, forWriting: false, readOnly: true)
            } catch {
                if global.namesDataDirectory { throw error }
                existing = nil
            }
            if let existing {
                if existing.database.schema(of: table) != nil {
                    return BenchTarget(backend: existing, what: existing.label, cleanup: {})
                }
                try existing.close()
            }
        }
        // Generated and given inputs are play events: another table must be in the data directory.
        guard table == "plays" else { throw CLIError("no table '\(table)' in \(global.dataDirectory) (database \(global.db))") }
        let (lp, what) = try data.lineProtocol()
        let dir = try FileManagerLite.makeTemporaryDirectory("tsdb-bench")
        do {
            if !data.json { Terminal.err("loading \(what) into \(dir)…\n") }
            try load(lp, into: dir)
            let backend = try EmbeddedBackend(root: dir, database: "bench", create: false, forWriting: false, readOnly: true)
            return BenchTarget(backend: backend, what: what, cleanup: { FileManagerLite.remove(dir) })
        } catch {
            FileManagerLite.remove(dir)
            throw error
        }
    }

    /// Ingests `lp` into database `bench` under `root`; returns (rows, seconds of ingest, seconds of the final flush).
    @discardableResult
    static func load(_ lp: [UInt8], into root: String, chunkBytes: Int = 8 << 20) throws -> (rows: Int, ingest: Double, flush: Double) {
        let backend = try EmbeddedBackend(root: root, database: "bench", create: true, forWriting: true)
        var pipeline = IngestPipeline()
        pipeline.chunkBytes = chunkBytes
        let sink = backend.makeIngestSink(precision: .ns, maxErrors: 10)
        let input = IngestInput(name: "input", source: .memory(lp), size: lp.count)
        let summary: IngestSummary
        do {
            summary = try pipeline.run([input], sinks: [sink], progress: { _ in })
        } catch {
            try? backend.close()
            throw error
        }
        let (_, flush) = try Stopwatch.time { try backend.close() }
        if summary.linesRejected > 0 {
            let first = summary.errors.first.map { ": \($0.error.message)" } ?? ""
            throw CLIError("\(summary.linesRejected) lines of the benchmark data were rejected\(first)")
        }
        return (summary.rowsWritten, summary.seconds, flush)
    }
}

/// Prints benchmark figures as a table or JSON.
enum BenchOutput {
    static func json(_ obj: [String: Any]) {
        let data = (try? JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])) ?? Data("{}".utf8)
        Terminal.out(String(decoding: data, as: UTF8.self) + "\n")
    }

    static func ms(_ s: Double) -> String { Units.fixed(s * 1000, s < 0.01 ? 2 : 1) + " ms" }
}
