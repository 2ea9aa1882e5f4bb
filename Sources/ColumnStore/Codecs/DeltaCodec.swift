/// Delta encodings: each value minus its predecessor, then bit-packed.
///
/// `EncodingID.delta` — payload `first u64` · `minDelta u64` · packed stream of `n-1` values `delta - minDelta`.
/// Wins on sorted or slowly drifting data (timestamps, ids): the deltas' range, not the values', sets the width.
///
/// `EncodingID.deltaZigZag` — payload `first u64` · packed stream of `n-1` zigzag(delta).
/// Wins over `delta` when deltas of both signs are small but a few frames hold outliers, since each
/// frame's width then depends only on its own magnitudes.
///
/// For n = 0 the fields hold 0 and the stream is empty. Arithmetic wraps in the lane's width.
enum DeltaCodec {
    static func encode<T: FixedWidthInteger & UnsignedInteger>(_ v: UnsafeBufferPointer<T>, into out: inout [UInt8]) {
        var d = IntegerTransforms.deltas(v)
        let minDelta: T = d.isEmpty ? 0 : d.withUnsafeBufferPointer { IntegerTransforms.minMax($0, signed: true).min }
        out.appendLittleEndian(UInt64(v.first ?? 0))
        out.appendLittleEndian(UInt64(minDelta))
        for i in d.indices { d[i] &-= minDelta }
        d.withUnsafeBufferPointer { BitPacking.pack($0, into: &out) }
    }

    static func decode<T: FixedWidthInteger & UnsignedInteger>(_ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>) throws(CodecError) {
        try IntegerTransforms.decodeDeltas(&r, count: n, into: out, first: "delta first value", minimum: "delta minimum") {
            (r: inout PayloadReader, n, out, minDelta) throws(CodecError) in try BitPacking.unpack(&r, count: n, into: out, adding: minDelta)
        }
    }

    static func encodeZigZag<T: FixedWidthInteger & UnsignedInteger>(_ v: UnsafeBufferPointer<T>, into out: inout [UInt8]) {
        var d = IntegerTransforms.deltas(v)
        for i in d.indices { d[i] = IntegerTransforms.zigzag(d[i]) }
        out.appendLittleEndian(UInt64(v.first ?? 0))
        d.withUnsafeBufferPointer { BitPacking.pack($0, into: &out) }
    }

    static func decodeZigZag<T: FixedWidthInteger & UnsignedInteger>(_ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>) throws(CodecError) {
        let first = try IntegerTransforms.field(&r, "delta-zigzag first value", as: T.self)
        guard n > 0 else { try BitPacking.unpack(&r, count: 0, into: out); return }
        out[0] = first
        try BitPacking.unpack(&r, count: n - 1, into: out + 1)
        var acc = first
        for i in 1..<n {
            acc = acc &+ IntegerTransforms.unzigzag(out[i])
            out[i] = acc
        }
    }
}
