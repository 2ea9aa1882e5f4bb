/// Strings that are one fixed prefix followed by a decimal number (`EncodingID.prefixedInteger`):
/// "u0463182", "order-17", "42". The prefix is stored once and the numbers go through an integer encoding,
/// so a million distinct 8-byte ids cost ~20 bits a row instead of the bytes a compressor leaves of them.
///
/// Payload: `prefixLength u32` · the prefix bytes · `width u8` · `inner u8` (an integer EncodingID) ·
/// the inner payload over the rows' numbers as UInt64 lanes.
/// - width 1…19: every present row is the prefix and exactly `width` digits, zero-padded ("u0000042").
/// - width 0: the prefix and the number in canonical decimal — no leading zeros ("u42", "u0").
/// NULL rows (validity bit 0) decode to the empty string whatever number they hold; the encoder gives them
/// the previous present row's number so they widen no frame. Numbers must be below 10^width (10^19 for 0).
///
/// The encoder applies only when the bytes come back exactly: a row's prefix is everything up to its last
/// non-digit byte, and must be the same in every present row; 1…19 digits follow; and either all rows have
/// the same digit count or none has a leading zero. Anything else — no digits, '+'/'-'/space before the
/// digits that other rows lack, 20+ digits, mixed widths with leading zeros — opts out.
enum PrefixedIntegerCodec {
    static let maxDigits = 19
    static let innerEncodings: [EncodingID] = [.frameOfReference, .narrow, .delta, .deltaZigZag, .deltaOfDelta, .deltaNarrow, .plain, .huffman, .deltaHuffman, .rankedHuffman]
    /// 10^0 … 10^19 (10^19 < 2^64).
    static let powers: [UInt64] = (0...maxDigits).map { e in (0..<e).reduce(1) { acc, _ in acc * 10 } }

    /// A block's strings split into the common prefix, the digit width and one number a row.
    struct Split {
        var prefix: [UInt8]
        var width: Int
        var numbers: [UInt64]
    }

    /// Splits every present row of `s`, or nil when some row does not round-trip through prefix + number.
    static func split(_ s: StringCodecs.Rows) -> Split? {
        let n = s.count
        var numbers = [UInt64](repeating: 0, count: n)
        let present: (Int) -> Bool = s.validity.isEmpty ? { _ in true } : { [v = s.validity] k in v[k >> 3] & (1 << UInt8(k & 7)) != 0 }
        guard let first = (0..<n).first(where: present) else { return Split(prefix: [], width: 0, numbers: numbers) }
        let f = s.bytes(s.range.lowerBound + first)
        var p = f.count
        while p > 0 && isDigit(f[p - 1]) { p -= 1 }
        let prefix = Array(f[0..<p])
        var fewest = Int.max, most = 0, leadingZero = false  // digits a row
        var last: UInt64 = 0
        let ok = prefix.withUnsafeBytes { pre -> Bool in
            for k in first..<n {
                guard present(k) else { numbers[k] = last; continue }
                let b = s.bytes(s.range.lowerBound + k)
                let d = b.count - p
                guard d >= 1 && d <= maxDigits, p == 0 || memcmp(b.baseAddress!, pre.baseAddress!, p) == 0 else { return false }
                var v: UInt64 = 0
                for i in p..<b.count {
                    let digit = b[i] &- 48  // '0'
                    guard digit < 10 else { return false }
                    v = v &* 10 &+ UInt64(digit)
                }
                if d > 1 && b[p] == 48 { leadingZero = true }
                fewest = Swift.min(fewest, d)
                most = Swift.max(most, d)
                numbers[k] = v
                last = v
            }
            return true
        }
        guard ok else { return nil }
        // Leading NULL rows take the first present number, like every later NULL takes its predecessor's.
        for k in 0..<first { numbers[k] = numbers[first] }
        if fewest == most { return Split(prefix: prefix, width: most, numbers: numbers) }
        return leadingZero ? nil : Split(prefix: prefix, width: 0, numbers: numbers)
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }

    /// Appends the payload with the numbers encoded as `inner`; false (out untouched) when `inner` does not apply.
    static func encode(_ s: Split, inner: EncodingID, limit: Int = .max, into out: inout [UInt8]) -> Bool {
        let at = out.count
        out.appendLittleEndian(UInt32(s.prefix.count))
        out.append(contentsOf: s.prefix)
        out.append(UInt8(s.width))
        out.append(inner.rawValue)
        let ok = s.numbers.withUnsafeBufferPointer { IntegerCodecs.encode(inner, $0, signed: false, limit: limit, into: &out) }
        if !ok { out.removeSubrange(at...) }
        return ok
    }

