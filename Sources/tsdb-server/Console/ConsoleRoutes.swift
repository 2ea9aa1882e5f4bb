import NIOHTTP1

/// The web console's files, compiled in (`ConsoleAssets.sources` is generated from `Console/assets/`
/// by `scripts/embed_console_assets.py`), each with its bytes, Content-Type and ETag.
enum ConsoleAssets {
    struct Asset: Sendable {
        var bytes: [UInt8]
        var contentType: String
        /// A strong validator: a hash of the bytes, so a browser revalidates cheaply (304).
        var etag: String
    }

    /// Every asset by file name, built once.
    static let files: [String: Asset] = {
        var out: [String: Asset] = [:]
        for (name, text) in sources {
            let bytes = Array(text.utf8)
            out[name] = Asset(bytes: bytes, contentType: contentType(name), etag: etag(bytes))
        }
        return out
    }()

    static func contentType(_ name: String) -> String {
        switch name.split(separator: ".").last.map(String.init) ?? "" {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        default: "application/octet-stream"
        }
    }

    /// `"<FNV-1a 64 of the bytes in hex>"`.
    static func etag(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return "\"" + String(h, radix: 16) + "\""
    }
}

/// `GET /` (console), `/dashboard`, `/report`, and `/console/*` (their scripts, styles, the console's
/// settings and the dashboards): the web console, served from the binary.
///
/// Pages and assets need no token (they hold no data); the queries they make do. Every answer carries
/// a Content-Security-Policy that keeps the pages on the server's origin (`default-src 'self'`, no
/// inline script or style), `Cache-Control: no-cache` with an ETag (the browser revalidates and gets a
/// 304 until the server is upgraded), and `X-Content-Type-Options: nosniff`.
enum ConsoleRoutes {
    /// Page paths and the asset each one is.
    static let pages = ["/": "index.html", "/dashboard": "dashboard.html", "/report": "report.html"]
    static let prefix = "/console/"
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// True for the paths this serves (trailing slashes already removed, except for `/`).
    static func serves(_ path: String) -> Bool {
        pages[path] != nil || path.hasPrefix(prefix)
    }

    /// The answer to a console request (GET or HEAD).
    static func handle(_ request: HTTPRequest, server: ServerContext) -> HTTPResponse {
        var path = request.path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        if let page = pages[path] { return asset(page, request) }
        guard path.hasPrefix(prefix) else { return .error(.notFound, "not found: \(request.path)") }
        let name = String(path.dropFirst(prefix.count))
        switch name {
        case "config.json":
            return config(request, server: server)
        case "dashboards.json":
            if let custom = server.config.dashboards {
                return respond(ConsoleAssets.Asset(bytes: Array(custom.utf8), contentType: "application/json",
                                                   etag: ConsoleAssets.etag(Array(custom.utf8))), request)
            }
            return asset("dashboards.json", request)
        default:
            // Pages have their own paths; everything else in assets/ is served under /console/.
            guard !name.hasSuffix(".html") else { return .error(.notFound, "not found: \(request.path)") }
            return asset(name, request)
        }
    }

    private static func asset(_ name: String, _ request: HTTPRequest) -> HTTPResponse {
        guard let a = ConsoleAssets.files[name] else { return .error(.notFound, "not found: \(request.path)") }
        return respond(a, request)
    }

    private static func respond(_ a: ConsoleAssets.Asset, _ request: HTTPRequest) -> HTTPResponse {
        var h = securityHeaders()
        h.add(name: "ETag", value: a.etag)
        h.add(name: "Cache-Control", value: "no-cache")
        if request.head.headers[canonicalForm: "If-None-Match"].contains(where: { $0 == a.etag || $0 == "*" }) {
            return HTTPResponse(.notModified, headers: h)
        }
        h.add(name: "Content-Type", value: a.contentType)
        return HTTPResponse(.ok, headers: h, body: a.bytes)
    }

    /// What the pages need to know before their first query: whether a token is required, the
    /// default database and the databases on disk (those only with a valid token, when tokens are on).
    private static func config(_ request: HTTPRequest, server: ServerContext) -> HTTPResponse {
        let authorized = server.auth.allows(request.head.headers, request.query)
        let names = authorized ? server.databases.registry.names() : []
        let fallback = server.config.defaultDatabase.isEmpty ? "default" : server.config.defaultDatabase
        let body = #"{"auth":\#(server.auth.isEnabled),"authorized":\#(authorized),"#
            + #""default_database":\#(JSON.quote(fallback)),"#
            + #""databases":[\#(names.map(JSON.quote).joined(separator: ","))],"#
            + #""version":\#(JSON.quote(HealthRoutes.version))}"#
        var h = securityHeaders()
        h.add(name: "Content-Type", value: "application/json")
        h.add(name: "Cache-Control", value: "no-store")
        return HTTPResponse(.ok, headers: h, body: Array(body.utf8))
    }

    private static func securityHeaders() -> HTTPHeaders {
        var h = HTTPHeaders()
        h.add(name: "Content-Security-Policy", value: contentSecurityPolicy)
        h.add(name: "X-Content-Type-Options", value: "nosniff")
        h.add(name: "Referrer-Policy", value: "no-referrer")
        return h
    }
}
