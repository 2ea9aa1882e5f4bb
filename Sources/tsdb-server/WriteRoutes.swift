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
        guard server.waitForRoom(db, timeout: server.config.writeStallTimeout) else {
            server.metrics.recordWriteFailure(.timeout)
            var r = WriteResponses.failure(p.api, .serviceUnavailable, "ingestion is ahead of flushing; retry later")
            r.headers.add(name: "Retry-After", value: "1")
            server.metrics.overloaded.increment()
            return r
        }
        var ingester = LineProtocolIngester(precision: p.precision.parserPrecision, defaultTime: ServerContext.nowNanoseconds(),
                                            maxLineLength: server.config.maxLineLength)
        body.withUnsafeReadableBytes { _ = ingester.feed($0, isFinal: true) }
        let malformed = ingester.parser.errors.contains { $0.kind != .rejected }
        var parsed = ingester.takeBatches()
        if p.precision == .auto { TimestampPrecision.rescaleAuto(&parsed.batches) }

        let report: IngestReport
        if !p.acceptPartial {
            var r = parsed.report
            if r.isComplete { r = conflictsWithStoredSchema(parsed, db) }
            if !r.isComplete {
                server.metrics.recordBytes(.http, body.readableBytes)
                server.metrics.recordWrite(.http, rows: 0, rejected: r.linesAccepted + r.linesRejected)
                return WriteResponses.response(p.api, report: r, malformed: malformed, lines: lineTexts(body, r), acceptPartial: false)
            }
        }
        do {
            report = try LineWriter.write(parsed, to: db)
        } catch {
            return serverFailure(p.api, error, server, database: p.database)
        }
        server.writeSucceeded(database: p.database)
        server.metrics.recordBytes(.http, body.readableBytes)
        server.metrics.recordWrite(.http, rows: report.linesAccepted, rejected: report.linesRejected)
        let lines = p.api == .v3 && !report.isComplete ? lineTexts(body, report) : [:]
        return WriteResponses.response(p.api, report: report, malformed: malformed, lines: lines)
    }

    private static func lineTexts(_ body: ByteBuffer, _ r: IngestReport) -> [Int: String] {
        body.withUnsafeReadableBytes { WriteResponses.lineTexts($0, numbers: r.errors.map(\.line)) }
    }

    /// For `accept_partial=false`: the rows whose column types differ from the stored table's, as rejections.
    static func conflictsWithStoredSchema(_ parsed: ParsedBatches, _ db: Database) -> IngestReport {
        var report = parsed.report
        var more: [IngestError] = []
        var count = 0
        for (b, batch) in parsed.batches.enumerated() {
            guard let schema = db.schema(of: batch.table) else { continue }
            var bad = Set<Int>()
            for c in batch.columns {
                guard let def = schema.column(c.name), def.type != c.vector.type else { continue }
                for r in 0..<batch.rowCount where !c.vector.isNull(r) && bad.insert(r).inserted {
                    let line = parsed.rowLines[b][r]
                    if more.count < report.maxErrors {
                        more.append(IngestError(line: line, message: "line \(line): type conflict in table '\(batch.table)': column '\(c.name)' is \(def.type), got \(c.vector.type)"))
                    }
                }
            }
            count += bad.count
        }
        report.linesAccepted -= count
        report.addRejections(count, more)
        return report
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
