/// Encodes one column's rows into a self-describing block, and decodes it back.
///
/// Block layout (little-endian):
/// ```
/// offset size  field        invariant
/// 0      1     encoding     an EncodingID that applies to the column's type
/// 1      1     compression  a CompressionKind; .none whenever compressing did not shrink the body
/// 2      1     flags        bit 0: the body starts with a validity bitmap (the block has NULLs); bits 1–7: 0
/// 3      1     reserved     0
/// 4      4     rowCount     u32, rows in the block (what the caller's block index says)
/// 8      4     bodyLength   u32, bytes of the body before compression
/// 12     …     body         stored as is (compression none: exactly bodyLength bytes) or one LZ4 block / zstd frame
/// ```
/// The body is `[validity: ceil(rowCount/8) bytes, row i at bit i & 7 of byte i >> 3, 1 = present]` then the
/// encoding's payload (see each codec, and docs/codecs.md). The bitmap is compressed with the payload: a few
/// NULLs cost almost nothing. NULL rows keep their zero value in the payload.
public enum BlockCodec {
    /// Bytes before the body.
    public static let headerSize = 12
    /// A zstd-compressed body counts as its size plus 1/7 when compared with bodies stored uncompressed,
    /// so zstd wins only where it is at least 1/8 smaller.
    static let zstdPenaltyDivisor = 7
    /// A Huffman-coded body counts as its size plus 1/15: it decodes a few times slower than bit packing (1–2.5
    /// ns a value against ~0.4, one core), so it wins only where it is at least 1/16 smaller (not timestamps, ~4%).
    static let huffmanPenaltyDivisor = 15
    /// Where the other bodies are read without decompressing (LZ4, none), a Huffman body also counts this many
    /// bits a row more: its decode costs per row, so it must save that much to pay for it — artist, track and
    /// money (3–6 bits a row) take it; platform, country and device (under 1.5 bits) keep bit packing, which the
    /// public queries scan most. Under zstd the other bodies pay a decompression too, and 1/15 alone decides.
    static let huffmanPenaltyBitsPerRow = 2
    /// In a compacted string column a Huffman-coded inner counts as its size plus 1/30 and no per-row price (`HuffmanPrice`).
    static let compactedHuffmanPenaltyDivisor = 30
    static let hasValidityFlag: UInt8 = 1

    /// One encoding tried for a block; `inner` is the integer encoding under `.decimal`, `.alp` and `.prefixedInteger`.
    struct Candidate {
        var id: EncodingID
        var inner: EncodingID? = nil

        /// Candidates of one family compress alike (same layout family), so only the family's smallest
        /// body is compressed: bit-packed integers, byte-aligned integers, concatenated strings, bool bits.
        func family(_ type: ColumnType) -> Int {
            if isHuffman { return 11 }
            return switch id {
            case .frameOfReference, .delta, .deltaZigZag, .deltaOfDelta: 1
            case .narrow, .deltaNarrow: 2
            case .decimal, .alp, .prefixedInteger: inner == .narrow ? 2 : 1
            case .plain: type.isIntegerLike ? 2 : type == .string ? 3 : type == .bool ? 4 : 10
            case .stringLengths: 3
            case .bitmap: 4
            case .constant: 5
            case .stringDictionary: 6
            case .byteShuffle: 7
            case .gorilla: 8
            case .huffman, .deltaHuffman, .rankedHuffman: 11
            }
        }

        /// Huffman-coded bodies are entropy-coded already: never compressed, and priced for their slower decode.
        var isHuffman: Bool { id == .huffman || id == .deltaHuffman || id == .rankedHuffman || inner == .huffman || inner == .rankedHuffman }
    }

