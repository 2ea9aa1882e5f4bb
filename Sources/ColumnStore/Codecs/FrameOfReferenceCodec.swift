/// Frame of reference: every value minus the block minimum, bit-packed (`EncodingID.frameOfReference`).
///
/// Payload: `base u64` (the minimum, as the lane's bit pattern) · packed stream of `n` offsets (BitPacking).
/// Wins on values in a narrow range: symbol codes, durations, small counters.
enum FrameOfReferenceCodec {
    static func encode<T: FixedWidthInteger & UnsignedInteger>(_ v: UnsafeBufferPointer<T>, signed: Bool, into out: inout [UInt8]) {
        let base: T = v.isEmpty ? 0 : IntegerTransforms.minMax(v, signed: signed).min
        out.appendLittleEndian(UInt64(base))
        let offsets = [T](unsafeUninitializedCapacity: v.count) { o, done in
            for i in 0..<v.count { o[i] = v[i] &- base }
            done = v.count
        }
        offsets.withUnsafeBufferPointer { BitPacking.pack($0, into: &out) }
    }

    static func decode<T: FixedWidthInteger & UnsignedInteger>(_ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>) throws(CodecError) {
        let base = try IntegerTransforms.field(&r, "frame-of-reference base", as: T.self)
        try BitPacking.unpack(&r, count: n, into: out, adding: base)
    }
}
