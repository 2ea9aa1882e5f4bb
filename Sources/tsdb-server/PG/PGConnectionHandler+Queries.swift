import ColumnStore
import Foundation
import NIOCore
import NIOPosix
import PGWire
import QueryEngine

extension PGConnectionHandler {
    /// One queued message.
    func handle(_ m: PGFrontendMessage) {
        if skippingUntilSync {
            switch m {
            case .sync, .terminate, .query: skippingUntilSync = false
            default: return
            }
        }
        switch m {
        case let .query(sql): simpleQuery(sql)
        case let .parse(name, query, types): parse(name, query, types)
        case let .bind(b): bind(b)
        case let .describe(target, name): describe(target, name)
        case let .execute(portal, maxRows): execute(portal, Int(maxRows))
        case let .close(target, name):
            if target == .statement { statements.removeValue(forKey: name) } else { portals.removeValue(forKey: name) }
            send(.closeComplete)
        case .sync:
            // Outside an explicit transaction each Sync ends the implicit one, and its portals with it.
            if transaction == .idle { portals.removeAll() }
            busy = true
            ready()
        case .flush: flush()
        case .terminate:
            phase = .closed
            context.close(promise: nil)
        case .startup, .sslRequest, .gssEncRequest, .cancelRequest, .password:
            fatal(PGErrorFields(code: PGSQLState.protocolViolation, message: "unexpected startup message after startup"))
        }
    }

    // MARK: simple query

    func simpleQuery(_ sql: String) {
        busy = true
        simpleText = sql
        simpleQueue = PGSQLText.statements(sql)[...]
        if simpleQueue.isEmpty {
            send(.emptyQueryResponse)
            ready()
            return
        }
        nextSimpleStatement()
    }

    func nextSimpleStatement() {
        guard let s = simpleQueue.popFirst() else { ready(); return }
        let portal: PGPortal
        do {
            let command = try PGSessionCommand.parse(s.text)
            let statement = PGPreparedStatement(sql: s.text, isEmpty: false, command: command, parameterTypes: [])
            portal = PGPortal(statement: statement, substituted: PGParameters.Substituted(sql: s.text), original: simpleText, base: s.offset, formats: [])
        } catch {
            sendError(error, extended: false)
            simpleQueue = []
            ready()
            return
        }
        run(portal, maxRows: 0, describe: true) { [self] ok in
            if ok { nextSimpleStatement() } else { simpleQueue = []; ready() }
        }
    }

    func sendError(_ error: Error, extended: Bool) {
        sendError(PGErrorFields(wrapping: error), extended: extended)
    }

    // MARK: extended query

    func parse(_ name: String, _ query: String, _ declared: [UInt32]) {
        do {
            if !name.isEmpty, statements[name] != nil {
                throw PGErrorFields(code: "42P05", message: "prepared statement \"\(name)\" already exists")
            }
            let parts = PGSQLText.statements(query)
            guard parts.count <= 1 else {
                throw PGErrorFields(code: PGSQLState.syntaxError, message: "cannot insert multiple commands into a prepared statement")
            }
            let text = parts.first?.text ?? query
            let types = try PGParameters.types(of: text, declared: declared, columnType: columnType)
            statements[name] = PGPreparedStatement(sql: text, isEmpty: parts.isEmpty, command: try PGSessionCommand.parse(text), parameterTypes: types)
            send(.parseComplete)
        } catch {
            sendError(error, extended: true)
        }
    }

    /// The PostgreSQL type of a column of that name in the session's database, when every table that
    /// has one agrees on its type.
    func columnType(_ name: String) -> PGType? {
        guard let db = try? server.databases.database(database, create: false) else { return nil }
        var found: PGType?
        for t in db.tableNames() {
            guard let c = db.schema(of: t)?.columns.first(where: { $0.name == name }) else { continue }
            let type = PGResultRows.type(of: c.type)
            if let f = found, f != type { return nil }
            found = type
        }
        return found
    }

