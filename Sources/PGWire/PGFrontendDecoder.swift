import NIOCore

/// Splits the client's byte stream into `PGFrontendMessage`s.
///
/// Framing (protocol 3.0): until the startup packet arrives, messages are `Int32 length` (counting
/// itself) then `Int32 code` and a body — the code tells SSLRequest (80877103), GSSENCRequest
/// (80877104) and CancelRequest (80877102) from a StartupMessage (the protocol version, 196608 for
/// 3.0). After it, every message is `Byte1 type`, `Int32 length` (counting itself, not the type) and a
/// body. A message cut off asks for more bytes; one longer than `maxMessageBytes` is a protocol error
/// before its body is buffered.
public struct PGFrontendDecoder: ByteToMessageDecoder {
    public typealias InboundOut = PGFrontendMessage

    /// Longest message accepted (a query text or a Bind's parameters).
    public let maxMessageBytes: Int
    private var started = false

    public init(maxMessageBytes: Int = 64 << 20) {
        self.maxMessageBytes = maxMessageBytes
    }

    static let sslCode: Int32 = 80_877_103
    static let gssCode: Int32 = 80_877_104
    static let cancelCode: Int32 = 80_877_102

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let message = try next(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(message))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }

    /// The next whole message in `buffer` (consumed), or nil when more bytes are needed.
    public mutating func next(_ buffer: inout ByteBuffer) throws -> PGFrontendMessage? {
        if !started {
            guard let length = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return nil }
            guard length >= 8, length <= 10_000 else { throw PGProtocolError("invalid startup packet length \(length)") }
            guard buffer.readableBytes >= Int(length) else { return nil }
            buffer.moveReaderIndex(forwardBy: 4)
            var body = buffer.readSlice(length: Int(length) - 4)!
            let code = body.readInteger(as: Int32.self)!
            switch code {
            case Self.sslCode: return .sslRequest
            case Self.gssCode: return .gssEncRequest
            case Self.cancelCode:
                guard let pid = body.readInteger(as: Int32.self), let key = body.readInteger(as: Int32.self) else {
                    throw PGProtocolError("CancelRequest too short")
                }
                return .cancelRequest(processID: pid, secretKey: key)
            default:
                guard code >> 16 == 3 else {
                    throw PGProtocolError("unsupported frontend protocol \(code >> 16).\(code & 0xFFFF): server supports 3.0")
                }
                var parameters: [(String, String)] = []
                while true {
                    let name = try Self.cString(&body, "startup parameter name")
                    if name.isEmpty { break }
                    parameters.append((name, try Self.cString(&body, "startup parameter value")))
                }
                started = true
                return .startup(PGStartup(protocolVersion: code, parameters: parameters))
            }
        }
        guard buffer.readableBytes >= 5 else { return nil }
        let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self)!
        let length = Int(buffer.getInteger(at: buffer.readerIndex + 1, as: Int32.self)!)
        guard length >= 4 else { throw PGProtocolError("invalid length \(length) of message '\(Self.printable(type))'") }
        guard length <= maxMessageBytes else {
            throw PGProtocolError("message '\(Self.printable(type))' of \(length) bytes is longer than the limit of \(maxMessageBytes)")
        }
        guard buffer.readableBytes >= 1 + length else { return nil }
        buffer.moveReaderIndex(forwardBy: 5)
        var body = buffer.readSlice(length: length - 4)!
        let message = try Self.message(type, &body)
        guard body.readableBytes == 0 else {
            throw PGProtocolError("message '\(Self.printable(type))' has \(body.readableBytes) bytes more than its fields")
        }
        return message
    }

    static func message(_ type: UInt8, _ body: inout ByteBuffer) throws -> PGFrontendMessage {
        switch type {
        case UInt8(ascii: "Q"):
            return .query(try cString(&body, "query"))
        case UInt8(ascii: "p"):
            return .password(try cString(&body, "password"))
        case UInt8(ascii: "P"):
            let name = try cString(&body, "statement name")
            let query = try cString(&body, "query")
            let n = try int16(&body, "parameter count")
            var types: [UInt32] = []
            types.reserveCapacity(Int(n))
            for _ in 0..<max(0, n) { types.append(UInt32(bitPattern: try int32(&body, "parameter type"))) }
            return .parse(name: name, query: query, parameterTypes: types)
        case UInt8(ascii: "B"):
            let portal = try cString(&body, "portal name")
            let statement = try cString(&body, "statement name")
            let formats = try formatCodes(&body)
            let n = try int16(&body, "parameter count")
            var values: [ByteBuffer?] = []
            values.reserveCapacity(Int(max(0, n)))
            for _ in 0..<max(0, n) {
                let len = try int32(&body, "parameter length")
                if len == -1 { values.append(nil); continue }
                guard len >= 0, let v = body.readSlice(length: Int(len)) else { throw PGProtocolError("Bind parameter cut off") }
                values.append(v)
            }
            guard formats.count <= 1 || formats.count == values.count else {
                throw PGProtocolError("Bind has \(formats.count) parameter formats for \(values.count) parameters")
            }
            return .bind(PGBind(portal: portal, statement: statement, parameterFormats: formats, parameters: values,
                                resultFormats: try formatCodes(&body)))
        case UInt8(ascii: "D"), UInt8(ascii: "C"):
            guard let t = body.readInteger(as: UInt8.self), let target = PGTarget(rawValue: t) else {
                throw PGProtocolError("\(type == UInt8(ascii: "D") ? "Describe" : "Close") must name 'S' or 'P'")
            }
            let name = try cString(&body, "name")
            return type == UInt8(ascii: "D") ? .describe(target, name: name) : .close(target, name: name)
        case UInt8(ascii: "E"):
            let portal = try cString(&body, "portal name")
            return .execute(portal: portal, maxRows: try int32(&body, "row limit"))
        case UInt8(ascii: "S"): return .sync
        case UInt8(ascii: "H"): return .flush
        case UInt8(ascii: "X"): return .terminate
        default:
            throw PGProtocolError("unsupported message type '\(printable(type))'")
        }
    }

    static func formatCodes(_ body: inout ByteBuffer) throws -> [PGFormat] {
        let n = try int16(&body, "format count")
        var out: [PGFormat] = []
        for _ in 0..<max(0, n) {
            let code = try int16(&body, "format code")
            guard let f = PGFormat(rawValue: code) else { throw PGProtocolError("invalid format code \(code)") }
            out.append(f)
        }
        return out
    }

    static func cString(_ body: inout ByteBuffer, _ what: String) throws -> String {
        guard let end = body.readableBytesView.firstIndex(of: 0) else { throw PGProtocolError("\(what) is not NUL-terminated") }
        let s = body.readString(length: end - body.readerIndex)!
        body.moveReaderIndex(forwardBy: 1)
        return s
    }

    static func int16(_ body: inout ByteBuffer, _ what: String) throws -> Int16 {
        guard let v = body.readInteger(as: Int16.self) else { throw PGProtocolError("\(what) cut off") }
        return v
    }

    static func int32(_ body: inout ByteBuffer, _ what: String) throws -> Int32 {
        guard let v = body.readInteger(as: Int32.self) else { throw PGProtocolError("\(what) cut off") }
        return v
    }

    static func printable(_ b: UInt8) -> String {
        b >= 0x20 && b < 0x7F ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
    }
}