    /// Encodes rows `range` of `column` into one self-describing block appended to `out`
    /// (never overwriting what `out` held). Picks the encoding that wins for this block: every candidate
    /// for the type is encoded; the smallest body of each layout family is compressed unless it is far larger
    /// than the best so far; the smallest stored block is kept (ties go to the candidate that decodes faster).
    @discardableResult
    public static func encode(_ column: ColumnVector, range: Range<Int>, options: CodecOptions,
                              into out: inout [UInt8]) -> BlockSummary {
        encode(column, range: range, options: options, pruneHuffman: true, into: &out)
    }

    /// `encode`, with `pruneHuffman: false` writing every Huffman stream in full (the tests' reference:
    /// pruning must never pick a larger block).
    @discardableResult
    static func encode(_ column: ColumnVector, range: Range<Int>, options: CodecOptions, pruneHuffman: Bool,
                       into out: inout [UInt8]) -> BlockSummary {
        precondition(range.lowerBound >= 0 && range.upperBound <= column.count, "BUG: rows \(range) of a \(column.count)-row column")
        precondition(range.count <= Int(UInt32.max), "BUG: block of \(range.count) rows")
        let n = range.count
        let validity = validityBytes(column, range)
        // Compaction also tries zstd on bool bitmaps where LZ4 is the table's compression: a bitmap is 1/64 of
        // a 64-bit column, so its zstd decode costs scans almost nothing, while its entropy coder takes skewed flags
        // (liked, 3% true) well below a bit a row.
        let kinds: [CompressionKind] = [options.compression] + (extraCompaction(column.type, options).map { [$0] } ?? [])
        let zstd = kinds.contains(.zstd) ? BlockCompression.ZstdContext() : nil
        var derived = Derived()

        var packed: [UInt8] = [], best: [UInt8] = []
        var bestCandidate: Candidate? = nil, bestRank = 0, bestCompression = CompressionKind.none, bestBodyLength = 0
        var bestCost = 0
        // A body this many times larger than the best stored block so far is not worth compressing:
        // LZ4 rarely halves bit-packed data; zstd's entropy coder can do more on byte-aligned data.
        let reach = switch options.compression { case .none: 1; case .lz4: 2; case .zstd: 4 }
        let price = HuffmanPrice(options, column.type)
        func tryEach(_ candidates: [Candidate]) {
            var bodies: [(rank: Int, candidate: Candidate, body: [UInt8])] = []
            // What the best block will cost at most: a non-Huffman body is stored compressed only when that is
            // smaller, so it costs at most its size (plus zstd's penalty). A Huffman body that would cost more
            // cannot win, and its stream stops before the writing pass (`limit`).
            var ceiling = bestCandidate == nil ? Int.max : bestCost
            for (rank, c) in candidates.enumerated() {
                var body = validity
                let limit = c.isHuffman && pruneHuffman ? huffmanLimit(cost: ceiling, rows: n, price: price) : .max
                if payload(c, column, range, validity: validity, derived: &derived, limit: limit, into: &body) {
                    if !c.isHuffman {
                        ceiling = min(ceiling, options.compression == .zstd ? body.count + body.count / zstdPenaltyDivisor : body.count)
                    }
                    bodies.append((rank, c, body))
                }
            }
            bodies.sort { ($0.body.count, $0.rank) < ($1.body.count, $1.rank) }
            var families = Set<Int>()
            for (rank, c, b) in bodies {
                // Bodies come smallest first: one over `reach` times the best cost so far cannot win even compressed.
                if bestCandidate != nil && b.count > reach * bestCost { break }
                guard families.insert(c.family(column.type)).inserted else { continue }
                for kind in kinds {
                    var body = b
                    packed.removeAll(keepingCapacity: true)
                    let layout: (starts: [Int], bytePlanes: Bool) =
                        kind == .zstd ? planes(c, body, validityBytes: validity.count, rows: n) : ([], false)
                    let compressed = !c.isHuffman && body.withUnsafeBytes {
                        BlockCompression.compress($0, kind, level: options.zstdLevel, zstd: zstd,
                                                  sections: layout.starts, bytePlanes: layout.bytePlanes, into: &packed)
                    }
                    let size = compressed ? packed.count : body.count
                    // zstd must save an eighth over a body read straight from the file: decompressing it costs scans
                    // more than the bytes save (bit-packed time and durations stay raw, tags and money compress).
                    var cost = compressed && kind == .zstd ? size + size / zstdPenaltyDivisor : size
                    if c.isHuffman { cost = price.cost(size, rows: n) }
                    // Ties go to the candidate listed first: it decodes faster (and to the table's own compression).
                    if bestCandidate == nil || (cost, rank) < (bestCost, bestRank) {
                        bestCandidate = c
                        bestRank = rank
                        bestCost = cost
                        bestCompression = compressed ? kind : .none
                        bestBodyLength = body.count
                        if compressed { swap(&best, &packed) } else { swap(&best, &body) }
                    }
                    if c.isHuffman { break }
                }
            }
        }
        if let forced = options.forcedEncoding, forced.applies(to: column.type) {
            let inner: EncodingID? = [.decimal, .alp, .prefixedInteger].contains(forced) ? options.forcedInner ?? .frameOfReference : nil
            tryEach([Candidate(id: forced, inner: inner)])
        }
        if bestCandidate == nil { tryEach(candidates(for: column.type, compacting: options.compacting)) }
        guard let winner = bestCandidate else { preconditionFailure("BUG: plain encoding refused a \(column.type) block") }
        precondition(bestBodyLength <= Int(UInt32.max), "BUG: block body of \(bestBodyLength) bytes")

        let start = out.count
        out.append(winner.id.rawValue)
        out.append(bestCompression.rawValue)
        out.append(validity.isEmpty ? 0 : hasValidityFlag)
        out.append(0)
        out.appendLittleEndian(UInt32(n))
        out.appendLittleEndian(UInt32(bestBodyLength))
        out.append(contentsOf: best)
        return BlockSummary(encoding: winner.id, compression: bestCompression,
                            rawBytes: rawSize(column, range) + validity.count, storedBytes: out.count - start)
    }

