/// JSON string literals (RFC 8259): `"` and `\` escaped, control characters as `\n` `\t` `\r` `\b` `\f`
/// or `\u00XX`, everything else — non-ASCII included — passed through as UTF-8 (invalid bytes → U+FFFD).
public enum JSONText {
    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `s` as a quoted JSON string.
    public static func appendQuoted(_ s: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(0x22)
        var i = 0
        var run = 0  // start of the pending run of bytes that need no escaping
        let n = s.count
        @inline(__always) func flush(_ end: Int) {
            if end > run { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: s[run..<end])) }
        }
        while i < n {
            let b = s[i]
            if b >= 0x20 && b != 0x22 && b != 0x5C && b < 0x80 { i += 1; continue }
            if b >= 0x80 {
                if let (len, _) = UTF8Text.decode(s, at: i) { i += len; continue }
                flush(i)
                out.append(contentsOf: UTF8Text.replacement)
                i += 1; run = i
                continue
            }
            flush(i)
            out.append(0x5C)
            switch b {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x0A: out.append(0x6E)
            case 0x0D: out.append(0x72)
            case 0x09: out.append(0x74)
            case 0x08: out.append(0x62)
            case 0x0C: out.append(0x66)
            default:
                out.append(contentsOf: [0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
            }
            i += 1; run = i
        }
        flush(n)
        out.append(0x22)
    }

    /// Appends `s` as a quoted JSON string.
    public static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendQuoted(UnsafeRawBufferPointer($0), to: &out) }
    }
}
