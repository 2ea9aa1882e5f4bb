/// CSV fields (RFC 4180): quoted only when they hold `,` `"` CR or LF, with quotes doubled; the empty
/// string is written `""` so that it differs from NULL (an empty field). Invalid UTF-8 → U+FFFD.
public enum CSVText {
    /// Appends `s` as one CSV field.
    public static func appendField(_ s: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        var quote = s.isEmpty
        var valid = true
        var i = 0
        while i < s.count {
            let b = s[i]
            if b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { quote = true }
            if b >= 0x80 {
                guard let (len, _) = UTF8Text.decode(s, at: i) else { valid = false; i += 1; continue }
                i += len
            } else {
                i += 1
            }
        }
        if !quote && valid { out.append(contentsOf: s); return }
        if quote { out.append(0x22) }
        UTF8Text.append(s, to: &out) { b, out in
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        if quote { out.append(0x22) }
    }

    /// Appends `s` as one CSV field.
    public static func appendField(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendField(UnsafeRawBufferPointer($0), to: &out) }
    }
}
