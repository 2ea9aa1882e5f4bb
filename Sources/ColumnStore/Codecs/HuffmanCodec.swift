import Foundation

/// Huffman-coded integers: each value split into a token and raw extra bits, the tokens canonical-Huffman
/// coded with a table chosen per block, decoded by one table lookup a value.
///
/// `EncodingID.huffman` — payload `base u64` (the block minimum, as in frame of reference) · stream of the
/// `n` offsets `value - base`.
/// `EncodingID.deltaHuffman` — payload `first u64` · `minDelta u64` · stream of the `n-1` values
/// `delta - minDelta` (as `DeltaCodec.encode`, but the deltas Huffman-coded: sorted timestamps).
///
/// A stream of `n` unsigned values (n known to the reader) is
/// ```
/// split       u8   s (0…8): a value below 2^s is its own token
/// msbBits     u8   m (0…2, m ≤ s): bits after a larger value's leading one that go into its token
/// tokenCount  u16  T: tokens 0..<T have a code length (0 when n = 0); tokens name values that fit the lane
/// lengths     ceil(T/2) bytes: 4-bit code lengths, token 2i in the low nibble, 2i+1 in the high; 0 = unused,
///                  1…12 otherwise; together a prefix code (Kraft sum ≤ 1)
/// streamBytes u32  bytes of the bit stream
/// stream      per value: its token's canonical Huffman code, then the token's extra bits; LSB-first
/// ```
/// Tokens (JPEG XL's "hybrid uint" with no low bits): a value v < 2^s is token v; otherwise, with its leading
/// one at bit k (k ≥ s), token = 2^s + ((k - s) << m) + the m bits below the leading one, followed by the k - m
/// bits below those as extra bits. Canonical codes are assigned by (length, token); each code is written
/// bit-reversed, so the decoder peeks 12 bits LSB-first and looks the token and its length up in one table.
///
/// Wins on skewed values that bit packing stores at full width: tag codes (a popular artist's code recurs,
/// and codes are numbered in first-seen order, so small ones are frequent), durations, money, and the
/// roughly exponential gaps between sorted timestamps.
enum HuffmanCodec {
    /// Longest code: the decode table has 2^12 entries (8 KiB of UInt16), which stays in L1.
    static let maxCodeLength = 12
    static let maxSplit = 8
    static let maxMSBBits = 2

    // MARK: payloads

    /// Appends the payload; false (out untouched) when it would not be clearly smaller than bit packing,
    /// or would leave `out` longer than `limit` bytes (see `encodeStream`).
    static func encode<T: FixedWidthInteger & UnsignedInteger>(_ v: UnsafeBufferPointer<T>, signed: Bool, limit: Int = .max,
                                                               into out: inout [UInt8]) -> Bool {
        let base: T = v.isEmpty ? 0 : IntegerTransforms.minMax(v, signed: signed).min
        let offsets = [UInt64](unsafeUninitializedCapacity: v.count) { o, done in
            for i in 0..<v.count { o[i] = UInt64(v[i] &- base) }
            done = v.count
        }
        let at = out.count
        out.appendLittleEndian(UInt64(base))
        guard offsets.withUnsafeBufferPointer({ encodeStream($0, limit: limit, into: &out) }) else { out.removeSubrange(at...); return false }
        return true
    }

    static func decode<T: FixedWidthInteger & UnsignedInteger>(_ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>) throws(CodecError) {
        try IntegerTransforms.decodeFrame(&r, count: n, into: out, base: "huffman base") {
            (r: inout PayloadReader, n, out, base) throws(CodecError) in try decodeStream(&r, count: n, into: out, adding: base)
        }
    }

    /// Appends the payload; false (out untouched) when it would not be clearly smaller than bit packing.
    static func encodeDelta<T: FixedWidthInteger & UnsignedInteger>(_ v: UnsafeBufferPointer<T>, limit: Int = .max, into out: inout [UInt8]) -> Bool {
        let d = IntegerTransforms.deltas(v)
        let minDelta: T = d.isEmpty ? 0 : d.withUnsafeBufferPointer { IntegerTransforms.minMax($0, signed: true).min }
        let at = out.count
        out.appendLittleEndian(UInt64(v.first ?? 0))
        out.appendLittleEndian(UInt64(minDelta))
        let offsets = d.map { UInt64($0 &- minDelta) }
        guard offsets.withUnsafeBufferPointer({ encodeStream($0, limit: limit, into: &out) }) else { out.removeSubrange(at...); return false }
        return true
    }

