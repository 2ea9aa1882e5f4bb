import Dispatch
import Foundation
import NIOCore
import NIOPosix

extension TSDBServer {
    /// Graceful stop: close the listeners, let in-flight requests finish (idle keep-alive connections close
    /// at once, busy ones after their answer; TCP connections commit their complete lines), then flush
    /// and close every database. Connections still open after `--shutdown-timeout` are closed anyway.
    func shutdown() throws {
        let first: Bool = shutdownLock.withLock {
            defer { isShutDown = true }
            return !isShutDown
        }
        guard first else { return }
        context.isStopping = true
        let log = context.logger
        for ch in [httpChannel, httpsChannel, tcpChannel, pgChannel].compactMap({ $0 }) {
            try? ch.close().wait()
        }
        for ch in context.connections.all() {
            ch.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        let deadline = Date().addingTimeInterval(config.shutdownTimeout)
        while context.connections.count > 0 && Date() < deadline {
            usleep(10_000)
        }
        let left = context.connections.all()
        if !left.isEmpty {
            log.warning("shutdown: closing \(left.count) connection(s) still busy after \(config.shutdownTimeout) s")
            for ch in left { try? ch.close().wait() }
        }
        try? context.writePool.syncShutdownGracefully()
        try? context.queryPool.syncShutdownGracefully()
        var failure: Error?
        do { try context.databases.closeAll() } catch {
            log.error("shutdown: flushing failed: \(error)")
            failure = error
        }
        try? group.syncShutdownGracefully()
        if let failure { throw failure }
    }
}

/// Catches SIGTERM and SIGINT (they are then handled here instead of killing the process) from its
/// creation on; `wait()` blocks until one arrives. Created before the listeners are bound and the
/// `listening` line is printed, so a signal sent as soon as that line appears is never lost (setting the
/// sources up only in `wait()` left a window where SIGTERM was ignored: seen as a test's server that
/// had to be killed).
final class SignalWaiter: @unchecked Sendable {
    private let received = SignalBox()
    private let done = DispatchSemaphore(value: 0)
    private var sources: [DispatchSourceSignal] = []

    init() {
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            let received = self.received, done = self.done
            s.setEventHandler {
                received.set(sig)
                done.signal()
            }
            s.resume()
            sources.append(s)
        }
    }

    /// Blocks until a signal arrived; returns it.
    func wait() -> Int32 {
        done.wait()
        for s in sources { s.cancel() }
        return received.get()
    }

    private final class SignalBox: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Int32 = 0
        func set(_ v: Int32) { lock.withLock { if value == 0 { value = v } } }
        func get() -> Int32 { lock.withLock { value } }
    }
}
