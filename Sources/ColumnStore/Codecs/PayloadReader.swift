/// Reads a decoded block body front to back, throwing `CodecError` (with the offset) instead of reading past it.
///
/// `readable` may exceed `count` when the body sits in a scratch buffer with slack after it: bit-unpacking
/// kernels then load whole 8-byte words near the end instead of taking the byte-wise path.
struct PayloadReader {
    let base: UnsafeRawPointer
    /// Bytes of the body.
    let count: Int
    /// Bytes that may be loaded (count + slack); never read as data.
    let readable: Int
    private(set) var offset: Int = 0

    init(_ buffer: UnsafeRawBufferPointer, slack: Int = 0) {
        // An empty body has no address; point at a static zero word so loads of 0 bytes are well-defined.
        base = buffer.baseAddress ?? UnsafeRawPointer(PayloadReader.empty)
        count = buffer.count
        readable = buffer.baseAddress == nil ? 0 : buffer.count + slack
    }

    nonisolated(unsafe) private static let empty = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)

    var remaining: Int { count - offset }
    var atEnd: Bool { offset == count }

    /// Skips `n` bytes of `what` and returns where they start.
    @inline(__always)
    mutating func take(_ n: Int, _ what: StaticString) throws(CodecError) -> UnsafeRawPointer {
        guard n >= 0, n <= count - offset else {
            throw CodecError("block truncated: \(what) needs \(n) bytes at offset \(offset), \(count - offset) left")
        }
        defer { offset += n }
        return base + offset
    }

    mutating func u8(_ what: StaticString) throws(CodecError) -> UInt8 {
        try take(1, what).load(as: UInt8.self)
    }

    mutating func u32(_ what: StaticString) throws(CodecError) -> UInt32 {
        UInt32(littleEndian: try take(4, what).loadUnaligned(as: UInt32.self))
    }

    mutating func u64(_ what: StaticString) throws(CodecError) -> UInt64 {
        UInt64(littleEndian: try take(8, what).loadUnaligned(as: UInt64.self))
    }

    /// True when 8-byte loads may start anywhere before body offset `end`.
    @inline(__always) func wordLoadsSafe(upTo end: Int) -> Bool { end + 7 <= readable }

    func expectEnd(_ what: StaticString) throws(CodecError) {
        if offset != count {
            throw CodecError("\(what): \(count - offset) unexpected trailing bytes at offset \(offset)")
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends `v` little-endian.
    @inline(__always)
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ v: T) {
        Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) }
    }

    /// Appends the low `byteCount` bytes of `v`, little-endian.
    @inline(__always)
    mutating func appendLittleEndian(_ v: UInt64, byteCount: Int) {
        Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<byteCount])) }
    }
}

extension BlockCodec {
    /// Resizes `a` to `count` elements (keeping its capacity, so a reused vector does not reallocate) and
    /// lets `body` write them.
    @inline(__always)
    /// `zeroed: false` skips zeroing for decoders that write every element (integer decoders).
    static func fillArray<T>(_ a: inout [T], count: Int, zero: T, zeroed: Bool = true,
                             _ body: (UnsafeMutablePointer<T>) throws(CodecError) -> Void) throws(CodecError) {
        // Resize, then zero in one memset-like pass: appending a Repeated sequence goes element by element
        // (for bytes it cost more than decoding), and a reused vector usually needs no append at all.
        if a.count > count {
            a.removeLast(a.count - count)
        } else if a.count < count {
            a.append(contentsOf: [T](repeating: zero, count: count - a.count))
        }
        try a.withUnsafeMutableBufferPointer { (b) throws(CodecError) in
            // An empty array may have no address; body then has nothing to write.
            guard let p = b.baseAddress else { return }
            if zeroed { p.update(repeating: zero, count: count) }
            try body(p)
        }
    }
}
