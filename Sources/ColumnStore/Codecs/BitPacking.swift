/// Bit-packing of unsigned integers in frames of 128 values, each frame with its own bit width.
///
/// A packed stream of `n` values (n known to the reader) is
/// ```
/// widths   ceil(n/128) bytes   bit width (0…bitWidth of the type) of each frame
/// frames   for each frame: ceil(len × width / 8) bytes, values LSB-first in a little-endian bit stream
/// ```
/// A full frame is 16 × width bytes, so every frame starts on a byte. Per-frame widths keep one
/// outlier from widening the whole block; a frame of equal zeros costs one byte.
enum BitPacking {
    static let frameSize = 128

    /// Bit width needed for `v`.
    @inline(__always) static func width<T: FixedWidthInteger>(_ v: T) -> Int { T.bitWidth - v.leadingZeroBitCount }

    /// Appends `values` as a packed stream.
    static func pack<T: FixedWidthInteger & UnsignedInteger>(_ values: UnsafeBufferPointer<T>, into out: inout [UInt8]) {
        let n = values.count
        let frames = (n + frameSize - 1) / frameSize
        let widthsAt = out.count
        out.append(contentsOf: repeatElement(0, count: frames))
        for f in 0..<frames {
            let lo = f * frameSize, hi = min(n, lo + frameSize)
            var any: T = 0
            for i in lo..<hi { any |= values[i] }
            let w = width(any)
            out[widthsAt + f] = UInt8(w)
            guard w > 0 else { continue }
            var acc: UInt64 = 0
            var bits = 0
            for i in lo..<hi {
                let v = UInt64(values[i])
                acc |= v &<< UInt64(bits)
                bits += w
                if bits >= 64 {
                    out.appendLittleEndian(acc)
                    bits -= 64
                    acc = bits == 0 ? 0 : v &>> UInt64(w - bits)
                }
            }
            if bits > 0 { out.appendLittleEndian(acc, byteCount: (bits + 7) >> 3) }
        }
    }

    /// Bytes `pack` would append for `values` (without writing them).
    static func packedSize<T: FixedWidthInteger & UnsignedInteger>(_ values: UnsafeBufferPointer<T>) -> Int {
        let n = values.count
        var size = 0
        var lo = 0
        while lo < n {
            let hi = min(n, lo + frameSize)
            var any: T = 0
            for i in lo..<hi { any |= values[i] }
            size += 1 + ((hi - lo) * width(any) + 7) >> 3
            lo = hi
        }
        return size
    }

    /// Reads a packed stream of `n` values into `out`.
    static func unpack<T: FixedWidthInteger & UnsignedInteger>(
        _ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>
    ) throws(CodecError) {
        let frames = (n + frameSize - 1) / frameSize
        let widths = try r.take(frames, "bit-packed frame widths")
        for f in 0..<frames {
            let w = Int(widths.load(fromByteOffset: f, as: UInt8.self))
            guard w <= T.bitWidth else {
                throw CodecError("bit width \(w) of frame \(f) exceeds \(T.bitWidth) at offset \(r.offset - frames + f)")
            }
            let lo = f * frameSize, len = min(n - lo, frameSize)
            let size = (len * w + 7) >> 3
            let src = try r.take(size, "bit-packed frame")
            let dst = out + lo
            if w == 0 {
                dst.update(repeating: 0, count: len)
            } else if w <= 56 && r.wordLoadsSafe(upTo: r.offset) {
                unpackFast(src, width: w, count: len, into: dst)
            } else {
                unpackSafe(src, byteCount: size, width: w, count: len, into: dst)
            }
        }
    }

    /// One 8-byte load a value; needs 7 readable bytes past the frame and w ≤ 56.
    @inline(__always)
    static func unpackFast<T: FixedWidthInteger>(_ src: UnsafeRawPointer, width w: Int, count: Int, into dst: UnsafeMutablePointer<T>) {
        let mask: UInt64 = (1 &<< UInt64(w)) &- 1
        var bit = 0
        for i in 0..<count {
            let word = UInt64(littleEndian: src.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
            dst[i] = T(truncatingIfNeeded: (word &>> UInt64(bit & 7)) & mask)
            bit &+= w
        }
    }

    /// Byte-wise loads that stay inside the frame; any width.
    static func unpackSafe<T: FixedWidthInteger>(
        _ src: UnsafeRawPointer, byteCount: Int, width w: Int, count: Int, into dst: UnsafeMutablePointer<T>
    ) {
        let mask: UInt64 = w == 64 ? ~0 : (1 &<< UInt64(w)) &- 1
        for i in 0..<count {
            let bit = i * w
            let first = bit >> 3, shift = UInt64(bit & 7)
            var lo: UInt64 = 0
            for k in 0..<min(8, byteCount - first) {
                lo |= UInt64(src.load(fromByteOffset: first + k, as: UInt8.self)) &<< UInt64(8 * k)
            }
            var v = lo &>> shift
            if shift > 0 && first + 8 < byteCount {
                v |= UInt64(src.load(fromByteOffset: first + 8, as: UInt8.self)) &<< (64 - shift)
            }
            dst[i] = T(truncatingIfNeeded: v & mask)
        }
    }
}
