import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import QueryEngine

/// The body of an answer that a query thread writes while the engine still produces its rows.
///
/// The connection writes the head, then `started` lets the writer go on. Each piece goes out once the
/// piece before it reached the socket, so a client that stops reading stops the query (it waits in its
/// next batch) instead of filling the server's memory. The writer ends with `ended`: `.complete` (the
/// connection sends the chunked encoding's last chunk) or `.aborted` (the connection closes without it,
/// so every HTTP client sees an incomplete answer; the text already sent says why).
final class LiveBody: Sendable {
    /// How a live body ended.
    enum End: Sendable {
        case complete(bytes: Int)
        case aborted(bytes: Int)
    }

    let channel: Channel
    /// Succeeded by the connection once the head is written; failed when no body may follow (HEAD).
    let started: EventLoopPromise<Void>
    /// Completed by the writer.
    let ended: EventLoopPromise<End>

    init(channel: Channel) {
        self.channel = channel
        started = channel.eventLoop.makePromise()
        ended = channel.eventLoop.makePromise()
    }
}

/// Server-wide figures of live bodies, for /metrics and for tests that check a stalled client is not
/// answered from memory.
final class StreamingStats: Sendable {
    private let state = NIOLockedValueBox((unsent: 0, peakUnsent: 0, rows: 0))

    /// Bytes handed to connections and not yet written to their sockets, now and at most so far.
    var unsentBytes: (now: Int, peak: Int) { state.withLockedValue { ($0.unsent, $0.peakUnsent) } }
    /// Rows formatted into live bodies so far.
    var rowsFormatted: Int { state.withLockedValue { $0.rows } }

    func handed(_ bytes: Int) {
        state.withLockedValue { s in
            s.unsent += bytes
            s.peakUnsent = max(s.peakUnsent, s.unsent)
        }
    }

    func written(_ bytes: Int) { state.withLockedValue { $0.unsent -= bytes } }

    func formatted(rows: Int) { state.withLockedValue { $0.rows += rows } }
}

/// The writing side of a `LiveBody`, used by the one query thread that produces it: each piece waits
/// until the previous one was written (at most two pieces are ever unsent), and waiting gives up when
/// the query is cancelled (timeout, client gone) — the connection is then closed, since a client that
/// does not read cannot be told anything more.
struct LiveBodyWriter {
    let body: LiveBody
    let control: QueryControl
    let stats: StreamingStats
    private var previous: EventLoopFuture<Void>?
    private(set) var bytes = 0

    init(body: LiveBody, control: QueryControl, stats: StreamingStats) {
        self.body = body
        self.control = control
        self.stats = stats
    }

    /// Waits for the connection to write the head; throws when it will not take a body.
    func awaitStart() throws { try wait(body.started.futureResult) }

    /// Sends `piece` once the previous piece was written.
    mutating func send(_ piece: [UInt8]) throws {
        guard !piece.isEmpty else { return }
        if let previous { try wait(previous) }
        let n = piece.count
        stats.handed(n)
        let stats = self.stats
        let written = body.channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: piece))))
        written.whenComplete { _ in stats.written(n) }
        previous = written
        bytes += n
    }

    /// After a failure: sends the rows formatted so far and the error line, giving the client a few
    /// seconds for each write (the query is over; nothing else is checked).
    mutating func sendLast(_ piece: [UInt8]) {
        func settle(_ f: EventLoopFuture<Void>) -> Bool {
            let done = DispatchSemaphore(value: 0)
            f.whenComplete { _ in done.signal() }
            return done.wait(timeout: .now() + .seconds(5)) == .success
        }
        if let previous, !settle(previous) { body.channel.close(promise: nil); return }
        previous = nil
        guard !piece.isEmpty else { return }
        let n = piece.count
        stats.handed(n)
        let stats = self.stats
        let written = body.channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: piece))))
        written.whenComplete { _ in stats.written(n) }
        bytes += n
        if !settle(written) { body.channel.close(promise: nil) }
    }

    /// Waits until everything sent was written.
    mutating func drain() throws {
        if let previous { try wait(previous) }
        previous = nil
    }

    /// Blocks on `future`, checking for cancellation every 100 ms. Once cancelled (the timeout), a
    /// client that still reads gets a few seconds for the piece to go, so the error line can follow it;
    /// one that does not is disconnected.
    private func wait(_ future: EventLoopFuture<Void>) throws {
        let done = DispatchSemaphore(value: 0)
        future.whenComplete { _ in done.signal() }
        while done.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            if let reason = control.cancellation {
                guard done.wait(timeout: .now() + .seconds(5)) == .success else {
                    body.channel.close(promise: nil)
                    throw LiveBodyClosed()
                }
                do { try future.wait() } catch { throw LiveBodyClosed() }
                throw QueryError(reason)
            }
        }
        do { try future.wait() } catch { throw LiveBodyClosed() }
    }
}

/// The connection went away (or stopped reading and the query was cancelled) while a live body was sent.
struct LiveBodyClosed: Error {}
