import ColumnStore
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
import TestSupport
@testable import tsdb_server

/// The HTTP pipeline of a connection on an `EmbeddedChannel` (time moves only when the test says so),
/// with a server context whose worker pools are not started (only /ping, /health and refusals answer).
final class EmbeddedHTTPConnection {
    let channel = EmbeddedChannel()
    let directory = TempDirectory("tsdb-embedded-http")
    let context: ServerContext
    private var received: [UInt8] = []

    init(_ configure: (inout ServerConfig) -> Void = { _ in }) throws {
        var c = ServerConfig(dataDirectory: directory.path + "/data")
        configure(&c)
        let registry = try DatabaseRegistry(root: c.dataDirectory, options: c.databaseOptions)
        var logger = Logger(label: "tsdb.server.test")
        logger.logLevel = .critical
        context = try ServerContext(config: c, databases: ServerDatabases(registry: registry, queryThreads: 1), metrics: ServerMetrics(), logger: logger)
        try TSDBServer.addHTTPHandlers(channel.pipeline.syncOperations, context, idle: .seconds(Int64(c.idleTimeout)))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    deinit {
        _ = try? channel.finish()
        directory.remove()
    }

    /// Sends `bytes` in one read.
    func send(_ bytes: [UInt8]) throws {
        guard channel.isActive else { return }
        try channel.writeInbound(channel.allocator.buffer(bytes: bytes))
    }

    func send(_ s: String) throws { try send(Array(s.utf8)) }

    /// Sends `bytes` one read per byte, moving the clock `step` seconds before each.
    func trickle(_ bytes: [UInt8], step: Double = 0) throws {
        for b in bytes where channel.isActive {
            if step > 0 { advance(step) }
            try send([b])
        }
    }

    func advance(_ seconds: Double) {
        channel.embeddedEventLoop.advanceTime(by: .nanoseconds(Int64(seconds * 1e9)))
    }

    /// Everything the server wrote so far, as text.
    func output() throws -> String {
        while let d = try channel.readOutbound(as: IOData.self) {
            switch d {
            case .byteBuffer(let b): received += b.readableBytesView
            case .fileRegion: Issue.record("unexpected file region")
            }
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// The status codes of the responses written so far, up to one that closes the connection. (Closing an
    /// `EmbeddedChannel` mid-request makes NIO's error handler write a 400 after it, which a socket drops.)
    func statuses() throws -> [Int] {
        var out: [Int] = []
        for r in try output().components(separatedBy: "HTTP/1.1 ").dropFirst() {
            guard let code = Int(r.prefix(3)) else { continue }
            out.append(code)
            if r.lowercased().contains("connection: close") { break }
        }
        return out
    }

    var isClosed: Bool { !channel.isActive }

    var text: String { (try? output()) ?? "" }
}

/// Issue 9, items 14 and 16: slow clients, hostile framing, gzip members.
@Suite struct HTTPHardeningTests {
    // MARK: framing, byte by byte

    /// The framing scanner reports the same events for any split of the stream.
    @Test func framingEventsAreTheSameForAnySplit() {
        let stream = Array(("\r\nGET /ping HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /write HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcde"
            + "POST /write HTTP/1.1\r\ntransfer-encoding: gzip, Chunked\r\n\r\n3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nTrailer: t\r\n\r\n"
            + "GET /ping HTTP/1.1\n\n").utf8)
        let expected: [HTTPRequestFraming.Event] = [
            .requestStarted, .headComplete(hasBody: false), .requestComplete,
            .requestStarted, .headComplete(hasBody: true), .requestComplete,
            .requestStarted, .headComplete(hasBody: true), .requestComplete,
            .requestStarted, .headComplete(hasBody: false), .requestComplete,
        ]
        for split in [1, 2, 3, 7, stream.count] {
            var f = HTTPRequestFraming(maxBodyBytes: 1000)
            var events: [HTTPRequestFraming.Event] = []
            var i = 0
            while i < stream.count {
                let piece = Array(stream[i..<min(stream.count, i + split)])
                let failure = piece.withUnsafeBytes { f.scan($0) { events.append($0) } }
                #expect(failure == nil)
                i += split
            }
            #expect(events == expected, "split \(split)")
            #expect(f.betweenRequests)
        }
    }

    @Test func framingRefusesHugeChunksAndEndlessBlankLines() {
        func scan(_ s: String, limit: Int = 1000) -> (HTTPRequestFraming.Failure, consumed: Int)? {
            var f = HTTPRequestFraming(maxBodyBytes: limit)
            for (i, b) in s.utf8.enumerated() {
                if let r = [b].withUnsafeBytes({ f.scan($0) { _ in } }) { return (r.0, i + r.consumed) }
            }
            return nil
        }
        let head = "POST /write HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(scan(head + "ffffffffffffffff\r\n")?.0 == .chunkTooLarge)
        #expect(scan(head + "00000000000000001\r\n")?.0 == .chunkTooLarge)  // 17 digits
        #expect(scan(head + "3e9\r\n")?.0 == .chunkTooLarge)  // 1001 > 1000
        #expect(scan(head + "3e8\r\n")?.0 == nil)
        #expect(scan(head + "200\r\n" + String(repeating: "x", count: 512) + "\r\n201\r\n")?.0 == .chunkTooLarge)  // sum
        let blank = scan(String(repeating: "\r\n", count: 100_000) + "GET / HTTP/1.1\r\n\r\n")
        #expect(blank?.0 == .tooManyBlankLines)
        #expect(blank?.consumed == 2 * 8 + 1)  // the 9th line feed
        #expect(scan(String(repeating: "\r\n", count: 8) + "GET / HTTP/1.1\r\n\r\n") == nil)
    }

    // MARK: slow clients on an EmbeddedChannel

    @Test func headTricklingOneBytePerSecondGets408() throws {
        let c = try EmbeddedHTTPConnection { $0.headerTimeout = 5; $0.idleTimeout = 120 }
        // A complete head well within the limit is answered.
        try c.trickle(Array("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n".utf8), step: 0.1)
        #expect(try c.statuses() == [204])
        // The next one trickles a byte a second and never ends: 408 five seconds after its first byte.
        try c.trickle(Array("GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaa".utf8), step: 1)
        #expect(try c.statuses() == [204, 408], "\(c.text)")
        #expect(try c.output().contains("--header-timeout"))
        #expect(c.isClosed)
    }

    @Test func aConnectionThatSendsNothingIsClosedAfterTheHeaderTimeout() throws {
        let c = try EmbeddedHTTPConnection { $0.headerTimeout = 5; $0.idleTimeout = 120 }
        c.advance(4.9)
        #expect(!c.isClosed)
        c.advance(0.2)
        #expect(c.isClosed)
        #expect(try c.statuses() == [])
        // After a first request, an idle keep-alive connection is left to the idle timeout (IdleStateHandler,
        // which reads the wall clock, so it is not exercised on an EmbeddedChannel).
        let d = try EmbeddedHTTPConnection { $0.headerTimeout = 5 }
        try d.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        d.advance(20)
        #expect(!d.isClosed)
        #expect(try d.statuses() == [204])
    }

    @Test func firstHeadTrickledAfterASilentStartStillHasOneHeaderTimeout() throws {
        let c = try EmbeddedHTTPConnection { $0.headerTimeout = 5 }
        c.advance(3)
        // 4 s from its first byte, but 7 s from the connect.
        try c.trickle(Array("GET /ping HTTP/1.1\r\n".utf8), step: 0.2)
        #expect(try c.statuses() == [408])
        #expect(c.isClosed)
    }

    @Test func silentSocketsAreClosedAfterTheHeaderTimeout() throws {
        let s = try RunningServer { $0.headerTimeout = 1 }
        defer { s.stop() }
        let silent = try s.client()
        #expect(silent.peerClosed(wait: 15))
        #expect(try s.client().request("GET", "/ping").status == 204)
    }

    @Test func bodySlowerThanTheMinimumRateGets408() throws {
        let c = try EmbeddedHTTPConnection { $0.minBodyRate = 100; $0.bodyRateGrace = 3 }
        try c.send("POST /write?db=x HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n")
        for _ in 0..<2 {
            try c.send(Array(repeating: UInt8(ascii: "m"), count: 50))  // 50 bytes/s
            c.advance(1)
        }
        #expect(try c.statuses() == [])
        c.advance(1)  // 3 s: 100 bytes < 3 s × 100 bytes/s
        #expect(try c.statuses() == [408])
        #expect(try c.output().contains("--min-body-rate"))
        #expect(c.isClosed)
        #expect(c.context.budget.inUse == 0)
    }

    @Test func bodyAtTheMinimumRateIsNotCut() throws {
        let c = try EmbeddedHTTPConnection { $0.minBodyRate = 90; $0.bodyRateGrace = 2 }
        try c.send("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
        for _ in 0..<10 {
            try c.send(Array(repeating: UInt8(ascii: "m"), count: 100))
            c.advance(1)
        }
        #expect(try c.statuses() == [404])  // drained at 100 bytes/s, then answered
        #expect(!c.isClosed)
    }

    @Test func hugeChunkSizeIsRefusedAtOnceByteByByte() throws {
        let c = try EmbeddedHTTPConnection()
        try c.trickle(Array("POST /write?db=x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n".utf8))
        #expect(try c.statuses() == [413], "\(c.text)")
        #expect(c.isClosed)
        #expect(c.context.budget.inUse == 0)
    }

    @Test func hugeChunkSizeOnARouteThatDrainsIsRefusedToo() throws {
        let c = try EmbeddedHTTPConnection()
        try c.send("POST /nowhere HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n")
        #expect(try c.statuses() == [413], "\(c.text)")
        #expect(c.isClosed)
    }

    @Test func endlessBlankLinesAreRefused() throws {
        let c = try EmbeddedHTTPConnection()
        try c.trickle(Array(repeating: Array("\r\n".utf8), count: 20).flatMap { $0 })
        #expect(try c.statuses() == [400])
        #expect(c.isClosed)
        let d = try EmbeddedHTTPConnection()
        try d.send(Array(repeating: Array("\r\n".utf8), count: 100_000).flatMap { $0 })
        #expect(try d.statuses() == [400])
        #expect(d.isClosed)
    }

    @Test func oversizedHeadIs400() throws {
        let c = try EmbeddedHTTPConnection()
        try c.send("GET /ping HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 100 << 10) + "\r\n\r\n")
        #expect(try c.statuses() == [400])
        #expect(c.isClosed)
    }

    @Test func pipelinedRequestsStillWorkBehindTheGuard() throws {
        let c = try EmbeddedHTTPConnection { $0.headerTimeout = 1 }
        try c.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n\r\nGET /ping HTTP/1.1\r\n")
        #expect(try c.statuses() == [204, 200])
        c.advance(0.5)
        try c.send("Host: x\r\n\r\n")
        #expect(try c.statuses() == [204, 200, 204])
        // An idle keep-alive connection is left to the idle timeout, not the head timeout.
        c.advance(10)
        #expect(!c.isClosed)
    }

    // MARK: gzip members on an EmbeddedChannel

    @Test func multiMemberGzipDecodesAsTheConcatenationByteByByte() throws {
        let a = Array("first member\n".utf8), b = Array("second member\n".utf8)
        let body = try gzipped(a) + gzipped(b)
        // The decompressor alone, fed one byte per body part.
        let channel = EmbeddedChannel(handler: RequestBodyDecompressor(limit: 1000, chunkSize: 7))
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/write")
        head.headers.add(name: "Content-Encoding", value: "gzip")
        try channel.writeInbound(HTTPServerRequestPart.head(head))
        for byte in body { try channel.writeInbound(HTTPServerRequestPart.body(channel.allocator.buffer(bytes: [byte]))) }
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        var out: [UInt8] = []
        var ended = false
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) {
            switch part {
            case .head: break
            case .body(let buf): out += buf.readableBytesView
            case .end: ended = true
            }
        }
        #expect(out == a + b)
        #expect(ended)
        _ = try channel.finish()
    }

    @Test func gzipErrorsAndLimits() throws {
        func run(_ body: [UInt8], encoding: String = "gzip", limit: Int = 1000) throws -> (out: [UInt8], error: Error?) {
            let channel = EmbeddedChannel(handler: RequestBodyDecompressor(limit: limit))
            var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/write")
            head.headers.add(name: "Content-Encoding", value: encoding)
            var error: Error?
            do {
                try channel.writeInbound(HTTPServerRequestPart.head(head))
                try channel.writeInbound(HTTPServerRequestPart.body(channel.allocator.buffer(bytes: body)))
                try channel.writeInbound(HTTPServerRequestPart.end(nil))
            } catch let e { error = e }
            var out: [UInt8] = []
            while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
                if case .body(let buf) = part { out += buf.readableBytesView }
            }
            _ = try? channel.finish()
            return (out, error)
        }
        let gz = try gzipped(Array("hello\n".utf8))
        #expect(try run(gz).out == Array("hello\n".utf8))
        #expect(try run(gz + Array("junk".utf8)).error is RequestBodyDecompressor.Failure)
        #expect(try run(Array(gz.dropLast(3))).error is RequestBodyDecompressor.Failure)  // cut short
        #expect(try run(Array("not gzip".utf8)).error is RequestBodyDecompressor.Failure)
        let big = try gzipped(Array(repeating: UInt8(ascii: "x"), count: 5000))
        #expect(try run(big + big, limit: 9000).error as? RequestBodyDecompressor.Failure == .tooLarge)
        #expect(try run(big + big, limit: 10000).out.count == 10000)
    }

    // MARK: real sockets

    /// 256 clients trickling their heads a byte at a time hold every connection slot; a fresh client is
    /// answered 503 (not dropped) while they do, the tricklers get 408 after the header timeout, and /ping
    /// answers again.
    @Test func trickleClientsDoNotLockOthersOut() throws {
        let s = try RunningServer { $0.headerTimeout = 2; $0.maxConnections = 256 }
        defer { s.stop() }
        let head = Array("GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 1000)
        var fds: [Int32] = []
        defer { for fd in fds where fd >= 0 { close(fd) } }
        for _ in 0..<256 { fds.append(try TestHTTPClient.connect(port: s.httpPort)) }
        var sent = [Int](repeating: 0, count: fds.count)
        var replies = [[UInt8]](repeating: [], count: fds.count)
        var closed = [Bool](repeating: false, count: fds.count)
        func trickle() {
            for (i, fd) in fds.enumerated() where !closed[i] {
                if sent[i] < head.count, send(fd, [head[sent[i]]], 1, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) == 1 { sent[i] += 1 }
                var buf = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = recv(fd, &buf, buf.count, Int32(MSG_DONTWAIT))
                    if n > 0 { replies[i] += buf[0..<n]; continue }
                    if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) { closed[i] = true }
                    break
                }
            }
        }
        trickle()
        // Every slot is taken: a fresh client is told so at once.
        var first: TestResponse?
        do { first = try TestHTTPClient(port: s.httpPort, timeout: 10).request("GET", "/ping") } catch {}
        #expect(first?.status == 503 || first?.status == 204, "over the limit: \(String(describing: first?.status))")
        if first?.status == 503 { #expect(first?.header("Retry-After") == "1") }
        // Trickle on until the server closed them all (bounded).
        let deadline = Date().addingTimeInterval(30)
        while closed.contains(false) && Date() < deadline {
            usleep(250_000)
            trickle()
        }
        #expect(!closed.contains(false), "\(closed.filter { !$0 }.count) tricklers still open")
        let timedOut = replies.filter { String(decoding: $0, as: UTF8.self).hasPrefix("HTTP/1.1 408") }.count
        #expect(timedOut == fds.count)
        let answered = eventually(timeout: 10) { (try? s.client().request("GET", "/ping").status) == 204 }
        #expect(answered)
    }

    @Test func overTheConnectionLimitIs503NotADrop() throws {
        let s = try RunningServer { $0.maxConnections = 2 }
        defer { s.stop() }
        // Two connections that have not sent their first request yet (so neither is an idle keep-alive one).
        let held = [try s.client(), try s.client()]
        #expect(eventually { s.server.context.connections.count == 2 })
        let extra = try TestHTTPClient(port: s.httpPort, timeout: 10)
        let r = try extra.request("GET", "/ping")
        #expect(r.status == 503)
        #expect(r.header("Retry-After") == "1")
        #expect(r.header("Connection") == "close")
        #expect(extra.peerClosed())
        for c in held { c.close() }
        #expect(eventually { (try? s.client().request("GET", "/ping").status) == 204 })
        let m = try PrometheusText(try s.client().request("GET", "/metrics").text)
        #expect((m["tsdb_connections_refused_total"] ?? 0) >= 1)
    }

    /// At the limit, the keep-alive connection idle longest makes room for a new one (nginx's rule), so idle
    /// clients cannot hold every slot for --idle-timeout.
    @Test func atTheLimitTheLongestIdleKeepAliveConnectionMakesRoom() throws {
        let s = try RunningServer { $0.maxConnections = 2 }
        defer { s.stop() }
        let first = try s.client(), second = try s.client()
        #expect(try first.request("GET", "/ping").status == 204)
        usleep(20_000)
        #expect(try second.request("GET", "/ping").status == 204)
        let extra = try TestHTTPClient(port: s.httpPort, timeout: 10)
        #expect(try extra.request("GET", "/ping").status == 204)
        #expect(first.peerClosed(wait: 5), "the longest-idle connection was closed")
        #expect(try second.request("GET", "/ping").status == 204, "the other one still serves")
        let m = try PrometheusText(try extra.request("GET", "/metrics").text)
        #expect(m["tsdb_idle_connections_closed_total"] == 1)
        #expect(m["tsdb_connections_refused_total"] == 0)
    }

    @Test func hostileFramingIsRefusedAtOnceOverSockets() throws {
        let s = try RunningServer()
        defer { s.stop() }
        // A chunk size no body could have: 413 without waiting for it.
        let c = try TestHTTPClient(port: s.httpPort, timeout: 10)
        try c.sendRaw(Array("POST /write?db=h HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n".utf8))
        #expect(try c.readResponse().status == 413)
        #expect(c.peerClosed())
        // 100,000 blank lines: 400.
        let d = try TestHTTPClient(port: s.httpPort, timeout: 10)
        try? d.sendRaw(Array(repeating: Array("\r\n".utf8), count: 100_000).flatMap { $0 })
        #expect(try d.readResponse().status == 400)
        #expect(d.peerClosed())
        #expect(try s.client().request("GET", "/ping").status == 204)
    }

    @Test func concatenatedGzipMembersAreOneBody() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let a = "m v=1i 1700000000000000000\nm v=2i 1700000000000000001\n"
        let b = "m v=3i 1700000000000000002\n"
        let body = try gzipped(Array(a.utf8)) + gzipped(Array(b.utf8))
        let r = try s.client().request("POST", "/write?db=gz", headers: [("Content-Encoding", "gzip")], body: body)
        #expect(r.status == 204, "\(r.status) \(r.text)")
        #expect(try s.count("gz", "m") == 3)
        // A chunked multi-member body too.
        var chunked: [UInt8] = []
        for member in [try gzipped(Array(a.utf8)), try gzipped(Array(b.utf8))] {
            chunked += Array("\(String(member.count, radix: 16))\r\n".utf8) + member + Array("\r\n".utf8)
        }
        chunked += Array("0\r\n\r\n".utf8)
        let r2 = try s.client().request("POST", "/write?db=gz", headers: [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")], body: chunked)
        #expect(r2.status == 204, "\(r2.status) \(r2.text)")
        #expect(try s.count("gz", "m") == 6)
    }
}
