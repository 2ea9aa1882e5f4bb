import NIOHTTP1

/// Cross-origin access for browsers (`--cors-origin`): which page origins may call the API, and the
/// headers that tell the browser so. With no origins configured no CORS header is ever sent, so browsers
/// keep other sites' pages from reading answers.
struct CORSPolicy: Sendable {
    /// Exact origins (`https://grafana.example.com`); `*` allows any.
    let origins: Set<String>

    var isEnabled: Bool { !origins.isEmpty }

    /// The request's `Origin` when it is allowed.
    func allowedOrigin(_ headers: HTTPHeaders) -> String? {
        guard isEnabled, let origin = headers.first(name: "Origin"), !origin.isEmpty else { return nil }
        return origins.contains("*") || origins.contains(origin) ? origin : nil
    }

    /// Headers added to every answer to an allowed origin. The origin is echoed (not `*`) so that
    /// credentials (Authorization) may be sent; `Vary` keeps caches from mixing origins.
    static func responseHeaders(_ origin: String, into h: inout HTTPHeaders) {
        h.replaceOrAdd(name: "Access-Control-Allow-Origin", value: origin)
        h.replaceOrAdd(name: "Access-Control-Allow-Credentials", value: "true")
        h.replaceOrAdd(name: "Access-Control-Expose-Headers", value: "Retry-After, X-Influxdb-Version, X-Influxdb-Build, Content-Encoding")
        h.add(name: "Vary", value: "Origin")
    }

    /// The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin:
    /// the methods `allowed` on the path and the request headers API clients send.
    static func preflightHeaders(_ origin: String, allowed: [HTTPMethod]) -> HTTPHeaders {
        var h = HTTPHeaders()
        responseHeaders(origin, into: &h)
        h.add(name: "Access-Control-Allow-Methods", value: allowed.map { "\($0)" }.joined(separator: ", "))
        h.add(name: "Access-Control-Allow-Headers", value: "Authorization, Content-Type, Content-Encoding, Accept, Accept-Encoding, Cache-Control")
        h.add(name: "Access-Control-Max-Age", value: "600")
        return h
    }
}