    static func decodeDelta<T: FixedWidthInteger & UnsignedInteger>(_ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>) throws(CodecError) {
        try IntegerTransforms.decodeDeltas(&r, count: n, into: out, first: "delta-huffman first value", minimum: "delta-huffman minimum") {
            (r: inout PayloadReader, n, out, minDelta) throws(CodecError) in try decodeStream(&r, count: n, into: out, adding: minDelta)
        }
    }

    // MARK: tokens

    /// How values become tokens: `split` s and `msbBits` m (see the type's comment).
    struct Tokens: Equatable {
        var split: Int
        var msbBits: Int

        /// Tokens that name values of up to `bits` bits.
        func alphabet(bits: Int) -> Int { (1 << split) + ((bits - split) << msbBits) }

        /// The token of `v`, and how many extra bits follow it.
        @inline(__always)
        func token(_ v: UInt64) -> (token: Int, extra: Int) {
            if v < UInt64(1) << UInt64(split) { return (Int(v), 0) }
            let k = 63 - v.leadingZeroBitCount
            let nb = k - msbBits
            let msb = Int(truncatingIfNeeded: v >> UInt64(nb)) & ((1 << msbBits) - 1)
            return ((1 << split) + ((k - split) << msbBits) + msb, nb)
        }
    }

    // MARK: stream encoder

    /// Histograms that price every `Tokens` choice in one pass: `small[v]` for v < 256, and per leading-one
    /// position k the count of values ≥ 1 with their two bits below the leading one (`top[k * 4 + bits]`).
    struct Histogram {
        var small = [Int](repeating: 0, count: 256)
        var top = [Int](repeating: 0, count: 64 * 4)

        init(_ v: UnsafeBufferPointer<UInt64>) {
            small.withUnsafeMutableBufferPointer { s in
                top.withUnsafeMutableBufferPointer { t in
                    for x in v {
                        if x < 256 { s[Int(x)] &+= 1 }
                        guard x != 0 else { continue }
                        let k = 63 - x.leadingZeroBitCount
                        let bits = k >= 2 ? Int(truncatingIfNeeded: x >> UInt64(k - 2)) & 3 : k == 1 ? Int(x & 1) << 1 : 0
                        t[k &* 4 &+ bits] &+= 1
                    }
                }
            }
        }

        /// The token counts under `t` (alphabet sized for the largest value seen) and the extra bits in all.
        func tokenCounts(_ t: Tokens) -> (counts: [Int], extraBits: Int) {
            var maxK = -1
            for k in stride(from: 63, through: 0, by: -1) where top[k * 4] + top[k * 4 + 1] + top[k * 4 + 2] + top[k * 4 + 3] > 0 { maxK = k; break }
            let size = maxK < t.split ? max(1, (1 << t.split)) : t.alphabet(bits: maxK + 1)
            var counts = [Int](repeating: 0, count: size)
            for v in 0..<min(1 << t.split, 256) { counts[v] = small[v] }
            var extra = 0
            if maxK >= t.split {
                for k in t.split...maxK {
                    for b in 0..<4 {
                        let c = top[k * 4 + b]
                        guard c > 0 else { continue }
                        let msb = t.msbBits == 0 ? 0 : t.msbBits == 1 ? b >> 1 : b
                        counts[(1 << t.split) + ((k - t.split) << t.msbBits) + msb] += c
                        extra += c * (k - t.msbBits)
                    }
                }
            }
            return (counts, extra)
        }
    }

    /// Bits of `counts` under an ideal entropy coder, plus the code-length table.
    static func estimatedBits(_ counts: [Int], extraBits: Int) -> Double {
        var total = 0, used = 0
        for (i, c) in counts.enumerated() where c > 0 { total += c; used = i + 1 }
        guard total > 0 else { return 0 }
        var bits = 0.0
        let n = Double(total)
        for c in counts where c > 0 { bits -= Double(c) * log2(Double(c) / n) }
        return bits + Double(extraBits) + Double(used * 4)
    }

    /// The token split that codes `v` in the fewest bits, priced from one histogram pass.
    static func chooseTokens(_ h: Histogram) -> Tokens {
        var best = Tokens(split: 0, msbBits: 0)
        var bestBits = Double.infinity
        for s in 0...maxSplit {
            for m in 0...min(maxMSBBits, s) {
                let t = Tokens(split: s, msbBits: m)
                let (counts, extra) = h.tokenCounts(t)
                let bits = estimatedBits(counts, extraBits: extra)
                if bits < bestBits { bestBits = bits; best = t }
            }
        }
        return best
    }

