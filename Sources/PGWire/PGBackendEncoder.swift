import NIOCore

/// Writes `PGBackendMessage`s: `Byte1 type`, `Int32 length` (counting itself), body.
public struct PGBackendEncoder: MessageToByteEncoder {
    public typealias OutboundIn = PGBackendMessage

    public init() {}

    public func encode(data: PGBackendMessage, out: inout ByteBuffer) throws {
        Self.write(data, into: &out)
    }

    /// Appends one message to `out`.
    public static func write(_ message: PGBackendMessage, into out: inout ByteBuffer) {
        switch message {
        case let .encryptionResponse(accepted):
            out.writeInteger(UInt8(ascii: accepted ? "S" : "N"))
        case .authenticationOk:
            frame("R", &out) { $0.writeInteger(Int32(0)) }
        case .authenticationCleartextPassword:
            frame("R", &out) { $0.writeInteger(Int32(3)) }
        case let .parameterStatus(name, value):
            frame("S", &out) { b in cString(name, &b); cString(value, &b) }
        case let .backendKeyData(pid, key):
            frame("K", &out) { b in b.writeInteger(pid); b.writeInteger(key) }
        case let .readyForQuery(status):
            frame("Z", &out) { $0.writeInteger(status.rawValue) }
        case let .rowDescription(columns):
            frame("T", &out) { b in
                b.writeInteger(Int16(columns.count))
                for c in columns {
                    cString(c.name, &b)
                    b.writeInteger(c.tableOID)
                    b.writeInteger(c.columnNumber)
                    b.writeInteger(c.type.oid)
                    b.writeInteger(c.type.size)
                    b.writeInteger(Int32(-1))  // type modifier: none
                    b.writeInteger(c.format.rawValue)
                }
            }
        case .noData:
            frame("n", &out) { _ in }
        case let .parameterDescription(types):
            frame("t", &out) { b in
                b.writeInteger(Int16(types.count))
                for t in types { b.writeInteger(t) }
            }
        case .parseComplete: frame("1", &out) { _ in }
        case .bindComplete: frame("2", &out) { _ in }
        case .closeComplete: frame("3", &out) { _ in }
        case let .commandComplete(tag):
            frame("C", &out) { cString(tag, &$0) }
        case .emptyQueryResponse: frame("I", &out) { _ in }
        case .portalSuspended: frame("s", &out) { _ in }
        case let .errorResponse(e): frame("E", &out) { fields(e, &$0) }
        case let .noticeResponse(e): frame("N", &out) { fields(e, &$0) }
        case var .dataRows(rows): out.writeBuffer(&rows)
        }
    }

    static func fields(_ e: PGErrorFields, _ b: inout ByteBuffer) {
        func field(_ code: Character, _ value: String) {
            b.writeInteger(code.asciiValue!)
            cString(value, &b)
        }
        field("S", e.severity)
        field("V", e.severity)
        field("C", e.code)
        field("M", e.message)
        if let d = e.detail { field("D", d) }
        if let h = e.hint { field("H", h) }
        if let p = e.position { field("P", String(p)) }
        b.writeInteger(UInt8(0))
    }

    /// Writes the type byte, the body `body` writes, and patches the length in front of it.
    @inline(__always)
    static func frame(_ type: Character, _ out: inout ByteBuffer, _ body: (inout ByteBuffer) -> Void) {
        out.writeInteger(type.asciiValue!)
        let at = out.writerIndex
        out.writeInteger(Int32(0))
        body(&out)
        out.setInteger(Int32(out.writerIndex - at), at: at)
    }

    /// A NUL-terminated string; NUL bytes inside (which the protocol cannot carry) are dropped.
    static func cString(_ s: String, _ b: inout ByteBuffer) {
        for byte in s.utf8 where byte != 0 { b.writeInteger(byte) }
        b.writeInteger(UInt8(0))
    }
}
