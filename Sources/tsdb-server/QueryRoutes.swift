import ColumnStore
import Foundation
import NIOCore
import NIOHTTP1
import Parquet
import QueryEngine

/// `GET|POST /api/v3/query_sql?db=&q=&format=`: SQL over HTTP, in InfluxDB 3's shape.
///
/// Parameters come from the URL, or (POST) from a JSON body `{"db":…,"q":…,"format":…}` or a form body.
/// Formats: `json` (default), `jsonl`, `csv`, `pretty` (an ASCII table). JSON, JSON Lines and CSV stream
/// in slices of rows; errors are `{"error":…}` with the position in the query when known.
enum QueryRoutes {
    struct Parameters: Sendable, Equatable {
        var database: String
        var sql: String
        var format: ResultFormat
        /// `format=parquet`: the answer is a Parquet file compressed with this codec (`compression=`,
        /// default zstd) instead of text in `format`.
        var parquet: ParquetCompression? = nil
        /// `format=xlsx`: the answer is an Excel workbook (the rows, then a sheet with the query).
        var xlsx = false
        /// Engine settings given as parameters (`view_rewrite=off`), canonical values by name.
        var settings: [String: String] = [:]

        /// The session the query runs in.
        var session: QuerySession { QuerySession(database: database, settings: settings) }
    }

