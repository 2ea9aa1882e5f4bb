#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses InfluxDB line protocol from bytes and hands each line's pieces to a visitor
/// (see docs/line-protocol.md for the grammar).
///
/// Nothing is allocated per line or token. A bad line is recorded as a `LineProtocolError`
/// (the first `maxErrors` kept, all counted) and parsing goes on with the next line.
/// Chunks: with `isFinal: false` only complete lines are parsed and `parse` returns how many bytes it
/// consumed, so a stream reader keeps the rest and calls again with more; line numbers carry over.
public struct LineProtocolParser {
    /// Unit of the timestamps; they reach the visitor in nanoseconds.
    public var precision: Precision
    /// Longest accepted line in bytes, line terminator excluded.
    public var maxLineLength: Int
    /// How many errors to keep (all are counted).
    public var maxErrors: Int

    @usableFromInline var _errors: [LineProtocolError] = []
    @usableFromInline var _errorCount = 0
    @usableFromInline var _acceptedLines = 0
    @usableFromInline var _lineNumber = 0
    /// Set while skipping the rest of an over-long line whose end has not arrived yet.
    @usableFromInline var _discarding = false
    @usableFromInline let _scratch = ParserScratch()

    /// `firstLine`: the number of the first line parsed (a piece cut from the middle of a stream at a
    /// newline, parsed on its own, numbers its lines as the whole stream would).
    public init(precision: Precision = .ns, maxLineLength: Int = 1 << 20, maxErrors: Int = 100, firstLine: Int = 1) {
        precondition(firstLine >= 1, "BUG: line numbers start at 1, not \(firstLine)")
        self.precision = precision
        self.maxLineLength = maxLineLength
        self.maxErrors = maxErrors
        _lineNumber = firstLine - 1
    }

    /// The first `maxErrors` errors since the last `takeResults`.
    public var errors: [LineProtocolError] { _errors }
    /// All errors since the last `takeResults`.
    public var errorCount: Int { _errorCount }
    /// Lines the visitor accepted since the last `takeResults`.
    public var acceptedLines: Int { _acceptedLines }
    /// Number of the last line started (lines are numbered from 1 over the whole stream).
    public var lineNumber: Int { _lineNumber }

    /// Returns and clears the counts and errors (line numbering goes on).
    public mutating func takeResults() -> (accepted: Int, errorCount: Int, errors: [LineProtocolError]) {
        defer { _errors = []; _errorCount = 0; _acceptedLines = 0 }
        return (_acceptedLines, _errorCount, _errors)
    }

    /// Parses the lines of `buffer` into `visitor`; returns the bytes consumed.
    ///
    /// With `isFinal` (the default) everything is consumed and a last line without a newline is parsed.
    /// Without it, parsing stops after the last newline and the rest is left for the next call.
    @inlinable
    public mutating func parse<V: LineProtocolVisitor>(
        _ buffer: UnsafeRawBufferPointer, into visitor: inout V, isFinal: Bool = true
    ) -> Int {
        guard let raw = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let bufEnd = base + buffer.count
        var p = base
        if _discarding {
            guard let nl = memchr(p, 0x0A, bufEnd - p) else { return buffer.count }
            p = UnsafePointer(nl.assumingMemoryBound(to: UInt8.self)) + 1
            _discarding = false
        }
        var limit = bufEnd
        var tailTooLong = false
        if !isFinal {
            limit = Self._lastNewline(p, bufEnd).map { $0 + 1 } ?? p
            // The unfinished last line: past the limit already, it is reported now and skipped to its
            // newline, so a stream reader never has to hold it. (`+ 1`: its end may still turn out to
            // be "\r\n", and the \r does not count.)
            tailTooLong = bufEnd - limit > maxLineLength + 1
        }
        let scale = precision.nanosecondsPerUnit
        while p < limit {
            _lineNumber += 1
            var lineEnd = limit
            var next = limit
            if let nl = memchr(p, 0x0A, limit - p) {
                lineEnd = UnsafePointer(nl.assumingMemoryBound(to: UInt8.self))
                next = lineEnd + 1
            }
            if lineEnd > p && lineEnd[-1] == 0x0D { lineEnd -= 1 }
            if UTF8Check.hasNonASCII(p, lineEnd), let bad = UTF8Check.firstInvalidUTF8(p, lineEnd - p) {
                _recordInvalidUTF8(p, lineEnd, p + bad)
            } else {
                _parseLine(p, lineEnd, bufEnd, scale, &visitor)
            }
            p = next
        }
        visitor.endChunk()
        if tailTooLong {
            _lineNumber += 1
            _recordTooLong(limit, bufEnd)
            _discarding = true
            return buffer.count
        }
        return limit - base
    }

    /// Parses a whole buffer held in an array (convenience for tests and small inputs).
    @inlinable
    public mutating func parse<V: LineProtocolVisitor>(_ bytes: [UInt8], into visitor: inout V) {
        _ = bytes.withUnsafeBytes { parse($0, into: &visitor) }
    }

    /// The last `\n` in `[p, end)` (a stream's chunk usually ends a few bytes after it).
    @inlinable
    static func _lastNewline(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
        var q = end
        while q > p {
            q -= 1
            if q.pointee == 0x0A { return q }
        }
        return nil
    }

    @inlinable @inline(__always)
    mutating func _parseLine<V: LineProtocolVisitor>(
        _ lineStart: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ safeEnd: UnsafePointer<UInt8>,
        _ scale: Int64, _ visitor: inout V
    ) {
        // The limit holds for every line, comments included: a stream reader must be able to judge
        // an unfinished line before it has seen what kind it is.
        if end - lineStart > maxLineLength {
            _recordTooLong(lineStart, end)
            return
        }
        var p = lineStart
        while p < end && p.pointee == 0x20 { p += 1 }
        if p == end || p.pointee == UInt8(ascii: "#") { return }  // blank or comment
        var failure = LineFailure()
        var begun = false
        if _parsePoint(p, end, safeEnd, scale, &visitor, &begun, &failure) {
            _acceptedLines &+= 1
        } else {
            if begun { visitor.abortLine() }
            _record(failure, lineStart, end)
        }
    }
}
