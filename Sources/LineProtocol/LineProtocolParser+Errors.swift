/// Turning a failed line into a `LineProtocolError` (cold paths: they build the strings).
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