    func bind(_ b: PGBind) {
        do {
            guard let st = statements[b.statement] else {
                throw PGErrorFields(code: PGSQLState.invalidStatementName, message: "prepared statement \"\(b.statement)\" does not exist")
            }
            guard b.parameters.count == st.parameterTypes.count else {
                throw PGErrorFields(code: PGSQLState.protocolViolation,
                                    message: "bind message supplies \(b.parameters.count) parameters, but prepared statement \"\(b.statement)\" requires \(st.parameterTypes.count)")
            }
            if !b.portal.isEmpty, portals[b.portal] != nil {
                throw PGErrorFields(code: "42P03", message: "cursor \"\(b.portal)\" already exists")
            }
            var values: [PGValue] = []
            for (i, v) in b.parameters.enumerated() {
                values.append(try PGValue.decode(v, type: st.parameterTypes[i], format: b.parameterFormat(i)))
            }
            let sub = try PGParameters.substitute(st.sql, values, types: st.parameterTypes)
            portals[b.portal] = PGPortal(statement: st, substituted: sub, original: st.sql, base: 0, formats: b.resultFormats)
            send(.bindComplete)
        } catch {
            sendError(error, extended: true)
        }
    }

    func describe(_ target: PGTarget, _ name: String) {
        if target == .statement {
            guard let st = statements[name] else {
                sendError(PGErrorFields(code: PGSQLState.invalidStatementName, message: "prepared statement \"\(name)\" does not exist"), extended: true)
                return
            }
            send(.parameterDescription(st.parameterTypes.map(\.oid)))
            if st.isEmpty { send(.noData); return }
            if let c = st.command {
                describeCommand(c)
                return
            }
            let sub: PGParameters.Substituted
            do {
                sub = try PGParameters.substitute(st.sql, st.parameterTypes.map(PGParameters.placeholderValue), types: st.parameterTypes)
            } catch {
                sendError(error, extended: true)
                return
            }
            describeQuery(sub, original: st.sql)
            return
        }
        guard let portal = portals[name] else {
            sendError(PGErrorFields(code: PGSQLState.invalidCursorName, message: "portal \"\(name)\" does not exist"), extended: true)
            return
        }
        if portal.statement.isEmpty { send(.noData); return }
        if let c = portal.statement.command { describeCommand(c); return }
        // The portal runs now, so its RowDescription has the exact types of the rows Execute sends.
        busy = true
        startQuery(portal) { [self] ok in
            if ok { send(.rowDescription(rowDescription(portal))) }
            idle()
        }
    }

    func describeCommand(_ c: PGSessionCommand) {
        if case let .show(name) = c {
            send(.rowDescription(showColumns(name).map { PGColumnDescription(name: $0, type: .text, format: .text) }))
        } else {
            send(.noData)
        }
    }

    /// RowDescription of a statement, planned (not run) with placeholder values of its parameter types.
    func describeQuery(_ sub: PGParameters.Substituted, original: String) {
        guard let engine = engineOrError(extended: true, sql: sub.sql) else { return }
        busy = true
        let session = querySession
        let sql = sub.sql
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        server.queryPool.runIfActive(eventLoop: context.eventLoop) {
            try engine.describeColumns(sql, session: session)
        }.whenComplete { result in
            let h = bound.value
            switch result {
            case let .success(columns):
                h.send(.rowDescription(PGResultRows.description(PGColumnNames.renamed(columns, sql, name: \.name), formats: [])))
            case let .failure(error):
                h.sendError(PGErrors.fields(error, query: original, substituted: sub), extended: true)
            }
            h.idle()
        }
    }

    func execute(_ name: String, _ maxRows: Int) {
        guard let portal = portals[name] else {
            sendError(PGErrorFields(code: PGSQLState.invalidCursorName, message: "portal \"\(name)\" does not exist"), extended: true)
            return
        }
        if portal.statement.isEmpty { send(.emptyQueryResponse); return }
        busy = true
        run(portal, maxRows: maxRows, describe: false) { [self] _ in idle() }
    }