    /// Offset of the inner payload in a payload starting at `at` (for zstd's plane boundaries).
    static func innerPayloadOffset(_ body: [UInt8], payloadAt at: Int) -> Int {
        let p = Int(body[at]) | Int(body[at + 1]) << 8 | Int(body[at + 2]) << 16 | Int(body[at + 3]) << 24
        return at + 4 + p + 2
    }

    static func decode(_ r: inout PayloadReader, count n: Int, validity: Bitmap?, into c: inout ColumnVector) throws(CodecError) {
        let at = r.offset
        let p = Int(try r.u32("prefix length"))
        let prefix = try r.take(p, "prefix bytes")
        let width = Int(try r.u8("digit width"))
        guard width <= maxDigits else { throw CodecError("digit width \(width) exceeds \(maxDigits) at offset \(at + 4 + p)") }
        let raw = try r.u8("prefixed-int inner encoding")
        guard let inner = EncodingID(rawValue: raw), innerEncodings.contains(inner) else {
            throw CodecError("prefixed-int inner encoding \(raw) is not an integer encoding at offset \(at + 5 + p)")
        }
        let numbersAt = r.offset
        // One spare element: an empty array may have no address, and the inner payload must still be read.
        var numbers = [UInt64](repeating: 0, count: n + 1)
        try numbers.withUnsafeMutableBufferPointer { (v) throws(CodecError) in
            try IntegerCodecs.decode(inner, &r, count: n, into: v.baseAddress!)
        }
        // Every number must fit its digits; this also bounds every row's length.
        let limit = powers[width == 0 ? maxDigits : width]
        // OR-ing is a cheap upper bound of the largest (64-bit max does not vectorise on baseline x86-64).
        var bound: UInt64 = 0
        for v in numbers { bound |= v }
        let largest = bound < limit ? 0 : numbers.max()!
        guard largest < limit else {
            throw CodecError("number \(largest) has more than \(width == 0 ? maxDigits : width) digits (payload at offset \(numbersAt))")
        }

        // Row lengths into the offsets (shifted by one), then prefix sums; NULL rows stay empty.
        try BlockCodec.fillArray(&c.offsets, count: n + 1, zero: 0) { (o: UnsafeMutablePointer<UInt32>) throws(CodecError) in
            if width > 0 && validity == nil {
                // Every row has the same length: the offsets are multiples of it (the common case, no serial sum).
                let length = p + width
                guard n <= Int(UInt32.max) / length else { throw CodecError("\(n) strings of \(length) bytes exceed 4 GiB") }
                for k in 0...n { o[k] = UInt32(truncatingIfNeeded: k &* length) }
                return
            }
            numbers.withUnsafeBufferPointer { v in
                let words = validity?.words ?? []
                words.withUnsafeBufferPointer { w in
                    let all = w.isEmpty, fixed = UInt32(p + width)
                    for k in 0..<n where all || (w[k &>> 6] &>> UInt64(k & 63)) & 1 != 0 {
                        o[k + 1] = width == 0 ? UInt32(p + digitCount(v[k])) : fixed
                    }
                }
            }
            try StringCodecs.prefixSum(o, count: n)
        }
        let total = Int(c.offsets[n])
        // The writers store whole 8-byte words and let the next row overwrite the excess: 8 bytes of slack.
        let offsets = c.offsets
        try BlockCodec.fillArray(&c.bytes, count: total + 8, zero: 0) { (dst: UnsafeMutablePointer<UInt8>) throws(CodecError) in
            let out = UnsafeMutableRawPointer(dst)
            var word: UInt64 = 0  // the prefix, when it fits a word
            if p <= 8 { for i in 0..<p { word |= UInt64(prefix.load(fromByteOffset: i, as: UInt8.self)) &<< UInt64(8 * i) } }
            withTables { t in
                numbers.withUnsafeBufferPointer { v in
                    if width >= 1 && width <= 8 && p <= 8 && validity == nil {
                        // The common case ("u0463182"): rows of one length, one prefix word and one digits word each.
                        let length = p + width, scale = t.pow10[8 - width]
                        for k in 0..<n {
                            out.storeBytes(of: word.littleEndian, toByteOffset: k &* length, as: UInt64.self)
                            out.storeBytes(of: ascii8(v[k] &* scale, t).littleEndian, toByteOffset: k &* length &+ p, as: UInt64.self)
                        }
                        return
                    }
                    offsets.withUnsafeBufferPointer { o in
                        for k in 0..<n {
                            let start = Int(o[k]), len = Int(o[k + 1]) &- start
                            guard len > 0 else { continue }  // NULL
                            if p <= 8 {
                                out.storeBytes(of: word.littleEndian, toByteOffset: start, as: UInt64.self)
                            } else {
                                (out + start).copyMemory(from: prefix, byteCount: p)
                            }
                            writeDigits(v[k], count: len &- p, to: out + start + p, t)
                        }
                    }
                }
            }
        }
        c.bytes.removeLast(8)
    }

