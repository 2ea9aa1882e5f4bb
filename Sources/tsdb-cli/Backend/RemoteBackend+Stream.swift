import Foundation
import QueryEngine

extension RemoteBackend {
    /// Runs `sql` on the server with its answer in `format` (a `query_sql` format: csv, json, jsonl,
    /// parquet, xlsx; more `params` beside) and hands the answer's bytes to `body` as they arrive, so the
    /// CLI holds no more of it than one piece. Statements that change data (and COPY) go as a POST form.
    /// Text answers pass through an `AnswerTail`: one that fails after its first bytes throws the server's
    /// message, and its error line is not handed to `body`.
    func stream(_ sql: String, format: String, params: [(String, String)] = [], control: QueryControl?,
                body: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        guard ["csv", "json", "jsonl"].contains(format) else {
            return try streamBytes(sql, format: format, params: params, control: control, body: body)
        }
        let tail = AnswerTail(body: body)
        do {
            try streamBytes(sql, format: format, params: params, control: control) { try tail.feed($0) }
        } catch let cut as HTTPStream.CutShort {
            throw tail.cutShort().map { CLIError($0) } ?? CLIError(cut.description)
        }
        try tail.finish()
    }

    private func streamBytes(_ sql: String, format: String, params: [(String, String)], control: QueryControl?,
                             body: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        let all = [("db", database), ("q", sql), ("format", format)] + settings.sorted { $0.key < $1.key } + params
        var headers: [(String, String)] = []
        if let token { headers.append(("Authorization", "Token \(token)")) }
        let outcome: HTTPStream.Outcome
        if Self.changesData(sql) {
            let form = URLComponents(url: url("/api/v3/query_sql", all), resolvingAgainstBaseURL: false)?.percentEncodedQuery ?? ""
            outcome = try HTTPStream.send(URL(string: baseURL + "/api/v3/query_sql")!, method: "POST",
                                          headers: headers + [("Content-Type", "application/x-www-form-urlencoded")],
                                          content: Array(form.utf8), control: control, body: body)
        } else {
            outcome = try HTTPStream.send(url("/api/v3/query_sql", all), headers: headers, control: control, body: body)
        }
        guard outcome.status == 200 else {
            throw Self.queryFailure(HTTPClient.Response(status: outcome.status, body: outcome.errorBody, contentType: outcome.contentType))
        }
    }
}
