import ColumnStore
import Foundation
import Ingest
import NIOCore

/// Line protocol over TCP: newline-terminated lines, no answers (QuestDB's ILP/TCP, Telegraf's
/// `socket_writer`), written to the default database.
///
/// Received bytes gather on the event loop while one job at a time parses them and commits every
/// complete line on the write pool; the next job takes whatever arrived meanwhile, so batches grow when
/// storage is slow and stay small (low latency) when it is fast. Once `tcpBufferBytes` are waiting the
/// connection stops reading (TCP backpressure reaches the client) until the job finishes.
///
/// A bad line is counted, logged and skipped; the connection stays open for the lines that follow
/// (QuestDB instead closes the connection at the first bad line).
final class TCPLineProtocolHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let server: ServerContext
    private let stream: TCPLineStream
    /// Bytes received and not yet handed to a job.
    private var inbox: ByteBuffer?
    private var busy = false
    /// A read was held back because the inbox is full.
    private var readHeld = false
    /// The peer finished sending (or shutdown asked us to stop): commit what is left, then close.
    private var ending = false
    private var ended = false
    /// Set when the input ended cleanly: a last line without a newline is still a line.
    private var finalLineComplete = false

    init(server: ServerContext, peer: String) {
        self.server = server
        stream = TCPLineStream(server: server, peer: peer)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var b = unwrapInboundIn(data)
        if inbox == nil {
            inbox = b
        } else {
            inbox!.writeBuffer(&b)
        }
        startJob(context)
    }

    func read(context: ChannelHandlerContext) {
        if (inbox?.readableBytes ?? 0) >= server.config.tcpBufferBytes || ending {
            readHeld = true
        } else {
            context.read()
        }
    }

    private func startJob(_ context: ChannelHandlerContext) {
        guard !busy, !ended else { return }
        let data = inbox
        inbox = nil
        let final = ending
        guard data != nil || final else { return }
        busy = true
        let stream = self.stream
        let complete = finalLineComplete
        server.writePool.runIfActive(eventLoop: context.eventLoop) {
            stream.process(data, final: final, lastLineComplete: complete)
        }.assumeIsolated().whenComplete { result in
            self.busy = false
            var keepOpen = true
            if case .failure = result { keepOpen = false }
            if case .success(let ok) = result { keepOpen = ok }
            if final || !keepOpen {
                self.ended = true
                context.close(promise: nil)
                return
            }
            if self.inbox != nil || self.ending {
                self.startJob(context)
            }
            if self.readHeld && (self.inbox?.readableBytes ?? 0) < self.server.config.tcpBufferBytes {
                self.readHeld = false
                context.read()
            }
        }
    }

    /// Input is over: commit the rest, then close.
    private func end(_ context: ChannelHandlerContext, lastLineComplete: Bool) {
        guard !ending else { return }
        ending = true
        finalLineComplete = lastLineComplete
        startJob(context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case ChannelEvent.inputClosed:
            end(context, lastLineComplete: true)
        case is ChannelShouldQuiesceEvent:
            // Shutdown: commit the complete lines received so far; a partial last line is dropped.
            end(context, lastLineComplete: false)
        case is IdleStateHandler.IdleStateEvent:
            if !busy && !readHeld && inbox == nil {
                server.logger.info("tcp \(stream.peer): idle for \(server.config.idleTimeout) s, closing")
                end(context, lastLineComplete: false)
            }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The peer is gone: what arrived is still committed (it may have been sent without a half-close).
        end(context, lastLineComplete: true)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        server.logger.debug("tcp \(stream.peer): \(error)")
        context.close(promise: nil)
    }
}

/// The parsing state of one TCP connection, used by one write-pool job at a time.
final class TCPLineStream: @unchecked Sendable {
    let peer: String
    private let server: ServerContext
    private var ingester: LineProtocolIngester
    /// The start of a line whose end has not arrived.
    private var carry: [UInt8] = []
    private var database: Database?

    init(server: ServerContext, peer: String) {
        self.server = server
        self.peer = peer
        ingester = LineProtocolIngester(precision: .ns, defaultTime: 0, maxLineLength: server.config.maxLineLength, maxErrors: 10)
    }

    /// Parses `data` (after any carried partial line) and commits every complete line.
    /// Returns false when the connection should close (storage failed).
    func process(_ data: ByteBuffer?, final: Bool, lastLineComplete: Bool) -> Bool {
        ingester.defaultTime = ServerContext.nowNanoseconds()
        var received = 0
        if let data {
            received = data.readableBytes
            data.withUnsafeReadableBytes { feed($0) }
        }
        if final && !carry.isEmpty {
            if lastLineComplete {
                carry.withUnsafeBytes { _ = ingester.feed($0, isFinal: true) }
            } else {
                server.logger.warning("tcp \(peer): dropped an incomplete last line of \(carry.count) bytes at shutdown")
            }
            carry = []
        }
        guard ingester.pendingRows > 0 || ingester.parser.errorCount > 0 else {
            if received > 0 { server.metrics.recordWrite(.tcp, rows: 0, bytes: received, rejected: 0) }
            return true
        }
        let parsed = ingester.takeBatches()
        do {
            if database == nil {
                database = try server.databases.database(server.config.defaultDatabase, create: true)
            }
            let report = try LineWriter.write(parsed, to: database!)
            server.metrics.recordWrite(.tcp, rows: report.linesAccepted, bytes: received, rejected: report.linesRejected)
            if !report.isComplete {
                let first = report.errors.first.map { $0.message } ?? ""
                server.logger.warning("tcp \(peer): \(report.linesRejected) line(s) rejected; first: \(first)")
            }
            return true
        } catch {
            server.metrics.recordWrite(.tcp, rows: 0, bytes: received, rejected: parsed.report.linesAccepted + parsed.report.linesRejected)
            server.logger.error("tcp \(peer): write failed, closing the connection: \(error)")
            return false
        }
    }

    /// Feeds complete lines; keeps a trailing partial line in `carry` without copying the whole chunk.
    private func feed(_ chunk: UnsafeRawBufferPointer) {
        var rest = chunk
        if !carry.isEmpty {
            // Complete the carried line with the bytes up to the first newline.
            guard let nl = rest.firstIndex(of: 0x0A) else {
                carry.append(contentsOf: rest)
                if carry.count > server.config.maxLineLength {
                    carry.withUnsafeBytes { consumeCarry($0) }
                }
                return
            }
            carry.append(contentsOf: rest[rest.startIndex...nl])
            carry.withUnsafeBytes { _ = ingester.feed($0) }
            carry.removeAll(keepingCapacity: true)
            rest = UnsafeRawBufferPointer(rebasing: rest[(nl + 1)...])
        }
        let used = ingester.feed(rest)
        if used < rest.count {
            carry.append(contentsOf: rest[used...])
        }
    }

    /// An over-long partial line: the parser records the error and skips to its end.
    private func consumeCarry(_ bytes: UnsafeRawBufferPointer) {
        let used = ingester.feed(bytes)
        carry.removeFirst(used)
    }
}
