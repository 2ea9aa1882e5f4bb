import ColumnStore
import Foundation
import NIOCore
import NIOSSL
import PGWire
import QueryEngine

/// One PostgreSQL client connection: startup and authentication, then simple and extended queries
/// against the database the client named, one message at a time.
///
/// Messages are queued and handled in order; while a statement runs on the query pool (or its rows
/// wait for the socket to drain) later messages wait. Results are sent as DataRows a slice at a time,
/// and the next slice is encoded only while the channel is writable, so a slow client holds back
/// the encoding instead of growing the server's buffers. See docs/pg.md.
final class PGConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = PGFrontendMessage
    typealias OutboundOut = PGBackendMessage

    enum Phase { case startup, password, ready, closed }

    let server: ServerContext
    let peer: String
    /// Rows encoded per DataRow slice (one write and flush).
    let rowsPerSlice: Int
    var phase = Phase.startup
    var context: ChannelHandlerContext!
    var startup = PGStartup(protocolVersion: 0, parameters: [])
    var database = ""
    var user = ""
    var principal: Principal?
    var settings = PGSettings(user: "")
    var processID: Int32 = 0
    var secretKey: Int32 = 0
    var statements: [String: PGPreparedStatement] = [:]
    var portals: [String: PGPortal] = [:]
    var transaction = PGTransactionStatus.idle
    var pending = CircularBuffer<PGFrontendMessage>()
    /// A message's work is under way (a query, a describe, rows waiting for writability).
    var busy = false
    var draining = false
    /// After an error in the extended protocol, messages are skipped until Sync.
    var skippingUntilSync = false
    var simpleQueue: ArraySlice<PGSQLText.Statement> = []
    var simpleText = ""
    /// The running query's control and why the server cancelled it, if it did.
    var control: QueryControl?
    var cancellation: PGErrors.Cancellation?
    /// Rows waiting for the channel to become writable.
    var resumeWhenWritable: (() -> Void)?
    var quiescing = false
    var startupTimer: Scheduled<Void>?
    /// The connection switched to TLS after SSLRequest.
    var encrypted = false

    init(server: ServerContext, peer: String, rowsPerSlice: Int = 512) {
        self.server = server
        self.peer = peer
        self.rowsPerSlice = rowsPerSlice
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // A client that does not finish startup and authentication within a minute is dropped
        // (PostgreSQL's authentication_timeout).
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        startupTimer = context.eventLoop.scheduleTask(in: .seconds(60)) {
            let h = bound.value
            if h.phase == .startup || h.phase == .password {
                h.fatal(PGErrorFields(severity: "FATAL", code: "08P01", message: "startup did not complete within 60 seconds"))
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        startupTimer?.cancel()
        if let c = control {
            cancellation = .disconnect
            c.cancel("the client closed the connection")
        }
        if processID != 0 { server.pgSessions.remove(processID) }
        phase = .closed
        resumeWhenWritable = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        switch phase {
        case .startup: handleStartup(message)
        case .password: handlePassword(message)
        case .ready:
            pending.append(message)
            drain()
        case .closed: break
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let resume = resumeWhenWritable {
            resumeWhenWritable = nil
            resume()
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let e = error as? PGProtocolError {
            fatal(PGErrorFields(severity: "FATAL", code: PGSQLState.protocolViolation, message: e.message))
        } else {
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            quiescing = true
            if !busy {
                fatal(PGErrorFields(severity: "FATAL", code: PGSQLState.adminShutdown, message: "terminating connection due to administrator command"))
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: writing

    func send(_ m: PGBackendMessage) {
        guard phase != .closed else { return }
        context.write(wrapOutboundOut(m), promise: nil)
    }

    func flush() {
        guard phase != .closed else { return }
        context.flush()
    }

    /// Sends a FATAL error and closes the connection.
    func fatal(_ e: PGErrorFields) {
        guard phase != .closed else { return }
        var f = e
        f.severity = "FATAL"
        phase = .closed
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.errorResponse(f))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// An ErrorResponse for a failed statement: an explicit transaction becomes failed, and the
    /// extended protocol skips to the next Sync.
    func sendError(_ e: PGErrorFields, extended: Bool) {
        if transaction == .inTransaction { transaction = .failed }
        if extended { skippingUntilSync = true }
        send(.errorResponse(e))
    }

    /// ReadyForQuery, and on to the next queued message.
    func ready() {
        send(.readyForQuery(transaction))
        flush()
        idle()
    }

    /// The current message's work is done: handle the next one.
    func idle() {
        busy = false
        if quiescing {
            fatal(PGErrorFields(severity: "FATAL", code: PGSQLState.adminShutdown, message: "terminating connection due to administrator command"))
            return
        }
        drain()
    }

    func drain() {
        guard !draining else { return }
        draining = true
        defer { draining = false }
        while !busy, phase == .ready, let m = pending.popFirst() {
            handle(m)
        }
    }

    // MARK: startup

    func handleStartup(_ m: PGFrontendMessage) {
        switch m {
        case .sslRequest:
            guard let tls = server.tls, !encrypted else {
                // No TLS configured (or asked twice): the client goes on in plain text
                // (sslmode=prefer) or gives up (sslmode=require).
                send(.encryptionResponse(accepted: false))
                flush()
                return
            }
            upgradeToTLS(tls)
        case .gssEncRequest:
            send(.encryptionResponse(accepted: false))
            flush()
        case let .cancelRequest(pid, key):
            server.pgSessions.cancel(processID: pid, secretKey: key)
            phase = .closed
            context.close(promise: nil)
        case let .startup(s):
            if server.config.pgRequireTLS, !encrypted {
                fatal(PGErrorFields(code: PGSQLState.invalidAuthorization, message: "this server accepts only TLS connections on the PostgreSQL port",
                                    hint: "connect with sslmode=require (or verify-ca, verify-full)"))
                return
            }
            startup = s
            user = s["user"] ?? ""
            guard !user.isEmpty else {
                fatal(PGErrorFields(code: PGSQLState.invalidAuthorization, message: "no PostgreSQL user name specified in startup packet"))
                return
            }
            database = s["database"].flatMap { $0.isEmpty ? nil : $0 } ?? server.config.defaultDatabase
            settings = PGSettings(user: user, viewRewrite: server.config.viewRewrite)
            do {
                for (name, value) in s.parameters where !["user", "database", "options", "replication"].contains(name) {
                    _ = try settings.set(name, value)
                }
                for (name, value) in Self.options(s["options"] ?? "") { _ = try settings.set(name, value) }
            } catch {
                fatal(error)
                return
            }
            if server.auth.isEnabled {
                phase = .password
                send(.authenticationCleartextPassword)
                flush()
            } else {
                principal = server.auth.authenticate(token: "")
                finishStartup()
            }
        default:
            fatal(PGErrorFields(code: PGSQLState.protocolViolation, message: "expected a startup message"))
        }
    }

    func handlePassword(_ m: PGFrontendMessage) {
        guard case let .password(token) = m else {
            fatal(PGErrorFields(code: PGSQLState.protocolViolation, message: "expected a password message"))
            return
        }
        guard let p = server.auth.authenticate(token: token) else {
            server.authenticationFailed(client: peer, front: "pg", detail: "user \(user) database \(database)")
            fatal(PGErrorFields(code: PGSQLState.invalidPassword, message: "password authentication failed for user \"\(user)\"",
                                hint: "the password is an API token (--token)"))
            return
        }
        principal = p
        finishStartup()
    }

    func finishStartup() {
        startupTimer?.cancel()
        // The token's rights, as over HTTP: a database it may not read is refused at connection.
        if let p = principal, !p.mayRead(database) {
            server.metrics.forbidden.increment()
            fatal(PGErrorFields(code: PGSQLState.insufficientPrivilege,
                                message: "permission denied for database \"\(database)\": token '\(p.name)' may not read it"))
            return
        }
        do {
            // The server's default database may not exist yet: its first write statement makes it.
            guard try server.databases.engine(database) != nil || database == server.config.defaultDatabase else {
                fatal(PGErrorFields(code: PGSQLState.invalidDatabase, message: "database \"\(database)\" does not exist",
                                    hint: "a database is created by its first write; existing ones: \(server.databases.registry.names().sorted().joined(separator: ", "))"))
                return
            }
        } catch {
            fatal(PGErrorFields(code: PGSQLState.invalidDatabase, message: "database \"\(database)\" cannot be opened: \(error)"))
            return
        }
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        (processID, secretKey) = server.pgSessions.register {
            loop.execute { bound.value.cancelRunning(.user, "canceling statement due to user request") }
        }
        send(.authenticationOk)
        for name in PGSettings.reported {
            send(.parameterStatus(name: name, value: settings.value(name) ?? ""))
        }
        send(.backendKeyData(processID: processID, secretKey: secretKey))
        phase = .ready
        ready()
    }

    /// Answers `S` to SSLRequest, then puts TLS under the decoder: the client starts its handshake
    /// only after reading the `S`, so no plaintext byte can follow it, and the `S` is already queued
    /// on the socket below the TLS handler when that is added.
    func upgradeToTLS(_ tls: NIOSSLContext) {
        send(.encryptionResponse(accepted: true))
        flush()
        do {
            try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
            encrypted = true
        } catch {
            phase = .closed
            context.close(promise: nil)
        }
    }

    /// `-c name=value` and `--name=value` pairs of the startup `options` parameter.
    static func options(_ text: String) -> [(String, String)] {
        var out: [(String, String)] = []
        let parts = text.split(separator: " ").map(String.init)
        var i = 0
        while i < parts.count {
            var p = parts[i]
            if p == "-c", i + 1 < parts.count { i += 1; p = parts[i] } else if p.hasPrefix("-c") { p = String(p.dropFirst(2)) } else if p.hasPrefix("--") { p = String(p.dropFirst(2)) }
            if let eq = p.firstIndex(of: "=") {
                out.append((String(p[..<eq]).replacingOccurrences(of: "-", with: "_"), String(p[p.index(after: eq)...])))
            }
            i += 1
        }
        return out
    }

    /// Cancels the running query (CancelRequest, timeout); a query's rows still being sent stop too.
    func cancelRunning(_ why: PGErrors.Cancellation, _ reason: String) {
        guard busy else { return }
        cancellation = why
        control?.cancel(reason)
        if control == nil, let resume = resumeWhenWritable {
            // Rows waiting for the socket: stop them now.
            resumeWhenWritable = nil
            resume()
        }
    }
}

extension PGErrorFields {
    /// A FATAL error from `error`, keeping PostgreSQL's fields when it is one.
    init(wrapping error: Error) {
        self = (error as? PGErrorFields) ?? PGErrorFields(code: PGSQLState.internalError, message: "\(error)")
    }
}

extension PGConnectionHandler {
    func fatal(_ error: Error) { fatal(PGErrorFields(wrapping: error)) }
}
