/// ALP-style floats (`EncodingID.alp`): decimals with exceptions, after DuckDB's ALP ("adaptive lossless
/// floating point"). Most values are exact decimals at one exponent e and are stored as the integers
/// value × 10^e with an integer encoding; the few that are not (NaN, ±inf, -0.0, a reading with more
/// digits, values beyond ±2^53 × 10^-e) are stored aside as raw bit patterns with their rows.
///
/// Payload: `e u8` (0…18) · `inner u8` (an integer EncodingID) · `k u32` (exceptions, ≤ rows) ·
/// k × `row u32` (strictly ascending, < rows) · k × `bits u64` · the inner payload over the rows' Int64
/// lanes, where an exception row holds its predecessor's integer (the first decimal's before any), so it
/// widens neither a frame of reference nor a delta.
/// Decoding computes `Double(i) / 10^e` for every row (correctly rounded, as `DecimalCodec`), then puts
/// the exceptions' bit patterns at their rows. The encoder keeps a value as a decimal only when that gives
/// back its exact bit pattern. Where every value is a decimal, `.decimal` is 4 bytes smaller and wins.
enum ALPCodec {
    /// A block's values split into decimals and exceptions.
    struct Split {
        var exponent: Int
        /// value × 10^e per row; exception rows hold a filler.
        var ints: [UInt64]
        var rows: [UInt32]
        var bits: [UInt64]
    }

    /// Values sampled to choose the exponent.
    static let sampleSize = 2_048
    /// Bits an exception costs: its row and its value.
    static let exceptionBits = 96

    /// The exponent the sampled values cost least at — the integers' bit width times the decimals plus
    /// 96 bits an exception — and the split at it; nil when no value or more than a quarter of them (and
    /// more than one) would be exceptions (byte shuffle does better then), or none would (`.decimal` does).
    static func split(_ v: UnsafeBufferPointer<UInt64>) -> Split? {
        let n = v.count
        guard n > 0 else { return nil }
        let step = Swift.max(1, n / sampleSize)
        var best = (cost: Int.max, exponent: 0)
        for e in 0...DecimalCodec.maxExponent {
            let p = DecimalCodec.powers[e]
            var lo = Int64.max, hi = Int64.min, sampled = 0, exceptions = 0
            var i = 0
            while i < n {
                sampled += 1
                if let q = DecimalCodec.scaled(Double(bitPattern: v[i]), p) {
                    lo = Swift.min(lo, q)
                    hi = Swift.max(hi, q)
                } else {
                    exceptions += 1
                }
                i += step
            }
            let width = lo > hi ? 0 : 64 - UInt64(bitPattern: hi &- lo).leadingZeroBitCount
            let cost = (sampled - exceptions) * width + exceptions * exceptionBits
            if cost < best.cost { best = (cost, e) }
            // A larger exponent only widens the integers once every sampled value fits.
            if exceptions == 0 { break }
        }
        let p = DecimalCodec.powers[best.exponent]
        var ints = [UInt64](repeating: 0, count: n)
        var rows: [UInt32] = [], bits: [UInt64] = []
        var filler: Int64? = nil
        for i in 0..<n {
            if let q = DecimalCodec.scaled(Double(bitPattern: v[i]), p) {
                if filler == nil {
                    // Leading exceptions take the first decimal's integer.
                    for j in 0..<i { ints[j] = UInt64(bitPattern: q) }
                }
                ints[i] = UInt64(bitPattern: q)
                filler = q
            } else {
                rows.append(UInt32(i))
                bits.append(v[i])
                if rows.count > Swift.max(1, n / 4) { return nil }
                if let filler { ints[i] = UInt64(bitPattern: filler) }
            }
        }
        guard !rows.isEmpty, filler != nil else { return nil }
        return Split(exponent: best.exponent, ints: ints, rows: rows, bits: bits)
    }

    /// Appends the payload with the integers encoded as `inner`; false when `inner` refuses them.
    static func encode(_ s: Split, inner: EncodingID, limit: Int = .max, into out: inout [UInt8]) -> Bool {
        let at = out.count
        out.append(UInt8(s.exponent))
        out.append(inner.rawValue)
        out.appendLittleEndian(UInt32(s.rows.count))
        for r in s.rows { out.appendLittleEndian(r) }
        for b in s.bits { out.appendLittleEndian(b) }
        let ok = s.ints.withUnsafeBufferPointer { IntegerCodecs.encode(inner, $0, signed: true, limit: limit, into: &out) }
        if !ok { out.removeSubrange(at...) }
        return ok
    }

    /// Offset of the inner payload in a body whose ALP payload starts at `payloadAt`.
    static func innerPayloadOffset(_ body: [UInt8], payloadAt p: Int) -> Int {
        let k = Int(body[p + 2]) | Int(body[p + 3]) << 8 | Int(body[p + 4]) << 16 | Int(body[p + 5]) << 24
        return p + 6 + 12 * k
    }

    static func decode(_ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<UInt64>) throws(CodecError) {
        let at = r.offset
        let e = Int(try r.u8("alp exponent"))
        guard e <= DecimalCodec.maxExponent else { throw CodecError("alp exponent \(e) exceeds \(DecimalCodec.maxExponent) at offset \(at)") }
        let raw = try r.u8("alp inner encoding")
        guard let inner = EncodingID(rawValue: raw), DecimalCodec.innerEncodings.contains(inner) else {
            throw CodecError("alp inner encoding \(raw) is not an integer encoding at offset \(at + 1)")
        }
        let k = Int(try r.u32("alp exception count"))
        guard k <= n else { throw CodecError("alp block of \(n) rows claims \(k) exceptions at offset \(at + 2)") }
        let rowsAt = r.offset
        let rows = try r.take(4 * k, "alp exception rows")
        let values = try r.take(8 * k, "alp exception values")
        try IntegerCodecs.decode(inner, &r, count: n, into: out)
        let p = DecimalCodec.powers[e]
        for i in 0..<n { out[i] = (Double(Int64(bitPattern: out[i])) / p).bitPattern }
        var previous = -1
        for j in 0..<k {
            let row = Int(UInt32(littleEndian: rows.loadUnaligned(fromByteOffset: 4 * j, as: UInt32.self)))
            guard row > previous && row < n else {
                throw CodecError("alp exception row \(row) at offset \(rowsAt + 4 * j) is not ascending below \(n)")
            }
            out[row] = UInt64(littleEndian: values.loadUnaligned(fromByteOffset: 8 * j, as: UInt64.self))
            previous = row
        }
    }
}