    /// Reads the parameters of a query request; the error response when they are missing or bad.
    static func parameters(_ request: HTTPRequest) -> Result<Parameters, HTTPResponse> {
        var q = request.query
        if request.head.method == .POST && request.body.readableBytes > 0 {
            let contentType = request.head.headers.first(name: "Content-Type")?.lowercased() ?? ""
            var body = request.body
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            if contentType.hasPrefix("application/x-www-form-urlencoded") {
                q.merge(QueryParameters(parsing: String(decoding: bytes, as: UTF8.self)))
            } else {
                guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                    return .failure(.error(.badRequest, "the request body is not a JSON object like {\"db\":\"…\",\"q\":\"…\"}"))
                }
                var fromBody = QueryParameters()
                for key in ["db", "q", "format", "compression"] + EngineSettings.names {
                    if let s = object[key] as? String { fromBody.set(key, s) }
                }
                // Body values win over URL ones: the body is the documented way to POST.
                fromBody.merge(q)
                q = fromBody
            }
        }
        guard let db = q["db"], !db.isEmpty else { return .failure(.error(.badRequest, "missing parameter 'db'")) }
        guard let sql = q["q"], !sql.isEmpty else { return .failure(.error(.badRequest, "missing parameter 'q'")) }
        var settings: [String: String] = [:]
        for name in EngineSettings.names {
            guard let v = q[name] else { continue }
            do { settings[name] = try EngineSettings.normalize(name, v) } catch let e as QueryError {
                return .failure(.error(.badRequest, e.message))
            } catch {
                return .failure(.error(.badRequest, "\(error)"))
            }
        }
        let formatName = q["format"] ?? "json"
        if formatName.lowercased() == "parquet" {
            let codecName = q["compression"] ?? "zstd"
            guard let codec = ParquetCompression(name: codecName), codec != .gzip else {
                return .failure(.error(.badRequest, "invalid compression '\(codecName)': use zstd, snappy or uncompressed"))
            }
            return .success(Parameters(database: db, sql: sql, format: .json, parquet: codec, settings: settings))
        }
        if formatName.lowercased() == "xlsx" {
            return .success(Parameters(database: db, sql: sql, format: .json, xlsx: true, settings: settings))
        }
        guard let format = ResultFormat(name: formatName.isEmpty ? "json" : formatName) else {
            return .failure(.error(.badRequest, "invalid format '\(formatName)': use json, jsonl, csv, pretty, parquet or xlsx"))
        }
        return .success(Parameters(database: db, sql: sql, format: format, settings: settings))
    }

    /// The control of one query: its row cap and memory budget; cancelled by the timeout, or by the
    /// connection when the client disconnects.
    static func control(_ config: ServerConfig) -> QueryControl {
        QueryControl(maxRows: config.maxResultRows, memoryLimit: config.queryMemory)
    }

    /// Runs the query on the query pool, racing `--query-timeout`; when the timer wins, the query is
    /// cancelled too, so it stops scanning instead of holding a query thread. `control` is the caller's
    /// (the connection cancels it when the client goes away), or a new one.
    /// `channel`, when given, lets a CSV, JSON or JSON Lines answer go out while the engine still
    /// produces it (`live`).
    static func handle(_ request: HTTPRequest, server: ServerContext, eventLoop: EventLoop, control: QueryControl? = nil,
                       principal: Principal = .anonymous, channel: Channel? = nil) -> EventLoopFuture<HTTPReply> {
        let p: Parameters
        switch parameters(request) {
        case .success(let v): p = v
        case .failure(let r): return eventLoop.makeSucceededFuture(.full(r))
        }
        // Rights first: a token that may not change data hears 403 whatever the method.
        if let refused = refusal(p, principal) {
            server.metrics.forbidden.increment()
            return eventLoop.makeSucceededFuture(.full(refused))
        }
        if let r = refusedMethod(request.head.method, p.sql) { return eventLoop.makeSucceededFuture(.full(r)) }
        if let cache = server.queryCache, p.parquet == nil, !p.xlsx, QueryCachePolicy.isCacheable(p.sql) {
            return cached(p, cache: cache, request: request, server: server, eventLoop: eventLoop, control: control,
                          principal: principal, channel: channel)
        }
        return execute(p, server: server, eventLoop: eventLoop, control: control, channel: channel)
    }

    /// A cacheable query: the stored answer, the answer of the identical query already running, or a run
    /// whose answer is kept (`QueryResultCache`). `X-Tsdb-Cache` says which: hit, miss or bypass.
    static func cached(_ p: Parameters, cache: QueryResultCache, request: HTTPRequest, server: ServerContext, eventLoop: EventLoop,
                       control: QueryControl?, principal: Principal, channel: Channel?) -> EventLoopFuture<HTTPReply> {
        let key = QueryResultCache.Key(database: p.database, scope: "\(principal.name)|\(principal.read)|\(p.settings.sorted { $0.key < $1.key })", sql: p.sql)
        let directives = QueryCachePolicy.directives(request.head.headers["Cache-Control"] + request.head.headers["Pragma"])
        if directives.bypass {
            let store: (@Sendable (QueryResult) -> Void)? = directives.store ? { @Sendable r in cache.store(key, r) } : nil
            return execute(p, server: server, eventLoop: eventLoop, control: control, channel: channel, cacheStatus: "bypass",
                           onResult: store, keepUpTo: store == nil ? nil : cache.entryLimit)
        }
        let started = DispatchTime.now().uptimeNanoseconds
        @Sendable func hit(_ result: QueryResult, age: Int) -> HTTPReply {
            server.metrics.queryCacheHits.increment()
            server.metrics.recordQuery(.ok, nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - started))
            return reply(result, p, server: server, cacheStatus: "hit", age: age).0
        }
        switch cache.lookup(key, on: eventLoop) {
        case .hit(let result, let age):
            return eventLoop.makeSucceededFuture(hit(result, age: age))
        case .pending(let answer):
            return answer.hop(to: eventLoop).flatMap { result in
                if let result { return eventLoop.makeSucceededFuture(hit(result, age: 0)) }
                // The run this request waited for failed (or its client left): run it here.
                return execute(p, server: server, eventLoop: eventLoop, control: control, channel: channel, cacheStatus: "miss")
            }
        case .miss(let lease):
            server.metrics.queryCacheMisses.increment()
            let answer = execute(p, server: server, eventLoop: eventLoop, control: control, channel: channel, cacheStatus: "miss",
                                 onResult: { lease.finish($0) }, keepUpTo: cache.entryLimit)
            // Whatever happened (error, timeout, shutdown), the waiters must go on.
            answer.whenComplete { _ in lease.finish(nil) }
            return answer
        }
    }

    /// Runs the query on the query pool, racing `--query-timeout` (see `handle`). `onResult` receives the
    /// answer when it succeeded and fits the limits (and, with `keepUpTo`, takes at most that many bytes:
    /// a larger one streams and is not kept).
    static func execute(_ p: Parameters, server: ServerContext, eventLoop: EventLoop, control: QueryControl?, channel: Channel? = nil,
                        cacheStatus: String? = nil, onResult: (@Sendable (QueryResult) -> Void)? = nil,
                        keepUpTo: Int? = nil) -> EventLoopFuture<HTTPReply> {
        let started = DispatchTime.now().uptimeNanoseconds
        let promise = eventLoop.makePromise(of: HTTPReply.self)
        let done = NIOLoopBoundBox(false, eventLoop: eventLoop)
        let limit = Int64(server.config.queryTimeout * 1e9)
        let timeoutMessage = "query timed out after \(server.config.queryTimeout) s (--query-timeout)"
        let timedOut = HTTPReply.full(.error(.gatewayTimeout, timeoutMessage))
        let control = control ?? Self.control(server.config)
        let timeout = eventLoop.scheduleTask(in: .nanoseconds(limit)) {
            control.cancel(timeoutMessage)
            guard !done.value else { return }
            done.value = true
            let elapsed = Int64(DispatchTime.now().uptimeNanoseconds - started)
            server.metrics.recordQuery(.timeout, nanoseconds: elapsed)
            server.operationsLog.query(database: p.database, sql: p.sql, nanoseconds: elapsed, outcome: "timeout")
            promise.succeed(timedOut)
        }
        // A live answer is handed over from the query thread when its first piece is ready; the query
        // goes on writing it (its duration in the metrics is the time to that first byte).
        let deliver: @Sendable (HTTPReply) -> Bool = { reply in
            let taken = try? eventLoop.submit { () -> Bool in
                guard !done.value else { return false }
                done.value = true
                server.metrics.recordQuery(.ok, nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - started))
                promise.succeed(reply)
                return true
            }.wait()
            return taken ?? false
        }
        let live = channel.map { LiveTarget(channel: $0, keepUpTo: keepUpTo, deliver: deliver) }
        server.queryPool.runIfActive(eventLoop: eventLoop) {
            run(p, server: server, control: control, cacheStatus: cacheStatus, onResult: onResult, live: live)
        }.whenComplete { result in
            timeout.cancel()
            if case .success((nil, let ok)) = result {
                // Sent live: the log has the whole run (the timeout, if it struck, is in the answer's last line).
                let elapsed = Int64(DispatchTime.now().uptimeNanoseconds - started)
                server.operationsLog.query(database: p.database, sql: p.sql, nanoseconds: elapsed,
                                           outcome: ok ? "ok" : (control.isCancelled ? "cancelled" : "error"))
                return
            }
            guard !done.value else { return }
            done.value = true
            let elapsed = Int64(DispatchTime.now().uptimeNanoseconds - started)
            if elapsed >= limit {
                // Finished, but later than allowed: the answer is the same as if the timer had won.
                server.metrics.recordQuery(.timeout, nanoseconds: elapsed)
                server.operationsLog.query(database: p.database, sql: p.sql, nanoseconds: elapsed, outcome: "timeout")
                promise.succeed(timedOut)
                return
            }
            switch result {
            case .success(let (reply?, ok)):
                server.metrics.recordQuery(ok ? .ok : .error, nanoseconds: elapsed)
                server.operationsLog.query(database: p.database, sql: p.sql, nanoseconds: elapsed,
                                           outcome: ok ? "ok" : (control.isCancelled ? "cancelled" : "error"))
                promise.succeed(reply)
            case .success((nil, _)):
                preconditionFailure("BUG: a live answer is handled above")
            case .failure:
                server.metrics.recordQuery(.error, nanoseconds: elapsed)
                promise.succeed(.full(.error(.serviceUnavailable, "server is shutting down")))
            }
        }
        return promise.futureResult
    }

    /// The 403 answer when `principal` may not run this query: reading a database it may not read, or a
    /// statement that changes data (`StatementAccess`) without admin and write rights there.
    static func refusal(_ p: Parameters, _ principal: Principal) -> HTTPResponse? {
        guard principal.mayRead(p.database) else {
            return .error(.forbidden, "token '\(principal.name)' may not read database '\(p.database)'")
        }
        if StatementAccess.changesData(p.sql) && !principal.mayChange(p.database) {
            return .error(.forbidden, "token '\(principal.name)' may not run statements that change data in database '\(p.database)' (it needs admin=yes and write access)")
        }
        return nil
    }

    /// 405 for a statement that changes data (or COPY, which writes a file) sent with GET (or HEAD): a
    /// link, a crawler or a browser's prefetch must never delete rows. Text that does not parse goes on,
    /// to get its syntax error.
    static func refusedMethod(_ method: HTTPMethod, _ sql: String) -> HTTPResponse? {
        guard method != .POST, let statement = try? SQLParser.parse(SessionStatement.statementText(sql)), statement.hasEffects else { return nil }
        var r = HTTPResponse.error(.methodNotAllowed, "\(method) cannot run a statement that changes data or writes a file; send it with POST")
        r.headers.add(name: "Allow", value: "POST")
        return r
    }

    /// Where a live answer goes (`live`): the connection, the cache's entry limit, and the hand-over.
    struct LiveTarget: Sendable {
        var channel: Channel
        var keepUpTo: Int?
        var deliver: @Sendable (HTTPReply) -> Bool
    }

    /// Executes and prepares the answer (blocking). The flag is false when the query failed. With `live`,
    /// CSV, JSON and JSON Lines answers stream from the engine: the reply is then nil when it was
    /// already handed over.
    static func run(_ p: Parameters, server: ServerContext, control: QueryControl? = nil, cacheStatus: String? = nil,
                    onResult: (@Sendable (QueryResult) -> Void)? = nil, live: LiveTarget? = nil) -> (HTTPReply?, Bool) {
        let result: QueryResult
        let statement = try? SQLParser.parse(SessionStatement.statementText(p.sql))
        do {
            let creates = statement?.createsDatabase ?? false
            guard let engine = try server.databases.engine(p.database, create: creates) else {
                return (.full(.error(.notFound, "database not found: \(p.database)")), false)
            }
            if let cache = server.queryCache { watchDeletions(p.database, cache: cache, server: server) }
            if p.parquet != nil || p.xlsx { return file(p, engine: engine, server: server, control: control) }
            // After a statement with effects (ended well or not), answers from before it are gone: the
            // deletion listener already dropped them, this also drops any stored while it ran.
            defer { if statement?.hasEffects == true { server.queryCache?.invalidate(database: p.database) } }
            if let live {
                return Self.live(p, engine: engine, server: server, control: control ?? Self.control(server.config),
                                 channel: live.channel, cacheStatus: cacheStatus, keepUpTo: onResult == nil ? nil : live.keepUpTo,
                                 onResult: onResult, deliver: live.deliver)
            }
            result = try engine.execute(p.sql, control: control, session: p.session)
        } catch {
            return (.full(errorResponse(error)), false)
        }
        if result.rowCount > server.config.maxResultRows {
            return (.full(.error(.badRequest, "the result has \(result.rowCount) rows, more than the limit of \(server.config.maxResultRows) (--max-result-rows); add a LIMIT or aggregate")), false)
        }
        onResult?(result)
        return reply(result, p, server: server, cacheStatus: cacheStatus)
    }

    /// The answer's response in the requested format; `cacheStatus` and `age` become `X-Tsdb-Cache` and
    /// `Age` headers.
    static func reply(_ result: QueryResult, _ p: Parameters, server: ServerContext, cacheStatus: String? = nil,
                      age: Int? = nil) -> (HTTPReply, Bool) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: p.format.contentType)
        if let cacheStatus { headers.add(name: "X-Tsdb-Cache", value: cacheStatus) }
        if let age { headers.add(name: "Age", value: String(age)) }
        if p.format.isStreamable {
            return (.stream(.ok, headers, ResultStream(result: result, format: p.format)), true)
        }
        let table = TableStyle(maxRows: 0, maxCellWidth: 0, ascii: true, showTypes: false, footer: false)
        return (.full(HTTPResponse(.ok, headers: headers, body: ResultFormatter.format(result, as: .table, table: table))), true)
    }

    /// Drops `database`'s cached answers whenever it deletes rows, expires days or drops a table, from
    /// any front (HTTP, PostgreSQL, retention). Appends and flushes leave them to their TTL.
    static func watchDeletions(_ database: String, cache: QueryResultCache, server: ServerContext) {
        guard let db = try? server.databases.database(database, create: false) else { return }
        cache.watch(db, name: database) { invalidate in
            db.addChangeListener { change in
                switch change.kind {
                case .write, .flush: break
                case .delete, .expire, .drop: invalidate()
                }
            }
        }
    }

    /// A Parquet file or an Excel workbook of the answer: the engine streams its rows into a temporary
    /// file (a footer follows every row, so the file is finished before its first byte is sent), which
    /// is then sent in pieces (`SpooledFile`). Memory stays bounded however large the answer.
    static func file(_ p: Parameters, engine: QueryEngine, server: ServerContext, control: QueryControl?) -> (HTTPReply, Bool) {
        let path = SpooledFile.temporaryPath(suffix: p.xlsx ? ".xlsx" : ".parquet")
        let format: ResultFile.Format = p.parquet.map { .parquet(ParquetWriterOptions(compression: $0)) } ?? .xlsx(query: p.sql)
        let file = ResultFile(path: path, format: format)
        let maxRows = server.config.maxResultRows
        do {
            try engine.stream(p.sql, control: control, session: p.session) { batch in
                if file.rowCount + batch.rowCount > maxRows {
                    throw QueryError("the result has more rows than the limit of \(maxRows) (--max-result-rows); add a LIMIT or aggregate")
                }
                try file.write(batch)
            }
            try file.finish()
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: p.xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "application/vnd.apache.parquet")
            return (.stream(.ok, headers, try SpooledFile(path: path)), true)
        } catch {
            file.abandon()
            return (.full(errorResponse(error)), false)
        }
    }

    /// A query error as JSON: `{"error": text, "line": L, "column": C, "offset": O}` (position when known).
    static func errorResponse(_ error: Error) -> HTTPResponse {
        var position: SourcePosition?
        let message: String
        let status: HTTPResponseStatus
        switch error {
        case let e as QueryError:
            position = e.position
            message = e.description
            status = .badRequest
        case let e as SQLError:
            position = e.position
            message = e.description
            status = .badRequest
        case let e as StorageError:
            message = e.description
            switch e {
            case .unknownTable, .invalidDedupKeys: status = .badRequest
            default: status = .internalServerError
            }
        default:
            message = "\(error)"
            status = .internalServerError
        }
        var body = #"{"error":\#(JSON.quote(message))"#
        if let p = position { body += #","line":\#(p.line),"column":\#(p.column),"offset":\#(p.offset)"# }
        return .json(status, body + "}")
    }
}
