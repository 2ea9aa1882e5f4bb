/// Finds the first of a few delimiter bytes, eight bytes at a time (SWAR).
///
/// `matchByte` flags each byte of a word equal to `c` in its top bit. The classic zero-byte test can
/// also flag a byte just above a true match (borrow), never below one, so the lowest flag — the only
/// one used — is exact. Words may run past the line end (never past the buffer end); hits there are
/// clamped to the line end, which no delimiter set contains.
@usableFromInline enum ByteScanner {
    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let highs: UInt64 = 0x8080_8080_8080_8080

    @inlinable @inline(__always)
    static func matchByte(_ w: UInt64, _ c: UInt8) -> UInt64 {
        let x = w ^ (ones &* UInt64(c))
        return (x &- ones) & ~x & highs
    }

    @inlinable @inline(__always)
    static func load(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    /// First `,` `=` ` ` or `\` in `[p, end)`, else `end`. Reads up to `safeEnd`.
    @inlinable @inline(__always)
    static func findKeyDelimiter(
        _ p0: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ safeEnd: UnsafePointer<UInt8>
    ) -> UnsafePointer<UInt8> {
        var p = p0
        while p < end && safeEnd - p >= 8 {
            let w = load(p)
            let m = matchByte(w, 0x2C) | matchByte(w, 0x3D) | matchByte(w, 0x20) | matchByte(w, 0x5C)
            if m != 0 {
                let q = p + (m.trailingZeroBitCount &>> 3)
                return q < end ? q : end
            }
            p += 8
        }
        while p < end {
            let c = p.pointee
            if c == 0x2C || c == 0x3D || c == 0x20 || c == 0x5C { return p }
            p += 1
        }
        return end
    }

    /// First `,` ` ` or `\` in `[p, end)`, else `end` (measurement delimiters).
    @inlinable @inline(__always)
    static func findMeasurementDelimiter(
        _ p0: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ safeEnd: UnsafePointer<UInt8>
    ) -> UnsafePointer<UInt8> {
        var p = p0
        while p < end && safeEnd - p >= 8 {
            let w = load(p)
            let m = matchByte(w, 0x2C) | matchByte(w, 0x20) | matchByte(w, 0x5C)
            if m != 0 {
                let q = p + (m.trailingZeroBitCount &>> 3)
                return q < end ? q : end
            }
            p += 8
        }
        while p < end {
            let c = p.pointee
            if c == 0x2C || c == 0x20 || c == 0x5C { return p }
            p += 1
        }
        return end
    }

    /// First `"` or `\` in `[p, end)`, else `end` (inside a string field value).
    @inlinable @inline(__always)
    static func findStringDelimiter(
        _ p0: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ safeEnd: UnsafePointer<UInt8>
    ) -> UnsafePointer<UInt8> {
        var p = p0
        while p < end && safeEnd - p >= 8 {
            let w = load(p)
            let m = matchByte(w, 0x22) | matchByte(w, 0x5C)
            if m != 0 {
                let q = p + (m.trailingZeroBitCount &>> 3)
                return q < end ? q : end
            }
            p += 8
        }
        while p < end {
            let c = p.pointee
            if c == 0x22 || c == 0x5C { return p }
            p += 1
        }
        return end
    }

    /// First `,` or ` ` in `[p, end)`, else `end` (end of an unquoted value; cold paths only).
    @inlinable
    static func findValueEnd(_ p0: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        var p = p0
        while p < end && p.pointee != 0x2C && p.pointee != 0x20 { p += 1 }
        return p
    }
}
