import ColumnStore
import NIOCore
import NIOHTTP1
import QueryEngine

extension QueryRoutes {
    /// Text formatted before the head goes out: an answer smaller than this is sent whole, with a
    /// Content-Length, and a query that fails before it still gets its 4xx/5xx status. Larger answers
    /// go out in pieces of about this size.
    static let livePieceBytes = 128 << 10

    /// Rows formatted at a time from a batch, so a large batch never becomes one large piece of text.
    static let liveSliceRows = 4096

    /// Runs a query whose answer is CSV, JSON or JSON Lines, formatting the engine's batches as they
    /// come (`QueryEngine.stream`) and sending them through a `LiveBody` once a piece is full: `deliver`
    /// hands the live reply to the connection (false: the answer was already given, by the timeout).
    /// A `pretty` table needs every row for its column widths: its cells go to a `TableSpool` (a
    /// temporary file) as batches come, and the table is sent from there in pieces.
    ///
    /// With `keepUpTo` (a cacheable query with the cache on), batches are kept instead, as long as they
    /// take at most that many bytes: such an answer is returned whole for the cache (`onResult`), as
    /// before; past it, the kept batches are formatted and the rest streams.
    ///
    /// Returns the reply when nothing was sent yet (an error, a small or cached answer), or nil and
    /// whether it succeeded when the answer went out live. After the first byte an error cannot change
    /// the status: the text so far is followed by an error line (`errorLine`) and the connection is
    /// closed without the last chunk, so the client sees an incomplete response (docs/http-api.md).
    static func live(_ p: Parameters, engine: QueryEngine, server: ServerContext, control: QueryControl, channel: Channel,
                     cacheStatus: String?, keepUpTo: Int?, onResult: (@Sendable (QueryResult) -> Void)?,
                     deliver: @Sendable (HTTPReply) -> Bool) -> (reply: HTTPReply?, ok: Bool) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: p.format.contentType)
        if let cacheStatus { headers.add(name: "X-Tsdb-Cache", value: cacheStatus) }
        let maxRows = server.config.maxResultRows
        var kept: [QueryResult] = []
        var keptBytes = 0
        var keeping = keepUpTo != nil
        var writer: ResultWriter?
        var out: [UInt8] = []
        out.reserveCapacity(livePieceBytes + (64 << 10))
        var rows = 0
        var body: LiveBodyWriter?
        var spool: TableSpool?

        func sendOut() throws {
            if body == nil {
                let live = LiveBody(channel: channel)
                guard deliver(.live(.ok, headers, live)) else {
                    live.started.fail(LiveBodyClosed())
                    throw LiveBodyClosed()
                }
                let w = LiveBodyWriter(body: live, control: control, stats: server.streaming)
                body = w
                try w.awaitStart()
            }
            try body!.send(out)
            out.removeAll(keepingCapacity: true)
        }
        func format(_ batch: QueryResult) throws {
            if p.format == .table {
                if spool == nil {
                    spool = try TableSpool(style: TableStyle(maxRows: 0, maxCellWidth: 0, ascii: true, showTypes: false, footer: false))
                }
                try spool!.add(batch)
                return
            }
            if writer == nil {
                writer = ResultWriter(format: p.format, for: batch)
                writer!.writeHeader(into: &out)
            }
            var lo = 0
            while lo < batch.rowCount {
                let hi = min(batch.rowCount, lo + liveSliceRows)
                writer!.writeRows(of: batch, lo..<hi, into: &out)
                server.streaming.formatted(rows: hi - lo)
                lo = hi
                if out.count >= livePieceBytes { try sendOut() }
            }
        }

        do {
            try engine.stream(p.sql, control: control, session: p.session) { batch in
                rows += batch.rowCount
                if rows > maxRows {
                    throw QueryError("the result has more than \(maxRows) rows, more than the limit of \(maxRows) (--max-result-rows); add a LIMIT or aggregate")
                }
                if writer == nil && batch.columns.isEmpty { return }
                if keeping, let limit = keepUpTo {
                    kept.append(batch)
                    keptBytes += batch.estimatedBytes
                    if keptBytes <= limit { return }
                    // Too large for the cache: what was kept goes out first, the rest as it comes.
                    keeping = false
                    let earlier = kept
                    kept = []
                    for k in earlier { try format(k) }
                    return
                }
                try format(batch)
            }
            if keeping {
                let result = concatenated(kept)
                onResult?(result)
                let (reply, ok) = reply(result, p, server: server, cacheStatus: cacheStatus)
                return (reply, ok)
            }
            if let spool {
                try spool.write(pieceBytes: livePieceBytes) { piece in
                    out += piece
                    if out.count >= livePieceBytes { try sendOut() }
                }
            } else if p.format != .table {
                if writer == nil { writer = ResultWriter(format: p.format, columnNames: []); writer!.writeHeader(into: &out) }
                writer!.writeFooter(into: &out)
            }
            guard var w = body else {
                return (.full(HTTPResponse(.ok, headers: headers, body: out)), true)
            }
            do {
                try w.send(out)
                try w.drain()
                w.body.ended.succeed(.complete(bytes: w.bytes))
            } catch {
                // Cancelled (the timeout) while the last pieces went out: the error line still follows.
                if !(error is LiveBodyClosed) { w.sendLast(errorLine(error, format: p.format)) }
                w.body.ended.succeed(.aborted(bytes: w.bytes))
                return (nil, false)
            }
            return (nil, true)
        } catch {
            guard var w = body else {
                if error is LiveBodyClosed { return (nil, false) }
                return (.full(errorResponse(error)), false)
            }
            if !(error is LiveBodyClosed) {
                // Rows formatted before the error still go out, then the line that says why.
                out += errorLine(error, format: p.format)
                w.sendLast(out)
            }
            w.body.ended.succeed(.aborted(bytes: w.bytes))
            return (nil, false)
        }
    }

    /// The line that ends an answer that failed after its first byte: for JSON a last array element
    /// `{"error":…}` and the closing `]`, for JSON Lines an object `{"error":…}` on its own line, for
    /// CSV a line `#error: …` (the message on one line). The connection then closes without the
    /// chunked encoding's last chunk.
    static func errorLine(_ error: Error, format: ResultFormat) -> [UInt8] {
        let message = errorMessage(error)
        switch format {
        case .json: return Array(",\n{\"error\":\(JSON.quote(message))}\n]\n".utf8)
        case .jsonl: return Array("{\"error\":\(JSON.quote(message))}\n".utf8)
        case .csv, .table:
            let oneLine = message.map { $0 == "\n" || $0 == "\r" ? " " : $0 }
            return Array("#error: \(String(oneLine))\n".utf8)
        }
    }

    /// The text of a query error, as `errorResponse` puts it in `"error"`.
    static func errorMessage(_ error: Error) -> String {
        switch error {
        case let e as QueryError: e.description
        case let e as SQLError: e.description
        case let e as StorageError: e.description
        default: "\(error)"
        }
    }

    /// One result of `batches` (in order), which share their columns.
    static func concatenated(_ batches: [QueryResult]) -> QueryResult {
        guard var all = batches.first else { return QueryResult(columns: []) }
        for batch in batches.dropFirst() where batch.rowCount > 0 {
            for c in all.columns.indices {
                let other = batch.columns[c]
                all.columns[c].vector.append(contentsOf: other.vector, range: 0..<other.vector.count)
                if let a = other.array, all.columns[c].array != nil {
                    all.columns[c].array!.postgresText.append(contentsOf: a.postgresText, range: 0..<a.postgresText.count)
                }
            }
        }
        return all
    }
}
