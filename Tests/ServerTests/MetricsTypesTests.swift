import Foundation
import Testing
import TestSupport
@testable import tsdb_server

/// `/metrics` carries the standard `process_*` series, and every running total is a counter.
@Suite struct MetricsTypesTests {
    @Test func processSeriesComeFromProc() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let c = try s.client()
        let m = try PrometheusText(try c.request("GET", "/metrics").text)
        #expect(m.types["process_cpu_seconds_total"] == "counter")
        #expect((m["process_cpu_seconds_total"] ?? 0) > 0)
        #expect(m.types["process_resident_memory_bytes"] == "gauge")
        #expect((m["process_resident_memory_bytes"] ?? 0) > Double(1 << 20))
        #expect((m["process_virtual_memory_bytes"] ?? 0) >= (m["process_resident_memory_bytes"] ?? 0))
        // This process holds at least stdin/out/err, the listeners and this connection.
        #expect((m["process_open_fds"] ?? 0) > 3)
        let start = m["process_start_time_seconds"] ?? 0
        let now = Date().timeIntervalSince1970
        #expect(start > now - 86_400 && start <= now + 1, "start time \(start), now \(now)")
    }

    @Test func runningTotalsAreCountersAndLevelsAreGauges() throws {
        let s = try RunningServer { $0.memtableBytes = 1 << 10 }
        defer { s.stop() }
        let c = try s.client()
        var body = ""
        for i in 0..<200 { body += "t,k=a v=\(i) \(1_700_000_000_000_000_000 + Int64(i))\n" }
        #expect(try c.request("POST", "/write?db=m", body: body).status == 204)
        _ = try s.query("m", "SELECT count(*) FROM t")
        let text = try c.request("GET", "/metrics").text
        let m = try PrometheusText(text)
        for name in ["tsdb_wal_syncs_total", "tsdb_flushes_total", "tsdb_segments_flushed_total", "tsdb_compactions_total",
                     "tsdb_segments_compacted_total", "tsdb_partitions_dropped_total"] {
            #expect(m.types[name] == "counter", "\(name) is \(m.types[name] ?? "missing")")
            #expect(m[name + #"{db="m"}"#] != nil, "no sample of \(name)")
        }
        #expect((m[#"tsdb_wal_syncs_total{db="m"}"#] ?? 0) >= 1)
        // Every counter ends in _total; every series ending in _total is a counter.
        for (name, type) in m.types {
            if type == "counter" { #expect(name.hasSuffix("_total"), "counter \(name) does not end in _total") }
            if name.hasSuffix("_total") { #expect(type == "counter", "\(name) is a \(type)") }
        }
        // The old gauge names of the running totals are gone.
        for old in ["tsdb_wal_syncs", "tsdb_flushes", "tsdb_compactions", "tsdb_segments_flushed"] {
            #expect(m.types[old] == nil, "\(old) still exported")
        }
        #expect(m.types["tsdb_memtable_bytes"] == "gauge")
        #expect(m.types["tsdb_open_connections"] == "gauge")
        #expect(m.types["tsdb_segments"] == "gauge")
    }
}
