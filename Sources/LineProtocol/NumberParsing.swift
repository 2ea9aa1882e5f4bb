#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Number grammar of line protocol, on bytes:
///
///     integer   = [ "-" ] digit { digit } "i"            (Int64; overflow is an error)
///     unsigned  = digit { digit } "u"                    (UInt64; overflow is an error)
///     float     = [ "-" ] ( digits [ "." { digit } ] | "." digits ) [ ("e"|"E") [ "+"|"-" ] digits ]
///     timestamp = [ "-" ] digits
///
/// Floats take Clinger's fast path (mantissa ≤ 2^53 and |exp10| ≤ 22: one exact IEEE operation,
/// correctly rounded); anything else goes to `strtod` on a stack copy of the token, also correctly rounded.
@usableFromInline enum NumberParsing {
    /// The outcome of parsing a bare (unquoted, non-boolean) field value.
    @usableFromInline enum Outcome {
        case value(FieldValue)
        case error(LineProtocolError.Kind)
    }

    /// Above this a decimal digit could overflow a UInt64 accumulator.
    @usableFromInline static let accLimit: UInt64 = 1_844_674_407_370_955_161

    @inlinable @inline(__always)
    static func isValueEnd(_ q: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
        q == end || q.pointee == 0x2C || q.pointee == 0x20
    }

    /// Exact powers of ten representable as Double.
    @inlinable @inline(__always)
    static func pow10(_ e: Int) -> Double {
        switch e {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// Parses an integer, unsigned or float starting at `p` (not a quote or boolean letter);
    /// on success `p` is left on the byte after the value.
    @inlinable @inline(__always)
    static func parseNumber(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Outcome {
        let start = p
        var q = p
        let neg = q.pointee == UInt8(ascii: "-")
        if neg { q += 1 }
        var acc: UInt64 = 0
        var truncated = false
        var exp10 = 0
        var digits = 0
        while q < end {
            let d = q.pointee &- 0x30
            if d > 9 { break }
            if acc < accLimit || (acc == accLimit && d <= 5) {
                acc = acc &* 10 &+ UInt64(d)
            } else {
                truncated = true
                exp10 += 1
            }
            q += 1
            digits += 1
        }
        if q < end {
            let c = q.pointee
            if c == UInt8(ascii: "i") {
                guard digits > 0, isValueEnd(q + 1, end) else { return .error(.invalidInteger) }
                if truncated { return .error(.integerOutOfRange) }
                if neg {
                    guard acc <= 1 << 63 else { return .error(.integerOutOfRange) }
                    p = q + 1
                    return .value(.int(Int64(bitPattern: 0 &- acc)))
                }
                guard acc <= UInt64(Int64.max) else { return .error(.integerOutOfRange) }
                p = q + 1
                return .value(.int(Int64(bitPattern: acc)))
            }
            if c == UInt8(ascii: "u") {
                guard digits > 0, !neg, isValueEnd(q + 1, end) else { return .error(.invalidUnsigned) }
                if truncated { return .error(.unsignedOutOfRange) }
                p = q + 1
                return .value(.uint(acc))
            }
        }
        // A float.
        if q < end && q.pointee == UInt8(ascii: ".") {
            q += 1
            while q < end {
                let d = q.pointee &- 0x30
                if d > 9 { break }
                if acc < accLimit || (acc == accLimit && d <= 5) {
                    acc = acc &* 10 &+ UInt64(d)
                    exp10 -= 1
                } else {
                    truncated = true
                }
                q += 1
                digits += 1
            }
        }
        guard digits > 0 else { return .error(.invalidFloat) }
        if q < end && q.pointee | 0x20 == UInt8(ascii: "e") {
            q += 1
            var eneg = false
            if q < end && (q.pointee == UInt8(ascii: "-") || q.pointee == UInt8(ascii: "+")) {
                eneg = q.pointee == UInt8(ascii: "-")
                q += 1
            }
            var e = 0
            var edigits = 0
            while q < end {
                let d = q.pointee &- 0x30
                if d > 9 { break }
                if e < 100_000 { e = e &* 10 &+ Int(d) }
                q += 1
                edigits += 1
            }
            guard edigits > 0 else { return .error(.invalidFloat) }
            exp10 += eneg ? -e : e
        }
        guard isValueEnd(q, end) else {
            let c = q.pointee
            if c == UInt8(ascii: "i") && isValueEnd(q + 1, end) { return .error(.invalidInteger) }
            if c == UInt8(ascii: "u") && isValueEnd(q + 1, end) { return .error(.invalidUnsigned) }
            return .error(.invalidFloat)
        }
        var v: Double
        if acc == 0 {
            v = 0
        } else if !truncated && acc <= 1 << 53 && exp10 >= -22 && exp10 <= 22 {
            v = Double(acc)
            v = exp10 >= 0 ? v * pow10(exp10) : v / pow10(-exp10)
        } else {
            guard let s = slowFloat(start, q - start), s.isFinite else { return .error(.floatOutOfRange) }
            p = q
            return .value(.float(s))
        }
        p = q
        return .value(.float(neg ? -v : v))
    }

    /// Correctly rounded parse of an already validated float token (long mantissas, big exponents).
    @usableFromInline
    static func slowFloat(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buf in
            let b = buf.baseAddress!
            UnsafeMutableRawPointer(b).copyMemory(from: p, byteCount: n)
            b[n] = 0
            var endp: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(b, &endp)
            if endp == b + n { return v }
            // strtod follows LC_NUMERIC; should a host program set a locale with a decimal comma,
            // fall back to the locale-independent Swift parser.
            return Double(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        }
    }

    /// Parses a timestamp token `[p, end)` ending at a space or the line end; nil when malformed,
    /// `.some(nil)` when out of Int64 range.
    @inlinable @inline(__always)
    static func parseTimestamp(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int64?? {
        var q = p
        let neg = q.pointee == UInt8(ascii: "-")
        if neg { q += 1 }
        var acc: UInt64 = 0
        var over = false
        let digitsStart = q
        while q < end {
            let d = q.pointee &- 0x30
            if d > 9 { break }
            if acc < accLimit || (acc == accLimit && d <= 5) { acc = acc &* 10 &+ UInt64(d) } else { over = true }
            q += 1
        }
        guard q > digitsStart, q == end || q.pointee == 0x20 else { return nil }
        p = q
        if over { return .some(nil) }
        if neg {
            guard acc <= 1 << 63 else { return .some(nil) }
            return Int64(bitPattern: 0 &- acc)
        }
        guard acc <= UInt64(Int64.max) else { return .some(nil) }
        return Int64(bitPattern: acc)
    }
}