    /// The largest Huffman body whose cost under `price` (see `encode`) is at most `cost`: a longer one cannot
    /// win against a block of that cost. `Int.max` when `cost` is; -1 when no body is cheap enough.
    static func huffmanLimit(cost: Int, rows n: Int, price: HuffmanPrice) -> Int {
        guard cost < Int.max else { return .max }
        var size = max(0, cost * price.divisor / (price.divisor + 1))
        while price.cost(size + 1, rows: n) <= cost { size += 1 }
        while size >= 0 && price.cost(size, rows: n) > cost { size -= 1 }
        return size
    }

    /// Where the byte planes of a body start (and where its validity bitmap ends), for zstd to code each
    /// with its own entropy tables (empty for layouts that are one stream), and whether the payload is byte planes.
    static func planes(_ c: Candidate, _ body: [UInt8], validityBytes v: Int, rows n: Int) -> (starts: [Int], bytePlanes: Bool) {
        var starts: [Int] = v > 0 ? [v] : []
        // (offset of the byte-width field, values per plane, fixed plane count)
        let layout: (widthAt: Int?, count: Int, planes: Int)? = switch (c.id, c.inner) {
        case (.narrow, _): (v + 8, n, 0)
        case (.deltaNarrow, _): (v + 16, Swift.max(n - 1, 0), 0)
        case (.decimal, .narrow?): (v + 2 + 8, n, 0)
        case (.alp, .narrow?): (ALPCodec.innerPayloadOffset(body, payloadAt: v) + 8, n, 0)
        case (.prefixedInteger, .narrow?): (PrefixedIntegerCodec.innerPayloadOffset(body, payloadAt: v) + 8, n, 0)
        case (.byteShuffle, _): (nil, n, 8)
        default: nil
        }
        guard let layout else { return (starts, false) }
        guard layout.count > 0 else { return (starts, true) }
        if let at = layout.widthAt {
            let w = Int(body[at])
            for k in 1..<Swift.max(w, 1) { starts.append(at + 1 + k * layout.count) }
        } else {
            for k in 1..<layout.planes { starts.append(v + k * layout.count) }
        }
        return (starts, true)
    }

