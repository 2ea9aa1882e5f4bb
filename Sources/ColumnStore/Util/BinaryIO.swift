/// Appends little-endian binary values to a byte array (WAL records, segment footers, symbol files).
public struct ByteWriter {
    public var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable public mutating func u8(_ v: UInt8) { bytes.append(v) }
    @inlinable public mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    @inlinable public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    @inlinable public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    @inlinable public mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    /// A string as u16 length + UTF-8 bytes.
    public mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        precondition(utf8.count <= Int(UInt16.max), "BUG: name longer than 65535 bytes")
        u16(UInt16(utf8.count))
        bytes.append(contentsOf: utf8)
    }
    /// A typed array's raw little-endian bytes (this engine runs on little-endian machines only).
    public mutating func raw<T: BitwiseCopyable>(_ a: [T]) {
        a.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }
    public mutating func patchU32(at offset: Int, _ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { for i in 0..<4 { bytes[offset + i] = $0[i] } }
    }
}

/// Reads little-endian values from bytes, throwing on a short input instead of trapping.
public struct ByteReader {
    public let base: UnsafeRawBufferPointer
    public var offset: Int

    public struct Short: Error { public init() {} }

    public init(_ base: UnsafeRawBufferPointer, offset: Int = 0) {
        self.base = base
        self.offset = offset
    }

    public var remaining: Int { base.count - offset }

    @usableFromInline mutating func need(_ n: Int) throws(Short) {
        if n < 0 || offset + n > base.count { throw Short() }
    }
    public mutating func u8() throws(Short) -> UInt8 { try need(1); defer { offset += 1 }; return base[offset] }
    public mutating func u16() throws(Short) -> UInt16 {
        try need(2); defer { offset += 2 }
        return UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }
    public mutating func u32() throws(Short) -> UInt32 {
        try need(4); defer { offset += 4 }
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
    public mutating func u64() throws(Short) -> UInt64 {
        try need(8); defer { offset += 8 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
    public mutating func i64() throws(Short) -> Int64 { Int64(bitPattern: try u64()) }
    public mutating func string() throws(Short) -> String {
        let n = Int(try u16())
        try need(n)
        defer { offset += n }
        return String(decoding: UnsafeRawBufferPointer(rebasing: base[offset..<offset + n]), as: UTF8.self)
    }
    public mutating func bytes(_ n: Int) throws(Short) -> UnsafeRawBufferPointer {
        try need(n)
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: base[offset..<offset + n])
    }
    /// `count` values of a primitive type copied out of the (possibly unaligned) input.
    public mutating func raw<T: BitwiseCopyable>(_ count: Int, as: T.Type) throws(Short) -> [T] {
        let n = count * MemoryLayout<T>.stride
        try need(n)
        defer { offset += n }
        return [T](unsafeUninitializedCapacity: count) { buf, initialized in
            if n > 0 { UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: base.baseAddress! + offset, byteCount: n) }
            initialized = count
        }
    }
}
