/// Parquet's RLE/bit-packed hybrid encoding, used for definition levels and dictionary indices.
///
/// A run starts with a ULEB128 header: `count << 1` for an RLE run (then the value in
/// ceil(bitWidth/8) little-endian bytes), or `groups << 1 | 1` for `groups × 8` bit-packed values
/// (LSB first, `bitWidth` bits each). Runs of 8 or more equal values become RLE runs.
public enum RLEHybrid {
    /// The number of bits needed to hold `maxValue`.
    public static func bitWidth(_ maxValue: UInt32) -> Int { 32 - maxValue.leadingZeroBitCount }

    /// Appends `values` encoded with `bitWidth` bits to `out` (without a length prefix).
    public static func encode(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, into out: inout [UInt8]) {
        let n = values.count
        var i = 0
        @inline(__always) func runLength(at i: Int) -> Int {
            var j = i &+ 1
            let v = values[i]
            while j < n && values[j] == v { j &+= 1 }
            return j &- i
        }
        while i < n {
            let run = runLength(at: i)
            if run >= 8 {
                appendULEB(UInt64(run) << 1, to: &out)
                var v = values[i]
                for _ in 0..<((bitWidth + 7) / 8) {
                    out.append(UInt8(truncatingIfNeeded: v))
                    v >>= 8
                }
                i &+= run
                continue
            }
            // Bit-packed groups of 8 until a long run starts at a group boundary (or 63 groups, one header byte).
            let start = i
            var groups = 0
            repeat {
                i &+= 8
                groups &+= 1
            } while i < n && groups < 63 && runLength(at: i) < 8
            appendULEB(UInt64(groups) << 1 | 1, to: &out)
            pack(values, from: start, count: groups * 8, bitWidth: bitWidth, into: &out)
        }
    }

    /// Appends `count` values from `start` packed LSB first; positions past the end pack as 0.
    static func pack(_ values: UnsafeBufferPointer<UInt32>, from start: Int, count: Int, bitWidth: Int,
                     into out: inout [UInt8]) {
        guard bitWidth > 0 else { return }
        var acc: UInt64 = 0
        var bits = 0
        for k in start..<(start + count) {
            let v = k < values.count ? UInt64(values[k]) : 0
            acc |= v << UInt64(bits)
            bits += bitWidth
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: acc))
                acc >>= 8
                bits -= 8
            }
        }
        if bits > 0 { out.append(UInt8(truncatingIfNeeded: acc)) }
    }

    static func appendULEB(_ v: UInt64, to out: inout [UInt8]) {
        var v = v
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Decodes `count` values of `bitWidth` bits from `input` into `out` (which it appends to).
    /// Throws when the input ends early or a run is malformed.
    public static func decode(_ input: UnsafeRawBufferPointer, bitWidth: Int, count: Int,
                              into out: inout [UInt32]) throws(ParquetError) {
        guard bitWidth <= 32 else { throw .corrupt("RLE bit width \(bitWidth) is over 32") }
        var pos = 0
        var left = count
        let valueBytes = (bitWidth + 7) / 8
        let mask: UInt64 = bitWidth == 0 ? 0 : (UInt64(1) << UInt64(bitWidth)) - 1
        while left > 0 {
            var header: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard pos < input.count else { throw .corrupt("RLE data ends inside a run header") }
                let b = input[pos]; pos += 1
                guard shift < 64 else { throw .corrupt("RLE run header is too long") }
                header |= UInt64(b & 0x7F) << shift
                if b < 0x80 { break }
                shift += 7
            }
            if header & 1 == 0 {
                let run = Int(clamping: header >> 1)
                guard run > 0 else { throw .corrupt("RLE run of length 0") }
                guard pos + valueBytes <= input.count else { throw .corrupt("RLE data ends inside a run value") }
                var v: UInt32 = 0
                for b in 0..<valueBytes { v |= UInt32(input[pos + b]) << UInt32(8 * b) }
                pos += valueBytes
                let take = min(run, left)
                out.append(contentsOf: repeatElement(v, count: take))
                left -= take
            } else {
                let values = Int(clamping: header >> 1) * 8
                guard values > 0 else { throw .corrupt("bit-packed run of 0 groups") }
                let byteCount = (values * bitWidth + 7) / 8
                // The last run may be cut short by writers that stop at the values they have.
                let take = min(values, left)
                let needed = (take * bitWidth + 7) / 8
                guard pos + needed <= input.count else { throw .corrupt("RLE data ends inside a bit-packed run") }
                var acc: UInt64 = 0, bits = 0, p = pos
                for _ in 0..<take {
                    while bits < bitWidth {
                        acc |= UInt64(input[p]) << UInt64(bits)
                        p += 1
                        bits += 8
                    }
                    out.append(UInt32(truncatingIfNeeded: acc & mask))
                    acc = bitWidth == 64 ? 0 : acc >> UInt64(bitWidth)
                    bits -= bitWidth
                }
                pos = min(pos + byteCount, input.count)
                left -= take
            }
        }
    }
}
