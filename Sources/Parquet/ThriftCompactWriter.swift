/// Writes the Thrift compact protocol, the encoding of Parquet's footer and page headers.
///
/// Fields are written in increasing id order inside `writeStruct`; a field's header holds the delta
/// from the previous id when it is 1...15, else the id as a zigzag varint. Integers are zigzag varints,
/// binaries a varint length then the bytes, booleans sit in the field header's type nibble.
public struct ThriftCompactWriter {
    /// The encoded bytes so far.
    public var bytes: [UInt8] = []
    /// The id of the last field written in the struct being written (0 at a struct's start).
    var lastFieldID: Int16 = 0

    public init() {}

    /// Compact-protocol type ids.
    enum TType: UInt8 {
        case boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
        case binary = 8, list = 9, set = 10, map = 11, structure = 12
    }

    mutating func fieldHeader(_ id: Int16, _ type: TType) {
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeVarint(zigzag(Int64(id)))
        }
        lastFieldID = id
    }

    mutating func writeVarint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }

    /// Writes an i32 field.
    public mutating func i32(_ id: Int16, _ v: Int32) {
        fieldHeader(id, .i32)
        writeVarint(zigzag(Int64(v)))
    }

    /// Writes an i64 field.
    public mutating func i64(_ id: Int16, _ v: Int64) {
        fieldHeader(id, .i64)
        writeVarint(zigzag(v))
    }

    /// Writes an i8 (byte) field.
    public mutating func i8(_ id: Int16, _ v: Int8) {
        fieldHeader(id, .byte)
        bytes.append(UInt8(bitPattern: v))
    }

    /// Writes a bool field.
    public mutating func bool(_ id: Int16, _ v: Bool) {
        fieldHeader(id, v ? .boolTrue : .boolFalse)
    }

    /// Writes a binary (or string) field.
    public mutating func binary(_ id: Int16, _ v: some Collection<UInt8>) {
        fieldHeader(id, .binary)
        writeVarint(UInt64(v.count))
        bytes.append(contentsOf: v)
    }

    /// Writes a string field (UTF-8 bytes).
    public mutating func string(_ id: Int16, _ v: String) { binary(id, Array(v.utf8)) }

    /// Writes a struct field whose fields `body` writes.
    public mutating func structure(_ id: Int16, _ body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(id, .structure)
        writeStructBody(body)
    }

    /// Writes a struct's fields and its stop byte, with field ids counted afresh inside it.
    public mutating func writeStructBody(_ body: (inout ThriftCompactWriter) -> Void) {
        let saved = lastFieldID
        lastFieldID = 0
        body(&self)
        bytes.append(0)  // STOP
        lastFieldID = saved
    }

    mutating func listHeader(_ id: Int16, count: Int, element: TType) {
        fieldHeader(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | element.rawValue)
        } else {
            bytes.append(0xF0 | element.rawValue)
            writeVarint(UInt64(count))
        }
    }

    /// Writes a list<i32> field.
    public mutating func i32List(_ id: Int16, _ values: [Int32]) {
        listHeader(id, count: values.count, element: .i32)
        for v in values { writeVarint(zigzag(Int64(v))) }
    }

    /// Writes a list<string> field.
    public mutating func stringList(_ id: Int16, _ values: [String]) {
        listHeader(id, count: values.count, element: .binary)
        for v in values {
            writeVarint(UInt64(v.utf8.count))
            bytes.append(contentsOf: v.utf8)
        }
    }

    /// Writes a list<struct> field, one struct per element written by `body`.
    public mutating func structList<T>(_ id: Int16, _ values: [T], _ body: (inout ThriftCompactWriter, T) -> Void) {
        listHeader(id, count: values.count, element: .structure)
        for v in values { writeStructBody { body(&$0, v) } }
    }
}
