/// The integer transforms the integer encodings share: order-preserving min/max, deltas, zigzag.
///
/// Integer codecs work on unsigned lanes of the column's width (Int64 columns are viewed as UInt64
/// bit patterns, symbol codes as UInt32) with wrapping arithmetic, so every value round-trips;
/// signedness only decides which element is the minimum.
enum IntegerTransforms {
    @inline(__always) static func signBit<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) -> T {
        T(1) &<< T(T.bitWidth - 1)
    }

    /// The smallest and largest of `v` (non-empty), compared as signed when `signed`; raw values returned.
    static func minMax<T: FixedWidthInteger & UnsignedInteger>(_ v: UnsafeBufferPointer<T>, signed: Bool) -> (min: T, max: T) {
        let flip: T = signed ? signBit(T.self) : 0
        var lo = v[0] ^ flip, hi = lo
        for x in v {
            let k = x ^ flip
            lo = Swift.min(lo, k)
            hi = Swift.max(hi, k)
        }
        return (lo ^ flip, hi ^ flip)
    }

    @inline(__always) static func zigzag<T: FixedWidthInteger & UnsignedInteger>(_ d: T) -> T {
        (d &<< 1) ^ (0 &- (d &>> T(T.bitWidth - 1)))
    }

    @inline(__always) static func unzigzag<T: FixedWidthInteger & UnsignedInteger>(_ z: T) -> T {
        (z &>> 1) ^ (0 &- (z & 1))
    }

    /// `v[i+1] - v[i]` for every i (n-1 values), wrapping.
    static func deltas<T: FixedWidthInteger & UnsignedInteger>(_ v: UnsafeBufferPointer<T>) -> [T] {
        guard v.count > 1 else { return [] }
        return [T](unsafeUninitializedCapacity: v.count - 1) { d, done in
            for i in 1..<v.count { d[i - 1] = v[i] &- v[i - 1] }
            done = v.count - 1
        }
    }

    /// Reads a u64 field that must fit `T` (a UInt32 lane's field cannot exceed UInt32.max).
    @inline(__always)
    static func field<T: FixedWidthInteger & UnsignedInteger>(_ r: inout PayloadReader, _ what: StaticString, as: T.Type) throws(CodecError) -> T {
        let at = r.offset
        let x = try r.u64(what)
        guard let v = T(exactly: x) else { throw CodecError("\(what) \(x) at offset \(at) does not fit \(T.bitWidth) bits") }
        return v
    }

    /// An inner stream decoder: `count` values into the pointer, each plus the given base (wrapping).
    typealias Offsets<T> = (inout PayloadReader, Int, UnsafeMutablePointer<T>, T) throws(CodecError) -> Void

    /// The frame-of-reference payload every offset encoding shares: `base u64` (named `what`, fitting `T`), then
    /// the `n` offsets, which `offsets` reads and adds the base to.
    @inline(__always)
    static func decodeFrame<T: FixedWidthInteger & UnsignedInteger>(
        _ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>, base what: StaticString, _ offsets: Offsets<T>
    ) throws(CodecError) {
        let base = try field(&r, what, as: T.self)
        try offsets(&r, n, out, base)
    }

    /// The delta payload every delta encoding shares: `first u64` · `minDelta u64` (each fitting `T`), then the
    /// `n − 1` values `delta − minDelta`, which `deltas` reads (with minDelta added) into rows 1…; summed up here.
    /// For n = 0 the stream is read with no values.
    @inline(__always)
    static func decodeDeltas<T: FixedWidthInteger & UnsignedInteger>(
        _ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>, first: StaticString, minimum: StaticString,
        _ deltas: Offsets<T>
    ) throws(CodecError) {
        let firstValue = try field(&r, first, as: T.self)
        let minDelta = try field(&r, minimum, as: T.self)
        guard n > 0 else { try deltas(&r, 0, out, minDelta); return }
        out[0] = firstValue
        try deltas(&r, n - 1, out + 1, minDelta)
        var acc = firstValue
        for i in 1..<n {
            acc = acc &+ out[i]
            out[i] = acc
        }
    }
}
