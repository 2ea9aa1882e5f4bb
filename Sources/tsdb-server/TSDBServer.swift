import ColumnStore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import PGWire
import NIOSSL

/// The server: HTTP and TCP listeners over one set of databases. `start()` binds, `shutdown()` stops
/// gracefully (see `Shutdown.swift`). Tests run it in-process on port 0 and read the bound ports.
final class TSDBServer: @unchecked Sendable {
    let config: ServerConfig
    let context: ServerContext
    let group: MultiThreadedEventLoopGroup
    private(set) var httpChannel: Channel?
    private(set) var tcpChannel: Channel?
    private(set) var pgChannel: Channel?
    private(set) var httpsChannel: Channel?
    let shutdownLock = NSLock()
    var isShutDown = false

    init(config: ServerConfig, logger: Logger) throws {
        guard config.defaultDatabase.isEmpty || FileNames.isValidName(config.defaultDatabase) else {
            throw ValidationFailure("invalid default database name '\(config.defaultDatabase)'")
        }
        self.config = config
        let registry = try DatabaseRegistry(root: config.dataDirectory, options: config.databaseOptions)
        let databases = ServerDatabases(registry: registry, queryThreads: config.queryThreads, viewRewrite: config.viewRewrite)
        context = try ServerContext(config: config, databases: databases, metrics: ServerMetrics(), logger: logger)
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, config.eventLoopThreads))
    }

    /// Starts the worker threads and binds the listeners.
    func start() throws {
        context.writePool.start()
        context.queryPool.start()
        context.databases.openExisting()
        do {
            if let a = config.http {
                do { httpChannel = try bindHTTP(a) } catch { throw ValidationFailure("cannot listen for HTTP on \(a): \(error)") }
            }
            if let a = config.https, let tls = context.tls {
                do { httpsChannel = try bindHTTP(a, tls: tls) } catch { throw ValidationFailure("cannot listen for HTTPS on \(a): \(error)") }
            }
            if let a = config.tcp {
                do { tcpChannel = try bindTCP(a) } catch { throw ValidationFailure("cannot listen for TCP on \(a): \(error)") }
            }
            if let a = config.pg {
                do { pgChannel = try bindPG(a) } catch { throw ValidationFailure("cannot listen for PostgreSQL on \(a): \(error)") }
            }
        } catch {
            try? shutdown()
            throw error
        }
    }

    /// The bound HTTP port (useful when configured as 0).
    var httpPort: Int? { httpChannel?.localAddress?.port }
    var tcpPort: Int? { tcpChannel?.localAddress?.port }
    var pgPort: Int? { pgChannel?.localAddress?.port }
    var httpsPort: Int? { httpsChannel?.localAddress?.port }

    /// An HTTP listener; with `tls`, every connection starts with the TLS handshake (HTTPS).
    private func bindHTTP(_ address: HostPort, tls: NIOSSLContext? = nil) throws -> Channel {
        let server = context
        let idle = TimeAmount.nanoseconds(Int64(config.idleTimeout * 1e9))
        return try ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 64 << 10, maximum: 1 << 20))
            .childChannelInitializer { channel in
                guard Self.admit(channel, .http, server) else {
                    // Over the limit: a quick 503 rather than a silent close (at most --max-connections of these at once).
                    // (Over TLS a plain 503 would be noise to the client: those are just closed.)
                    guard tls == nil, server.connections.beginRefusal() else { return channel.close() }
                    channel.closeFuture.whenComplete { _ in server.connections.endRefusal() }
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ConnectionRefusal(limit: server.connections.limit))
                    }
                }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try Self.addHTTPHandlers(channel.pipeline.syncOperations, server, idle: idle)
                }
            }
            .bind(host: address.host, port: address.port).wait()
    }

    /// The handlers of an HTTP connection, first to last (tests build the same pipeline on an `EmbeddedChannel`).
    static func addHTTPHandlers(_ ops: ChannelPipeline.SynchronousOperations, _ server: ServerContext, idle: TimeAmount) throws {
        let connectionGuard = HTTPConnectionGuard(limits: HTTPConnectionGuard.Limits(server.config), tracker: server.connections)
        try ops.addHandler(connectionGuard)
        try ops.addHandler(IdleStateHandler(allTimeout: idle))
        try ops.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
        try ops.addHandler(HTTPResponseCompressor(initialByteBufferCapacity: 0, responseCompressionPredicate: ResponseCompression.decide))
        try ops.addHandler(RequestBodyDecompressor(limit: server.config.maxBodyBytes))
        try ops.addHandler(HTTPHandler(server: server, connectionGuard: connectionGuard))
    }

    private func bindTCP(_ address: HostPort) throws -> Channel {
        let server = context
        let idle = TimeAmount.nanoseconds(Int64(config.idleTimeout * 1e9))
        return try ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 64 << 10, maximum: 1 << 20))
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                guard Self.admit(channel, .tcp, server) else { return channel.close() }
                let peer = channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
                return channel.eventLoop.makeCompletedFuture {
                    let ops = channel.pipeline.syncOperations
                    try ops.addHandler(IdleStateHandler(readTimeout: idle))
                    try ops.addHandler(TCPLineProtocolHandler(server: server, peer: peer))
                }
            }
            .bind(host: address.host, port: address.port).wait()
    }

    private func bindPG(_ address: HostPort) throws -> Channel {
        let server = context
        return try ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            // Results stream while the socket keeps up: past 1 MiB unsent the channel turns unwritable.
            .childChannelOption(.writeBufferWaterMark, value: ChannelOptions.Types.WriteBufferWaterMark(low: 256 << 10, high: 1 << 20))
            .childChannelInitializer { channel in
                guard Self.admit(channel, .pg, server) else {
                    // Over the limit: PostgreSQL's own answer, then close.
                    var b = channel.allocator.buffer(capacity: 128)
                    PGBackendEncoder.write(.errorResponse(PGErrorFields(severity: "FATAL", code: PGSQLState.tooManyConnections,
                                                                        message: "sorry, too many clients already (--max-connections \(server.connections.limit))")), into: &b)
                    return channel.writeAndFlush(b).flatMap { channel.close() }
                }
                let peer = channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
                return channel.eventLoop.makeCompletedFuture {
                    try Self.addPGHandlers(channel.pipeline.syncOperations, server, peer: peer)
                }
            }
            .bind(host: address.host, port: address.port).wait()
    }

    /// The handlers of a PostgreSQL connection (tests build the same pipeline on an `EmbeddedChannel`).
    static func addPGHandlers(_ ops: ChannelPipeline.SynchronousOperations, _ server: ServerContext, peer: String) throws {
        try ops.addHandler(ByteToMessageHandler(PGFrontendDecoder(maxMessageBytes: max(server.config.maxBodyBytes, 1 << 20))))
        try ops.addHandler(MessageToByteHandler(PGBackendEncoder()))
        try ops.addHandler(PGConnectionHandler(server: server, peer: peer))
    }

    /// Counts a new connection, or refuses it past `--max-connections`.
    private static func admit(_ channel: Channel, _ source: ServerMetrics.Source, _ server: ServerContext) -> Bool {
        let admission = server.isStopping ? .refused : server.connections.admit(channel, tcp: source == .tcp)
        if admission == .refused {
            server.metrics.connectionsRefused.increment()
            return false
        }
        if admission == .admittedInPlaceOfIdle { server.metrics.idleConnectionsClosed.increment() }
        server.metrics.connectionOpened(source)
        channel.closeFuture.whenComplete { _ in
            server.connections.remove(channel)
            server.metrics.connectionClosed(source)
        }
        return true
    }
}

/// A setting that cannot work, reported before anything starts.
struct ValidationFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
