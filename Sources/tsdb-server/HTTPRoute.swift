import NIOHTTP1

/// The endpoints, matched on method and path. Every GET route answers HEAD too: the same status and
/// headers, no body (clients such as `polars.read_csv(url)` send HEAD first).
enum HTTPRoute: Sendable, Equatable {
    case write(WriteAPI)
    case query
    case influxQL(InfluxQLAPI)
    case ping
    case health
    case metrics
    case console

    /// The route for a request, or the 404/405 response.
    static func match(_ method: HTTPMethod, _ rawPath: String) -> Result<HTTPRoute, HTTPResponse> {
        guard let resolved = resolve(rawPath) else { return .failure(.error(.notFound, "not found: \(rawPath)")) }
        let (route, methods) = resolved
        let path = trimmed(rawPath)
        guard methods.contains(method) else {
            var r = HTTPResponse.error(.methodNotAllowed, "\(method) is not allowed on \(path)")
            r.headers.add(name: "Allow", value: methods.map { "\($0)" }.joined(separator: ", "))
            return .failure(r)
        }
        return .success(route)
    }

    /// The route at a path and the methods it answers; nil when there is none.
    static func resolve(_ rawPath: String) -> (HTTPRoute, [HTTPMethod])? {
        let path = trimmed(rawPath)
        switch path {
        case "/write": return (.write(.v1), [.POST])
        case "/api/v2/write": return (.write(.v2), [.POST])
        case "/api/v3/write_lp": return (.write(.v3), [.POST])
        case "/api/v3/query_sql": return (.query, [.GET, .HEAD, .POST])
        case "/query": return (.influxQL(.v1), [.GET, .HEAD, .POST])
        case "/api/v3/query_influxql": return (.influxQL(.v3), [.GET, .HEAD, .POST])
        case "/ping": return (.ping, [.GET, .HEAD])
        case "/health": return (.health, [.GET, .HEAD])
        case "/metrics": return (.metrics, [.GET, .HEAD])
        case _ where ConsoleRoutes.serves(path): return (.console, [.GET, .HEAD])
        default: return nil
        }
    }

    private static func trimmed(_ rawPath: String) -> String {
        var path = rawPath
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// Writes and queries need a token when tokens are configured; ping, health, metrics and the console's
    /// pages never do (the console's queries do).
    var needsAuth: Bool {
        switch self {
        case .write, .query, .influxQL: true
        case .ping, .health, .metrics, .console: false
        }
    }

    /// The 401 answer, shaped like the API's other errors.
    var unauthorized: HTTPResponse {
        var r: HTTPResponse
        switch self {
        case .write(.v1), .influxQL(.v1): r = .error(.unauthorized, "authorization failed")
        case .write(.v2): r = .v2Error(.unauthorized, code: "unauthorized", "unauthorized access")
        default: r = .error(.unauthorized, "unauthorized access: a valid token is required (Authorization: Token …)")
        }
        r.headers.add(name: "WWW-Authenticate", value: #"Token realm="tsdb""#)
        return r
    }

    /// The 403 answer: a valid token without the right for this request.
    func forbidden(_ message: String) -> HTTPResponse {
        if case .write(.v2) = self { return .v2Error(.forbidden, code: "forbidden", message) }
        return failure(.forbidden, message)
    }

    /// The 429 answer, with the seconds to wait.
    func tooManyRequests(_ message: String, retryAfter seconds: Double) -> HTTPResponse {
        var r: HTTPResponse
        if case .write(.v2) = self { r = .v2Error(.tooManyRequests, code: "too many requests", message) } else { r = failure(.tooManyRequests, message) }
        r.headers.add(name: "Retry-After", value: RateLimiter.retryAfter(seconds))
        return r
    }

    /// An error answer for the whole request (413, 503, 408), shaped like the API's other errors.
    func failure(_ status: HTTPResponseStatus, _ message: String) -> HTTPResponse {
        if case let .write(api) = self { return WriteResponses.failure(api, status, message) }
        return .error(status, message)
    }
}
