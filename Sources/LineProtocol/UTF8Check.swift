/// Checking that lines are UTF-8, cheaply when they are ASCII.
///
/// OR-ing a line's bytes a word at a time tells whether it is pure ASCII (the common case, which
/// needs no more checking); only other lines get the full UTF-8 check.
@usableFromInline enum UTF8Check {
    /// True when a byte of `[p, end)` is ≥ 0x80 (8 bytes at a time).
    @inlinable @inline(__always)
    static func hasNonASCII(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
        var q = p
        var acc: UInt64 = 0
        while end - q >= 8 {
            acc |= UnsafeRawPointer(q).loadUnaligned(as: UInt64.self)
            q += 8
        }
        var tail: UInt8 = 0
        while q < end { tail |= q.pointee; q += 1 }
        return acc & 0x8080_8080_8080_8080 != 0 || tail >= 0x80
    }

    /// Offset of the first byte of `[p, p + n)` that is not part of valid UTF-8, or nil.
    @usableFromInline
    static func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        var i = 0
        while i < n {
            let c = p[i]
            if c < 0x80 { i += 1; continue }
            let len: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF  // range of the second byte
            switch c {
            case 0xC2...0xDF: len = 2
            case 0xE0: len = 3; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: len = 3
            case 0xED: len = 3; hi = 0x9F
            case 0xF0: len = 4; lo = 0x90
            case 0xF1...0xF3: len = 4
            case 0xF4: len = 4; hi = 0x8F
            default: return i
            }
            guard i + len <= n, p[i + 1] >= lo, p[i + 1] <= hi else { return i }
            for k in 2..<len where p[i + k] & 0xC0 != 0x80 { return i }
            i += len
        }
        return nil
    }
}