    /// Values from which a stream is only written when its estimated size is a sixteenth below bit packing's
    /// (the block encoder would not pick it otherwise): saves the encoding pass on values it cannot win on.
    static let estimateFrom = 256

    /// Appends a stream of `v`: tokens chosen by their histogram, the code built for their counts, the values
    /// dealt round-robin into `streamCount` bit streams. False (nothing appended) for `estimateFrom` or more
    /// values that bit packing stores about as small, or when `out` would end longer than `limit` bytes: the
    /// block encoder passes the largest Huffman body that could still win, and the stream's exact size is known
    /// from the code lengths before any bit is written, so a stream that cannot win costs no writing pass.
    static func encodeStream(_ v: UnsafeBufferPointer<UInt64>, limit: Int = .max, into out: inout [UInt8]) -> Bool {
        guard !v.isEmpty else {
            out.append(0); out.append(0); out.appendLittleEndian(UInt16(0))
            for _ in 0..<streamCount { out.appendLittleEndian(UInt32(0)) }
            return true
        }
        let h = Histogram(v)
        let t = chooseTokens(h)
        var (counts, extraBits) = h.tokenCounts(t)
        if v.count >= estimateFrom {
            let estimate = Int(estimatedBits(counts, extraBits: extraBits) / 8) + 4 + 4 * streamCount
            if estimate * 16 >= BitPacking.packedSize(v) * 15 { return false }
        }
        // Trailing unused tokens need no length.
        while counts.count > 1 && counts[counts.count - 1] == 0 { counts.removeLast() }
        let lengths = codeLengths(counts, limit: maxCodeLength)
        // split, msbBits, tokenCount, the 4-bit lengths, a byte count per stream.
        let headerBytes = 4 + (lengths.count + 1) / 2 + 4 * streamCount
        if limit < Int.max {
            // The streams hold every code and extra bit, so they take at least this many bytes.
            var codeBits = extraBits
            for (tok, c) in counts.enumerated() { codeBits += c * Int(lengths[tok]) }
            if out.count + headerBytes + (codeBits + 7) / 8 > limit { return false }
        }
        var bits = [Int](repeating: 0, count: streamCount)
        for (i, x) in v.enumerated() {
            let (tok, extra) = t.token(x)
            bits[i & (streamCount - 1)] += Int(lengths[tok]) + extra
        }
        var total = 0
        for b in bits { total += (b + 7) >> 3 }
        if out.count + headerBytes + total > limit { return false }
        let codes = canonicalCodes(lengths)
        out.append(UInt8(t.split))
        out.append(UInt8(t.msbBits))
        out.appendLittleEndian(UInt16(lengths.count))
        for i in stride(from: 0, to: lengths.count, by: 2) {
            out.append(lengths[i] | (i + 1 < lengths.count ? lengths[i + 1] << 4 : 0))
        }
        var starts: [Int] = []
        total = 0
        for b in bits {
            let bytes = (b + 7) >> 3
            out.appendLittleEndian(UInt32(bytes))
            starts.append(total)
            total += bytes
        }
        let at = out.count
        // 8 bytes of slack: the writers store whole words (each stream's slack is overwritten by the next).
        out.append(contentsOf: repeatElement(0, count: total + 8))
        out.withUnsafeMutableBytes { o in
            // Streams are written one after another, so a writer's slack never clobbers a later stream's bits.
            for s in 0..<streamCount {
                var w = BitWriter(o.baseAddress! + at + starts[s])
                lengths.withUnsafeBufferPointer { len in
                    codes.withUnsafeBufferPointer { code in
                        var i = s
                        while i < v.count {
                            let x = v[i]
                            let (tok, extra) = t.token(x)
                            let l = Int(len[tok])
                            let rest = x & ((UInt64(1) << UInt64(extra)) &- 1)
                            if extra <= 44 {
                                w.put(UInt64(code[tok]) | rest << UInt64(l), l + extra)
                            } else {
                                w.put(UInt64(code[tok]), l)
                                w.put(rest & 0xFFFF_FFFF, 32)
                                w.put(rest >> 32, extra - 32)
                            }
                            i += streamCount
                        }
                    }
                }
                w.finish()
            }
        }
        out.removeLast(8)
        return true
    }

