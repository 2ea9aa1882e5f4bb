import NIOHTTP1

/// The endpoints, matched on method and path. Every GET route answers HEAD too: the same status and
/// headers, no body (clients such as `polars.read_csv(url)` send HEAD first).
enum HTTPRoute: Sendable, Equatable {
    case write(WriteAPI)
    case query
    case ping
    case health
    case metrics
    case console

    /// The route for a request, or the 404/405 response.
    static func match(_ method: HTTPMethod, _ rawPath: String) -> Result<HTTPRoute, HTTPResponse> {
        var path = rawPath
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        let route: HTTPRoute
        let methods: [HTTPMethod]
        switch path {
        case "/write": route = .write(.v1); methods = [.POST]
        case "/api/v2/write": route = .write(.v2); methods = [.POST]
        case "/api/v3/write_lp": route = .write(.v3); methods = [.POST]
        case "/api/v3/query_sql": route = .query; methods = [.GET, .HEAD, .POST]
        case "/ping": route = .ping; methods = [.GET, .HEAD]
        case "/health": route = .health; methods = [.GET, .HEAD]
        case "/metrics": route = .metrics; methods = [.GET, .HEAD]
        case _ where ConsoleRoutes.serves(path): route = .console; methods = [.GET, .HEAD]
        default: return .failure(.error(.notFound, "not found: \(rawPath)"))
        }
        guard methods.contains(method) else {
            var r = HTTPResponse.error(.methodNotAllowed, "\(method) is not allowed on \(path)")
            r.headers.add(name: "Allow", value: methods.map { "\($0)" }.joined(separator: ", "))
            return .failure(r)
        }
        return .success(route)
    }

    /// Writes and queries need a token when tokens are configured; ping, health, metrics and the console's
    /// pages never do (the console's queries do).
    var needsAuth: Bool {
        switch self {
        case .write, .query: true
        case .ping, .health, .metrics, .console: false
        }
    }

    /// The 401 answer, shaped like the API's other errors.
    var unauthorized: HTTPResponse {
        var r: HTTPResponse
        switch self {
        case .write(.v1): r = .error(.unauthorized, "authorization failed")
        case .write(.v2): r = .v2Error(.unauthorized, code: "unauthorized", "unauthorized access")
        default: r = .error(.unauthorized, "unauthorized access: a valid token is required (Authorization: Token …)")
        }
        r.headers.add(name: "WWW-Authenticate", value: #"Token realm="tsdb""#)
        return r
    }

    /// An error answer for the whole request (413, 503, 408), shaped like the API's other errors.
    func failure(_ status: HTTPResponseStatus, _ message: String) -> HTTPResponse {
        if case let .write(api) = self { return WriteResponses.failure(api, status, message) }
        return .error(status, message)
    }
}
