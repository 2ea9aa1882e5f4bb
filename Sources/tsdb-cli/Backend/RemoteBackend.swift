import ColumnStore
import Foundation
import Ingest
import LineProtocol
import QueryEngine

/// A tsdb-server reached over HTTP: writes via `POST /api/v3/write_lp`, queries via `GET /api/v3/query_sql` (`POST` for statements that change data).
final class RemoteBackend: Backend, @unchecked Sendable {
    let baseURL: String
    let database: String
    let token: String?
    let client = HTTPClient()
    /// Sent with every query as parameters (`view_rewrite=off`).
    var settings: [String: String] = [:]

    init(baseURL: String, database: String, token: String?) {
        var b = baseURL
        while b.hasSuffix("/") { b.removeLast() }
        self.baseURL = b
        self.database = database
        self.token = token
    }

    var label: String { "\(baseURL) (db \(database))" }

    func makeIngestSink(precision: Precision, maxErrors: Int) -> IngestSink {
        RemoteIngestSink(backend: self, precision: precision, maxErrors: maxErrors)
    }

    /// `path?query` on the server, with the parameters percent-encoded.
    func url(_ path: String, _ params: [(String, String)]) -> URL {
        var c = URLComponents(string: baseURL + path)!
        c.queryItems = params.map { URLQueryItem(name: $0.0, value: $0.1) }
        // URLComponents leaves `+` alone, which servers read as a space.
        c.percentEncodedQuery = c.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return c.url!
    }

    func request(_ url: URL, method: String = "GET", body: [UInt8]? = nil, contentType: String? = nil) -> HTTPRequest {
        var r = HTTPRequest(url: url, method: method, body: body)
        if let contentType { r.headers.append(("Content-Type", contentType)) }
        if let token { r.headers.append(("Authorization", "Token \(token)")) }
        return r
    }

    /// CSV, JSON and JSON Lines come formatted from the server (the engine's own writer); a table is
    /// drawn here from the server's CSV by the same renderer as an embedded answer (see `RemoteResult`).
    func query(_ sql: String, format: ResultFormat, threads: Int?, control: QueryControl?) throws -> QueryAnswer {
        let name = format == .table ? ResultFormat.csv.rawValue : format.rawValue
        let params = [("db", database), ("q", sql), ("format", name)] + settings.sorted { $0.key < $1.key }
        let req: HTTPRequest
        if Self.changesData(sql) {
            // Statements that change data go in a POST body (a GET may be retried or cached on the way).
            let form = URLComponents(url: url("/api/v3/query_sql", params), resolvingAgainstBaseURL: false)?.percentEncodedQuery ?? ""
            req = request(URL(string: baseURL + "/api/v3/query_sql")!, method: "POST", body: Array(form.utf8),
                          contentType: "application/x-www-form-urlencoded")
        } else {
            req = request(url("/api/v3/query_sql", params))
        }
        let r = try client.send(req, control: control)
        guard r.status == 200 else { throw Self.queryFailure(r) }
        if format == .table { return .result(RemoteResult.decode(csv: [UInt8](r.body))) }
        return .text([UInt8](r.body), rows: nil)
    }

    /// True for statements that change data, and COPY (`Statement.hasEffects`), which the server runs only
    /// from a POST; what does not parse is sent as a GET, for the server to explain.
    static func changesData(_ sql: String) -> Bool {
        (try? SQLParser.parse(SessionStatement.statementText(sql)))?.hasEffects == true
    }

    func close() throws {}

    /// A refused query; when the server's message names a position (`at 1:8`), the caller can point at it.
    static func queryFailure(_ r: HTTPClient.Response) -> Error {
        let e = failure(r, doing: "query")
        guard r.status == 400, let m = e.description.firstMatch(of: /at (\d+):(\d+)/),
              let line = Int(m.1), let column = Int(m.2) else { return e }
        return PositionedError(description: e.description, line: line, column: column)
    }

    /// A server's refusal as a one-line error, with the message of its JSON error body when it has one.
    static func failure(_ r: HTTPClient.Response, doing what: String) -> CLIError {
        let text = String(decoding: r.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var message = text
        if let obj = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any] {
            message = (obj["error"] as? String) ?? (obj["message"] as? String) ?? text
        }
        switch r.status {
        case 401, 403: return CLIError("server refused the \(what) (HTTP \(r.status)): \(message.isEmpty ? "check --token" : message)")
        default: return CLIError("server \(what) failed (HTTP \(r.status)): \(message.isEmpty ? "no details" : message)")
        }
    }
}