    /// A little-endian, LSB-first bit writer over a buffer with 8 bytes of slack after its end.
    struct BitWriter {
        var p: UnsafeMutableRawPointer
        var acc: UInt64 = 0
        var bits = 0

        init(_ p: UnsafeMutableRawPointer) { self.p = p }

        /// Appends the low `n` bits of `v` (n ≤ 56; `v` has no bits above them).
        @inline(__always)
        mutating func put(_ v: UInt64, _ n: Int) {
            acc |= v &<< UInt64(bits)
            bits &+= n
            p.storeBytes(of: acc.littleEndian, as: UInt64.self)
            let whole = bits >> 3
            p += whole
            acc = whole == 8 ? 0 : acc &>> UInt64(whole << 3)
            bits &= 7
        }

        mutating func finish() {
            if bits > 0 { p.storeBytes(of: acc.littleEndian, as: UInt64.self) }
        }
    }

    /// Huffman code lengths (0 for unused symbols) of at most `limit` bits. When the optimal code is longer,
    /// the counts are flattened (halved, keeping every used symbol at 1 or more) until it fits.
    static func codeLengths(_ counts: [Int], limit: Int) -> [UInt8] {
        var c = counts
        while true {
            let lengths = unlimitedLengths(c)
            if lengths.allSatisfy({ Int($0) <= limit }) { return lengths }
            for i in c.indices where c[i] > 0 { c[i] = max(1, c[i] >> 1) }
        }
    }

    /// Optimal code lengths by the two-queue Huffman construction; a single used symbol gets length 1.
    static func unlimitedLengths(_ counts: [Int]) -> [UInt8] {
        var lengths = [UInt8](repeating: 0, count: counts.count)
        let used = counts.indices.filter { counts[$0] > 0 }.sorted { (counts[$0], $0) < (counts[$1], $1) }
        if used.count == 1 { lengths[used[0]] = 1 }
        guard used.count > 1 else { return lengths }
        // Nodes 0..<used.count are leaves (ascending weight); internal nodes follow in creation order,
        // which is also ascending weight.
        var weight = used.map { counts[$0] }
        var parent = [Int](repeating: -1, count: 2 * used.count - 1)
        var leaf = 0, inner = used.count
        weight.reserveCapacity(2 * used.count - 1)
        func takeSmallest() -> Int {
            if leaf < used.count && (inner >= weight.count || weight[leaf] <= weight[inner]) { leaf += 1; return leaf - 1 }
            inner += 1
            return inner - 1
        }
        for _ in 0..<(used.count - 1) {
            let a = takeSmallest(), b = takeSmallest()
            parent[a] = weight.count
            parent[b] = weight.count
            weight.append(weight[a] + weight[b])
        }
        // Depth of each node, from the root (the last node) down.
        var depth = [Int](repeating: 0, count: weight.count)
        for i in stride(from: weight.count - 2, through: 0, by: -1) { depth[i] = depth[parent[i]] + 1 }
        for (k, sym) in used.enumerated() { lengths[sym] = UInt8(min(depth[k], 255)) }
        return lengths
    }

    /// Canonical codes for `lengths` (by length, then symbol), bit-reversed for an LSB-first stream.
    static func canonicalCodes(_ lengths: [UInt8]) -> [UInt16] {
        var countOfLength = [Int](repeating: 0, count: maxCodeLength + 1)
        for l in lengths where l > 0 { countOfLength[Int(l)] += 1 }
        var next = [Int](repeating: 0, count: maxCodeLength + 2)
        var code = 0
        for l in 1...maxCodeLength {
            code = (code + countOfLength[l - 1]) << 1
            next[l] = code
        }
        var codes = [UInt16](repeating: 0, count: lengths.count)
        for (sym, l) in lengths.enumerated() where l > 0 {
            let c = next[Int(l)]
            next[Int(l)] += 1
            var rev = 0
            for b in 0..<Int(l) where c >> b & 1 != 0 { rev |= 1 << (Int(l) - 1 - b) }
            codes[sym] = UInt16(rev)
        }
        return codes
    }

    // MARK: stream decoder

    /// Values are dealt round-robin into this many bit streams, so a decoder follows four independent chains
    /// of (load, table lookup, advance) at once instead of one (as zstd's Huffman decoder does).
    static let streamCount = 4

    /// One stream's read position, over a buffer of `count` bytes.
    struct BitCursor {
        let base: UnsafeRawPointer
        let count: Int
        var pos = 0

