import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import QueryEngine

/// One HTTP connection: assembles each request (auth, body limit, in-flight budget, deadline), hands it to
/// its route off the event loop, and writes the answer (whole, or streamed in chunks).
///
/// Requests on a connection are handled one at a time (`HTTPServerPipelineHandler` holds pipelined ones).
/// Answers decided before the body is read (404, 405, 401, bad parameters) are sent after the body was
/// drained, keeping the connection; 413 and 503 are sent at once and the connection is closed, so a large
/// body is never read.
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Between requests.
        case idle
        /// Collecting the body of a request for `route`.
        case receiving
        /// Dropping the body; `answer` goes out at the end.
        case draining(answer: HTTPResponse)
        /// The route is running (or streaming its answer).
        case processing(streaming: Bool)
        /// A final answer was sent; the connection closes.
        case closing
    }

    private let server: ServerContext
    private var state = State.idle
    private var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")
    private var route = HTTPRoute.ping
    private var path = ""
    private var query = QueryParameters()
    private var writeParameters: WriteRoutes.Parameters?
    private var body = ByteBuffer()
    /// Budget bytes this request holds.
    private var reserved = 0
    private var deadline: Scheduled<Void>?
    /// The connection's `HTTPConnectionGuard`, told when a request is held (nil in tests without one).
    private let connectionGuard: HTTPConnectionGuard?
    /// When the current request's head arrived, and the name of its token (access log).
    private var requestStarted = NIODeadline.now()
    private var tokenName: String?
    /// Who sent the current request (nil until authenticated), its client address (rate limits of
    /// anonymous clients, failure logs) and its `Origin` when CORS allows it.
    private var principal: Principal?
    private var clientAddress = "?"
    private var corsOrigin: String?
    /// The query this connection is running or streaming; cancelled when the client goes away.
    private var activeQuery: QueryControl?
    /// The response compressor's context: informational answers (100 Continue) are written past it,
    /// since it expects exactly one response per request (nil when the pipeline has none).
    private var compressorContext: ChannelHandlerContext?

    init(server: ServerContext, connectionGuard: HTTPConnectionGuard? = nil) {
        self.server = server
        self.connectionGuard = connectionGuard
    }

    func handlerAdded(context: ChannelHandlerContext) {
        clientAddress = context.channel.remoteAddress?.ipAddress ?? "?"
        compressorContext = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseCompressor.self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): receiveHead(h, context)
        case .body(let b): receiveBody(b, context)
        case .end: receiveEnd(context)
        }
    }

    private func receiveHead(_ h: HTTPRequestHead, _ context: ChannelHandlerContext) {
        guard case .idle = state else { return }
        connectionGuard?.requestBegan()
        requestStarted = .now()
        tokenName = nil
        principal = nil
        corsOrigin = server.cors.allowedOrigin(h.headers)
        head = h
        (path, query) = QueryParameters.split(uri: h.uri)
        writeParameters = nil
        body = ByteBuffer()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(server.config.requestTimeout * 1e9))) {
            channel.pipeline.fireUserInboundEventTriggered(RequestDeadline())
        }
        let expectsContinue = h.headers[canonicalForm: "Expect"].contains { $0.lowercased() == "100-continue" }
        if let answer = earlyAnswer(h) {
            if expectsContinue {
                // The client waits before sending its body: answer now instead of reading it.
                state = .closing
                connectionGuard?.requestBusy()
                send(answer, context, close: true)
            } else {
                state = .draining(answer: answer)
            }
            return
        }
        let declared = h.headers.first(name: "Content-Length").flatMap { Int($0) } ?? 0
        if declared > server.config.maxBodyBytes {
            fail(.payloadTooLarge, tooLarge, context)
            return
        }
        guard declared == 0 || reserve(declared) else {
            overloaded(context)
            return
        }
        body = context.channel.allocator.buffer(capacity: min(max(declared, 4096), server.config.maxBodyBytes))
        state = .receiving
        if expectsContinue {
            (compressorContext ?? context).writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: .continue))), promise: nil)
        }
    }

    /// The answer to a request that is refused on its head alone (404, 405, 401, 403, 429, bad write
    /// parameters), or to a CORS preflight.
    private func earlyAnswer(_ h: HTTPRequestHead) -> HTTPResponse? {
        if h.method == .OPTIONS, let origin = corsOrigin, h.headers.contains(name: "Access-Control-Request-Method"),
           let methods = HTTPRoute.resolve(path)?.1 {
            return HTTPResponse(.noContent, headers: CORSPolicy.preflightHeaders(origin, allowed: methods), body: [])
        }
        switch HTTPRoute.match(h.method, path) {
        case .failure(let r): return r
        case .success(let r): route = r
        }
        guard route.needsAuth else { return nil }
        guard let who = server.auth.principal(h.headers, query) else {
            server.authenticationFailed(client: clientAddress, front: "http", detail: "\(h.method) \(path)")
            return route.unauthorized
        }
        principal = who
        if server.auth.isEnabled { tokenName = who.name }
        let (key, limits) = server.rateLimit(who, address: clientAddress)
        if let wait = server.rateLimiter.admitRequest(key, limits) {
            server.metrics.rateLimited.increment()
            return route.tooManyRequests("more than \(limits.requestsPerSecond) requests per second (\(who.name)); retry later", retryAfter: wait)
        }
        if case let .write(api) = route {
            switch WriteRoutes.parameters(api, query, defaultDatabase: server.config.defaultDatabase) {
            case .failure(let r): return r
            case .success(let p):
                guard who.mayWrite(p.database) else {
                    server.metrics.forbidden.increment()
                    return route.forbidden("token '\(who.name)' may not write to database '\(p.database)'")
                }
                writeParameters = p
            }
        }
        return nil
    }

    /// The 429 answer when the write's lines exceed the client's lines per second; nil when allowed.
    private func linesLimited(_ body: ByteBuffer) -> HTTPResponse? {
        guard let who = principal else { return nil }
        let (key, limits) = server.rateLimit(who, address: clientAddress)
        guard limits.linesPerSecond > 0 else { return nil }
        let lines = Self.lineCount(body)
        guard let wait = server.rateLimiter.admitLines(key, lines, limits) else { return nil }
        server.metrics.rateLimited.increment()
        return route.tooManyRequests("more than \(limits.linesPerSecond) lines per second (\(who.name)); retry later", retryAfter: wait)
    }

    /// Lines in a body: its newlines, plus a last line without one.
    static func lineCount(_ body: ByteBuffer) -> Int {
        body.withUnsafeReadableBytes { b in
            var n = 0
            for byte in b where byte == 0x0A { n += 1 }
            if let last = b.last, last != 0x0A { n += 1 }
            return n
        }
    }

    private var tooLarge: String {
        "request body is larger than the limit of \(server.config.maxBodyBytes) bytes (--max-body-size)"
    }

    private func receiveBody(_ part: ByteBuffer, _ context: ChannelHandlerContext) {
        guard case .receiving = state else { return }
        let size = body.readableBytes + part.readableBytes
        if size > server.config.maxBodyBytes {
            fail(.payloadTooLarge, tooLarge, context)
            return
        }
        if size > reserved {
            // Without a Content-Length (chunked, or gzip growing when inflated) reserve a MiB at a time,
            // or just what is needed when that much is not free.
            let need = size - reserved
            guard reserve(max(need, min(1 << 20, server.config.maxBodyBytes))) || reserve(need) else {
                overloaded(context)
                return
            }
        }
        var p = part
        body.writeBuffer(&p)
    }

    private func receiveEnd(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        switch state {
        case .draining(let answer):
            state = .idle
            connectionGuard?.requestDone()
            send(answer, context)
        case .receiving:
            dispatch(context)
        case .idle, .processing, .closing:
            break
        }
    }

    private func reserve(_ bytes: Int) -> Bool {
        guard server.budget.reserve(bytes) else { return false }
        reserved += bytes
        return true
    }

    private func releaseBudget() {
        if reserved > 0 { server.budget.release(reserved) }
        reserved = 0
    }

    // MARK: dispatch

    private func dispatch(_ context: ChannelHandlerContext) {
        let request = HTTPRequest(head: head, path: path, query: query, body: body)
        body = ByteBuffer()
        let el = context.eventLoop
        let server = self.server
        let future: EventLoopFuture<HTTPReply>
        switch route {
        case .ping:
            future = el.makeSucceededFuture(.full(HealthRoutes.ping(request)))
        case .health:
            future = el.makeSucceededFuture(.full(HealthRoutes.health(stopping: server.isStopping, failing: server.health.failingChecks() + server.databases.damagedTableChecks())))
        case .metrics:
            future = server.queryPool.runIfActive(eventLoop: el) { .full(HealthRoutes.metrics(server)) }
        case .query:
            let control = QueryRoutes.control(server.config)
            activeQuery = control
            future = QueryRoutes.handle(request, server: server, eventLoop: el, control: control, principal: principal ?? .anonymous,
                                        channel: context.channel)
        case .influxQL(let api):
            let control = QueryRoutes.control(server.config)
            activeQuery = control
            future = InfluxQLRoutes.handle(request, api: api, server: server, eventLoop: el, control: control, principal: principal ?? .anonymous)
        case .console:
            future = el.makeSucceededFuture(.full(ConsoleRoutes.handle(request, server: server)))
        case .write:
            guard let p = writeParameters else { preconditionFailure("BUG: write without parameters") }
            if let refused = linesLimited(request.body) {
                future = el.makeSucceededFuture(.full(refused))
                break
            }
            let started = NIODeadline.now()
            future = server.writePool.runIfActive(eventLoop: el) {
                let r = WriteRoutes.perform(p, body: request.body, server: server)
                server.metrics.writeDuration.recordNanoseconds((NIODeadline.now() - started).nanoseconds)
                return .full(r)
            }
        }
        state = .processing(streaming: false)
        connectionGuard?.requestBusy()
        future.assumeIsolated().whenComplete { result in
            switch result {
            case .success(.full(let r)):
                self.releaseBudget()
                self.activeQuery = nil
                self.state = .idle
                self.connectionGuard?.requestDone()
                self.send(r, context)
            case .success(.stream(let status, let headers, let stream)):
                self.releaseBudget()
                self.stream(status, headers, stream, context)
            case .success(.live(let status, let headers, let body)):
                self.releaseBudget()
                self.live(status, headers, body, context)
            case .failure:
                self.releaseBudget()
                self.activeQuery = nil
                self.state = .idle
                var r = self.route.failure(.serviceUnavailable, "server is shutting down")
                r.headers.add(name: "Retry-After", value: "1")
                self.send(r, context, close: true)
            }
        }
    }

    // MARK: answers

    private var keepAlive: Bool { head.isKeepAlive }

    private func responseHead(_ status: HTTPResponseStatus, _ headers: HTTPHeaders, close: Bool) -> HTTPResponseHead {
        var h = headers
        HealthRoutes.addVersionHeaders(&h)
        if let origin = corsOrigin, !h.contains(name: "Access-Control-Allow-Origin") { CORSPolicy.responseHeaders(origin, into: &h) }
        if close || !keepAlive { h.replaceOrAdd(name: "Connection", value: "close") }
        if head.method == .HEAD || (h.first(name: "Content-Length").flatMap { Int($0) } ?? Int.max) < ResponseCompression.minimumBytes {
            // A HEAD answer carries GET's headers uncompressed (the compressor would count an empty gzip
            // stream into Content-Length); a small body is not worth compressing.
            ResponseCompression.markUncompressed(&h)
        }
        return HTTPResponseHead(version: head.version, status: status, headers: h)
    }

    private func send(_ r: HTTPResponse, _ context: ChannelHandlerContext, close: Bool = false) {
        var headers = r.headers
        if r.status != .noContent {  // RFC 9110: no Content-Length on 204
            headers.replaceOrAdd(name: "Content-Length", value: String(r.body.count))
        }
        let closing = close || !keepAlive
        context.write(wrapOutboundOut(.head(responseHead(r.status, headers, close: closing))), promise: nil)
        if !r.body.isEmpty && head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: r.body)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        logRequest(r.status, bytes: head.method == .HEAD ? 0 : r.body.count)
        if closing {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// The access-log line of the request just answered (when `--access-log on`).
    private func logRequest(_ status: HTTPResponseStatus, bytes: Int) {
        guard server.operationsLog.access != nil else { return }
        server.operationsLog.request(method: "\(head.method)", path: path, status: Int(status.code), bytes: bytes,
                                     nanoseconds: (NIODeadline.now() - requestStarted).nanoseconds, token: tokenName)
    }

    /// Sends `status` at once and closes: the rest of the request is never read.
    private func fail(_ status: HTTPResponseStatus, _ message: String, _ context: ChannelHandlerContext) {
        releaseBudget()
        body = ByteBuffer()
        state = .closing
        connectionGuard?.requestBusy()
        send(route.failure(status, message), context, close: true)
    }

    private func overloaded(_ context: ChannelHandlerContext) {
        server.metrics.overloaded.increment()
        releaseBudget()
        body = ByteBuffer()
        state = .closing
        connectionGuard?.requestBusy()
        var r = route.failure(.serviceUnavailable, "too many request bytes in flight (--max-inflight-bytes); retry later")
        r.headers.add(name: "Retry-After", value: "1")
        send(r, context, close: true)
    }

    /// Writes the head, then chunks formatted on the query pool, each sent once the previous one was
    /// written to the socket (so a slow reader slows the formatting instead of filling memory).
    private func stream(_ status: HTTPResponseStatus, _ headers: HTTPHeaders, _ stream: any ChunkSource, _ context: ChannelHandlerContext) {
        let channel = context.channel
        if head.method == .HEAD {
            // GET's head (chunked), no body: nothing is formatted.
            activeQuery = nil
            state = .idle
            connectionGuard?.requestDone()
            context.write(wrapOutboundOut(.head(responseHead(status, headers, close: false))), promise: nil)
            let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            logRequest(status, bytes: 0)
            if !keepAlive { written.whenComplete { _ in channel.close(promise: nil) } }
            return
        }
        state = .processing(streaming: true)
        context.writeAndFlush(wrapOutboundOut(.head(responseHead(status, headers, close: false))), promise: nil)
        server.queryPool.runIfActive(eventLoop: context.eventLoop) {
            var previous: EventLoopFuture<Void>?
            var bytes = 0
            while let chunk = stream.nextChunk() {
                guard !chunk.isEmpty else { continue }
                try previous?.wait()
                bytes += chunk.count
                previous = channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: chunk))))
            }
            try previous?.wait()
            return bytes
        }.assumeIsolated().whenComplete { result in
            self.activeQuery = nil
            self.state = .idle
            self.connectionGuard?.requestDone()
            switch result {
            case .success(let bytes):
                self.logRequest(status, bytes: bytes)
                let written = context.writeAndFlush(self.wrapOutboundOut(.end(nil)))
                if !self.keepAlive { written.whenComplete { _ in channel.close(promise: nil) } }
            case .failure:
                context.close(promise: nil)
            }
        }
    }

    /// Writes the head of an answer whose body a query thread is writing (`LiveBody`), then lets it go
    /// on; ends the response when it completes, or closes the connection when it was cut short (the
    /// missing last chunk tells the client the answer is incomplete).
    private func live(_ status: HTTPResponseStatus, _ headers: HTTPHeaders, _ body: LiveBody, _ context: ChannelHandlerContext) {
        let channel = context.channel
        if head.method == .HEAD {
            activeQuery?.cancel("a HEAD request takes no body")
            activeQuery = nil
            state = .idle
            connectionGuard?.requestDone()
            body.started.fail(LiveBodyClosed())
            context.write(wrapOutboundOut(.head(responseHead(status, headers, close: false))), promise: nil)
            let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            logRequest(status, bytes: 0)
            if !keepAlive { written.whenComplete { _ in channel.close(promise: nil) } }
            return
        }
        state = .processing(streaming: true)
        context.writeAndFlush(wrapOutboundOut(.head(responseHead(status, headers, close: false))), promise: nil)
        body.started.succeed(())
        body.ended.futureResult.assumeIsolated().whenComplete { result in
            self.activeQuery = nil
            self.state = .idle
            self.connectionGuard?.requestDone()
            switch result {
            case .success(.complete(let bytes)):
                self.logRequest(status, bytes: bytes)
                let written = context.writeAndFlush(self.wrapOutboundOut(.end(nil)))
                if !self.keepAlive { written.whenComplete { _ in channel.close(promise: nil) } }
            case .success(.aborted(let bytes)):
                self.logRequest(status, bytes: bytes)
                context.close(promise: nil)
            case .failure:
                context.close(promise: nil)
            }
        }
    }

    // MARK: events

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is RequestDeadline {
            switch state {
            case .receiving, .draining:
                fail(.requestTimeout, "the request did not arrive within \(server.config.requestTimeout) s (--request-timeout)", context)
            default:
                break
            }
        } else if let r = event as? RequestRefused {
            switch state {
            case .receiving, .draining: fail(r.status, r.message, context)
            default: context.close(promise: nil)  // the guard reads no more: never leave the connection hanging
            }
        } else if event is IdleStateHandler.IdleStateEvent {
            // Idle between requests, or a streamed answer the client stopped reading: close. A request
            // still being processed is bounded by its own timeouts.
            switch state {
            case .idle, .processing(streaming: true): context.close(promise: nil)
            default: break
            }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        switch error {
        case RequestBodyDecompressor.Failure.tooLarge:
            if case .receiving = state { fail(.payloadTooLarge, tooLarge, context) }
        case let e as RequestBodyDecompressor.Failure:
            if case .receiving = state { fail(.badRequest, e.description, context) }
        default:
            server.logger.debug("HTTP connection error: \(error)")
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        // Nobody is waiting for the answer any more: stop scanning instead of holding a query thread.
        activeQuery?.cancel("the client closed the connection")
        activeQuery = nil
        if case .receiving = state { releaseBudget() }
        if case .draining = state { releaseBudget() }
        context.fireChannelInactive()
    }
}

/// Fired into a connection's pipeline when a request's time to arrive ran out.
struct RequestDeadline: Sendable {}
