import ColumnStore
import Foundation
import Ingest
import NIOCore

/// Line protocol over TCP: newline-terminated lines, no answers (QuestDB's ILP/TCP, Telegraf's
/// `socket_writer`), written to the default database.
///
/// Received bytes gather on the event loop while one job at a time parses them on the write pool. Rows
/// are committed in batches: once `tcpBatchRows` are parsed, or `tcpLinger` after the first uncommitted
/// row (a timer covers a connection that went quiet), or when the input ends. The next job takes
/// whatever arrived meanwhile, so jobs grow when storage is slow. Once `tcpBufferBytes` are waiting the
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
    /// Rows are parsed but not committed; this timer commits them if nothing else does first.
    private var linger: Scheduled<Void>?
    /// The linger timer fired while a job ran: the next job commits.
    private var commitWanted = false

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

    private func startJob(_ context: ChannelHandlerContext, commit: Bool = false) {
        guard !busy, !ended else {
            if commit { commitWanted = true }
            return
        }
        let data = inbox
        inbox = nil
        let final = ending
        let commitNow = commit || commitWanted
        guard data != nil || final || commitNow else { return }
        commitWanted = false
        busy = true
        let stream = self.stream
        let complete = finalLineComplete
        server.writePool.runIfActive(eventLoop: context.eventLoop) {
            stream.process(data, final: final, lastLineComplete: complete, commit: commitNow)
        }.assumeIsolated().whenComplete { result in
            self.busy = false
            let outcome = (try? result.get()) ?? .failed
            if final || outcome == .failed {
                self.ended = true
                self.linger?.cancel()
                context.close(promise: nil)
                return
            }
            if outcome == .pending {
                if self.linger == nil {
                    self.linger = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(self.server.config.tcpLinger * 1e9))) {
                        self.linger = nil
                        self.startJob(context, commit: true)
                    }
                }
            } else {
                self.linger?.cancel()
                self.linger = nil
            }
            if self.inbox != nil || self.ending || self.commitWanted {
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
    /// What a job left behind.
    enum Outcome: Sendable {
        /// Everything parsed is committed.
        case done
        /// Rows wait for more lines (or the linger timer).
        case pending
        /// Storage failed: close the connection.
        case failed
    }

    let peer: String
    private let server: ServerContext
    private var ingester: LineProtocolIngester
    /// The start of a line whose end has not arrived.
    private var carry: [UInt8] = []
    private var database: Database?
    /// When the oldest uncommitted row was parsed (uptime ns).
    private var pendingSince: UInt64?

    init(server: ServerContext, peer: String) {
        self.server = server
        self.peer = peer
        ingester = LineProtocolIngester(precision: .ns, defaultTime: 0, maxLineLength: server.config.maxLineLength, maxErrors: 10)
    }

    /// Parses `data` (after any carried partial line); commits when enough rows gathered, when they
    /// waited `tcpLinger`, or when `commit`/`final` ask.
    func process(_ data: ByteBuffer?, final: Bool, lastLineComplete: Bool, commit: Bool) -> Outcome {
        ingester.defaultTime = ServerContext.nowNanoseconds()
        if let data {
            server.metrics.recordBytes(.tcp, data.readableBytes)
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
        guard ingester.pendingRows > 0 || ingester.parser.errorCount > 0 else { return .done }
        let now = DispatchTime.now().uptimeNanoseconds
        let since = pendingSince ?? now
        let waited = Double(now - since) / 1e9
        guard final || commit || ingester.pendingRows >= server.config.tcpBatchRows || waited >= server.config.tcpLinger else {
            pendingSince = since
            return .pending
        }
        pendingSince = nil
        let parsed = ingester.takeBatches()
        do {
            if database == nil {
                database = try server.databases.database(server.config.defaultDatabase, create: true)
            }
            // The store waits for flushes to catch up; TCP has no answer to delay, so keep waiting (reads
            // stay held) until the server stops.
            let report: IngestReport
            var waited = 0
            while true {
                do {
                    let (r, w) = try parsed.write(to: database!, policy: WritePolicy(atomicity: .partial, roomTimeout: 1))
                    if w > 0 { server.metrics.recordStall(nanoseconds: Int64(w * 1e9)) }
                    report = r
                    break
                } catch let e as StorageError {
                    guard case .overloaded = e, !server.isStopping else { throw e }
                    waited += 1
                    if waited % 30 == 0 {
                        server.logger.warning("tcp \(peer): waiting \(waited) s for flushes to catch up: \(e)")
                    }
                }
            }
            server.writeSucceeded(database: server.config.defaultDatabase)
            server.metrics.recordWrite(.tcp, rows: report.linesAccepted, rejected: report.linesRejected)
            if !report.isComplete {
                let first = report.errors.first.map { $0.message } ?? ""
                server.logger.warning("tcp \(peer): \(report.linesRejected) line(s) rejected; first: \(first)")
            }
            return .done
        } catch {
            server.writeFailed(error, database: server.config.defaultDatabase)
            server.metrics.recordWrite(.tcp, rows: 0, rejected: parsed.report.linesAccepted + parsed.report.linesRejected)
            server.logger.error("tcp \(peer): write failed, closing the connection: \(error)")
            return .failed
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
                    // Over-long: the parser records the error and skips to the line's end.
                    let used = carry.withUnsafeBytes { ingester.feed($0) }
                    carry.removeFirst(used)
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
}
