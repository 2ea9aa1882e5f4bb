import Foundation
import QueryEngine
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A blocking HTTP client over URLSession, for a command-line tool that does one request at a time.
final class HTTPClient: @unchecked Sendable {
    /// A response: status code, body, content type.
    struct Response {
        var status: Int
        var body: Data
        var contentType: String?
    }

    private let session: URLSession

    init(timeout: Double = 600) {
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = timeout
        session = URLSession(configuration: config)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Sends `request` and waits for the whole response; a transport failure throws a `CLIError`.
    /// `control`, when cancelled, abandons the request (the server sees the connection close).
    func send(_ request: URLRequest, control: QueryControl? = nil) throws -> Response {
        final class Slot: @unchecked Sendable {
            var response: Response?
            var error: Error?
        }
        let slot = Slot()
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { data, response, error in
            if let error {
                slot.error = error
            } else if let http = response as? HTTPURLResponse {
                slot.response = Response(status: http.statusCode, body: data ?? Data(),
                                         contentType: http.value(forHTTPHeaderField: "Content-Type"))
            }
            done.signal()
        }
        task.resume()
        if let control {
            while done.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
                if control.isCancelled {
                    task.cancel()
                    throw CLIError("cancelled")
                }
            }
        } else {
            done.wait()
        }
        if let error = slot.error {
            let host = request.url.map { "\($0.scheme ?? "http")://\($0.host ?? "?")\($0.port.map { ":\($0)" } ?? "")" } ?? "server"
            throw CLIError("cannot reach \(host): \(error.localizedDescription)")
        }
        guard let r = slot.response else { throw CLIError("no HTTP response from \(request.url?.absoluteString ?? "server")") }
        return r
    }
}
