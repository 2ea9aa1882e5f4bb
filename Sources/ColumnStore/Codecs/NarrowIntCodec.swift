/// Byte-aligned integers: offsets in the fewest whole bytes (0…8) that hold them, little-endian.
///
/// `EncodingID.narrow` — payload `base u64` · `byteWidth u8` · `n × byteWidth` bytes of `value - base`.
/// `EncodingID.deltaNarrow` — payload `first u64` · `minDelta u64` · `byteWidth u8` · `(n-1) × byteWidth` bytes
/// of `delta - minDelta` (n = 0: fields 0, no values).
/// Larger than bit-packing before compression, but zstd's entropy coder sees whole symbols, so skewed
/// values (a few platforms, zipfian artists) end up smaller than their bit width.
enum NarrowIntCodec {
    static func byteWidth<T: FixedWidthInteger & UnsignedInteger>(ofMax m: T) -> Int { (BitPacking.width(m) + 7) >> 3 }

    static func encode<T: FixedWidthInteger & UnsignedInteger>(_ v: UnsafeBufferPointer<T>, signed: Bool, into out: inout [UInt8]) {
        let (lo, hi): (T, T) = v.isEmpty ? (0, 0) : IntegerTransforms.minMax(v, signed: signed)
        out.appendLittleEndian(UInt64(lo))
        writeOffsets(v, minus: lo, width: byteWidth(ofMax: hi &- lo), into: &out)
    }

    static func decode<T: FixedWidthInteger & UnsignedInteger>(_ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>) throws(CodecError) {
        let base = try IntegerTransforms.field(&r, "narrow base", as: T.self)
        try readOffsets(&r, count: n, into: out)
        if base != 0 { for i in 0..<n { out[i] &+= base } }
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
        let first = try IntegerTransforms.field(&r, "delta-narrow first value", as: T.self)
        let minDelta = try IntegerTransforms.field(&r, "delta-narrow minimum", as: T.self)
        guard n > 0 else { try readOffsets(&r, count: 0, into: out); return }
        out[0] = first
        try readOffsets(&r, count: n - 1, into: out + 1)
        var acc = first
        for i in 1..<n {
            acc = acc &+ minDelta &+ out[i]
            out[i] = acc
        }
    }

    private static func writeOffsets<T: FixedWidthInteger & UnsignedInteger>(
        _ v: UnsafeBufferPointer<T>, minus base: T, width: Int, into out: inout [UInt8]
    ) {
        out.append(UInt8(width))
        guard width > 0 else { return }
        let at = out.count
        out.append(contentsOf: repeatElement(0, count: v.count * width + 8))
        out.withUnsafeMutableBytes { o in
            var p = o.baseAddress! + at
            for x in v {
                p.storeBytes(of: UInt64(x &- base).littleEndian, as: UInt64.self)
                p += width
            }
        }
        out.removeLast(8)
    }

    private static func readOffsets<T: FixedWidthInteger & UnsignedInteger>(
        _ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>
    ) throws(CodecError) {
        let at = r.offset
        let w = Int(try r.u8("narrow byte width"))
        guard w <= T.bitWidth / 8 else { throw CodecError("narrow byte width \(w) exceeds \(T.bitWidth / 8) at offset \(at)") }
        let src = try r.take(n * w, "narrow values")
        switch w {
        case 0: out.update(repeating: 0, count: n)
        case 1: for i in 0..<n { out[i] = T(truncatingIfNeeded: src.load(fromByteOffset: i, as: UInt8.self)) }
        case 2: for i in 0..<n { out[i] = T(truncatingIfNeeded: UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
        case 4: for i in 0..<n { out[i] = T(truncatingIfNeeded: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
        case 8: for i in 0..<n { out[i] = T(truncatingIfNeeded: UInt64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) }
        default:
            let mask: UInt64 = (1 &<< UInt64(8 * w)) &- 1
            // Whole-word loads for all values whose 8 bytes stay readable, byte-wise for the rest.
            var fast = n
            if !r.wordLoadsSafe(upTo: r.offset) { fast = Swift.max(0, n - 8 / w - 1) }
            for i in 0..<fast {
                out[i] = T(truncatingIfNeeded: UInt64(littleEndian: src.loadUnaligned(fromByteOffset: w * i, as: UInt64.self)) & mask)
            }
            for i in fast..<n {
                var x: UInt64 = 0
                for k in 0..<w { x |= UInt64(src.load(fromByteOffset: w * i + k, as: UInt8.self)) &<< UInt64(8 * k) }
                out[i] = T(truncatingIfNeeded: x)
            }
        }
    }
}
