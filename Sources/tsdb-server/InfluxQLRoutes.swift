import ColumnStore
import Foundation
import InfluxQL
import NIOCore
import NIOHTTP1
import QueryEngine

/// `GET|POST /query` (InfluxDB 1.x) and `/api/v3/query_influxql` (InfluxDB 3): InfluxQL over HTTP.
///
/// 1.x: `q`, `db`, `rp` (accepted, ignored: tsdb has one retention per table), `epoch`, `pretty`,
/// `chunked` + `chunk_size`, from the URL or a form-encoded POST body. Answers InfluxDB's JSON; a query
/// that does not parse is a 400 `{"error":"error parsing query: … at line L, char C"}`, a statement that
/// fails answers 200 with its `error` in `results[]`, as InfluxDB does.
enum InfluxQLRoutes {
    struct Parameters {
        var query: String
        var database: String?
        var epoch: Int64?
        var pretty: Bool
        var chunkSize: Int?
        /// v3: `json` (default), `jsonl`, `csv`.
        var format: String
    }

    static func parameters(_ request: HTTPRequest, api: InfluxQLAPI) -> Result<Parameters, HTTPResponse> {
        var q = request.query
        if request.head.method == .POST && request.body.readableBytes > 0 {
            let contentType = request.head.headers.first(name: "Content-Type")?.lowercased() ?? ""
            var body = request.body
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            if contentType.hasPrefix("application/json") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                    return .failure(.error(.badRequest, "the request body is not a JSON object like {\"db\":\"…\",\"q\":\"…\"}"))
                }
                var fromBody = QueryParameters()
                for key in ["db", "q", "format", "epoch"] { if let s = object[key] as? String { fromBody.set(key, s) } }
                fromBody.merge(q)
                q = fromBody
            } else {
                // Form-encoded (what the influx CLI and the Python client send); body values win.
                var fromBody = QueryParameters(parsing: String(decoding: bytes, as: UTF8.self))
                fromBody.merge(q)
                q = fromBody
            }
        }
        guard let text = q["q"], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return .failure(.error(.badRequest, "missing required parameter \"q\""))
        }
        var epoch: Int64?
        if let e = q["epoch"], !e.isEmpty {
            guard let unit = InfluxResponseJSON.epochUnit(e) else {
                return .failure(.error(.badRequest, "invalid epoch '\(e)': use ns, u, µ, ms, s, m or h"))
            }
            epoch = unit
        }
        let pretty = ["true", "1"].contains(q["pretty"]?.lowercased() ?? "")
        var chunkSize: Int?
        if ["true", "1"].contains(q["chunked"]?.lowercased() ?? "") {
            chunkSize = q["chunk_size"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? 10_000
        }
        let format = (q["format"] ?? "json").lowercased()
        if api == .v3 && !["json", "jsonl"].contains(format) {
            return .failure(.error(.badRequest, "invalid format '\(format)': use json or jsonl"))
        }
        return .success(Parameters(query: text, database: q["db"].flatMap { $0.isEmpty ? nil : $0 }, epoch: epoch,
                                   pretty: pretty, chunkSize: chunkSize, format: format))
    }

    /// Parses, checks rights, runs on the query pool and answers.
    static func handle(_ request: HTTPRequest, api: InfluxQLAPI, server: ServerContext, eventLoop: EventLoop,
                       control: QueryControl, principal: Principal) -> EventLoopFuture<HTTPReply> {
        let p: Parameters
        switch parameters(request, api: api) {
        case .success(let v): p = v
        case .failure(let r): return eventLoop.makeSucceededFuture(.full(r))
        }
        let statements: [InfluxStatement]
        do { statements = try InfluxQLParser.parse(p.query) } catch {
            return eventLoop.makeSucceededFuture(.full(.error(.badRequest, "error parsing query: \(error.description)")))
        }
        if let refused = refusal(statements, p.database, principal, method: request.head.method) {
            server.metrics.forbidden.increment()
            return eventLoop.makeSucceededFuture(.full(refused))
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let catalog = ServerInfluxQLCatalog(databases: server.databases)
        let now = ServerContext.nowNanoseconds()
        let timeout = eventLoop.scheduleTask(in: .nanoseconds(Int64(server.config.queryTimeout * 1e9))) {
            control.cancel("query timed out after \(server.config.queryTimeout) s (--query-timeout)")
        }
        return server.queryPool.runIfActive(eventLoop: eventLoop) { () -> HTTPReply in
            let executor = InfluxQLExecutor(catalog: catalog, database: p.database, now: now, control: control)
            let results = executor.run(statements)
            let failed = results.contains { $0.error != nil }
            let elapsed = Int64(DispatchTime.now().uptimeNanoseconds - started)
            server.metrics.recordQuery(failed ? .error : .ok, nanoseconds: elapsed)
            server.operationsLog.query(database: p.database ?? "", sql: p.query, nanoseconds: elapsed, outcome: failed ? "error" : "ok")
            return answer(results, p, api: api)
        }.always { _ in timeout.cancel() }
    }

    /// 403 when the token may not read the database, or runs CREATE/DROP DATABASE without admin and
    /// write rights; 405 for those statements sent with GET (a link must never drop a database).
    static func refusal(_ statements: [InfluxStatement], _ database: String?, _ principal: Principal, method: HTTPMethod) -> HTTPResponse? {
        for s in statements {
            switch s {
            case .createDatabase(let name), .dropDatabase(let name):
                if method != .POST {
                    var r = HTTPResponse.error(.methodNotAllowed, "\(method) cannot run CREATE or DROP DATABASE; send it with POST")
                    r.headers.add(name: "Allow", value: "POST")
                    return r
                }
                if !principal.mayChange(name) {
                    return .error(.forbidden, "token '\(principal.name)' may not create or drop database '\(name)' (it needs admin=yes and write access)")
                }
            case .showDatabases:
                continue
            default:
                if let db = database, !principal.mayRead(db) {
                    return .error(.forbidden, "token '\(principal.name)' may not read database '\(db)'")
                }
            }
        }
        return nil
    }

    /// The answer: whole, or with `chunked=true` streamed a chunk line at a time (each line's rows are
    /// read from the engine's result as the connection takes it, so the JSON is never built whole).
    static func answer(_ results: [InfluxStatementResult], _ p: Parameters, api: InfluxQLAPI) -> HTTPReply {
        var headers = HTTPHeaders()
        if api == .v3 { return .full(v3Answer(results, p)) }
        let json = InfluxResponseJSON(epochUnit: p.epoch, pretty: p.pretty)
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "X-Influxdb-Version", value: "1.8.10-tsdb")
        if let size = p.chunkSize {
            return .stream(.ok, headers, InfluxChunkSource(InfluxChunks(results: results, json: json, size: size)))
        }
        return .full(HTTPResponse(.ok, headers: headers, body: json.body(results)))
    }

    /// InfluxDB 3's shape: rows as objects with `iox::measurement`, `time`, the tags and the columns;
    /// a failed statement is a 400 `{"error":…}`.
    static func v3Answer(_ results: [InfluxStatementResult], _ p: Parameters) -> HTTPResponse {
        if let e = results.first(where: { $0.error != nil })?.error { return .error(.badRequest, e) }
        var rows: [[UInt8]] = []
        let json = InfluxResponseJSON(epochUnit: p.epoch)
        for r in results {
            for s in r.series {
                for i in 0..<s.rowCount {
                    let values = s.row(i)
                    var members: [(String, InfluxValue)] = [("iox::measurement", s.name.map { .string($0) } ?? .null)]
                    if let c = s.columns.first, c == "time", let t = values.first { members.append(("time", t)) }
                    for (k, v) in s.tags ?? [] { members.append((k, .string(v))) }
                    for (i, c) in s.columns.enumerated() where i > 0 || c != "time" { members.append((c, values[i])) }
                    rows.append(json.object(members))
                }
            }
        }
        var headers = HTTPHeaders()
        var body: [UInt8] = []
        if p.format == "jsonl" {
            headers.add(name: "Content-Type", value: "application/jsonl")
            for r in rows { body += r; body.append(0x0A) }
        } else {
            headers.add(name: "Content-Type", value: "application/json")
            body.append(0x5B)
            for (i, r) in rows.enumerated() { if i > 0 { body.append(0x2C) }; body += r }
            body.append(0x5D)
        }
        return HTTPResponse(.ok, headers: headers, body: body)
    }
}

/// A chunked InfluxQL answer as the HTTP handler streams it.
final class InfluxChunkSource: ChunkSource, @unchecked Sendable {
    let chunks: InfluxChunks
    init(_ chunks: InfluxChunks) { self.chunks = chunks }
    func nextChunk() -> [UInt8]? { chunks.next() }
}

/// The two InfluxQL endpoints.
enum InfluxQLAPI: Sendable, Equatable {
    case v1, v3
}

/// The server's databases as InfluxQL reaches them.
struct ServerInfluxQLCatalog: InfluxQLCatalog {
    let databases: ServerDatabases

    func databaseNames() -> [String] { databases.registry.names() }

    func engine(_ name: String, create: Bool) throws -> QueryEngine? { try databases.engine(name, create: create) }

    func dropDatabase(_ name: String) throws -> Bool { try databases.drop(name) }
}
