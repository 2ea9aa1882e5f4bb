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

    /// 200 `{"name":"tsdb","status":"pass",…}`; 503 with `"fail"` once shutdown began.
    static func health(stopping: Bool) -> HTTPResponse {
        let status = stopping ? "fail" : "pass"
        let message = stopping ? "shutting down" : "ready for queries and writes"
        return .json(stopping ? .serviceUnavailable : .ok,
                     #"{"name":"tsdb","status":"\#(status)","message":"\#(message)","version":"\#(version)","checks":[]}"#)
    }

    /// The Prometheus text exposition of the server's metrics.
    static func metrics(_ server: ServerContext) -> HTTPResponse {
        var h = HTTPHeaders()
        h.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
        return HTTPResponse(.ok, headers: h, body: server.metrics.render(databases: server.databases.openDatabases()))
    }
}
