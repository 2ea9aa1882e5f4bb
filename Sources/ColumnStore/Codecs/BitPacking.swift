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

    /// Reads a packed stream of `n` values into `out`, each plus `base` (frame of reference, in the same pass).
    static func unpack<T: FixedWidthInteger & UnsignedInteger>(
        _ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>, adding base: T = 0
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
                dst.update(repeating: base, count: len)
            } else if w <= 56 && r.wordLoadsSafe(upTo: r.offset) {
                unpackFast(src, width: w, count: len, into: dst, adding: base)
            } else {
                unpackSafe(src, byteCount: size, width: w, count: len, into: dst)
                if base != 0 { for i in 0..<len { dst[i] &+= base } }
            }
        }
    }

    /// One 8-byte load a value; needs 7 readable bytes past the frame and w ≤ 56. Whole groups of 8
    /// values (w bytes) go through a loop specialised for the width, where every offset and shift is
    /// a constant; the rest value by value.
    static func unpackFast<T: FixedWidthInteger>(_ src: UnsafeRawPointer, width w: Int, count: Int, into dst: UnsafeMutablePointer<T>,
                                                 adding base: T = 0) {
        let groups = count >> 3
        switch w {
        case 1: unpackGroups(src, width: 1, groups: groups, into: dst, adding: base)
        case 2: unpackGroups(src, width: 2, groups: groups, into: dst, adding: base)
        case 3: unpackGroups(src, width: 3, groups: groups, into: dst, adding: base)
        case 4: unpackGroups(src, width: 4, groups: groups, into: dst, adding: base)
        case 5: unpackGroups(src, width: 5, groups: groups, into: dst, adding: base)
        case 6: unpackGroups(src, width: 6, groups: groups, into: dst, adding: base)
        case 7: unpackGroups(src, width: 7, groups: groups, into: dst, adding: base)
        case 8: unpackGroups(src, width: 8, groups: groups, into: dst, adding: base)
        case 9: unpackGroups(src, width: 9, groups: groups, into: dst, adding: base)
        case 10: unpackGroups(src, width: 10, groups: groups, into: dst, adding: base)
        case 11: unpackGroups(src, width: 11, groups: groups, into: dst, adding: base)
        case 12: unpackGroups(src, width: 12, groups: groups, into: dst, adding: base)
        case 13: unpackGroups(src, width: 13, groups: groups, into: dst, adding: base)
        case 14: unpackGroups(src, width: 14, groups: groups, into: dst, adding: base)
        case 15: unpackGroups(src, width: 15, groups: groups, into: dst, adding: base)
        case 16: unpackGroups(src, width: 16, groups: groups, into: dst, adding: base)
        case 17: unpackGroups(src, width: 17, groups: groups, into: dst, adding: base)
        case 18: unpackGroups(src, width: 18, groups: groups, into: dst, adding: base)
        case 19: unpackGroups(src, width: 19, groups: groups, into: dst, adding: base)
        case 20: unpackGroups(src, width: 20, groups: groups, into: dst, adding: base)
        case 21: unpackGroups(src, width: 21, groups: groups, into: dst, adding: base)
        case 22: unpackGroups(src, width: 22, groups: groups, into: dst, adding: base)
        case 23: unpackGroups(src, width: 23, groups: groups, into: dst, adding: base)
        case 24: unpackGroups(src, width: 24, groups: groups, into: dst, adding: base)
        case 25: unpackGroups(src, width: 25, groups: groups, into: dst, adding: base)
        case 26: unpackGroups(src, width: 26, groups: groups, into: dst, adding: base)
        case 27: unpackGroups(src, width: 27, groups: groups, into: dst, adding: base)
        case 28: unpackGroups(src, width: 28, groups: groups, into: dst, adding: base)
        case 29: unpackGroups(src, width: 29, groups: groups, into: dst, adding: base)
        case 30: unpackGroups(src, width: 30, groups: groups, into: dst, adding: base)
        case 31: unpackGroups(src, width: 31, groups: groups, into: dst, adding: base)
        case 32: unpackGroups(src, width: 32, groups: groups, into: dst, adding: base)
        case 33: unpackGroups(src, width: 33, groups: groups, into: dst, adding: base)
        case 34: unpackGroups(src, width: 34, groups: groups, into: dst, adding: base)
        case 35: unpackGroups(src, width: 35, groups: groups, into: dst, adding: base)
        case 36: unpackGroups(src, width: 36, groups: groups, into: dst, adding: base)
        case 37: unpackGroups(src, width: 37, groups: groups, into: dst, adding: base)
        case 38: unpackGroups(src, width: 38, groups: groups, into: dst, adding: base)
        case 39: unpackGroups(src, width: 39, groups: groups, into: dst, adding: base)
        case 40: unpackGroups(src, width: 40, groups: groups, into: dst, adding: base)
        case 41: unpackGroups(src, width: 41, groups: groups, into: dst, adding: base)
        case 42: unpackGroups(src, width: 42, groups: groups, into: dst, adding: base)
        case 43: unpackGroups(src, width: 43, groups: groups, into: dst, adding: base)
        case 44: unpackGroups(src, width: 44, groups: groups, into: dst, adding: base)
        case 45: unpackGroups(src, width: 45, groups: groups, into: dst, adding: base)
        case 46: unpackGroups(src, width: 46, groups: groups, into: dst, adding: base)
        case 47: unpackGroups(src, width: 47, groups: groups, into: dst, adding: base)
        case 48: unpackGroups(src, width: 48, groups: groups, into: dst, adding: base)
        case 49: unpackGroups(src, width: 49, groups: groups, into: dst, adding: base)
        case 50: unpackGroups(src, width: 50, groups: groups, into: dst, adding: base)
        case 51: unpackGroups(src, width: 51, groups: groups, into: dst, adding: base)
        case 52: unpackGroups(src, width: 52, groups: groups, into: dst, adding: base)
        case 53: unpackGroups(src, width: 53, groups: groups, into: dst, adding: base)
        case 54: unpackGroups(src, width: 54, groups: groups, into: dst, adding: base)
        case 55: unpackGroups(src, width: 55, groups: groups, into: dst, adding: base)
        case 56: unpackGroups(src, width: 56, groups: groups, into: dst, adding: base)
        default: break
        }
        unpackEach(src, width: w, from: groups << 3, count: count, into: dst, adding: base)
    }

    /// Values `groups * 8` of width `w` (a literal at each call, so the loop body unrolls into constants).
    @inline(__always)
    static func unpackGroups<T: FixedWidthInteger>(_ src: UnsafeRawPointer, width w: Int, groups: Int, into dst: UnsafeMutablePointer<T>,
                                                   adding base: T) {
        let mask: UInt64 = (1 &<< UInt64(w)) &- 1
        var p = src, d = dst
        for _ in 0..<groups {
            for j in 0..<8 {
                let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: (j &* w) &>> 3, as: UInt64.self))
                d[j] = base &+ T(truncatingIfNeeded: (word &>> UInt64((j &* w) & 7)) & mask)
            }
            p += w
            d += 8
        }
    }

    @inline(__always)
    static func unpackEach<T: FixedWidthInteger>(_ src: UnsafeRawPointer, width w: Int, from start: Int, count: Int,
                                                 into dst: UnsafeMutablePointer<T>, adding base: T) {
        let mask: UInt64 = (1 &<< UInt64(w)) &- 1
        var bit = start &* w
        for i in start..<count {
            let word = UInt64(littleEndian: src.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
            dst[i] = base &+ T(truncatingIfNeeded: (word &>> UInt64(bit & 7)) & mask)
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