    static func candidates(for type: ColumnType, compacting: Bool = false) -> [Candidate] {
        EncodingID.candidates(for: type).flatMap { id in
            switch id {
            // deltaZigZag for gauges that move a little from row to row (a host's CPU in a series-sorted segment).
            case .decimal, .alp: [.frameOfReference, .narrow, .deltaZigZag, .huffman].map { Candidate(id: id, inner: $0) }
            // delta for ids that rise with the sort order (sequence numbers); it packs like frameOfReference.
            // rankedHuffman only at compaction: on gen_plays' user ids (heavy users recur) it saves ~6%, which a
            // flush need not spend an encoding pass on; compaction keeps it where it wins by more than 1/31.
            case .prefixedInteger:
                (compacting ? [.frameOfReference, .delta, .narrow, .huffman, .rankedHuffman] : [.frameOfReference, .delta, .narrow, .huffman])
                    .map { Candidate(id: id, inner: $0) }
            default: [Candidate(id: id)]
            }
        }
    }

    /// The compression compaction tries besides the table's for a column of `type`: zstd for bool bitmaps where
    /// the table's is LZ4 (nil otherwise: a table set to `none` gets none). A compacted segment's bool blocks may hold it.
    public static func extraCompaction(_ type: ColumnType, _ options: CodecOptions) -> CompressionKind? {
        options.compacting && type == .bool && options.compression == .lz4 ? .zstd : nil
    }

    /// What a Huffman-coded body counts as against the others (smaller wins): its size plus a share for its
    /// slower decode, and where the others are read without decompressing (LZ4, none) a price per row.
    struct HuffmanPrice {
        var divisor: Int
        var bitsPerRow: Int

        init(_ options: CodecOptions, _ type: ColumnType) {
            if options.compacting && type == .string {
                // A compacted string column's numbers (user ids under prefixedInteger, ranked) take Huffman where it
                // saves more than 1/31: the engine's string work per row dwarfs the decode (p11: ~+6% CPU for ~6%
                // fewer bytes). Tags keep the flush's price: Huffman-coded platform, country and device cost the
                // public queries +18% scan CPU for 0.37 bytes a row (docs/benchmarks.md, 2026-12-08).
                divisor = compactedHuffmanPenaltyDivisor
                bitsPerRow = 0
            } else {
                divisor = huffmanPenaltyDivisor
                bitsPerRow = options.compression == .zstd ? 0 : huffmanPenaltyBitsPerRow
            }
        }

        func cost(_ size: Int, rows n: Int) -> Int { size + size / divisor + n * bitsPerRow / 8 }
    }

    /// The validity bitmap of rows `range`, or no bytes when none of them is NULL.
    static func validityBytes(_ column: ColumnVector, _ range: Range<Int>) -> [UInt8] {
        guard let v = column.validity else { return [] }
        var bytes = [UInt8](repeating: 0, count: (range.count + 7) >> 3)
        var nulls = false
        for (k, i) in range.enumerated() {
            if v[i] { bytes[k >> 3] |= 1 &<< UInt8(k & 7) } else { nulls = true }
        }
        return nulls ? bytes : []
    }

    static func rawSize(_ column: ColumnVector, _ range: Range<Int>) -> Int {
        switch column.type {
        case .time, .int64, .date, .uint64, .float64: 8 * range.count
        case .symbol: 4 * range.count
        case .bool: range.count
        case .string: 4 * range.count + Int(column.offsets[range.upperBound] - column.offsets[range.lowerBound])
        }
    }

