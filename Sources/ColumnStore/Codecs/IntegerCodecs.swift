/// The payload encoders of integer lanes (UInt64 for time/int64/uint64 and decimal floats, UInt32 for symbol codes),
/// by encoding id. `plain` is the lanes little-endian; `constant` is one `u64` (the value's bit pattern).
enum IntegerCodecs {
    /// Appends the payload of `id` for `v`; false (out untouched) when `id` does not apply to these values, or
    /// (Huffman payloads only) when it would leave `out` longer than `limit` bytes.
    static func encode<T: FixedWidthInteger & UnsignedInteger>(
        _ id: EncodingID, _ v: UnsafeBufferPointer<T>, signed: Bool, limit: Int = .max, into out: inout [UInt8]
    ) -> Bool {
        switch id {
        case .plain: out.append(contentsOf: UnsafeRawBufferPointer(v))
        case .constant:
            guard let first = v.first, !v.contains(where: { $0 != first }) else { return false }
            out.appendLittleEndian(UInt64(first))
        case .frameOfReference: FrameOfReferenceCodec.encode(v, signed: signed, into: &out)
        case .delta: DeltaCodec.encode(v, into: &out)
        case .deltaZigZag: DeltaCodec.encodeZigZag(v, into: &out)
        case .deltaOfDelta: DeltaOfDeltaCodec.encode(v, into: &out)
        case .narrow: NarrowIntCodec.encode(v, signed: signed, into: &out)
        case .deltaNarrow: NarrowIntCodec.encodeDelta(v, into: &out)
        case .huffman: return HuffmanCodec.encode(v, signed: signed, limit: limit, into: &out)
        case .deltaHuffman: return HuffmanCodec.encodeDelta(v, limit: limit, into: &out)
        case .rankedHuffman: return RankedHuffmanCodec.encode(v, signed: signed, limit: limit, into: &out)
        case .gorilla, .byteShuffle, .decimal, .alp, .bitmap, .stringLengths, .stringDictionary, .prefixedInteger: return false
        }
        return true
    }

    /// Decodes `n` lanes of payload `id` into `out`.
    static func decode<T: FixedWidthInteger & UnsignedInteger>(
        _ id: EncodingID, _ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>
    ) throws(CodecError) {
        switch id {
        case .plain:
            let src = try r.take(n * MemoryLayout<T>.size, "plain values")
            UnsafeMutableRawPointer(out).copyMemory(from: src, byteCount: n * MemoryLayout<T>.size)
        case .constant:
            let v = try IntegerTransforms.field(&r, "constant value", as: T.self)
            out.update(repeating: v, count: n)
        case .frameOfReference: try FrameOfReferenceCodec.decode(&r, count: n, into: out)
        case .delta: try DeltaCodec.decode(&r, count: n, into: out)
        case .deltaZigZag: try DeltaCodec.decodeZigZag(&r, count: n, into: out)
        case .deltaOfDelta: try DeltaOfDeltaCodec.decode(&r, count: n, into: out)
        case .narrow: try NarrowIntCodec.decode(&r, count: n, into: out)
        case .deltaNarrow: try NarrowIntCodec.decodeDelta(&r, count: n, into: out)
        case .huffman: try HuffmanCodec.decode(&r, count: n, into: out)
        case .deltaHuffman: try HuffmanCodec.decodeDelta(&r, count: n, into: out)
        case .rankedHuffman: try RankedHuffmanCodec.decode(&r, count: n, into: out)
        case .gorilla, .byteShuffle, .decimal, .alp, .bitmap, .stringLengths, .stringDictionary, .prefixedInteger:
            throw CodecError("encoding \(id) is not an integer encoding")
        }
    }
}