    // MARK: running a portal

    /// Runs a portal: a session command at once, a query on the query pool; then sends up to
    /// `maxRows` rows (0: all) and CommandComplete or PortalSuspended. `done(false)` after an error
    /// (already sent).
    func run(_ portal: PGPortal, maxRows: Int, describe: Bool, done: @escaping (Bool) -> Void) {
        let extended = !describe
        if let c = portal.statement.command {
            do {
                try runCommand(c, describe: describe)
                done(true)
            } catch {
                sendError(error, extended: extended)
                done(false)
            }
            return
        }
        if transaction == .failed {
            sendError(PGErrorFields(code: "25P02", message: "current transaction is aborted, commands ignored until end of transaction block"), extended: extended)
            done(false)
            return
        }
        if portal.result != nil {
            stream(portal, maxRows: maxRows, extended: extended, done: done)
            return
        }
        startQuery(portal, extended: extended) { [self] ok in
            guard ok else { done(false); return }
            if describe { send(.rowDescription(rowDescription(portal))) }
            stream(portal, maxRows: maxRows, extended: extended, done: done)
        }
    }

    func rowDescription(_ portal: PGPortal) -> [PGColumnDescription] {
        let columns = portal.result?.columns.map { (name: $0.name, type: $0.type, arrayElement: $0.array?.element, record: $0.postgresRecord != nil, date: $0.dates != nil) } ?? []
        return PGResultRows.description(columns, formats: portal.formats)
    }

    var querySession: QuerySession {
        QuerySession(database: database, version: PGSettings.versionText, backendPID: Int64(processID), settings: settings.all)
    }

    /// The session database's engine. A statement that creates a database (CREATE TABLE [AS], INSERT,
    /// CREATE MATERIALIZED VIEW) makes a missing one, as its first write would; others get an error.
    func engineOrError(extended: Bool, sql: String) -> QueryEngine? {
        do {
            let creates = (try? SQLParser.parse(SessionStatement.statementText(sql)))?.createsDatabase ?? false
            if let e = try server.databases.engine(database, create: creates) { return e }
            sendError(PGErrorFields(code: PGSQLState.invalidDatabase, message: "database \"\(database)\" does not exist"), extended: extended)
        } catch {
            sendError(PGErrorFields(code: PGSQLState.ioError, message: "database \"\(database)\" cannot be opened: \(error)"), extended: extended)
        }
        return nil
    }

