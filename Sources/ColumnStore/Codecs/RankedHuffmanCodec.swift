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
        // Count every offset in one hash pass (no sort of the block), then rank the frequent ones.
        var counts = OffsetCounts(capacity: v.count)
        var maxOffset: UInt64 = 0
        for i in 0..<v.count {
            let x = UInt64(v[i] &- base)
            maxOffset = Swift.max(maxOffset, x)
            counts.add(x)
        }
        var runs = counts.frequent(atLeast: minRepeats)
        guard !runs.isEmpty else { return false }
        runs.sort { ($0.count, $1.offset) > ($1.count, $0.offset) }
        if runs.count > maxRanked { runs.removeLast(runs.count - maxRanked) }
        let f = runs.count
        // Codes F + offset must fit the lane.
        guard maxOffset <= UInt64(T.max) - UInt64(f) else { return false }
        // The table now answers each offset's code: its rank when ranked, F + offset otherwise.
        counts.setRanks(runs.map(\.offset))
        let codes = [UInt64](unsafeUninitializedCapacity: v.count) { o, done in
            for i in 0..<v.count { o[i] = counts.code(UInt64(v[i] &- base), unranked: UInt64(f)) }
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

    /// An open-addressing table from a block's offsets to their counts (then, for ranked ones, their ranks):
    /// one multiply-shift hash and a short probe a row, where a sort of the block took ~1 ms per 64K rows.
    struct OffsetCounts {
        var keys: [UInt64]
        /// 0: empty slot; else the count (after `setRanks`: rank + 1 for a ranked offset, 0 for the rest).
        var values: [UInt32]
        let shift: UInt64
        let mask: Int

        init(capacity n: Int) {
            var bits = 4
            while (1 << bits) < 2 * n { bits += 1 }  // at most half full
            keys = [UInt64](repeating: 0, count: 1 << bits)
            values = [UInt32](repeating: 0, count: 1 << bits)
            shift = UInt64(64 - bits)
            mask = (1 << bits) - 1
        }

        @inline(__always)
        func slot(_ x: UInt64) -> Int { Int(truncatingIfNeeded: (x &* 0x9E37_79B9_7F4A_7C15) >> shift) }

        @inline(__always)
        mutating func add(_ x: UInt64) {
            var i = slot(x)
            while values[i] != 0 && keys[i] != x { i = (i &+ 1) & mask }
            keys[i] = x
            values[i] &+= 1
        }

        /// The offsets seen at least `minimum` times, with their counts.
        func frequent(atLeast minimum: Int) -> [(offset: UInt64, count: Int)] {
            var r: [(offset: UInt64, count: Int)] = []
            for i in values.indices where Int(values[i]) >= minimum { r.append((keys[i], Int(values[i]))) }
            return r
        }

        /// Keeps `ranked` (most frequent first) as rank + 1 and forgets every other count.
        mutating func setRanks(_ ranked: [UInt64]) {
            var rankOf = [UInt32](repeating: 0, count: values.count)
            for (r, x) in ranked.enumerated() {
                var i = slot(x)
                while keys[i] != x { i = (i &+ 1) & mask }
                rankOf[i] = UInt32(r + 1)
            }
            values = rankOf
        }

        /// The code of an offset seen by `add`: its rank, or `unranked` + the offset.
        @inline(__always)
        func code(_ x: UInt64, unranked f: UInt64) -> UInt64 {
            var i = slot(x)
            while keys[i] != x { i = (i &+ 1) & mask }
            let r = values[i]
            return r != 0 ? UInt64(r - 1) : f &+ x
        }
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
