import ColumnStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A column chunk's statistics: NULL count, and min/max of the non-NULL values in the column's sort
/// order (signed for INT64, unsigned for UINT_64, byte-wise unsigned for strings, false < true;
/// NaN is left out of a DOUBLE's min/max, and a zero min is written -0.0 and a zero max +0.0, as the
/// specification asks).
enum ChunkStatistics {
    /// `int32`: an `.int64` vector written as INT32 (a DATE's days): its min/max are 4 bytes.
    static func compute(_ v: ColumnVector, dictionary: ByteDictionary?, int32: Bool = false) -> ParquetStatistics {
        var s = ParquetStatistics(nullCount: Int64(v.nullCount))
        let validity = v.validity
        func valid(_ r: Int) -> Bool { validity?[r] ?? true }
        func le<T>(_ x: T) -> [UInt8] { withUnsafeBytes(of: x) { Array($0) } }
        switch v.type {
        case .time, .int64, .date:
            var lo = Int64.max, hi = Int64.min, any = false
            for r in 0..<v.count where valid(r) { let x = v.int64s[r]; lo = min(lo, x); hi = max(hi, x); any = true }
            if any {
                if int32 { s.minValue = le(Int32(truncatingIfNeeded: lo)); s.maxValue = le(Int32(truncatingIfNeeded: hi)) } else { s.minValue = le(lo); s.maxValue = le(hi) }
            }
        case .uint64:
            var lo = UInt64.max, hi = UInt64.min, any = false
            for r in 0..<v.count where valid(r) { let x = v.uint64s[r]; lo = min(lo, x); hi = max(hi, x); any = true }
            if any { s.minValue = le(lo); s.maxValue = le(hi) }
        case .float64:
            var lo = Double.infinity, hi = -Double.infinity, any = false
            for r in 0..<v.count where valid(r) {
                let x = v.float64s[r]
                if x.isNaN { continue }
                lo = min(lo, x); hi = max(hi, x); any = true
            }
            if any {
                if lo == 0 { lo = -0.0 }
                if hi == 0 { hi = 0.0 }
                s.minValue = le(lo); s.maxValue = le(hi)
            }
        case .bool:
            var lo: UInt8 = 1, hi: UInt8 = 0, any = false
            for r in 0..<v.count where valid(r) { let x = v.bools[r]; lo = min(lo, x); hi = max(hi, x); any = true }
            if any { s.minValue = [lo]; s.maxValue = [hi] }
        case .string, .symbol:
            if let d = dictionary {
                (s.minValue, s.maxValue) = minMax(offsets: d.offsets, bytes: d.bytes, rows: 0..<d.count, valid: { _ in true })
            } else {
                (s.minValue, s.maxValue) = minMax(offsets: v.offsets, bytes: v.bytes, rows: 0..<v.count, valid: valid)
            }
        }
        return s
    }

    static func minMax(offsets: [UInt32], bytes: [UInt8], rows: Range<Int>,
                       valid: (Int) -> Bool) -> ([UInt8]?, [UInt8]?) {
        var lo = -1, hi = -1
        bytes.withUnsafeBytes { b in
            func cmp(_ x: Int, _ y: Int) -> Int {
                let xl = Int(offsets[x]), xh = Int(offsets[x + 1]), yl = Int(offsets[y]), yh = Int(offsets[y + 1])
                let n = min(xh - xl, yh - yl)
                if n > 0 {
                    let c = memcmp(b.baseAddress! + xl, b.baseAddress! + yl, n)
                    if c != 0 { return Int(c) }
                }
                return (xh - xl) - (yh - yl)
            }
            for r in rows where valid(r) {
                if lo < 0 { lo = r; hi = r; continue }
                if cmp(r, lo) < 0 { lo = r }
                if cmp(r, hi) > 0 { hi = r }
            }
        }
        guard lo >= 0 else { return (nil, nil) }
        return (Array(bytes[Int(offsets[lo])..<Int(offsets[lo + 1])]), Array(bytes[Int(offsets[hi])..<Int(offsets[hi + 1])]))
    }
}