        /// At least 57 valid bits from `pos` on (zeros past the end of the stream).
        @inline(__always)
        func peek() -> UInt64 {
            let byte = pos &>> 3
            if byte &+ 8 <= count {
                return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: byte, as: UInt64.self)) &>> UInt64(pos & 7)
            }
            return tail(byte) &>> UInt64(pos & 7)
        }

        func tail(_ byte: Int) -> UInt64 {
            var w: UInt64 = 0
            var i = 0
            while byte + i < count && i < 8 {
                w |= UInt64(base.load(fromByteOffset: byte + i, as: UInt8.self)) << UInt64(8 * i)
                i += 1
            }
            return w
        }
    }

    /// The decode tables of one stream header.
    struct DecodeTables {
        /// Indexed by the next `bits` stream bits: token << 10 | extra bits << 4 | code length; 0 marks a pattern
        /// no code starts with.
        var table: [UInt32]
        var bits: Int
        /// Per token: the value with its extra bits zero.
        var lead: [UInt64]
        /// True when some token has more than 44 extra bits (they need a second load).
        var wide: Bool
        /// The most bits one value takes: its code and extra bits.
        var maxBits: Int
        /// Bits a value takes on average if tokens come as often as their codes say (2^-length).
        var meanBits: Double
    }

    static func decodeTables(_ lengths: [UInt8], _ t: Tokens, at: Int) throws(CodecError) -> DecodeTables {
        // Kraft: the lengths must form a prefix code; an incomplete code leaves table entries 0 (invalid).
        var kraft = 0
        var longest = 0
        for l in lengths where l > 0 {
            guard Int(l) <= maxCodeLength else { throw CodecError("huffman code length \(l) exceeds \(maxCodeLength) at offset \(at + 4)") }
            kraft += 1 << (maxCodeLength - Int(l))
            longest = max(longest, Int(l))
        }
        guard longest > 0, kraft <= 1 << maxCodeLength else {
            throw CodecError("huffman code lengths at offset \(at + 4) do not form a prefix code")
        }
        let codes = canonicalCodes(lengths)
        var table = [UInt32](repeating: 0, count: 1 << longest)
        var lead = [UInt64](repeating: 0, count: lengths.count)
        var wide = false
        var maxBits = 1
        var meanBits = 0.0
        let small = 1 << t.split
        for (tok, l) in lengths.enumerated() {
            var extra = 0
            if tok < small {
                lead[tok] = UInt64(tok)
            } else {
                let u = tok - small
                extra = t.split + (u >> t.msbBits) - t.msbBits
                lead[tok] = UInt64((1 << t.msbBits) | (u & ((1 << t.msbBits) - 1))) << UInt64(extra)
            }
            guard l > 0 else { continue }
            if extra > 44 { wide = true }
            maxBits = max(maxBits, Int(l) + extra)
            meanBits += Double(Int(l) + extra) / Double(1 << Int(l))
            let entry = UInt32(tok << 10) | UInt32(extra) << 4 | UInt32(l)
            for j in stride(from: Int(codes[tok]), to: 1 << longest, by: 1 << Int(l)) { table[j] = entry }
        }
        return DecodeTables(table: table, bits: longest, lead: lead, wide: wide, maxBits: maxBits, meanBits: meanBits)
    }

    /// The tables of the unchecked kernels, indexed by the next `bits` stream bits (`bits` ≥ the longest code).
    /// `entries`: bits 0–6 the bits the lookup takes; 7–10 the first code's length; 11–16 the first value's extra
    /// bits; 17–18 the values it gives, minus 1; 19–63 the first value with its extra bits zero. `more`: the second
    /// to fourth values, a byte each (tokens below 256 with no extra bits whose codes lie whole in the index).
    /// An entry of 0 is a pattern no code starts with (it takes no bits, which the kernels report).
    struct FastTables {
        var entries: [UInt64]
        var more: [UInt32]
        var bits: Int
        /// The most bits one lookup takes.
        var roundBits: Int
    }

    /// Bits a multi-value table is indexed by: 2^11 entries (16 KiB + 8 KiB) stay in L1.
    static let multiBits = 11

    /// nil when some value's leading part does not fit 45 bits (64-bit lanes with huge gaps): the bounds-checked
    /// path decodes those. `multi`: up to four values a lookup, for codes averaging a few bits.
    static func fastTables(_ t: DecodeTables, multi: Bool) -> FastTables? {
        let bits = multi ? max(t.bits, multiBits) : t.bits
        let size = 1 << bits, mask = (1 << t.bits) - 1
        var roundBits = bits
        var ok = true
        var more = [UInt32](repeating: 0, count: multi ? size : 0)
        let entries = [UInt64](unsafeUninitializedCapacity: size) { m, done in
            t.table.withUnsafeBufferPointer { tab in
                t.lead.withUnsafeBufferPointer { lead in
                    for x in 0..<size {
                        let e = tab[x & mask]
                        let tok = Int(e >> 10), l = Int(e & 15), nb = Int(e >> 4 & 63)
                        if lead[tok] >> 45 != 0 { ok = false }
                        var taken = l + nb
                        var values = 1
                        var rest: UInt32 = 0
                        // Further codes whose bits are all known (the index's bits past them are not).
                        while multi && values < 4 && taken < bits && e != 0 {
                            let f = tab[(x >> taken) & mask]
                            let fl = Int(f & 15)
                            guard f != 0, f >> 4 & 63 == 0, fl <= bits - taken, lead[Int(f >> 10)] < 256 else { break }
                            rest |= UInt32(lead[Int(f >> 10)]) << UInt32(8 * (values - 1))
                            taken += fl
                            values += 1
                        }
                        if multi { more[x] = rest }
                        roundBits = max(roundBits, taken)
                        m[x] = e == 0 ? 0 : lead[tok] << 19 | UInt64(values - 1) << 17 | UInt64(nb) << 11 | UInt64(l) << 7 | UInt64(taken)
                    }
                }
            }
            done = size
        }
        return ok ? FastTables(entries: entries, more: more, bits: bits, roundBits: roundBits) : nil
    }

    /// Reads a stream of `n` values into `out`, each plus `base` (wrapping in the lane's width). `kernels: false`
    /// decodes every value on the bounds-checked path (tests compare the two).
    static func decodeStream<T: FixedWidthInteger & UnsignedInteger>(
        _ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<T>, adding base: T = 0, kernels: Bool = true
    ) throws(CodecError) {
        let at = r.offset
        let s = Int(try r.u8("huffman split"))
        let m = Int(try r.u8("huffman msb bits"))
        guard s <= maxSplit, m <= maxMSBBits, m <= s else {
            throw CodecError("huffman token split \(s)/\(m) is out of range at offset \(at)")
        }
        let tokens = Tokens(split: s, msbBits: m)
        let tokenCount = Int(UInt16(littleEndian: try r.take(2, "huffman token count").loadUnaligned(as: UInt16.self)))
        // Tokens may only name values that fit the lane.
        guard tokenCount <= tokens.alphabet(bits: T.bitWidth), n == 0 || tokenCount > 0 else {
            throw CodecError("huffman token count \(tokenCount) does not fit \(T.bitWidth)-bit values at offset \(at + 2)")
        }
        let packed = try r.take((tokenCount + 1) >> 1, "huffman code lengths")
        var lengths = [UInt8](repeating: 0, count: tokenCount)
        for i in 0..<tokenCount {
            let b = packed.load(fromByteOffset: i >> 1, as: UInt8.self)
            lengths[i] = i & 1 == 0 ? b & 15 : b >> 4
        }
        let streamsAt = r.offset
        var sizes: [Int] = []
        for _ in 0..<streamCount { sizes.append(Int(try r.u32("huffman stream length"))) }
        let all = try r.take(sizes.reduce(0, +), "huffman streams")
        guard n > 0 else { return }
        let tables = try decodeTables(lengths, tokens, at: at)
        var starts = [0, 0, 0, 0]
        for k in 1..<streamCount { starts[k] = starts[k - 1] + sizes[k - 1] }
        var decoded = [0, 0, 0, 0], pos = [0, 0, 0, 0]
        var failed = false
        // Codes of a few bits on average (a value in 5.5 bits or less, by the code's own probabilities 2^-length)
        // are decoded up to four a lookup; longer ones one a lookup, with a smaller table to build.
        if kernels, !tables.wide, let fast = fastTables(tables, multi: tables.meanBits * 2 <= Double(multiBits)) {
            let args = (starts: starts, sizes: sizes, mask: (UInt64(1) << UInt64(fast.bits)) &- 1, roundBits: fast.roundBits)
            failed = fast.entries.withUnsafeBufferPointer { e in
                fast.more.isEmpty
                    ? decodeSingle(all, args.starts, args.sizes, e.baseAddress!, mask: args.mask, roundBits: args.roundBits,
                                   count: n, into: out, adding: base, decoded: &decoded, positions: &pos)
                    : fast.more.withUnsafeBufferPointer { m in
                        decodeMulti(all, args.starts, args.sizes, e.baseAddress!, m.baseAddress!, mask: args.mask,
                                    roundBits: args.roundBits, count: n, into: out, adding: base, decoded: &decoded, positions: &pos)
                    }
            }
        }
        // The rest of each stream (all of it when some value needs two loads), value by value.
        var overrun: (stream: Int, bits: Int)? = nil
        tables.table.withUnsafeBufferPointer { tab in
            tables.lead.withUnsafeBufferPointer { lead in
                let mask = (UInt64(1) << UInt64(tables.bits)) &- 1
                for k in 0..<streamCount {
                    var c = BitCursor(base: all + starts[k], count: sizes[k], pos: pos[k])
                    var j = decoded[k]
                    let values = (n - k + streamCount - 1) / streamCount
                    while j < values {
                        out[j &* streamCount &+ k] = base &+ T(truncatingIfNeeded: next(&c, tab, lead, mask, &failed))
                        j += 1
                    }
                    if overrun == nil && c.pos > 8 * c.count { overrun = (k, c.pos - 8 * c.count) }
                }
            }
        }
        if failed { throw CodecError("huffman streams at offset \(streamsAt) hold a bit pattern no code starts with") }
        if let (k, bits) = overrun {
            throw CodecError("huffman stream \(k) at offset \(streamsAt) ends \(bits) bits before its values")
        }
    }

    /// The next value of `c`, with bounds-checked loads and values of up to 64 extra bits; sets `failed` at a
    /// pattern no code starts with (the cursor then stalls, and the values are thrown away).
    @inline(__always)
    static func next(_ c: inout BitCursor, _ tab: UnsafeBufferPointer<UInt32>, _ lead: UnsafeBufferPointer<UInt64>,
                     _ mask: UInt64, _ failed: inout Bool) -> UInt64 {
        let w = c.peek()
        let e = Int(tab[Int(truncatingIfNeeded: w & mask)])
        let l = e & 15
        let nb = (e &>> 4) & 63
        let tok = e &>> 10
        if l == 0 { failed = true }
        c.pos &+= l &+ nb
        if nb > 44 {
            var d = c
            d.pos &-= nb
            let lo = d.peek() & 0xFFFF_FFFF
            d.pos &+= 32
            let hi = d.peek() & ((UInt64(1) &<< UInt64(nb - 32)) &- 1)
            return lead[tok] | lo | hi &<< 32
        }
        return lead[tok] | (w &>> UInt64(l)) & ((UInt64(1) &<< UInt64(nb)) &- 1)
    }

    /// Decodes rounds of one lookup per stream (stream k holds rows k, k+4, …) for as long as no stream can reach
    /// its last 7 bytes or write past its last row: a lookup takes at most `roundBits` bits, and a word load shifted
    /// by up to 7 leaves 57 valid bits, so a run of rounds is sized once and has no checks inside. One value a
    /// lookup. Returns whether a pattern no code starts with was met; `decoded` and `positions` say where each
    /// stream stopped.
    @inline(__always)
    static func decodeSingle<T: FixedWidthInteger & UnsignedInteger>(
        _ all: UnsafeRawPointer, _ starts: [Int], _ sizes: [Int], _ tab: UnsafePointer<UInt64>,
        mask: UInt64, roundBits: Int, count n: Int, into out: UnsafeMutablePointer<T>, adding base: T,
        decoded: inout [Int], positions: inout [Int]
    ) -> Bool {
        var p0 = 0, p1 = starts[1] &<< 3, p2 = starts[2] &<< 3, p3 = starts[3] &<< 3
        let end0 = (sizes[0] &- 7) &<< 3, end1 = (starts[1] &+ sizes[1] &- 7) &<< 3
        let end2 = (starts[2] &+ sizes[2] &- 7) &<< 3, end3 = (starts[3] &+ sizes[3] &- 7) &<< 3
        var invalid: UInt64 = 0
        var i = 0
        @inline(__always) func one(_ p: inout Int) -> T {
            let w = UInt64(littleEndian: all.loadUnaligned(fromByteOffset: p &>> 3, as: UInt64.self)) &>> UInt64(p & 7)
            let e = tab[Int(truncatingIfNeeded: w & mask)]
            p &+= Int(truncatingIfNeeded: e & 127)
            invalid |= ((e & 127) &- 1) &>> 63
            return base &+ T(truncatingIfNeeded: e &>> 19 | (w &>> (e &>> 7 & 15)) & ((1 &<< (e &>> 11 & 63)) &- 1))
        }
        while true {
            let rounds = min(min(end0 &- p0, end1 &- p1, end2 &- p2, end3 &- p3) / roundBits, (n &- i) &>> 2)
            guard rounds > 0 else { break }
            for _ in 0..<rounds {
                out[i] = one(&p0)
                out[i &+ 1] = one(&p1)
                out[i &+ 2] = one(&p2)
                out[i &+ 3] = one(&p3)
                i &+= 4
            }
        }
        decoded = [i &>> 2, i &>> 2, i &>> 2, i &>> 2]
        positions = [p0, p1 &- (starts[1] &<< 3), p2 &- (starts[2] &<< 3), p3 &- (starts[3] &<< 3)]
        return invalid != 0
    }

    /// As `decodeSingle`, up to four values a lookup: each stream writes four rows a round (the ones past what the
    /// lookup gave are rewritten by the next round) and moves on by as many as it gave.
    @inline(__always)
    static func decodeMulti<T: FixedWidthInteger & UnsignedInteger>(
        _ all: UnsafeRawPointer, _ starts: [Int], _ sizes: [Int], _ tab: UnsafePointer<UInt64>, _ more: UnsafePointer<UInt32>,
        mask: UInt64, roundBits: Int, count n: Int, into out: UnsafeMutablePointer<T>, adding base: T,
        decoded: inout [Int], positions: inout [Int]
    ) -> Bool {
        var p0 = 0, p1 = starts[1] &<< 3, p2 = starts[2] &<< 3, p3 = starts[3] &<< 3
        let end0 = (sizes[0] &- 7) &<< 3, end1 = (starts[1] &+ sizes[1] &- 7) &<< 3
        let end2 = (starts[2] &+ sizes[2] &- 7) &<< 3, end3 = (starts[3] &+ sizes[3] &- 7) &<< 3
        var o0 = out, o1 = out + 1, o2 = out + 2, o3 = out + 3
        // Just past each stream's last row (stream k has (n - k + 3) / 4 rows).
        let last0 = out + (((n &+ 3) &>> 2) &<< 2), last1 = out + 1 + (((n &+ 2) &>> 2) &<< 2)
        let last2 = out + 2 + (((n &+ 1) &>> 2) &<< 2), last3 = out + 3 + ((n &>> 2) &<< 2)
        var invalid: UInt64 = 0
        @inline(__always) func round(_ p: inout Int, _ o: inout UnsafeMutablePointer<T>) {
            let w = UInt64(littleEndian: all.loadUnaligned(fromByteOffset: p &>> 3, as: UInt64.self)) &>> UInt64(p & 7)
            let x = Int(truncatingIfNeeded: w & mask)
            let e = tab[x], m = more[x]
            p &+= Int(truncatingIfNeeded: e & 127)
            invalid |= ((e & 127) &- 1) &>> 63
            o[0] = base &+ T(truncatingIfNeeded: e &>> 19 | (w &>> (e &>> 7 & 15)) & ((1 &<< (e &>> 11 & 63)) &- 1))
            o[4] = base &+ T(truncatingIfNeeded: m & 255)
            o[8] = base &+ T(truncatingIfNeeded: m &>> 8 & 255)
            o[12] = base &+ T(truncatingIfNeeded: m &>> 16)
            o += Int(truncatingIfNeeded: (e &>> 17 & 3) &+ 1) &<< 2
        }
        while true {
            let bits = min(end0 &- p0, end1 &- p1, end2 &- p2, end3 &- p3)
            // Rows left in the stream with the fewest; a round writes 4 of a stream's rows.
            let rows = min(last0 - o0, last1 - o1, last2 - o2, last3 - o3) &>> 2
            let rounds = min(bits / roundBits, rows &>> 2)
            guard rounds > 0 else { break }
            for _ in 0..<rounds {
                round(&p0, &o0)
                round(&p1, &o1)
                round(&p2, &o2)
                round(&p3, &o3)
            }
        }
        decoded = [(o0 - out) &>> 2, (o1 - out) &>> 2, (o2 - out) &>> 2, (o3 - out) &>> 2]
        positions = [p0, p1 &- (starts[1] &<< 3), p2 &- (starts[2] &<< 3), p3 &- (starts[3] &<< 3)]
        return invalid != 0
    }
}
