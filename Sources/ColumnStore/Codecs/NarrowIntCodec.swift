/// Byte-aligned integers: offsets in the fewest whole bytes (0…8) that hold them, stored as byte planes.
///
/// `EncodingID.narrow` — payload `base u64` · `byteWidth u8` · `byteWidth` planes of `n` bytes: plane k holds
/// byte k (little-endian order) of every `value - base`.
/// `EncodingID.deltaNarrow` — payload `first u64` · `minDelta u64` · `byteWidth u8` · `byteWidth` planes of
/// `n-1` bytes of `delta - minDelta` (n = 0: fields 0, no planes).
/// Larger than bit-packing before compression, but zstd's entropy coder sees whole symbols, one plane at a
/// time: the skewed high bytes of zipfian codes, durations and time gaps shrink, the noisy low bytes stay.
enum NarrowIntCodec {
    static func byteWidth<T: FixedWidthInteger & UnsignedInteger>(ofMax m: T) -> Int { (BitPacking.width(m) + 7) >> 3 }

    static func encode<T: FixedWidthInteger & UnsignedInteger>(_ v: UnsafeBufferPointer<T>, signed: Bool, into out: inout [UInt8]) {
        let (lo, hi): (T, T) = v.isEmpty ? (0, 0) : IntegerTransforms.minMax(v, signed: signed)
        out.appendLittleEndian(UInt64(lo))
        writeOffsets(v, minus: lo, width: byteWidth(ofMax: hi &- lo), into: &out)
    }

    static func decode<T: FixedWidthInteger & UnsignedInteger>(_ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>) throws(CodecError) {
        try IntegerTransforms.decodeFrame(&r, count: n, into: out, base: "narrow base", readOffsets)
    }

    static func encodeDelta<T: FixedWidthInteger & UnsignedInteger>(_ v: UnsafeBufferPointer<T>, into out: inout [UInt8]) {
        let d = IntegerTransforms.deltas(v)
        d.withUnsafeBufferPointer { p in
            let (lo, hi): (T, T) = p.isEmpty ? (0, 0) : IntegerTransforms.minMax(p, signed: true)
            out.appendLittleEndian(UInt64(v.first ?? 0))
            out.appendLittleEndian(UInt64(lo))
            writeOffsets(p, minus: lo, width: byteWidth(ofMax: hi &- lo), into: &out)
        }
    }

    static func decodeDelta<T: FixedWidthInteger & UnsignedInteger>(_ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>) throws(CodecError) {
        try IntegerTransforms.decodeDeltas(&r, count: n, into: out, first: "delta-narrow first value", minimum: "delta-narrow minimum", readOffsets)
    }

    /// Writes `byteWidth` then byte plane k (byte k of every offset) for k in 0..<byteWidth.
    private static func writeOffsets<T: FixedWidthInteger & UnsignedInteger>(
        _ v: UnsafeBufferPointer<T>, minus base: T, width: Int, into out: inout [UInt8]
    ) {
        out.append(UInt8(width))
        guard width > 0 else { return }
        let n = v.count, at = out.count
        out.append(contentsOf: repeatElement(0, count: n * width))
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<n {
                let x = UInt64(v[i] &- base)
                for k in 0..<width { o[at + k * n + i] = UInt8(truncatingIfNeeded: x &>> UInt64(8 * k)) }
            }
        }
    }

    /// Reads `byteWidth` and its planes into `out`, each plus `base`.
    private static func readOffsets<T: FixedWidthInteger & UnsignedInteger>(
        _ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>, adding base: T
    ) throws(CodecError) {
        let at = r.offset
        let w = Int(try r.u8("narrow byte width"))
        guard w <= T.bitWidth / 8 else { throw CodecError("narrow byte width \(w) exceeds \(T.bitWidth / 8) at offset \(at)") }
        let src = try r.take(n * w, "narrow byte planes").assumingMemoryBound(to: UInt8.self)
        // Plane by plane: each pass is a simple widening loop the compiler vectorises.
        if w == 0 { out.update(repeating: base, count: n); return }
        for i in 0..<n { out[i] = T(truncatingIfNeeded: src[i]) }
        for k in 1..<w {
            let plane = src + k * n, shift = T(truncatingIfNeeded: 8 * k)
            for i in 0..<n { out[i] |= T(truncatingIfNeeded: plane[i]) &<< shift }
        }
        if base != 0 { for i in 0..<n { out[i] &+= base } }
    }
}
