import ColumnStore
import LineProtocol

/// Batches parsed from line protocol, ready for `Database.write`, with what is needed to report on them.
public struct ParsedBatches: Sendable {
    /// One batch per measurement, in order of first appearance.
    public var batches: [WriteBatch]
    /// Per batch, the input line number of each row (to name lines the storage engine rejects).
    public var rowLines: [[Int]]
    /// The parse-side report: lines accepted into batches, lines rejected by the parser or batcher.
    public var report: IngestReport

    /// The final report once storage has written the batches: rows it rejected become rejected lines.
    public func report(after result: WriteResult) -> IngestReport {
        var r = report
        var more: [IngestError] = []
        var count = 0
        // Rows of a batch are in line order, so the first `maxErrors` lines overall are among each batch's
        // first `maxErrors` rejections (`addRejections` keeps the first by line).
        for (b, rejections) in result.rejected.enumerated() where b < rowLines.count {
            count += rejections.count
            for rej in rejections.prefix(r.maxErrors) {
                let line = rej.row < rowLines[b].count ? rowLines[b][rej.row] : 0
                more.append(IngestError(line: line, message: "line \(line): \(rej.reason)"))
            }
        }
        r.linesAccepted -= count
        r.addRejections(count, more)
        return r
    }
}

/// Line protocol in, `WriteBatch`es and an `IngestReport` out: the parser and the batcher together.
///
/// One-shot use (an HTTP body): `LineProtocolIngester.ingest(body, …) { try db.write($0) }`.
/// Streaming use (TCP): `feed` chunks as they arrive (keeping the unconsumed tail), and `takeBatches`
/// whenever enough rows have gathered; line numbers run on over the whole stream.
public struct LineProtocolIngester {
    public private(set) var parser: LineProtocolParser
    public private(set) var batcher: LineProtocolBatcher

    /// `firstLine`: the number of the first line fed (a piece of a longer input parsed on its own, as
    /// `tsdb-cli ingest` parses its chunks on several threads, reports the input's line numbers).
    public init(precision: Precision = .ns, defaultTime: Int64, maxLineLength: Int = 1 << 20, maxErrors: Int = 100,
                firstLine: Int = 1) {
        parser = LineProtocolParser(precision: precision, maxLineLength: maxLineLength, maxErrors: maxErrors,
                                    firstLine: firstLine)
        batcher = LineProtocolBatcher(defaultTime: defaultTime)
    }

    /// Timestamp (ns) given to lines without one; set it to the receive time of each request or chunk.
    public var defaultTime: Int64 {
        get { batcher.defaultTime }
        set { batcher.defaultTime = newValue }
    }

    /// Lines expected before the next `takeBatches` (0, the default: unknown). Setting it lets big
    /// tables reserve their columns once instead of growing them by doubling; a wrong guess costs
    /// only memory that is reserved and never touched, or the usual growth.
    public var expectedLines: Int {
        get { batcher.expectedLines }
        set { batcher.expectedLines = newValue }
    }

    /// Rows batched and not yet taken.
    public var pendingRows: Int { batcher.rowCount }

    /// Lines in `buffer`, estimated from the newlines of its first 64 KiB (0 when it is small).
    static func estimateLines(_ buffer: UnsafeRawBufferPointer) -> Int {
        let sample = min(buffer.count, 1 << 16)
        guard buffer.count > 1 << 16, let base = buffer.baseAddress else { return 0 }
        var newlines = 0
        var p = base
        let end = base + sample
        while p < end, let nl = memchr(p, 0x0A, end - p) {
            newlines += 1
            p = UnsafeRawPointer(nl) + 1
        }
        guard newlines >= 16 else { return 0 }
        return Int(Double(buffer.count) * Double(newlines) / Double(sample))
    }

    /// Parses the complete lines of `chunk` (all of it when `isFinal`); returns the bytes consumed.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, isFinal: Bool = false) -> Int {
        parser.parse(chunk, into: &batcher, isFinal: isFinal)
    }

    /// The batches and report for everything fed since the last call.
    public mutating func takeBatches() -> ParsedBatches {
        let (batches, rowLines) = batcher.takeBatches()
        let results = parser.takeResults()
        var report = IngestReport(maxErrors: parser.maxErrors)
        report.linesAccepted = results.accepted
        report.addRejections(results.errorCount, results.errors.map {
            IngestError(line: $0.line, message: $0.description)
        })
        return ParsedBatches(batches: batches, rowLines: rowLines, report: report)
    }

    /// Parses a whole buffer (a last line without a newline included). Its lines are numbered from
    /// `firstLine`: a buffer cut from a longer input after a newline and parsed on its own gives the rows,
    /// rejections and line numbers that the same lines give when the whole input is parsed at once.
    public static func parse(
        _ buffer: UnsafeRawBufferPointer, precision: Precision = .ns, defaultTime: Int64,
        maxLineLength: Int = 1 << 20, maxErrors: Int = 100, firstLine: Int = 1
    ) -> ParsedBatches {
        var ingester = LineProtocolIngester(
            precision: precision, defaultTime: defaultTime, maxLineLength: maxLineLength, maxErrors: maxErrors,
            firstLine: firstLine)
        ingester.expectedLines = estimateLines(buffer)
        _ = ingester.feed(buffer, isFinal: true)
        return ingester.takeBatches()
    }

    /// `parse` for bytes in an array.
    public static func parse(
        _ bytes: [UInt8], precision: Precision = .ns, defaultTime: Int64,
        maxLineLength: Int = 1 << 20, maxErrors: Int = 100, firstLine: Int = 1
    ) -> ParsedBatches {
        bytes.withUnsafeBytes {
            parse($0, precision: precision, defaultTime: defaultTime, maxLineLength: maxLineLength, maxErrors: maxErrors,
                  firstLine: firstLine)
        }
    }

    /// Parses `buffer`, hands the batches to `write` (e.g. `{ try db.write($0) }`), and reports on every line.
    public static func ingest(
        _ buffer: UnsafeRawBufferPointer, precision: Precision = .ns, defaultTime: Int64,
        maxLineLength: Int = 1 << 20, maxErrors: Int = 100,
        write: ([WriteBatch]) throws -> WriteResult
    ) rethrows -> IngestReport {
        let parsed = parse(buffer, precision: precision, defaultTime: defaultTime,
                           maxLineLength: maxLineLength, maxErrors: maxErrors)
        guard !parsed.batches.isEmpty else { return parsed.report }
        return parsed.report(after: try write(parsed.batches))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
