/// Gorilla XOR compression of floats (`EncodingID.gorilla`, after Facebook's Gorilla paper).
///
/// Payload: `first u64` (bit pattern) · bit stream (BitStream.swift) with, for each next value, its XOR `x`
/// with the previous value:
/// ```
/// 0                                   x == 0 (value repeats)
/// 1 0 <m bits>                        x fits the previous window (same or more leading and trailing zeros)
/// 1 1 <lead:6> <m-1:6> <m bits>       a new window: lead leading zeros, m meaningful bits
/// ```
/// The stream ends on the first whole byte after the last value. Wins on slowly changing gauges;
/// decoding is bit-serial, so it is kept only when it beats the other float encodings on size.
enum GorillaCodec {
    static func encode(_ v: UnsafeBufferPointer<UInt64>, into out: inout [UInt8]) {
        out.appendLittleEndian(v.first ?? 0)
        guard v.count > 1 else { return }
        var w = BitWriter()
        var prev = v[0]
        var lead = 65, trail = 0     // no window yet
        for i in 1..<v.count {
            let x = v[i] ^ prev
            prev = v[i]
            if x == 0 { w.write(0, width: 1, to: &out); continue }
            let l = x.leadingZeroBitCount, t = x.trailingZeroBitCount
            if lead <= 64 && l >= lead && t >= trail {
                w.write(0b01, width: 2, to: &out)
                w.write(x &>> UInt64(trail), width: 64 - lead - trail, to: &out)
            } else {
                lead = l; trail = t
                let m = 64 - l - t
                w.write(0b11, width: 2, to: &out)
                w.write(UInt64(l), width: 6, to: &out)
                w.write(UInt64(m - 1), width: 6, to: &out)
                w.write(x &>> UInt64(t), width: m, to: &out)
            }
        }
        w.flush(to: &out)
    }

    static func decode(_ r: inout PayloadReader, count n: Int, into out: UnsafeMutablePointer<UInt64>) throws(CodecError) {
        let first = try r.u64("gorilla first value")
        guard n > 0 else { return }
        out[0] = first
        guard n > 1 else { return }
        let start = r.offset
        let stream = try r.take(r.remaining, "gorilla stream")
        var b = BitReader(stream, byteCount: r.count - start)
        var prev = first
        var lead = -1, trail = 0
        for i in 1..<n {
            if try b.read(1) != 0 {
                if try b.read(1) != 0 {
                    lead = Int(try b.read(6))
                    let m = Int(try b.read(6)) + 1
                    guard lead + m <= 64 else { throw CodecError("gorilla window \(lead)+\(m) bits exceeds 64 at row \(i)") }
                    trail = 64 - lead - m
                } else if lead < 0 {
                    throw CodecError("gorilla reuses a window before any at row \(i)")
                }
                prev ^= try b.read(64 - lead - trail) &<< UInt64(trail)
            }
            out[i] = prev
        }
        guard b.bytesConsumed == r.count - start else {
            throw CodecError("gorilla stream has \(r.count - start - b.bytesConsumed) trailing bytes at offset \(start + b.bytesConsumed)")
        }
    }
}
