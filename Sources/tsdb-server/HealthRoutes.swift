import NIOHTTP1

/// `GET /ping`, `GET /health`, `GET /metrics`: liveness for InfluxDB clients, readiness, Prometheus.
enum HealthRoutes {
    /// The version the server reports (`X-Influxdb-Version`, `/health`).
    static let version = "0.1.0"

    /// Headers InfluxDB puts on every response; clients read the version from `/ping`.
    static func addVersionHeaders(_ h: inout HTTPHeaders) {
        h.add(name: "X-Influxdb-Version", value: version)
        h.add(name: "X-Influxdb-Build", value: "tsdb")
    }

    /// 204 like InfluxDB; `?verbose=true` answers 200 with the version in JSON.
    static func ping(_ request: HTTPRequest) -> HTTPResponse {
        if let v = request.query["verbose"], v == "true" || v == "1" {
            return .json(.ok, #"{"version":"\#(version)"}"#)
        }
        return HTTPResponse(.noContent)
    }

    /// 200 `{"name":"tsdb","status":"pass",…,"checks":[]}` when ready; 503 with `"status":"fail"` once shutdown
    /// began, or while `failing` is not empty (a database that cannot open, or whose last write failed for a
    /// storage reason: disk full, I/O error, WAL poisoned). Each failing check is
    /// `{"name":"database <db>","status":"fail","message":…}` (InfluxDB 2's shape).
    static func health(stopping: Bool, failing: [ServerHealth.Check] = []) -> HTTPResponse {
        var checks = failing
        if stopping { checks.insert(ServerHealth.Check(name: "server", message: "shutting down"), at: 0) }
        let fail = !checks.isEmpty
        let message: String
        if stopping {
            message = "shutting down"
        } else if fail {
            message = checks.count == 1 ? checks[0].name + ": " + checks[0].message : "\(checks.count) checks failing; first: \(checks[0].name): \(checks[0].message)"
        } else {
            message = "ready for queries and writes"
        }
        let list = checks.map { #"{"name":\#(JSON.quote($0.name)),"status":"fail","message":\#(JSON.quote($0.message))}"# }
        return .json(fail ? .serviceUnavailable : .ok,
                     #"{"name":"tsdb","status":"\#(fail ? "fail" : "pass")","message":\#(JSON.quote(message)),"version":"\#(version)","checks":[\#(list.joined(separator: ","))]}"#)
    }

    /// The Prometheus text exposition of the server's metrics.
    static func metrics(_ server: ServerContext) -> HTTPResponse {
        var h = HTTPHeaders()
        h.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
        return HTTPResponse(.ok, headers: h, body: server.metrics.render(databases: server.databases.openDatabases(), cache: server.queryCache))
    }
}