/// Sends each chunk as one write request; rejected lines come back in the JSON error body and are renumbered
/// from the chunk to the whole input.
final class RemoteIngestSink: IngestSink, @unchecked Sendable {
    let backend: RemoteBackend
    let precision: Precision
    let maxErrors: Int

    init(backend: RemoteBackend, precision: Precision, maxErrors: Int) {
        self.backend = backend
        self.precision = precision
        self.maxErrors = maxErrors
    }

    func prepare(_ chunk: LPChunk) -> PreparedChunk {
        PreparedChunk(bytes: chunk.bytes.count, parsed: nil, raw: chunk)
    }

    func write(_ prepared: PreparedChunk) throws -> IngestReport {
        guard let chunk = prepared.raw else { preconditionFailure("BUG: remote sink got a parsed chunk") }
        var report = IngestReport(maxErrors: maxErrors)
        let lines = Self.dataLines(chunk.bytes)
        guard lines > 0 else { return report }
        let url = backend.url("/api/v3/write_lp", [("db", backend.database), ("precision", precision.rawValue)])
        // 503: the server's store has no room yet (flushing lags behind). Wait as the embedded store
        // would (`EmbeddedIngestSink.roomTimeout`), resending after each Retry-After.
        let clock = Stopwatch()
        var r: HTTPClient.Response
        while true {
            r = try backend.client.send(backend.request(url, method: "POST", body: Array(chunk.bytes),
                                                        contentType: "text/plain; charset=utf-8"))
            guard r.status == 503, clock.elapsed < EmbeddedIngestSink.roomTimeout else { break }
            usleep(1_000_000)
        }
        if (200..<300).contains(r.status) {
            report.linesAccepted = lines
            return report
        }
        guard r.status == 400 || r.status == 422, let rejected = Self.rejectedLines(r.body, offset: chunk.firstLine - 1),
              !rejected.isEmpty else {
            throw RemoteBackend.failure(r, doing: "write")
        }
        report.linesAccepted = max(0, lines - rejected.count)
        report.addRejections(rejected.count, Array(rejected.prefix(maxErrors)))
        return report
    }

    /// Lines that hold a point (not blank, not a comment), as the server counts them.
    static func dataLines(_ bytes: [UInt8]) -> Int {
        enum State { case start, data, skip }
        var n = 0
        var state = State.start
        for b in bytes {
            switch state {
            case .start:
                if b == 0x20 || b == 0x0A { continue }
                state = b == 0x23 || b == 0x0D ? .skip : .data
            case .data:
                if b == 0x0A { n += 1; state = .start }
            case .skip:
                if b == 0x0A { state = .start }
            }
        }
        return state == .data ? n + 1 : n
    }

    /// The line numbers (within the request; 0 when not given) and messages of an InfluxDB-3-style error
    /// body's rejected lines; nil when the body is not one.
    static func rejectedItems(_ body: Data) -> [(line: Int, message: String)]? {
        guard let obj = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        let items: [[String: Any]]
        if let data = obj["data"] as? [[String: Any]] {
            items = data
        } else if let data = obj["data"] as? [String: Any] {
            items = [data]
        } else {
            return nil
        }
        return items.map { item in
            ((item["line_number"] as? Int) ?? (item["line"] as? Int) ?? 0,
             (item["error_message"] as? String) ?? (item["message"] as? String) ?? "rejected")
        }
    }

    /// The rejected lines of an InfluxDB-3-style error body (`{"error": …, "data": [{"line_number": n,
    /// "error_message": …, "original_line": …}]}`), numbered from the start of the input.
    static func rejectedLines(_ body: Data, offset: Int) -> [IngestError]? {
        rejectedItems(body)?.map { item in
            let (n, msg) = (item.line, item.message)
            let line = n > 0 ? n + offset : 0
            guard n > 0 else { return IngestError(line: 0, message: msg) }
            // The server numbers lines within its request; say where they are in the whole input.
            let prefix = "line \(n)"
            if msg.hasPrefix(prefix), let next = msg.dropFirst(prefix.count).first, next == ":" || next == "," {
                return IngestError(line: line, message: "line \(line)" + msg.dropFirst(prefix.count))
            }
            return IngestError(line: line, message: "line \(line): \(msg)")
        }
    }
}
