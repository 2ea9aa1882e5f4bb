import Foundation
import Testing
import TestSupport

/// The built server, killed with SIGKILL mid-stream: every acknowledged row survives, exactly once.
/// And SIGTERM: in-flight work finishes, data is flushed, exit 0.
@Suite(.serialized) struct DurabilityTests {
    /// Batch `b` of a writer: `rows` lines whose `seq` field numbers them uniquely.
    static func batch(writer: Int, index b: Int, rows: Int) -> String {
        var s = ""
        s.reserveCapacity(rows * 60)
        for j in 0..<rows {
            let seq = (writer * 1_000_000) + b * rows + j
            s += "d,w=w\(writer) seq=\(seq)i,pad=\"xxxxxxxxxxxxxxxxxxxxxxxx\" \(1_700_000_000_000_000_000 + Int64(seq))\n"
        }
        return s
    }

    @Test func sigkillLosesNoAcknowledgedRow() throws {
        let dir = TempDirectory("tsdb-durability")
        defer { dir.remove() }
        let rowsPerBatch = 500
        // Two writers stream batches; the kill comes once a fair number were acknowledged (204).
        let run = try SigkillRun.run(data: dir.path, extra: ["--durability", "batch"], writers: 2, killAfter: 40, timeout: 20) { c, w, b in
            (try? c.request("POST", "/write?db=dur", body: Self.batch(writer: w, index: b, rows: rowsPerBatch)))?.status == 204
        }
        #expect(run.killed.reason == .uncaughtSignal)
        #expect(run.acked.count >= 40, "only \(run.acked.count) batches acknowledged before the kill")
        let c = try TestHTTPClient(port: run.restarted.httpPort)
        let r = try c.request("GET", "/api/v3/query_sql?db=dur&format=csv&q=\(urlEncode("SELECT seq FROM d ORDER BY seq"))")
        #expect(r.status == 200)
        let seqs = r.text.split(separator: "\n").dropFirst().compactMap { Int($0) }
        let problems = run.problems(recovered: seqs, rowsPerBatch: rowsPerBatch) { w, b, j in w * 1_000_000 + b * rowsPerBatch + j }
        #expect(problems.isEmpty, "\(problems)")
        let stopped = run.restarted.stop(signal: SIGTERM)
        #expect(stopped.reason == .exit && stopped.status == 0)
    }

    @Test func sigtermFinishesFlushesAndExitsZero() throws {
        let dir = TempDirectory("tsdb-sigterm")
        defer { dir.remove() }
        var server = try ServerProcess(data: dir.path, extra: ["--durability", "none"], tcp: true)
        let c = try TestHTTPClient(port: server.httpPort)
        #expect(try c.request("POST", "/api/v2/write?bucket=g", body: Self.batch(writer: 0, index: 0, rows: 1000)).status == 204)
        let tcp = try TestTCPClient(port: server.tcpPort!)
        try tcp.send(Self.batch(writer: 1, index: 0, rows: 1000).replacingOccurrences(of: "d,w=", with: "t,w="))
        #expect(eventually {
            let m = try? PrometheusText(TestHTTPClient(port: server.httpPort).request("GET", "/metrics").text)
            return m?[#"tsdb_ingest_rows_total{protocol="tcp"}"#] == 1000
        })
        // A request in flight when SIGTERM arrives: half its body sent before, half after. It is
        // answered (204), then the connection closes and the process exits 0.
        let inFlight = try TestHTTPClient(port: server.httpPort)
        let body = Array(Self.batch(writer: 2, index: 0, rows: 1000).utf8)
        try inFlight.send("POST", "/write?db=g", headers: [("Content-Length", String(body.count))])
        try inFlight.sendRaw(Array(body[0..<body.count / 2]))
        usleep(100_000)
        kill(server.pid, SIGTERM)
        usleep(200_000)
        #expect(server.process.isRunning)
        try inFlight.sendRaw(Array(body[(body.count / 2)...]))
        #expect(try inFlight.readResponse().status == 204)
        #expect(inFlight.peerClosed())
        let stopped = server.stop(signal: SIGTERM)
        #expect(stopped.reason == .exit && stopped.status == 0)
        #expect(c.peerClosed())

        server = try ServerProcess(data: dir.path, extra: ["--default-db", "g"])
        let c2 = try TestHTTPClient(port: server.httpPort)
        let r = try c2.request("GET", "/api/v3/query_sql?db=g&format=csv&q=\(urlEncode("SELECT count(*) FROM d"))")
        #expect(r.text.hasSuffix("\n2000\n"), "\(r.text)")
        let t = try c2.request("GET", "/api/v3/query_sql?db=default&format=csv&q=\(urlEncode("SELECT count(*) FROM t"))")
        #expect(t.text.hasSuffix("\n1000\n"), "\(t.text)")
        // The graceful stop flushed the memtable into segments.
        let m2 = try PrometheusText(c2.request("GET", "/metrics").text)
        #expect((m2[#"tsdb_segments{db="g"}"#] ?? 0) >= 1)
        #expect(m2[#"tsdb_memtable_rows{db="g"}"#] == 0)
        server.stop(signal: SIGINT)
    }
}

/// A set of ints shared by test threads.
final class LockedSet: @unchecked Sendable {
    private let lock = NSLock()
    private var set: Set<Int> = []
    func insert(_ v: Int) { _ = lock.withLock { set.insert(v) } }
    func remove(_ v: Int) { _ = lock.withLock { set.remove(v) } }
    var count: Int { lock.withLock { set.count } }
    var values: Set<Int> { lock.withLock { set } }
}
