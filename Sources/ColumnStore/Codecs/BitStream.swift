/// A little-endian bit stream writer: bits fill each byte from its least significant bit.
struct BitWriter {
    private var acc: UInt64 = 0
    private var bits = 0

    /// Appends the low `width` (0…64) bits of `v` (higher bits must be 0).
    @inline(__always)
    mutating func write(_ v: UInt64, width: Int, to out: inout [UInt8]) {
        guard width > 0 else { return }
        acc |= v &<< UInt64(bits)
        let total = bits + width
        if total >= 64 {
            out.appendLittleEndian(acc)
            acc = total == 64 ? 0 : v &>> UInt64(64 - bits)
            bits = total - 64
        } else {
            bits = total
        }
    }

    /// Writes the partial last byte(s).
    mutating func flush(to out: inout [UInt8]) {
        if bits > 0 { out.appendLittleEndian(acc, byteCount: (bits + 7) >> 3) }
        acc = 0
        bits = 0
    }
}

/// Reads a stream written by `BitWriter`, throwing when it runs out.
struct BitReader {
    private let base: UnsafeRawPointer
    private let byteCount: Int
    private var next = 0        // next byte to load into acc
    private var acc: UInt64 = 0
    private var avail = 0       // valid bits in acc

    init(_ base: UnsafeRawPointer, byteCount: Int) {
        self.base = base
        self.byteCount = byteCount
    }

    /// Bytes the stream used so far (a partial byte counts).
    var bytesConsumed: Int { next - avail / 8 }

    @inline(__always)
    private mutating func refill() {
        while avail <= 56 && next < byteCount {
            acc |= UInt64(base.load(fromByteOffset: next, as: UInt8.self)) &<< UInt64(avail)
            next += 1
            avail += 8
        }
    }

    /// Reads `width` (0…64) bits.
    @inline(__always)
    mutating func read(_ width: Int) throws(CodecError) -> UInt64 {
        if width > 32 {
            let lo = try read(32)
            return lo | (try read(width - 32)) &<< 32
        }
        if avail < width { refill() }
        guard avail >= width else { throw CodecError("bit stream truncated: \(width) bits wanted, \(avail) left") }
        let v = width == 0 ? 0 : acc & ((1 &<< UInt64(width)) &- 1)
        acc = width == 64 ? 0 : acc &>> UInt64(width)
        avail -= width
        return v
    }
}