    /// What several candidates of one block derive from its values, computed once, on first use
    /// (the outer nil: not computed yet; the inner nil: the values do not fit).
    struct Derived {
        var decimal: (exponent: Int, ints: [UInt64])?? = nil
        var alp: ALPCodec.Split?? = nil
        var prefixed: PrefixedIntegerCodec.Split?? = nil
    }

    /// Appends the payload of `c` for rows `range` (whose validity bitmap is `validity`, empty when no row is NULL);
    /// false when `c` does not apply to these values.
    /// Appends candidate `c`'s payload for rows `range` to `out`; false when it does not apply, or when a Huffman
    /// payload would leave `out` longer than `limit` bytes.
    static func payload(_ c: Candidate, _ column: ColumnVector, _ range: Range<Int>, validity: [UInt8],
                        derived: inout Derived, limit: Int = .max, into out: inout [UInt8]) -> Bool {
        switch column.type {
        case .time, .int64, .date:
            return column.int64s.withUnsafeBufferPointer { p in
                lanes(p, range, as: UInt64.self) { IntegerCodecs.encode(c.id, $0, signed: true, limit: limit, into: &out) }
            }
        case .uint64:
            return column.uint64s.withUnsafeBufferPointer { p in
                lanes(p, range, as: UInt64.self) { IntegerCodecs.encode(c.id, $0, signed: false, limit: limit, into: &out) }
            }
        case .symbol:
            return column.codes.withUnsafeBufferPointer { p in
                lanes(p, range, as: UInt32.self) { IntegerCodecs.encode(c.id, $0, signed: false, limit: limit, into: &out) }
            }
        case .float64:
            return column.float64s.withUnsafeBufferPointer { p in
                lanes(p, range, as: UInt64.self) { v in
                    switch c.id {
                    case .plain, .constant: return IntegerCodecs.encode(c.id, v, signed: false, into: &out)
                    case .gorilla: GorillaCodec.encode(v, into: &out); return true
                    case .byteShuffle: ByteShuffleCodec.encode(v, into: &out); return true
                    case .decimal:
                        if derived.decimal == nil { derived.decimal = .some(DecimalCodec.scale(v)) }
                        guard let scaled = derived.decimal!, let inner = c.inner else { return false }
                        return DecimalCodec.encode(scaled, inner: inner, limit: limit, into: &out)
                    case .alp:
                        if derived.alp == nil { derived.alp = .some(ALPCodec.split(v)) }
                        guard let split = derived.alp!, let inner = c.inner else { return false }
                        return ALPCodec.encode(split, inner: inner, limit: limit, into: &out)
                    default: return false
                    }
                }
            }
        case .bool:
            return column.bools.withUnsafeBufferPointer { p in
                lanes(p, range, as: UInt8.self) { BoolCodecs.encode(c.id, $0, into: &out) }
            }
        case .string:
            return column.offsets.withUnsafeBufferPointer { o in
                column.bytes.withUnsafeBytes { b in
                    let rows = StringCodecs.Rows(offsets: o, bytes: b, range: range, validity: validity)
                    guard c.id == .prefixedInteger else { return StringCodecs.encode(c.id, rows, into: &out) }
                    if derived.prefixed == nil { derived.prefixed = .some(PrefixedIntegerCodec.split(rows)) }
                    guard let split = derived.prefixed!, let inner = c.inner else { return false }
                    return PrefixedIntegerCodec.encode(split, inner: inner, limit: limit, into: &out)
                }
            }
        }
    }

    /// Rows `range` of `p` viewed as lanes of `L` (same size as `E`).
    @inline(__always)
    static func lanes<E, L>(_ p: UnsafeBufferPointer<E>, _ range: Range<Int>, as: L.Type,
                            _ body: (UnsafeBufferPointer<L>) -> Bool) -> Bool {
        guard let base = p.baseAddress else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return UnsafeRawPointer(base + range.lowerBound).withMemoryRebound(to: L.self, capacity: range.count) {
            body(UnsafeBufferPointer(start: $0, count: range.count))
        }
    }
}
