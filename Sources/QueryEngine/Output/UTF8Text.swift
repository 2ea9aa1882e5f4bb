/// UTF-8 scanning shared by the text formats: they pass valid UTF-8 through and replace each byte of
/// an invalid sequence with U+FFFD, so their output is always valid UTF-8.
enum UTF8Text {
    /// U+FFFD REPLACEMENT CHARACTER.
    static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// The length of the valid multi-byte sequence starting at `p[i]` (a byte ≥ 0x80) and its scalar,
    /// or nil when the bytes there are not valid UTF-8 (bad lead, truncated, overlong, surrogate, > U+10FFFF).
    @inline(__always)
    static func decode(_ p: UnsafeRawBufferPointer, at i: Int) -> (length: Int, scalar: UInt32)? {
        let b0 = UInt32(p[i])
        let n = p.count
        @inline(__always) func cont(_ k: Int) -> UInt32? {
            guard i + k < n else { return nil }
            let b = UInt32(p[i + k])
            return b & 0xC0 == 0x80 ? b & 0x3F : nil
        }
        switch b0 {
        case 0xC2...0xDF:
            guard let c1 = cont(1) else { return nil }
            return (2, (b0 & 0x1F) << 6 | c1)
        case 0xE0...0xEF:
            guard let c1 = cont(1), let c2 = cont(2) else { return nil }
            let s = (b0 & 0x0F) << 12 | c1 << 6 | c2
            guard s >= 0x800 && !(0xD800...0xDFFF).contains(s) else { return nil }
            return (3, s)
        case 0xF0...0xF4:
            guard let c1 = cont(1), let c2 = cont(2), let c3 = cont(3) else { return nil }
            let s = (b0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3
            guard s >= 0x10000 && s <= 0x10FFFF else { return nil }
            return (4, s)
        default:
            return nil
        }
    }

    /// Appends `s` to `out`: valid multi-byte sequences as they are, each byte of an invalid one as
    /// U+FFFD, and every ASCII byte through `ascii`, which writes it as its format needs.
    @inline(__always)
    static func append(_ s: UnsafeRawBufferPointer, to out: inout [UInt8], ascii: (UInt8, inout [UInt8]) -> Void) {
        var i = 0
        while i < s.count {
            let b = s[i]
            if b < 0x80 {
                ascii(b, &out)
                i += 1
            } else if let (len, _) = decode(s, at: i) {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: s[i..<i + len]))
                i += len
            } else {
                out.append(contentsOf: replacement)
                i += 1
            }
        }
    }

    /// The number of terminal columns scalar `s` takes: 0 for combining marks and zero-width
    /// characters, 2 for East Asian wide and fullwidth characters and emoji, else 1. A coarse table —
    /// right for ASCII, Latin, CJK and common emoji, which is what play data holds.
    static func columns(_ s: UInt32) -> Int {
        if s < 0x300 { return 1 }
        switch s {
        case 0x0300...0x036F, 0x0483...0x0489, 0x0591...0x05BD, 0x0610...0x061A, 0x064B...0x065F,
             0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x200B...0x200F, 0x20D0...0x20FF, 0xFE00...0xFE0F,
             0xFE20...0xFE2F, 0xE0100...0xE01EF:
            return 0
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}
