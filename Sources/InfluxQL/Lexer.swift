/// Splits InfluxQL text into tokens on demand, keeping each token's line and character.
///
/// A `/` is division or the start of a regex depending on where it stands, which only the parser knows:
/// it asks for `regex(at:)` where a regex may come.
struct InfluxQLLexer {
    let bytes: [UInt8]
    /// Offsets where lines start, for line/char positions.
    private let lineStarts: [Int]

    init(_ text: String) {
        bytes = Array(text.utf8)
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
        lineStarts = starts
    }

    /// The 1-based (line, char) of a byte offset.
    func position(_ offset: Int) -> (line: Int, char: Int) {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        // InfluxDB counts characters, not bytes: count UTF-8 lead bytes.
        var chars = 0
        var i = lineStarts[lo]
        while i < offset && i < bytes.count {
            if bytes[i] & 0xC0 != 0x80 { chars += 1 }
            i += 1
        }
        return (lo + 1, chars + 1)
    }

    private func make(_ kind: InfluxQLToken.Kind, _ text: String, _ start: Int) -> InfluxQLToken {
        let p = position(start)
        return InfluxQLToken(kind: kind, text: text, offset: start, line: p.line, char: p.char)
    }

    /// The offset of the next non-space character at or after `offset` (skipping `--` comments).
    func skipSpace(_ offset: Int) -> Int {
        var i = offset
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1; continue }
            if b == 0x2D && i + 1 < bytes.count && bytes[i + 1] == 0x2D {
                while i < bytes.count && bytes[i] != 0x0A { i += 1 }
                continue
            }
            break
        }
        return i
    }

    /// The token starting at or after `offset` and the offset after it.
    func token(at offset: Int) -> (InfluxQLToken, Int) {
        let start = skipSpace(offset)
        guard start < bytes.count else {
            // InfluxDB's scanner reports end of input one character past the last one's successor.
            var t = make(.eof, "", start)
            t.char += 1
            return (t, start)
        }
        let b = bytes[start]
        if isIdentStart(b) {
            var i = start + 1
            while i < bytes.count && isIdentPart(bytes[i]) { i += 1 }
            return (make(.identifier, text(start, i), start), i)
        }
        if isDigit(b) || (b == 0x2E && start + 1 < bytes.count && isDigit(bytes[start + 1])) {
            return number(start)
        }
        switch b {
        case 0x22: return quoted(start, quote: 0x22, kind: .quotedIdentifier)
        case 0x27: return quoted(start, quote: 0x27, kind: .string)
        default: break
        }
        let two = start + 1 < bytes.count ? text(start, start + 2) : ""
        if ["<=", ">=", "!=", "<>", "=~", "!~", "::"].contains(two) { return (make(.symbol, two, start), start + 2) }
        if "=<>+-*/%(),;.".utf8.contains(b) { return (make(.symbol, text(start, start + 1), start), start + 1) }
        // One whole UTF-8 character as the illegal token.
        var end = start + 1
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        return (make(.illegal, text(start, end), start), end)
    }

    /// A regex literal starting at `offset` (which must hold `/`): its pattern, with `\/` unescaped.
    func regex(at offset: Int) -> (InfluxQLToken, Int)? {
        let start = skipSpace(offset)
        guard start < bytes.count, bytes[start] == 0x2F else { return nil }
        var out: [UInt8] = []
        var i = start + 1
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x5C && i + 1 < bytes.count && bytes[i + 1] == 0x2F { out.append(0x2F); i += 2; continue }
            if b == 0x2F { return (make(.regex, String(decoding: out, as: UTF8.self), start), i + 1) }
            if b == 0x0A { break }
            out.append(b)
            i += 1
        }
        return (make(.illegal, "unterminated regex", start), bytes.count)
    }

    private func number(_ start: Int) -> (InfluxQLToken, Int) {
        var i = start
        while i < bytes.count && isDigit(bytes[i]) { i += 1 }
        var isFloat = false
        if i < bytes.count && bytes[i] == 0x2E {
            isFloat = true
            i += 1
            while i < bytes.count && isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count && (bytes[i] == 0x65 || bytes[i] == 0x45), i + 1 < bytes.count,
           isDigit(bytes[i + 1]) || ((bytes[i + 1] == 0x2B || bytes[i + 1] == 0x2D) && i + 2 < bytes.count && isDigit(bytes[i + 2])) {
            isFloat = true
            i += 2
            while i < bytes.count && isDigit(bytes[i]) { i += 1 }
        }
        if !isFloat {
            // A duration unit directly after the digits: ns, u, µ, ms, s, m, h, d, w.
            var j = i
            if j + 1 < bytes.count && bytes[j] == 0xC2 && bytes[j + 1] == 0xB5 { j += 2 }  // µ
            else { while j < bytes.count && isLetter(bytes[j]) { j += 1 } }
            if j > i {
                let unit = text(i, j)
                if Duration.unitNanoseconds(unit) != nil && (j >= bytes.count || !isIdentPart(bytes[j])) {
                    return (make(.duration, text(start, j), start), j)
                }
            }
        }
        return (make(isFloat ? .number : .integer, text(start, i), start), i)
    }

    private func quoted(_ start: Int, quote: UInt8, kind: InfluxQLToken.Kind) -> (InfluxQLToken, Int) {
        var out: [UInt8] = []
        var i = start + 1
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x5C && i + 1 < bytes.count {
                let n = bytes[i + 1]
                switch n {
                case 0x6E: out.append(0x0A)
                case 0x5C, 0x27, 0x22: out.append(n)
                default: out.append(b); out.append(n)
                }
                i += 2
                continue
            }
            if b == quote { return (make(kind, String(decoding: out, as: UTF8.self), start), i + 1) }
            if b == 0x0A { break }
            out.append(b)
            i += 1
        }
        return (make(.illegal, kind == .string ? "unterminated string" : "unterminated quoted identifier", start), bytes.count)
    }

    private func text(_ a: Int, _ b: Int) -> String { String(decoding: bytes[a..<min(b, bytes.count)], as: UTF8.self) }
    private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    private func isIdentStart(_ b: UInt8) -> Bool { isLetter(b) || b == 0x5F }
    private func isIdentPart(_ b: UInt8) -> Bool { isIdentStart(b) || isDigit(b) }
}
