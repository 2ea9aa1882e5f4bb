/// Per-block string dictionary (`EncodingID.stringDictionary`).
///
/// Payload: `d u32` distinct strings · their lengths as a frame-of-reference payload over UInt32 · their bytes,
/// concatenated in byte order · each row's code (index into the dictionary) as a frame-of-reference payload.
/// Sorting makes the dictionary compress well (shared prefixes sit side by side) and codes comparable in
/// order. Wins when rows repeat: user ids of heavy listeners, status strings.
enum StringDictionaryCodec {
    static func encode(_ s: StringCodecs.Rows, into out: inout [UInt8]) -> Bool {
        var table = ByteStringTable()
        var codes = [UInt32](repeating: 0, count: s.count)
        for (k, i) in s.range.enumerated() { codes[k] = table.intern(s.bytes(i)) }
        let d = table.count
        // Sort the distinct strings by bytes, then renumber the codes by rank. Each string's first 8 bytes,
        // big-endian and zero-padded, order any two strings whose keys differ exactly as their bytes do (a
        // string that ends first pads with 0, below any byte it could have had, or ties); only equal keys
        // compare the bytes.
        let order: [Int] = table.arena.withUnsafeBytes { a in
            table.offsets.withUnsafeBufferPointer { o in
                var keyed = [(key: UInt64, code: UInt32)]()
                keyed.reserveCapacity(d)
                for x in 0..<d {
                    let lo = Int(o[x]), len = Int(o[x + 1]) - lo
                    var key: UInt64 = 0
                    for j in 0..<Swift.min(len, 8) { key |= UInt64(a[lo + j]) << UInt64(56 - 8 * j) }
                    keyed.append((key, UInt32(x)))
                }
                keyed.sort { l, r in
                    if l.key != r.key { return l.key < r.key }
                    let x = Int(l.code), y = Int(r.code)
                    let lx = Int(o[x + 1] - o[x]), ly = Int(o[y + 1] - o[y])
                    let c = Swift.min(lx, ly) == 0 ? 0 : memcmp(a.baseAddress! + Int(o[x]), a.baseAddress! + Int(o[y]), Swift.min(lx, ly))
                    return c != 0 ? c < 0 : lx < ly
                }
                return keyed.map { Int($0.code) }
            }
        }
        var rank = [UInt32](repeating: 0, count: d)
        for (r, code) in order.enumerated() { rank[code] = UInt32(r) }
        for k in codes.indices { codes[k] = rank[Int(codes[k])] }

        out.appendLittleEndian(UInt32(d))
        let lengths = order.map { table.offsets[$0 + 1] - table.offsets[$0] }
        lengths.withUnsafeBufferPointer { FrameOfReferenceCodec.encode($0, signed: false, into: &out) }
        table.arena.withUnsafeBytes { a in
            for code in order { out.append(contentsOf: a[Int(table.offsets[code])..<Int(table.offsets[code + 1])]) }
        }
        codes.withUnsafeBufferPointer { FrameOfReferenceCodec.encode($0, signed: false, into: &out) }
        return true
    }

    static func decode(_ r: inout PayloadReader, count n: Int, into c: inout ColumnVector) throws(CodecError) {
        let at = r.offset
        let d = Int(try r.u32("dictionary size"))
        guard d <= r.remaining else { throw CodecError("dictionary of \(d) strings at offset \(at) is larger than the block") }
        // Dictionary offsets (d + 1), then the codes.
        var dict = [UInt32](repeating: 0, count: d + 1)
        try dict.withUnsafeMutableBufferPointer { (o) throws(CodecError) in
            try FrameOfReferenceCodec.decode(&r, count: d, into: o.baseAddress! + 1)
            try StringCodecs.prefixSum(o.baseAddress!, count: d)
        }
        let dictBytes = try r.take(Int(dict[d]), "dictionary bytes")
        let codesAt = r.offset
        var codes = [UInt32](repeating: 0, count: n)
        try codes.withUnsafeMutableBufferPointer { (p) throws(CodecError) in
            if let b = p.baseAddress { try FrameOfReferenceCodec.decode(&r, count: n, into: b) }
        }
        // Validate codes and size the output before copying.
        var total: UInt64 = 0
        for (k, code) in codes.enumerated() {
            guard Int(code) < d else { throw CodecError("dictionary code \(code) of row \(k) is not below \(d) (payload at offset \(codesAt))") }
            total &+= UInt64(dict[Int(code) + 1] - dict[Int(code)])
        }
        guard total <= UInt64(UInt32.max) else { throw CodecError("dictionary strings add up to \(total) bytes, over 4 GiB") }
        try BlockCodec.fillArray(&c.bytes, count: Int(total), zero: 0) { (dst: UnsafeMutablePointer<UInt8>) throws(CodecError) in
            var pos = 0
            for code in codes {
                let lo = Int(dict[Int(code)]), len = Int(dict[Int(code) + 1]) - lo
                (dst + pos).update(from: dictBytes.assumingMemoryBound(to: UInt8.self) + lo, count: len)
                pos += len
            }
        }
        try BlockCodec.fillArray(&c.offsets, count: n + 1, zero: 0) { (o: UnsafeMutablePointer<UInt32>) throws(CodecError) in
            var pos: UInt32 = 0
            for k in 0..<n {
                let code = Int(codes[k])
                pos &+= dict[code + 1] &- dict[code]
                o[k + 1] = pos
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
