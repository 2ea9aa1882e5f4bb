/// Huffman-coded integers whose most frequent values repeat exactly (`EncodingID.rankedHuffman`): durations that
/// are a popular track's length, a heavy user's id. `huffman` prices a value by its magnitude only; here the
/// block's frequent values are listed once, most frequent first, and each row codes its value's rank (a small
/// number, so a short Huffman code) or, for the rest, its offset past the ranks.
///
/// Payload:
/// ```
/// base     u64   the block minimum (as frameOfReference), fitting the lane
/// count    u16   F, 1…maxRanked: values ranked
/// ranked   packed stream (BitPacking) of the F offsets `value − base`, most frequent first (ties: smaller first)
/// codes    a `huffman` stream of the n codes: rank r (< F) for a ranked value, F + (value − base) for any other
/// ```
/// Decoding is the Huffman stream, then one pass `code < F ? ranked[code] : code − F + base` (a select, no branch).
enum RankedHuffmanCodec {
    /// Most values ranked: past ~1,000 a rank costs as many bits as the offset it replaces (the Huffman
    /// tokens of ranks ≥ 256 are magnitude classes with extra bits).
    static let maxRanked = 1024
    /// A value is ranked when it occurs this often: at 3 its table entry is paid back by its rows' shorter codes.
    static let minRepeats = 3
    /// From this many rows a sample decides first whether any value repeats (sorted timestamps do not).
    static let sampleFrom = 4096
    static let sampleSize = 1024

    /// Appends the payload; false (out untouched) when no value repeats `minRepeats` times, the codes would not
    /// fit the lane, or the Huffman stream would not be clearly smaller than bit packing.
    static func encode<T: FixedWidthInteger & UnsignedInteger>(_ v: UnsafeBufferPointer<T>, signed: Bool, limit: Int = .max,
                                                               into out: inout [UInt8]) -> Bool {
        guard !v.isEmpty, repeatsLikely(v) else { return false }
        let base = IntegerTransforms.minMax(v, signed: signed).min
        var sorted = [UInt64](unsafeUninitializedCapacity: v.count) { o, done in
            for i in 0..<v.count { o[i] = UInt64(v[i] &- base) }
            done = v.count
        }
        sorted.sort()
        // Runs of equal offsets, frequent ones only.
        var runs: [(offset: UInt64, count: Int)] = []
        var i = 0
        while i < sorted.count {
            var j = i + 1
            while j < sorted.count && sorted[j] == sorted[i] { j += 1 }
            if j - i >= minRepeats { runs.append((sorted[i], j - i)) }
            i = j
        }
        guard !runs.isEmpty else { return false }
        runs.sort { ($0.count, $1.offset) > ($1.count, $0.offset) }
        if runs.count > maxRanked { runs.removeLast(runs.count - maxRanked) }
        let f = runs.count
        // Codes F + offset must fit the lane.
        guard sorted[sorted.count - 1] <= UInt64(T.max) - UInt64(f) else { return false }
        // Rank of a ranked offset: binary search over the ranked offsets in value order.
        let byValue = runs.enumerated().map { (offset: $0.element.offset, rank: UInt64($0.offset)) }.sorted { $0.offset < $1.offset }
        let keys = byValue.map(\.offset), ranks = byValue.map(\.rank)
        let codes = [UInt64](unsafeUninitializedCapacity: v.count) { o, done in
            keys.withUnsafeBufferPointer { k in
                for i in 0..<v.count {
                    let x = UInt64(v[i] &- base)
                    var lo = 0, hi = k.count
                    while lo < hi {
                        let mid = (lo + hi) >> 1
                        if k[mid] < x { lo = mid + 1 } else { hi = mid }
                    }
                    o[i] = lo < k.count && k[lo] == x ? ranks[lo] : UInt64(f) &+ x
                }
            }
            done = v.count
        }
        let at = out.count
        out.appendLittleEndian(UInt64(base))
        out.appendLittleEndian(UInt16(f))
        runs.map { T(truncatingIfNeeded: $0.offset) }.withUnsafeBufferPointer { BitPacking.pack($0, into: &out) }
        guard codes.withUnsafeBufferPointer({ HuffmanCodec.encodeStream($0, limit: limit, into: &out) }) else {
            out.removeSubrange(at...)
            return false
        }
        return true
    }

    /// False when a sample of a large block holds no value twice: then no value is likely to repeat
    /// `minRepeats` times in the block, and the sort is skipped (it would cost ingest ~1 ms a block).
    static func repeatsLikely<T: FixedWidthInteger & UnsignedInteger>(_ v: UnsafeBufferPointer<T>) -> Bool {
        guard v.count >= sampleFrom else { return true }
        let step = v.count / sampleSize
        var sample = (0..<sampleSize).map { v[$0 * step] }
        sample.sort()
        var repeated = 0
        for k in 1..<sample.count where sample[k] == sample[k - 1] { repeated += 1 }
        // A value making up 1/64 of the rows shows up ~16 times in the sample.
        return repeated * 64 >= sampleSize
    }

    static func decode<T: FixedWidthInteger & UnsignedInteger>(_ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>) throws(CodecError) {
        let base = try IntegerTransforms.field(&r, "ranked-huffman base", as: T.self)
        let at = r.offset
        let f = Int(UInt16(littleEndian: try r.take(2, "ranked-huffman count").loadUnaligned(as: UInt16.self)))
        guard f >= 1 && f <= maxRanked else {
            throw CodecError("ranked-huffman count \(f) at offset \(at) is not 1…\(maxRanked)")
        }
        // One more entry than ranked: the select below reads entry min(code, F) before choosing.
        var ranked = [T](repeating: 0, count: f + 1)
        try ranked.withUnsafeMutableBufferPointer { (p) throws(CodecError) in
            try BitPacking.unpack(&r, count: f, into: p.baseAddress!, adding: base)
        }
        try HuffmanCodec.decodeStream(&r, count: n, into: out)
        let F = T(f)
        ranked.withUnsafeBufferPointer { t in
            for i in 0..<n {
                let c = out[i]
                let hit = t[Int(Swift.min(c, F))]
                out[i] = c < F ? hit : c &- F &+ base
            }
        }
    }
}
