/// Delta-of-delta (`EncodingID.deltaOfDelta`): the change of each delta, zigzag-encoded and bit-packed.
///
/// Payload: `first u64` · `firstDelta u64` · packed stream of `max(n-2, 0)` zigzag(delta[i] - delta[i-1]).
/// Wins on regular series (a sample every k ns: all zeros, width 0); loses to `delta` on random gaps.
enum DeltaOfDeltaCodec {
    static func encode<T: FixedWidthInteger & UnsignedInteger>(_ v: UnsafeBufferPointer<T>, into out: inout [UInt8]) {
        let d = IntegerTransforms.deltas(v)
        out.appendLittleEndian(UInt64(v.first ?? 0))
        out.appendLittleEndian(UInt64(d.first ?? 0))
        let dd = d.withUnsafeBufferPointer { p in
            [T](unsafeUninitializedCapacity: Swift.max(p.count - 1, 0)) { o, done in
                for i in 1..<Swift.max(p.count, 1) { o[i - 1] = IntegerTransforms.zigzag(p[i] &- p[i - 1]) }
                done = Swift.max(p.count - 1, 0)
            }
        }
        dd.withUnsafeBufferPointer { BitPacking.pack($0, into: &out) }
    }

    static func decode<T: FixedWidthInteger & UnsignedInteger>(_ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>) throws(CodecError) {
        let first = try IntegerTransforms.field(&r, "delta-of-delta first value", as: T.self)
        let firstDelta = try IntegerTransforms.field(&r, "delta-of-delta first delta", as: T.self)
        guard n > 2 else {
            try BitPacking.unpack(&r, count: 0, into: out)
            if n > 0 { out[0] = first }
            if n > 1 { out[1] = first &+ firstDelta }
            return
        }
        out[0] = first
        out[1] = first &+ firstDelta
        try BitPacking.unpack(&r, count: n - 2, into: out + 2)
        var delta = firstDelta, acc = out[1]
        for i in 2..<n {
            delta = delta &+ IntegerTransforms.unzigzag(out[i])
            acc = acc &+ delta
            out[i] = acc
        }
    }
}
