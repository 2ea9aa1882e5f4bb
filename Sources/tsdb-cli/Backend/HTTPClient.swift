import Foundation
import QueryEngine

/// One request to a server: where, how, and what it carries.
struct HTTPRequest {
    var url: URL
    var method = "GET"
    var headers: [(String, String)] = []
    var body: [UInt8]?
}

/// A blocking HTTP client for a command-line tool that does one request at a time: the whole response
/// in memory, over `HTTPStream` (libcurl, loaded on the first request).
final class HTTPClient: @unchecked Sendable {
    /// A response: status code, body, content type.
    struct Response {
        var status: Int
        var body: Data
        var contentType: String?
    }

    /// Seconds one request may take, from connecting to the last byte of the answer.
    let timeout: Int

    init(timeout: Int = 600) {
        self.timeout = timeout
    }

    /// Sends `request` and waits for the whole response; a transport failure throws a `CLIError`.
    /// `control`, when cancelled, abandons the request (the server sees the connection close).
    func send(_ request: HTTPRequest, control: QueryControl? = nil) throws -> Response {
        var body = Data()
        let outcome = try HTTPStream.send(request.url, method: request.method, headers: request.headers,
                                          content: request.body, timeout: timeout, errorLimit: .max,
                                          control: control) { body.append(contentsOf: $0) }
        return Response(status: outcome.status, body: outcome.status == 200 ? body : outcome.errorBody,
                        contentType: outcome.contentType)
    }
}
