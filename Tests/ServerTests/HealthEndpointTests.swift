import Foundation
import Testing
@testable import tsdb_server

/// `/ping`, `/health`, `/metrics`.
@Suite struct HealthEndpointTests {
    @Test func ping() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let c = try s.client()
        var r = try c.request("GET", "/ping")
        #expect(r.status == 204)
        #expect(r.header("X-Influxdb-Version") == HealthRoutes.version)
        #expect(r.header("Content-Length") == nil)
        r = try c.request("HEAD", "/ping")
        #expect(r.status == 204)
        r = try c.request("GET", "/ping?verbose=true")
        #expect(r.status == 200)
        #expect(r.object["version"] as? String == HealthRoutes.version)
    }

    @Test func health() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let r = try s.client().request("GET", "/health")
        #expect(r.status == 200)
        #expect(r.object["status"] as? String == "pass")
        #expect(r.object["version"] as? String == HealthRoutes.version)
        #expect(HealthRoutes.health(stopping: true).status == .serviceUnavailable)
    }

    @Test func metricsAreValidPrometheusTextAndCount() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let c = try s.client()
        let body = "m,host=a v=1i 1700000000000000000\nbad line\nm,host=b v=2i 1700000000000000001\n"
        #expect(try c.request("POST", "/write?db=mdb", body: body).status == 400)
        let tcp = try TestTCPClient(port: s.tcpPort)
        try tcp.send("t v=1i 1700000000000000000\nt v=2i 1700000000000000001\nt v=3i 1700000000000000002\n")
        tcp.finish()
        #expect(try c.request("GET", "/api/v3/query_sql?db=mdb&q=SELECT+count(*)+FROM+m").status == 200)
        #expect(try c.request("GET", "/api/v3/query_sql?db=mdb&q=SELECT+nope").status == 400)

        let r = try c.request("GET", "/metrics")
        #expect(r.status == 200)
        #expect(r.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let m = try PrometheusText(r.text)
        #expect(m[#"tsdb_ingest_rows_total{protocol="http"}"#] == 2)
        #expect(m[#"tsdb_ingest_lines_rejected_total{protocol="http"}"#] == 1)
        #expect(m[#"tsdb_ingest_bytes_total{protocol="http"}"#] == Double(body.utf8.count))
        #expect(m[#"tsdb_ingest_rows_total{protocol="tcp"}"#] == 3)
        #expect(m[#"tsdb_queries_total{status="ok"}"#] == 1)
        #expect(m[#"tsdb_queries_total{status="error"}"#] == 1)
        #expect(m["tsdb_query_duration_seconds_count"] == 2)
        #expect(m.types["tsdb_query_duration_seconds"] == "histogram")
        #expect(m[#"tsdb_open_connections{protocol="http"}"#] == 1)
        #expect(m[#"tsdb_memtable_rows{db="mdb"}"#] == 2)
        #expect(m[#"tsdb_memtable_bytes{db="mdb"}"#].map { $0 > 0 } == true)
        #expect(m[#"tsdb_segments{db="mdb"}"#] == 0)
        #expect(m[#"tsdb_tables{db="default"}"#] == 1)
        for name in ["tsdb_segment_bytes", "tsdb_segment_rows", "tsdb_wal_syncs", "tsdb_flushes", "tsdb_compactions", "tsdb_http_write_duration_seconds_count",
                     "tsdb_connections_total", "tsdb_connections_refused_total"] {
            #expect(m.samples.keys.contains { $0.hasPrefix(name) }, "missing \(name)")
        }
    }
}