    /// Number of decimal digits of `v` (1 for 0); v < 10^19.
    @inline(__always) static func digitCount(_ v: UInt64) -> Int {
        // The bit length × log10(2) is the digit count or one less; one comparison settles it.
        // v | 1 crosses no power of ten ≥ 10 (they are even) and makes 0 count as one digit.
        let x = v | 1
        let guess = ((64 - x.leadingZeroBitCount) &* 1233) &>> 12
        return guess &+ (x >= powers[guess] ? 1 : 0)
    }

    /// Writes the `d` (1…19) digits of `v` at `dst`; may write up to 7 bytes of garbage after them.
    @inline(__always) static func writeDigits(_ v: UInt64, count d: Int, to dst: UnsafeMutableRawPointer, _ t: Tables) {
        if d <= 8 {
            // Left-align in 8 digits: the first d are v's, the rest zeros the next row overwrites.
            dst.storeBytes(of: ascii8(v &* t.pow10[8 &- d], t).littleEndian, as: UInt64.self)
        } else if d <= 16 {
            let x = v &* t.pow10[16 &- d]
            dst.storeBytes(of: ascii8(x / 100_000_000, t).littleEndian, as: UInt64.self)
            (dst + 8).storeBytes(of: ascii8(x % 100_000_000, t).littleEndian, as: UInt64.self)
        } else {
            let hi = v / 10_000_000_000_000_000, lo = v % 10_000_000_000_000_000, h = d &- 16
            dst.storeBytes(of: ascii8(hi &* t.pow10[8 &- h], t).littleEndian, as: UInt64.self)
            (dst + h).storeBytes(of: ascii8(lo / 100_000_000, t).littleEndian, as: UInt64.self)
            (dst + h + 8).storeBytes(of: ascii8(lo % 100_000_000, t).littleEndian, as: UInt64.self)
        }
    }

    /// The 8 ASCII digits of `x` < 10^8, most significant in the low byte (first in memory when stored
    /// little-endian): two lookups of 4-digit groups. A table beats computing the digits in the lanes of a
    /// word (five dependent multiplies a row: 3.1 vs 1.2 ns a row measured).
    @inline(__always) static func ascii8(_ x: UInt64, _ t: Tables) -> UInt64 {
        let hi = x / 10_000, lo = x &- hi &* 10_000
        return UInt64(t.quads[Int(truncatingIfNeeded: hi)]) | UInt64(t.quads[Int(truncatingIfNeeded: lo)]) &<< 32
    }

    /// "0000"…"9999": the 4 ASCII digits of i, the first in the low byte (40 KB).
    static let quads: [UInt32] = (0..<10_000).map { i in
        var q: UInt32 = 0, x = i
        for k in stride(from: 3, through: 0, by: -1) {
            q |= UInt32(48 + x % 10) &<< UInt32(8 * k)
            x /= 10
        }
        return q
    }

    /// The writers' tables as pointers: a static array is a lazily initialised global, checked on each access.
    struct Tables {
        let pow10: UnsafePointer<UInt64>
        let quads: UnsafePointer<UInt32>
    }

    @inline(__always) static func withTables(_ body: (Tables) -> Void) {
        powers.withUnsafeBufferPointer { p in
            quads.withUnsafeBufferPointer { q in body(Tables(pow10: p.baseAddress!, quads: q.baseAddress!)) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