    /// Executes the portal's query on the query pool under the server's limits (row cap, memory
    /// budget, `--query-timeout` or a shorter `statement_timeout`); the result is kept in the portal.
    func startQuery(_ portal: PGPortal, extended: Bool = true, done: @escaping (Bool) -> Void) {
        // Statements that change data (and COPY) need a token with admin and write rights, as over HTTP.
        if let p = principal, StatementAccess.changesData(portal.substituted.sql), !p.mayChange(database) {
            server.metrics.forbidden.increment()
            sendError(PGErrorFields(code: PGSQLState.insufficientPrivilege,
                                    message: "permission denied: token '\(p.name)' may not run statements that change data in database \"\(database)\" (it needs admin=yes and write access)"),
                      extended: extended)
            done(false)
            return
        }
        if let refusal = rateLimitRefusal() {
            sendError(refusal, extended: extended)
            done(false)
            return
        }
        guard let engine = engineOrError(extended: extended, sql: portal.substituted.sql) else { done(false); return }
        let control = QueryControl(maxRows: server.config.maxResultRows, memoryLimit: server.config.queryMemory)
        self.control = control
        cancellation = nil
        var limit = server.config.queryTimeout
        if settings.statementTimeout > 0 { limit = min(limit, settings.statementTimeout) }
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        let limitNanoseconds = Int64(limit * 1e9)
        let timer = loop.scheduleTask(in: .nanoseconds(limitNanoseconds)) {
            bound.value.cancelRunning(.timeout, "canceling statement due to statement timeout")
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let sql = portal.substituted.sql
        let session = querySession
        let server = self.server
        let database = self.database
        server.queryPool.runIfActive(eventLoop: loop) {
            try engine.execute(sql, control: control, session: session)
        }.whenComplete { result in
            timer.cancel()
            let h = bound.value
            h.control = nil
            let elapsed = Int64(DispatchTime.now().uptimeNanoseconds - started)
            // Finished, but later than allowed: the same answer as if the timer had won (as over HTTP).
            if h.cancellation == nil && elapsed >= limitNanoseconds { h.cancellation = .timeout }
            let cancelled = h.cancellation
            if case let .success(r) = result, cancelled == nil {
                server.metrics.recordQuery(.ok, nanoseconds: elapsed)
                server.operationsLog.query(database: database, sql: sql, nanoseconds: elapsed, outcome: "ok")
                var named = r
                named.columns = PGColumnNames.renamed(r.columns, sql, name: \.name)
                portal.result = named
                server.queryCache?.forget(database: database, after: sql)
                done(true)
                return
            }
            // Failed, or cancelled (a query that finished after its cancel counts as cancelled).
            var error: Error = QueryError("cancelled")
            if case let .failure(e) = result { error = e }
            let outcome = cancelled == .timeout ? "timeout" : cancelled != nil ? "cancelled" : "error"
            server.metrics.recordQuery(cancelled == .timeout ? .timeout : .error, nanoseconds: elapsed)
            server.operationsLog.query(database: database, sql: sql, nanoseconds: elapsed, outcome: outcome)
            let why = error is NIOThreadPoolError.ThreadPoolInactive ? .shutdown : cancelled
            h.sendError(PGErrors.fields(error, query: portal.original, base: portal.base, substituted: portal.substituted, cancellation: why),
                        extended: extended)
            done(false)
        }
    }

    /// The error for a query over the client's requests-per-second limit (its token's, or the
    /// defaults per client address when anonymous), from the same buckets and counter as HTTP's 429:
    /// each statement the engine runs is one request.
    func rateLimitRefusal() -> PGErrorFields? {
        guard let p = principal else { return nil }
        let address = context.channel.remoteAddress?.ipAddress ?? peer
        let (key, limits) = server.rateLimit(p, address: address)
        guard let wait = server.rateLimiter.admitRequest(key, limits) else { return nil }
        server.metrics.rateLimited.increment()
        let seconds = RateLimiter.retryAfter(wait)
        return PGErrorFields(code: PGSQLState.configurationLimitExceeded,
                             message: "rate limit exceeded: more than \(limits.requestsPerSecond) queries per second for \(server.auth.isEnabled ? "token '\(p.name)'" : "address \(address)"); retry in \(seconds) s",
                             detail: "Retry after \(seconds) seconds.",
                             hint: "the limit is --requests-per-second or the token file's requests-per-second")
    }

    /// Sends the portal's rows from where the last Execute stopped, a slice at a time while the channel
    /// is writable; then CommandComplete, or PortalSuspended at `maxRows`.
    func stream(_ portal: PGPortal, maxRows: Int, extended: Bool, done: @escaping (Bool) -> Void) {
        guard let result = portal.result else { preconditionFailure("BUG: streaming a portal that did not run") }
        portal.sentByExecute = 0
        let end = maxRows > 0 ? min(result.rowCount, portal.sent + maxRows) : result.rowCount
        cancellation = nil
        func slices() {
            while portal.sent < end {
                guard phase != .closed else { return }
                if cancellation == .user || cancellation == .timeout {
                    sendError(PGErrors.fields(QueryError("cancelled"), query: "", cancellation: cancellation), extended: extended)
                    cancellation = nil
                    done(false)
                    return
                }
                let upTo = min(end, portal.sent + rowsPerSlice)
                var writer = PGDataRowWriter(buffer: context.channel.allocator.buffer(capacity: 64 << 10))
                PGResultRows.write(result, rows: portal.sent..<upTo, formats: portal.formats, into: &writer)
                portal.sentByExecute += upTo - portal.sent
                portal.sent = upTo
                send(.dataRows(writer.buffer))
                flush()
                if !context.channel.isWritable && portal.sent < end {
                    resumeWhenWritable = { slices() }
                    return
                }
            }
            if portal.sent < result.rowCount {
                send(.portalSuspended)
            } else {
                portal.isComplete = true
                send(.commandComplete("SELECT \(portal.sentByExecute)"))
            }
            done(true)
        }
        slices()
    }

    // MARK: session commands

    func showColumns(_ name: String?) -> [String] {
        guard let name else { return ["name", "setting", "description"] }
        return [name.lowercased()]
    }

    func runCommand(_ c: PGSessionCommand, describe: Bool) throws {
        if transaction == .failed {
            switch c {
            case .commit, .rollback: break
            default: throw PGErrorFields(code: "25P02", message: "current transaction is aborted, commands ignored until end of transaction block")
            }
        }
        switch c {
        case let .set(name, value):
            if let (n, v) = try settings.set(name, value) { send(.parameterStatus(name: n, value: v)) }
            send(.commandComplete("SET"))
        case let .reset(name):
            if let name {
                if let (n, v) = settings.reset(name) { send(.parameterStatus(name: n, value: v)) }
            } else {
                for (n, v) in settings.resetAll() { send(.parameterStatus(name: n, value: v)) }
            }
            send(.commandComplete("RESET"))
        case let .show(name):
            var rows: [[String]] = []
            if let name {
                guard let v = settings.value(name) else {
                    throw PGErrorFields(code: PGSQLState.undefinedObject, message: "unrecognized configuration parameter \"\(name)\"")
                }
                rows = [[v]]
            } else {
                rows = settings.listing.map { [$0.0, $0.1, ""] }
            }
            if describe { describeCommand(c) }
            var writer = PGDataRowWriter(buffer: context.channel.allocator.buffer(capacity: 256))
            for row in rows {
                writer.beginRow(columns: row.count)
                for v in row { var s = v; s.withUTF8 { writer.writeText(UnsafeRawBufferPointer($0)) } }
                writer.endRow()
            }
            send(.dataRows(writer.buffer))
            send(.commandComplete("SHOW"))
        case .begin:
            if transaction != .idle {
                send(.noticeResponse(PGErrorFields(severity: "WARNING", code: "25001", message: "there is already a transaction in progress")))
            }
            transaction = .inTransaction
            send(.commandComplete("BEGIN"))
        case .commit:
            if transaction == .idle {
                send(.noticeResponse(PGErrorFields(severity: "WARNING", code: "25P01", message: "there is no transaction in progress")))
            }
            let tag = transaction == .failed ? "ROLLBACK" : "COMMIT"
            transaction = .idle
            send(.commandComplete(tag))
        case .rollback:
            if transaction == .idle {
                send(.noticeResponse(PGErrorFields(severity: "WARNING", code: "25P01", message: "there is no transaction in progress")))
            }
            transaction = .idle
            send(.commandComplete("ROLLBACK"))
        case .discardAll:
            guard transaction == .idle else { throw PGErrorFields(code: "25001", message: "DISCARD ALL cannot run inside a transaction block") }
            for (n, v) in settings.resetAll() { send(.parameterStatus(name: n, value: v)) }
            statements.removeAll()
            portals.removeAll()
            send(.commandComplete("DISCARD ALL"))
        case let .deallocate(name):
            if let name {
                guard statements.removeValue(forKey: name) != nil else {
                    throw PGErrorFields(code: PGSQLState.invalidStatementName, message: "prepared statement \"\(name)\" does not exist")
                }
                send(.commandComplete("DEALLOCATE"))
            } else {
                statements.removeAll()
                send(.commandComplete("DEALLOCATE ALL"))
            }
        case let .noEffect(tag):
            send(.commandComplete(tag))
        }
    }
}
