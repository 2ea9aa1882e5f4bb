import CZlib
import NIOCore
import NIOHTTP1

/// Inflates request bodies sent with `Content-Encoding: gzip` (or `x-gzip`, `deflate`) as they arrive,
/// holding the inflated size to a limit.
///
/// A gzip body may hold several members one after another (RFC 1952 §2.2; `cat a.gz b.gz`): it decodes as
/// the concatenation of their contents, as `gunzip` does. A deflate (zlib) body is one stream; bytes after
/// its end are an error. Other bodies pass through untouched.
final class RequestBodyDecompressor: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    /// Why a compressed body was refused (`HTTPHandler` answers 413 or 400).
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// The inflated body exceeds the limit.
        case tooLarge
        /// Not valid gzip/deflate, cut short, or followed by other bytes.
        case invalid(String)

        var description: String {
            switch self {
            case .tooLarge: return "the inflated body is larger than the limit"
            case .invalid(let why): return why
            }
        }
    }

    private enum Encoding { case gzip, deflate }

    private let limit: Int
    private let chunkSize: Int
    private var encoding: Encoding?
    private var stream = z_stream()
    private var streamOpen = false
    /// A member ended and no byte of another one came yet.
    private var atMemberEnd = false
    private var sawInput = false
    private var inflated = 0
    private var failed = false

    /// `limit`: largest inflated body; `chunkSize`: largest body part passed on.
    init(limit: Int, chunkSize: Int = 64 << 10) {
        self.limit = limit
        self.chunkSize = chunkSize
    }

    deinit { endStream() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            endStream()
            failed = false
            inflated = 0
            sawInput = false
            atMemberEnd = false
            switch head.headers[canonicalForm: "Content-Encoding"].last?.lowercased() {
            case "gzip", "x-gzip": encoding = .gzip
            case "deflate": encoding = .deflate
            default: encoding = nil
            }
            context.fireChannelRead(data)
        case .body(let part):
            guard let encoding else {
                context.fireChannelRead(data)
                return
            }
            guard !failed else { return }
            do {
                try inflate(part, encoding, context)
            } catch {
                failed = true
                endStream()
                context.fireErrorCaught(error)
            }
        case .end:
            if encoding != nil && !failed && sawInput && !atMemberEnd {
                failed = true
                endStream()
                context.fireErrorCaught(Failure.invalid("the compressed body ends before its stream does"))
                return
            }
            guard !failed else { return }
            endStream()
            context.fireChannelRead(data)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) { endStream() }

    private func startStream(_ encoding: Encoding) throws {
        stream = z_stream()
        // 16 + 15: gzip wrapper only; 15: zlib wrapper.
        let bits: Int32 = encoding == .gzip ? 16 + 15 : 15
        let rc = inflateInit2_(&stream, bits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw Failure.invalid("cannot start inflating (zlib error \(rc))") }
        streamOpen = true
    }

    private func endStream() {
        if streamOpen {
            inflateEnd(&stream)
            streamOpen = false
        }
    }

    private func inflate(_ part: ByteBuffer, _ encoding: Encoding, _ context: ChannelHandlerContext) throws {
        guard part.readableBytes > 0 else { return }
        sawInput = true
        try part.withUnsafeReadableBytes { raw in
            let base = UnsafeMutableRawPointer(mutating: raw.baseAddress!)
            var offset = 0
            var outputFull = false
            while offset < raw.count || outputFull {
                if atMemberEnd {
                    // Another member follows (gzip); anything after a deflate stream is an error.
                    guard encoding == .gzip else { throw Failure.invalid("bytes after the end of the deflate stream") }
                    guard inflateReset(&stream) == Z_OK else { throw Failure.invalid("cannot restart inflating") }
                    atMemberEnd = false
                }
                if !streamOpen { try startStream(encoding) }
                var out = context.channel.allocator.buffer(capacity: chunkSize)
                var used = 0
                var ended = false
                var rc: Int32 = Z_OK
                let produced = out.writeWithUnsafeMutableBytes(minimumWritableBytes: chunkSize) { dst in
                    stream.next_in = base.advanced(by: offset).assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = uInt(raw.count - offset)
                    stream.next_out = dst.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(dst.count)
                    rc = CZlib.inflate(&stream, Z_NO_FLUSH)
                    used = raw.count - offset - Int(stream.avail_in)
                    outputFull = stream.avail_out == 0
                    return dst.count - Int(stream.avail_out)
                }
                stream.next_in = nil
                stream.next_out = nil
                switch rc {
                case Z_OK, Z_BUF_ERROR: break
                case Z_STREAM_END: ended = true
                default:
                    let why = stream.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                    throw Failure.invalid("the body is not valid \(encoding == .gzip ? "gzip" : "deflate"): \(why)")
                }
                offset += used
                if ended {
                    atMemberEnd = true
                    outputFull = false
                }
                inflated += produced
                if inflated > limit { throw Failure.tooLarge }
                if produced > 0 { context.fireChannelRead(wrapInboundOut(.body(out))) }
                if used == 0 && produced == 0 && !ended { break }  // zlib needs more input
            }
        }
    }
}
