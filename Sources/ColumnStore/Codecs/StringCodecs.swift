/// Payloads of string blocks without a dictionary.
///
/// `EncodingID.plain` — `n × u32` lengths · the concatenated bytes.
/// `EncodingID.stringLengths` — the lengths as a frame-of-reference payload over UInt32 (FrameOfReferenceCodec) ·
/// the concatenated bytes. Wins whenever lengths vary little (ids, codes: often width 0).
/// `EncodingID.constant` — `u32` length · the bytes of the one string every row holds.
enum StringCodecs {
    /// A block's strings: rows `range` of a string column (offsets are absolute into `bytes`).
    struct Rows {
        let offsets: UnsafeBufferPointer<UInt32>
        let bytes: UnsafeRawBufferPointer
        let range: Range<Int>
        /// The block's validity bitmap (row k at bit k & 7 of byte k >> 3), empty when no row is NULL.
        var validity: [UInt8] = []

        var count: Int { range.count }
        @inline(__always) func length(_ i: Int) -> UInt32 { offsets[i + 1] &- offsets[i] }
        /// The concatenated bytes of all rows.
        var allBytes: UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: bytes[Int(offsets[range.lowerBound])..<Int(offsets[range.upperBound])])
        }
        @inline(__always) func bytes(_ i: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: bytes[Int(offsets[i])..<Int(offsets[i + 1])])
        }
        var lengths: [UInt32] { range.map { length($0) } }
    }

    static func encode(_ id: EncodingID, _ s: Rows, into out: inout [UInt8]) -> Bool {
        switch id {
        case .plain:
            for i in s.range { out.appendLittleEndian(s.length(i)) }
            out.append(contentsOf: s.allBytes)
        case .stringLengths:
            s.lengths.withUnsafeBufferPointer { FrameOfReferenceCodec.encode($0, signed: false, into: &out) }
            out.append(contentsOf: s.allBytes)
        case .constant:
            guard let first = s.range.first else { return false }
            let f = s.bytes(first)
            for i in s.range.dropFirst() {
                let b = s.bytes(i)
                guard b.count == f.count, b.elementsEqual(f) else { return false }
            }
            out.appendLittleEndian(UInt32(f.count))
            out.append(contentsOf: f)
        case .stringDictionary: return StringDictionaryCodec.encode(s, into: &out)
        default: return false
        }
        return true
    }

    /// Decodes `n` rows; `validity` (nil when every row is present) tells prefixedInteger which rows are empty.
    static func decode(_ id: EncodingID, _ r: inout PayloadReader, count n: Int, validity: Bitmap?,
                       into c: inout ColumnVector) throws(CodecError) {
        switch id {
        case .plain, .stringLengths:
            // Lengths straight into the offsets array (shifted by one), then prefix-summed in place.
            try BlockCodec.fillArray(&c.offsets, count: n + 1, zero: 0) { (o: UnsafeMutablePointer<UInt32>) throws(CodecError) in
                if id == .plain {
                    try IntegerCodecs.decode(.plain, &r, count: n, into: o + 1)
                } else {
                    try FrameOfReferenceCodec.decode(&r, count: n, into: o + 1)
                }
                try prefixSum(o, count: n)
            }
            let total = Int(c.offsets[n])
            let src = try r.take(total, "string bytes")
            c.bytes.append(contentsOf: UnsafeRawBufferPointer(start: src, count: total))
        case .constant:
            let len = Int(try r.u32("constant string length"))
            let src = try r.take(len, "constant string bytes")
            guard len == 0 || n <= Int(UInt32.max) / len else {
                throw CodecError("constant string of \(len) bytes × \(n) rows exceeds 4 GiB")
            }
            c.bytes.reserveCapacity(len * n)
            c.offsets.reserveCapacity(n + 1)
            let one = UnsafeRawBufferPointer(start: src, count: len)
            for i in 0..<n {
                c.bytes.append(contentsOf: one)
                c.offsets.append(UInt32((i + 1) * len))
            }
        case .stringDictionary: try StringDictionaryCodec.decode(&r, count: n, into: &c)
        case .prefixedInteger: try PrefixedIntegerCodec.decode(&r, count: n, validity: validity, into: &c)
        default: throw CodecError("encoding \(id) does not apply to strings")
        }
    }

    /// Turns lengths at `o[1...n]` (o[0] = 0) into offsets, throwing when they pass 4 GiB.
    static func prefixSum(_ o: UnsafeMutablePointer<UInt32>, count n: Int) throws(CodecError) {
        o[0] = 0
        var total: UInt64 = 0
        for i in 0..<n {
            total &+= UInt64(o[i + 1])
            o[i + 1] = UInt32(truncatingIfNeeded: total)
        }
        guard total <= UInt64(UInt32.max) else { throw CodecError("string lengths add up to \(total) bytes, over 4 GiB") }
    }
}
