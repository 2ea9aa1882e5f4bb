import ColumnStore
import Foundation
import Ingest
import LineProtocol

/// `tsdb-cli ingest --format csv`: loads CSV with a header into one table, streaming.
///
/// The first records (up to `sampleRecords`) fix the column types unless `--types` gives them; then
/// records are batched and written with partial-write semantics, as line protocol is: a record that
/// does not fit is rejected with its line number and the others are written, and rows already
/// written stay written if the file turns out damaged further on.
struct CSVIngest {
    let table: String?
    let tags: [String]
    let timeColumn: String
    let types: [String: CSVColumnType]
    let precision: Precision
    let maxErrors: Int
    static let sampleRecords = 10_000
    static let batchRows = 65_536
    static let chunkBytes = 1 << 20

    static func isCSV(_ path: String) -> Bool {
        let p = path.lowercased()
        return p.hasSuffix(".csv") || p.hasSuffix(".csv.gz")
    }

    /// The table a file loads into by default: its base name without `.csv` / `.csv.gz`.
    static func defaultTable(for path: String) -> String? {
        guard path != "-" else { return nil }
        var base = URL(fileURLWithPath: path).lastPathComponent
        for ext in [".gz", ".csv"] where base.lowercased().hasSuffix(ext) { base = String(base.dropLast(ext.count)) }
        return base
    }

    /// Parses `--types time:timestamp,v:float`.
    static func parseTypes(_ text: String) throws -> [String: CSVColumnType] {
        var out: [String: CSVColumnType] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let t = CSVColumnType(name: parts[1]) else {
                throw CLIError("--types: '\(item)' is not column:type (types: integer, float, boolean, timestamp, string, date)")
            }
            out[parts[0]] = t
        }
        return out
    }

    /// Loads one input; adds its rows, bytes and rejections to `summary`.
    func run(_ path: String, _ input: IngestInput, into destination: BatchDestination, summary: inout IngestSummary, progress: (IngestSummary) -> Void) throws {
        guard case .stream(let stream) = input.source else { throw CLIError("BUG: CSV input is not a stream") }
        let name = input.name
        var reader = CSVRecordReader()
        var chunk = [UInt8](repeating: 0, count: Self.chunkBytes)
        var eof = false
        /// Reads the next chunk into `r`; false at the end of the input.
        func readMore(_ r: inout CSVRecordReader) throws -> Bool {
            let n = try chunk.withUnsafeMutableBytes { try stream.read($0.baseAddress!, $0.count) }
            if n == 0 { return false }
            summary.bytes += n
            chunk.withUnsafeBytes { r.feed(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            return true
        }
        // The header.
        var header: [String] = []
        loop: while true {
            switch reader.next(final: eof) {
            case .record:
                if reader.isBlank { continue }
                header = (0..<reader.fieldCount).map(reader.fieldString)
                break loop
            case .needMore: if try !readMore(&reader) { eof = true }
            case .end: throw CLIError("\(name): the file is empty; a CSV import needs a header line")
            case .malformed(let why): throw CLIError("\(name): line \(reader.recordLine): the header is not valid CSV: \(why)")
            }
        }
        guard let tableName = table ?? Self.defaultTable(for: path) else {
            throw CLIError("name the table with --table when reading standard input")
        }
        var batcher: CSVBatcher
        do {
            batcher = try CSVBatcher(table: tableName, header: header, timeColumn: timeColumn, tags: tags, given: types, precision: precision)
        } catch {
            throw CLIError("\(name): \(error); nothing was imported")
        }
        // Infer the types from a sample, read ahead on a copy of the reader; what the copy read is
        // then given to the real reader too.
        var probe = reader
        var inference = batcher.startInference()
        var sampled = 0, probeEOF = eof
        var readAhead: [UInt8] = []
        sampling: while sampled < Self.sampleRecords {
            switch probe.next(final: probeEOF) {
            case .record: batcher.sample(probe, into: &inference); sampled += 1
            case .malformed: sampled += 1
            case .end: break sampling
            case .needMore:
                let n = try chunk.withUnsafeMutableBytes { try stream.read($0.baseAddress!, $0.count) }
                if n == 0 { probeEOF = true; continue }
                summary.bytes += n
                chunk.withUnsafeBytes { probe.feed(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
                readAhead.append(contentsOf: chunk[..<n])
            }
        }
        batcher.infer(inference)
        readAhead.withUnsafeBytes { reader.feed($0) }
        readAhead = []
        eof = probeEOF

        func reject(_ line: Int, _ message: String) {
            summary.linesRejected += 1
            if summary.errors.count < max(maxErrors, 1) {
                summary.errors.append((name, IngestError(line: line, message: "line \(line): \(message)")))
            }
        }
        func flush() throws {
            guard batcher.rowCount > 0 else { return }
            let (batch, lines) = batcher.finish()
            let rejected = try destination.write(batch, allOrNothing: false).rejected
            for r in rejected { reject(lines[r.row], r.reason) }
            summary.rowsWritten += batch.rowCount - rejected.count
            progress(summary)
        }
        while true {
            switch reader.next(final: eof) {
            case .record:
                if reader.isBlank { continue }
                if let why = batcher.add(reader) { reject(reader.recordLine, why) }
                if batcher.rowCount >= Self.batchRows { try flush() }
            case .needMore: if try !readMore(&reader) { eof = true }
            case .malformed(let why): reject(reader.recordLine, why)
            case .end:
                try flush()
                return
            }
        }
    }
}
