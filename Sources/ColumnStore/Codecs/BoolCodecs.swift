/// Payloads of boolean blocks (`bools` holds one byte a row, 0 or 1).
///
/// `EncodingID.bitmap` — `ceil(n/8)` bytes, row i at bit i & 7 of byte i >> 3; unused high bits of the last byte are 0.
/// `EncodingID.plain` — `n` bytes, each 0 or 1. `EncodingID.constant` — one byte, 0 or 1.
enum BoolCodecs {
    static func encode(_ id: EncodingID, _ v: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        switch id {
        case .plain: out.append(contentsOf: v)
        case .constant:
            guard let first = v.first, !v.contains(where: { $0 != first }) else { return false }
            out.append(first)
        case .bitmap:
            let at = out.count
            out.append(contentsOf: repeatElement(0, count: (v.count + 7) >> 3))
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<v.count { o[at + i >> 3] |= (v[i] & 1) &<< UInt8(i & 7) }
            }
        default: return false
        }
        return true
    }

    static func decode(_ id: EncodingID, _ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<UInt8>) throws(CodecError) {
        switch id {
        case .plain:
            let at = r.offset
            let src = try r.take(n, "bool values").assumingMemoryBound(to: UInt8.self)
            var bad: UInt8 = 0
            for i in 0..<n { out[i] = src[i]; bad |= src[i] }
            if bad > 1, let i = (0..<n).first(where: { src[$0] > 1 }) {
                throw CodecError("bool byte \(src[i]) at offset \(at + i) is not 0 or 1")
            }
        case .constant:
            let at = r.offset
            let v = try r.u8("constant bool")
            guard v <= 1 else { throw CodecError("constant bool \(v) at offset \(at) is not 0 or 1") }
            out.update(repeating: v, count: n)
        case .bitmap:
            let bytes = (n + 7) >> 3
            let at = r.offset
            let src = try r.take(bytes, "bool bitmap").assumingMemoryBound(to: UInt8.self)
            try checkPadding(src, count: n, at: at)
            // Eight rows a byte: replicate the byte into 8 lanes, keep bit k in lane k, turn nonzero lanes into 1.
            let raw = UnsafeMutableRawPointer(out)
            for j in 0..<(n >> 3) {
                let lanes = (UInt64(src[j]) &* 0x0101_0101_0101_0101) & 0x8040_2010_0804_0201
                let ones = ((lanes &+ 0x7F7F_7F7F_7F7F_7F7F) &>> 7) & 0x0101_0101_0101_0101
                raw.storeBytes(of: ones.littleEndian, toByteOffset: 8 * j, as: UInt64.self)
            }
            for i in (n & ~7)..<n { out[i] = (src[i >> 3] &>> UInt8(i & 7)) & 1 }
        default:
            throw CodecError("encoding \(id) does not apply to booleans")
        }
    }

    /// Bits past `n` in the last byte of a bitmap must be 0.
    static func checkPadding(_ src: UnsafePointer<UInt8>, count n: Int, at offset: Int) throws(CodecError) {
        guard n & 7 != 0 else { return }
        let last = src[n >> 3]
        if last &>> UInt8(n & 7) != 0 {
            throw CodecError("bitmap padding bits set in byte \(last) at offset \(offset + n >> 3)")
        }
    }
}
