import NIOCore
import NIOHTTP1

/// The first handler of an HTTP connection: it sees the raw bytes before NIO's decoder and refuses clients
/// that would hold a connection without ever completing a request (slowloris):
///
/// - the head (request line and headers) must arrive within `--header-timeout` of its first byte, else
///   408 and close; a new connection's first head within `--header-timeout` of the connection (one that
///   sends nothing is closed without an answer);
/// - a body must average at least `--min-body-rate` bytes/s once `--body-rate-grace` has passed, else 408
///   and close (the whole request stays bounded by `--request-timeout`);
/// - more than 8 empty lines before a request line: 400 and close;
/// - a chunk size over the body limit (`ffffffffffffffff`): 413 and close, before any of it is read.
///
/// Keep-alive connections with no request under way are left to the idle timeout (`IdleStateHandler`).
/// `HTTPHandler` tells the guard when it holds a request (`requestBegan`, `requestBusy`, `requestDone`):
/// the guard answers only while no response is under way; while one is, an expired head timer starts
/// again once the response is done (a pipelined request waits its turn).
final class HTTPConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The limits a connection is held to.
    struct Limits: Sendable {
        /// Seconds from a request's first byte to the end of its head; 0 disables.
        var headerTimeout: Double
        /// Bytes per second a body must average after the grace period; 0 disables.
        var minBodyRate: Int
        /// Seconds a body may take before its rate is checked.
        var bodyRateGrace: Double
        /// The body limit (after decompression); chunks are held to it plus room for compression overhead.
        var maxBodyBytes: Int

        init(_ c: ServerConfig) {
            headerTimeout = c.headerTimeout
            minBodyRate = c.minBodyRate
            bodyRateGrace = c.bodyRateGrace
            maxBodyBytes = c.maxBodyBytes
        }

        /// The largest raw (possibly compressed) body: gzip can grow incompressible data by a little.
        var maxRawBodyBytes: Int { maxBodyBytes + maxBodyBytes / 64 + 1024 }
    }

    /// What `HTTPHandler` is doing.
    private enum RequestState { case idle, receiving, busy }

    private let limits: Limits
    /// Told when the connection waits for a next request, so a new connection may take its place at the limit.
    private let tracker: ConnectionTracker?
    private var idle = false
    private var framing: HTTPRequestFraming
    private var requestState = RequestState.idle
    private var context: ChannelHandlerContext?
    private var headerTimer: Scheduled<Void>?
    private var headerExpired = false
    private var bodyTimer: Scheduled<Void>?
    private var bodyStart = NIODeadline.now()
    /// No head has completed yet: the header timer runs from the connection's start.
    private var firstRequest = true
    /// Set once the guard refused the connection: nothing more is passed on.
    private var refused = false

    init(limits: Limits, tracker: ConnectionTracker? = nil) {
        self.limits = limits
        self.tracker = tracker
        framing = HTTPRequestFraming(maxBodyBytes: limits.maxRawBodyBytes)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
        self.context = nil
    }

    /// A new connection must send its first request head within the header timeout too (one that sends
    /// nothing is closed without an answer); later, between requests, only the idle timeout applies.
    func channelActive(context: ChannelHandlerContext) {
        startHeaderTimer(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        context.fireChannelInactive()
    }

    private func cancelTimers() {
        headerTimer?.cancel()
        headerTimer = nil
        bodyTimer?.cancel()
        bodyTimer = nil
    }

    // MARK: bytes

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        let buffer = unwrapInboundIn(data)
        var events: [HTTPRequestFraming.Event] = []
        let failure = buffer.withUnsafeReadableBytes { framing.scan($0) { events.append($0) } }
        guard let (reason, consumed) = failure else {
            for e in events { handle(e, context) }
            context.fireChannelRead(data)
            return
        }
        // Pass on what came before the offending byte (it may finish a head the handler should see), then refuse.
        for e in events { handle(e, context) }
        if consumed > 0 {
            context.fireChannelRead(wrapInboundOut(buffer.getSlice(at: buffer.readerIndex, length: consumed)!))
        }
        switch reason {
        case .tooManyBlankLines:
            refuse(.badRequest, "more than \(framing.maxBlankLines) empty lines before a request line", context)
        case .chunkTooLarge:
            refuse(.payloadTooLarge, "chunk size over the request body limit of \(limits.maxBodyBytes) bytes (--max-body-size)", context)
        }
    }

    private func handle(_ event: HTTPRequestFraming.Event, _ context: ChannelHandlerContext) {
        switch event {
        case .requestStarted:
            setIdle(false, context)
            headerExpired = false
            if !firstRequest || headerTimer == nil { startHeaderTimer(context) }
        case .headComplete(let hasBody):
            firstRequest = false
            headerTimer?.cancel()
            headerTimer = nil
            headerExpired = false
            if hasBody && limits.minBodyRate > 0 {
                bodyStart = context.eventLoop.now
                scheduleBodyCheck(in: limits.bodyRateGrace, context)
            }
        case .requestComplete:
            bodyTimer?.cancel()
            bodyTimer = nil
        }
    }

    // MARK: timers

    private func startHeaderTimer(_ context: ChannelHandlerContext) {
        headerTimer?.cancel()
        headerTimer = nil
        guard limits.headerTimeout > 0 else { return }
        headerTimer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.time(limits.headerTimeout)) { [self] in
            headerTimer = nil
            guard let context = self.context, !refused else { return }
            if requestState == .idle && framing.betweenRequests {
                refused = true  // connected and sent nothing: nothing to answer
                context.close(promise: nil)
            } else if requestState == .idle {
                refuse(.requestTimeout, "the request head did not arrive within \(limits.headerTimeout) s (--header-timeout)", context)
            } else {
                headerExpired = true  // a pipelined request: its clock starts again when the answer before it is out
            }
        }
    }

    private func scheduleBodyCheck(in seconds: Double, _ context: ChannelHandlerContext) {
        bodyTimer?.cancel()
        bodyTimer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.time(seconds)) { [self] in
            bodyTimer = nil
            guard let context = self.context, !refused else { return }
            let elapsed = Double((context.eventLoop.now - bodyStart).nanoseconds) / 1e9
            if requestState == .receiving && Double(framing.bodyBytes) < Double(limits.minBodyRate) * elapsed {
                refuse(.requestTimeout, "the request body arrived slower than \(limits.minBodyRate) bytes/s (--min-body-rate)", context)
            } else {
                scheduleBodyCheck(in: 1, context)
            }
        }
    }

    private func setIdle(_ value: Bool, _ context: ChannelHandlerContext) {
        guard value != idle, let tracker else { return }
        idle = value
        tracker.setIdle(context.channel, value)
    }

    private static func time(_ seconds: Double) -> TimeAmount { .nanoseconds(Int64(seconds * 1e9)) }

    // MARK: refusing

    /// Answers `status` and closes: directly when no request is being handled, through `HTTPHandler` (shaped
    /// for its route) while it receives a body, or just closes while a response is being written.
    private func refuse(_ status: HTTPResponseStatus, _ message: String, _ context: ChannelHandlerContext) {
        refused = true
        cancelTimers()
        switch requestState {
        case .receiving:
            context.fireUserInboundEventTriggered(RequestRefused(status: status, message: message))
        case .idle:
            let body = #"{"error":\#(JSON.quote(message))}"#
            let text = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\nX-Influxdb-Version: \(HealthRoutes.version)\r\n"
                + "X-Influxdb-Build: tsdb\r\n\r\n" + body
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text))).whenComplete { _ in
                channel.close(promise: nil)
            }
        case .busy:
            context.close(promise: nil)
        }
    }

    // MARK: from HTTPHandler

    /// `HTTPHandler` got a request head and is receiving its body.
    func requestBegan() { requestState = .receiving }

    /// `HTTPHandler` is processing a request or answering it.
    func requestBusy() { requestState = .busy }

    /// `HTTPHandler` is done with a request and waits for the next.
    func requestDone() {
        requestState = .idle
        if framing.betweenRequests, let context { setIdle(true, context) }
        if headerExpired, framing.inHead, let context {
            headerExpired = false
            startHeaderTimer(context)
        }
    }
}

/// Fired by `HTTPConnectionGuard` into `HTTPHandler` to refuse the request it is receiving.
struct RequestRefused: Sendable {
    var status: HTTPResponseStatus
    var message: String
}
