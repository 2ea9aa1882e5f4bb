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

    public init(precision: Precision = .ns, maxLineLength: Int = 1 << 20, maxErrors: Int = 100) {
        self.precision = precision
        self.maxLineLength = maxLineLength
        self.maxErrors = maxErrors
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
            if LineScan.hasNonASCII(p, lineEnd), let bad = LineScan.firstInvalidUTF8(p, lineEnd - p) {
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

/// Where and why a line failed, kept as raw positions until the error is actually recorded.
@usableFromInline struct LineFailure {
    @usableFromInline var kind = LineProtocolError.Kind.rejected
    @usableFromInline var at: UnsafePointer<UInt8>? = nil
    /// End of the offending text; nil means "up to the next `,` or space".
    @usableFromInline var textEnd: UnsafePointer<UInt8>? = nil
    @usableFromInline var name: LineSlice? = nil
    @usableFromInline var rejection: LineRejection? = nil

    @inlinable init() {}

    @inlinable @inline(__always)
    mutating func set(_ kind: LineProtocolError.Kind, _ at: UnsafePointer<UInt8>,
                      _ textEnd: UnsafePointer<UInt8>? = nil, name: LineSlice? = nil) {
        self.kind = kind
        self.at = at
        self.textEnd = textEnd
        self.name = name
    }
}

/// Per-parser scratch: the keys of the current line (for duplicate checks) and an unescape buffer.
@usableFromInline final class ParserScratch {
    @usableFromInline struct Key {
        @usableFromInline var hash: UInt64
        @usableFromInline var slice: LineSlice
        @inlinable init(hash: UInt64, slice: LineSlice) { self.hash = hash; self.slice = slice }
    }
    @exclusivity(unchecked) @usableFromInline var keys: UnsafeMutablePointer<Key>
    @exclusivity(unchecked) @usableFromInline var keyCapacity = 32
    @usableFromInline let unescape = UnescapeBuffer()

    @usableFromInline init() { keys = .allocate(capacity: keyCapacity) }
    deinit { keys.deallocate() }

    @usableFromInline func growKeys() {
        let n = keyCapacity * 2
        let k = UnsafeMutablePointer<Key>.allocate(capacity: n)
        k.moveInitialize(from: keys, count: keyCapacity)
        keys.deallocate()
        keys = k
        keyCapacity = n
    }
}

extension LineProtocolParser {
    /// Records an error (cold path: builds the strings).
    @usableFromInline
    mutating func _record(_ f: LineFailure, _ lineStart: UnsafePointer<UInt8>, _ lineEnd: UnsafePointer<UInt8>) {
        _errorCount += 1
        guard _errors.count < maxErrors else { return }
        let at = f.at ?? lineStart
        var textEnd = f.textEnd ?? ByteScanner.findValueEnd(at, lineEnd)
        if textEnd < at { textEnd = at }
        let text = UnsafeRawBufferPointer(start: at, count: textEnd - at)
        var kind = f.kind
        if kind == .invalidFloat || kind == .invalidInteger || kind == .invalidUnsigned {
            kind = Self.classifyBadValue(text, kind)
        }
        _errors.append(LineProtocolError(
            line: _lineNumber, column: at - lineStart + 1, kind: kind, name: f.name?.string,
            text: LineProtocolError.clip(text), detail: f.rejection?.message))
    }

    @usableFromInline
    mutating func _recordInvalidUTF8(
        _ lineStart: UnsafePointer<UInt8>, _ lineEnd: UnsafePointer<UInt8>, _ at: UnsafePointer<UInt8>
    ) {
        if lineEnd - lineStart > maxLineLength {
            _recordTooLong(lineStart, lineEnd)
            return
        }
        _errorCount += 1
        guard _errors.count < maxErrors else { return }
        let n = min(lineEnd - at, 4)
        let hex = (0..<n).map { i -> String in
            let b = at[i]
            return "\\x" + String(b >> 4, radix: 16, uppercase: true) + String(b & 15, radix: 16, uppercase: true)
        }.joined()
        _errors.append(LineProtocolError(
            line: _lineNumber, column: at - lineStart + 1, kind: .invalidUTF8, text: hex))
    }

    @usableFromInline
    mutating func _recordTooLong(_ lineStart: UnsafePointer<UInt8>, _ lineEnd: UnsafePointer<UInt8>) {
        _errorCount += 1
        guard _errors.count < maxErrors else { return }
        let text = UnsafeRawBufferPointer(start: lineStart, count: min(lineEnd - lineStart, LineProtocolError.clipLength + 1))
        _errors.append(LineProtocolError(
            line: _lineNumber, column: maxLineLength + 1, kind: .lineTooLong,
            text: LineProtocolError.clip(text), detail: String(maxLineLength)))
    }

    /// Names a value that is not a valid number more precisely, for the message.
    static func classifyBadValue(_ t: UnsafeRawBufferPointer, _ kind: LineProtocolError.Kind) -> LineProtocolError.Kind {
        guard let first = t.first else { return .missingFieldValue }
        var s = String(decoding: t, as: UTF8.self).lowercased()
        if s.hasPrefix("-") || s.hasPrefix("+") { s.removeFirst() }
        if s == "nan" || s == "inf" || s == "infinity" { return .nonFiniteFloat }
        guard kind == .invalidFloat else { return kind }
        if t.last == UInt8(ascii: "i") { return .invalidInteger }
        if t.last == UInt8(ascii: "u") { return .invalidUnsigned }
        let startsNumeric = (first >= 0x30 && first <= 0x39) || first == UInt8(ascii: "-")
            || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
        return startsNumeric ? .invalidFloat : .invalidFieldValue
    }
}
