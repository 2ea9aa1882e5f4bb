import NIOCore
import NIOHTTP1

/// Answers an HTTP connection accepted past `--max-connections`: 503 with `Retry-After`, then close.
///
/// The answer goes out at once, before the request is read, and the server half-closes; the connection is
/// closed when the client closes its side or a second later (its request is read and dropped meanwhile,
/// so closing does not reset the connection before the client read the answer).
final class ConnectionRefusal: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let limit: Int
    private var timer: Scheduled<Void>?

    init(limit: Int) { self.limit = limit }

    /// The bytes of the answer.
    static func response(limit: Int) -> String {
        let body = #"{"error":"too many open connections (--max-connections \#(limit)); retry later"}"#
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Retry-After: 1\r\nConnection: close\r\nX-Influxdb-Version: \(HealthRoutes.version)\r\nX-Influxdb-Build: tsdb\r\n\r\n" + body
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(string: Self.response(limit: limit)))).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
        }
        timer = context.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let e = event as? ChannelEvent, e == .inputClosed { context.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) { context.close(promise: nil) }
}
