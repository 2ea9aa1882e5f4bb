/// Reads the Thrift compact protocol (see `ThriftCompactWriter`) from bytes, bounds-checked: a cut or
/// malformed structure throws `ParquetError.corrupt` instead of reading past the end.
struct ThriftCompactReader {
    let bytes: UnsafeRawBufferPointer
    var pos = 0
    var lastFieldID: Int16 = 0
    /// Nesting depth, capped so hostile input cannot exhaust the stack.
    var depth = 0
    /// The type of the last field header read, for bool fields (their value is the type).
    var boolValue = false

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func byte() throws(ParquetError) -> UInt8 {
        guard pos < bytes.count else { throw .corrupt("Thrift structure ends early (at byte \(pos) of \(bytes.count))") }
        defer { pos += 1 }
        return bytes[pos]
    }

    mutating func varint() throws(ParquetError) -> UInt64 {
        var v: UInt64 = 0, shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw .corrupt("Thrift varint over 64 bits at byte \(pos)") }
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
        }
    }

    mutating func zigzag() throws(ParquetError) -> Int64 {
        let u = try varint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    /// The next field's id and compact type, or nil at the struct's STOP.
    mutating func fieldHeader() throws(ParquetError) -> (id: Int16, type: UInt8)? {
        let b = try byte()
        if b == 0 { return nil }
        let type = b & 0x0F
        let delta = b >> 4
        let id: Int16
        if delta != 0 {
            id = lastFieldID &+ Int16(delta)
        } else {
            let z = try zigzag()
            guard let i = Int16(exactly: z) else { throw .corrupt("Thrift field id \(z) out of range") }
            id = i
        }
        lastFieldID = id
        if type == 1 || type == 2 { boolValue = type == 1 }
        return (id, type)
    }

    mutating func i32() throws(ParquetError) -> Int32 {
        let v = try zigzag()
        guard let r = Int32(exactly: v) else { throw .corrupt("Thrift i32 \(v) out of range") }
        return r
    }

    mutating func i64() throws(ParquetError) -> Int64 { try zigzag() }

    mutating func binary() throws(ParquetError) -> [UInt8] {
        let n = try varint()
        guard n <= UInt64(bytes.count - pos) else { throw .corrupt("Thrift binary of \(n) bytes runs past the end") }
        defer { pos += Int(n) }
        return Array(bytes[pos..<(pos + Int(n))])
    }

    mutating func string() throws(ParquetError) -> String { String(decoding: try binary(), as: UTF8.self) }

    /// A list header: element count and compact element type.
    mutating func listHeader() throws(ParquetError) -> (count: Int, type: UInt8) {
        let b = try byte()
        var n = Int(b >> 4)
        if n == 15 {
            let v = try varint()
            guard v <= UInt64(bytes.count - pos) else { throw .corrupt("Thrift list of \(v) elements runs past the end") }
            n = Int(v)
        }
        return (n, b & 0x0F)
    }

    /// Reads a nested struct: `field` is called for each field; ids count afresh inside.
    mutating func structure(_ field: (inout ThriftCompactReader, Int16, UInt8) throws(ParquetError) -> Void) throws(ParquetError) {
        depth += 1
        guard depth < 64 else { throw .corrupt("Thrift structures nested over 64 deep") }
        let saved = lastFieldID
        lastFieldID = 0
        while let (id, type) = try fieldHeader() {
            try field(&self, id, type)
        }
        lastFieldID = saved
        depth -= 1
    }

    /// Skips a value of compact type `type`.
    mutating func skip(_ type: UInt8) throws(ParquetError) {
        switch type {
        case 1, 2: break  // bool in the header
        case 3: _ = try byte()
        case 4, 5, 6: _ = try varint()
        case 7:
            guard pos + 8 <= bytes.count else { throw .corrupt("Thrift double runs past the end") }
            pos += 8
        case 8: _ = try binary()
        case 9, 10:
            let (n, t) = try listHeader()
            for _ in 0..<n {
                if t == 1 || t == 2 { _ = try byte() } else { try skip(t) }
            }
        case 11:
            let n = try varint()
            guard n <= UInt64(bytes.count - pos) else { throw .corrupt("Thrift map runs past the end") }
            if n > 0 {
                let kv = try byte()
                for _ in 0..<n {
                    try skip(kv >> 4)
                    try skip(kv & 0x0F)
                }
            }
        case 12: try structure { r, _, t throws(ParquetError) in try r.skip(t) }
        default: throw .corrupt("unknown Thrift type \(type) at byte \(pos)")
        }
    }
}
