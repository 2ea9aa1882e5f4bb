import ColumnStore
import Ingest
import LineProtocol
import NIOCore
import NIOHTTP1

/// `POST /write` (InfluxDB 1), `POST /api/v2/write` (2) and `POST /api/v3/write_lp` (3): line protocol in
/// the body (gzip allowed), answered once the rows are durable under the server's durability setting.
enum WriteRoutes {
    /// What a write request asks for.
    struct Parameters: Sendable, Equatable {
        var api: WriteAPI
        var database: String
        var precision: TimestampPrecision
        /// v3's `accept_partial` (false: any bad line rejects the whole request).
        var acceptPartial = true
    }

    /// Reads a write's URL parameters; the error response when they are unusable.
    /// `db` (v1, v3) or `bucket` (v2) names the database; v1 falls back to `defaultDatabase` (QuestDB's
    /// clients send no `db`). `precision` defaults to ns (v1, v2) or auto (v3).
    static func parameters(_ api: WriteAPI, _ q: QueryParameters, defaultDatabase: String) -> Result<Parameters, HTTPResponse> {
        let name: String?
        switch api {
        case .v1: name = nonEmpty(q["db"]) ?? nonEmpty(defaultDatabase)
        case .v2: name = nonEmpty(q["bucket"])
        case .v3: name = nonEmpty(q["db"])
        }
        guard let database = name else {
            let message = api == .v2 ? "bucket not specified" : "database is required"
            return .failure(WriteResponses.failure(api, .badRequest, message))
        }
        let precision: TimestampPrecision
        if let p = q["precision"], !p.isEmpty {
            guard let parsed = TimestampPrecision(parameter: p), api == .v3 || parsed != .auto else {
                return .failure(WriteResponses.failure(api, .badRequest, "invalid precision '\(p)': use ns, us, ms or s"
                                                       + (api == .v3 ? " (or nanosecond, microsecond, millisecond, second, auto)" : "")))
            }
            precision = parsed
        } else {
            precision = api == .v3 ? .auto : .fixed(.ns)
        }
        var acceptPartial = true
        if api == .v3, let a = q["accept_partial"] {
            switch a.lowercased() {
            case "true", "1", "": acceptPartial = true
            case "false", "0": acceptPartial = false
            default: return .failure(.error(.badRequest, "invalid accept_partial '\(a)': use true or false"))
            }
        }
        return .success(Parameters(api: api, database: database, precision: precision, acceptPartial: acceptPartial))
    }

    private static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        return s
    }

    /// Parses and writes `body` (blocking: run it on the write pool).
    static func perform(_ p: Parameters, body: ByteBuffer, server: ServerContext) -> HTTPResponse {
        let db: Database
        do {
            guard let d = try server.databases.database(p.database, create: true) else {
                return WriteResponses.failure(p.api, .notFound, "database not found: \(p.database)")
            }
            db = d
        } catch let e as StorageError {
            if case .invalidName = e { return WriteResponses.failure(p.api, .badRequest, "invalid database name '\(p.database)'") }
            return serverFailure(p.api, e, server, database: p.database)
        } catch {
            return serverFailure(p.api, error, server, database: p.database)
        }
        // Announced before the parse, so a sync another request is about to start waits for these rows
        // and one fdatasync acknowledges both (group commit); `write(to:…announced:)` ends the announcement.
        db.announceWrite()
        var ingester = LineProtocolIngester(precision: p.precision.parserPrecision, defaultTime: ServerContext.nowNanoseconds(),
                                            maxLineLength: server.config.maxLineLength)
        body.withUnsafeReadableBytes { _ = ingester.feed($0, isFinal: true) }
        let malformed = ingester.parser.errors.contains { $0.kind != .rejected }
        var parsed = ingester.takeBatches()
        if p.precision == .auto { TimestampPrecision.rescaleAuto(&parsed.batches) }

        // The store decides every row (names, types, limits) and waits for room itself, up to the stall timeout.
        let policy = WritePolicy(atomicity: p.acceptPartial ? .partial : .allOrNothing, roomTimeout: server.config.writeStallTimeout)
        let report: IngestReport
        do {
            let (r, waited) = try parsed.write(to: db, policy: policy, announced: true)
            if waited > 0 { server.metrics.recordStall(nanoseconds: Int64(waited * 1e9)) }
            report = r
        } catch let e as StorageError {
            if case let .overloaded(waited, _, _, _) = e {
                server.metrics.recordWriteFailure(.timeout)
                server.metrics.recordStall(nanoseconds: Int64(waited * 1e9))
                server.logger.warning("write to \(p.database) answered 503: \(e)")
                var r = WriteResponses.failure(p.api, .serviceUnavailable, "ingestion is ahead of flushing; retry later (\(e))")
                r.headers.add(name: "Retry-After", value: "1")
                server.metrics.overloaded.increment()
                return r
            }
            return serverFailure(p.api, e, server, database: p.database)
        } catch {
            return serverFailure(p.api, error, server, database: p.database)
        }
        server.writeSucceeded(database: p.database)
        server.metrics.recordBytes(.http, body.readableBytes)
        server.metrics.recordWrite(.http, rows: report.linesAccepted, rejected: report.linesRejected + report.linesDiscarded)
        let lines = p.api == .v3 && !report.isComplete ? lineTexts(body, report) : [:]
        return WriteResponses.response(p.api, report: report, malformed: malformed, lines: lines, acceptPartial: p.acceptPartial)
    }

    private static func lineTexts(_ body: ByteBuffer, _ r: IngestReport) -> [Int: String] {
        body.withUnsafeReadableBytes { WriteResponses.lineTexts($0, numbers: r.errors.map(\.line)) }
    }

    /// A failure of the server, not the request: storage closed or failing.
    static func serverFailure(_ api: WriteAPI, _ error: Error, _ server: ServerContext, database: String) -> HTTPResponse {
        server.writeFailed(error, database: database)
        if let e = error as? StorageError, case .closed = e {
            var r = WriteResponses.failure(api, .serviceUnavailable, "server is shutting down")
            r.headers.add(name: "Retry-After", value: "1")
            return r
        }
        server.logger.error("write failed: \(error)")
        return WriteResponses.failure(api, .internalServerError, "write failed: \(error)")
    }
}
