/// Byte shuffle (`EncodingID.byteShuffle`): byte k of every value goes to plane k.
///
/// Payload: 8 planes of `n` bytes; plane 0 holds the least significant byte of each value's bit pattern.
/// Encodes nothing by itself: the sign/exponent planes of similar floats are near-constant and the
/// compressor squeezes them, where interleaved they look like noise.
enum ByteShuffleCodec {
    static func encode(_ v: UnsafeBufferPointer<UInt64>, into out: inout [UInt8]) {
        let n = v.count
        let at = out.count
        out.append(contentsOf: repeatElement(0, count: 8 * n))
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<n {
                let x = v[i]
                for k in 0..<8 { o[at + k * n + i] = UInt8(truncatingIfNeeded: x &>> UInt64(8 * k)) }
            }
        }
    }

    static func decode(_ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<UInt64>) throws(CodecError) {
        let src = try r.take(8 * n, "byte-shuffle planes").assumingMemoryBound(to: UInt8.self)
        let p0 = src, p1 = src + n, p2 = src + 2 * n, p3 = src + 3 * n
        let p4 = src + 4 * n, p5 = src + 5 * n, p6 = src + 6 * n, p7 = src + 7 * n
        for i in 0..<n {
            let lo = UInt64(p0[i]) | UInt64(p1[i]) &<< 8 | UInt64(p2[i]) &<< 16 | UInt64(p3[i]) &<< 24
            let hi = UInt64(p4[i]) | UInt64(p5[i]) &<< 8 | UInt64(p6[i]) &<< 16 | UInt64(p7[i]) &<< 24
            out[i] = lo | hi &<< 32
        }
    }
}
