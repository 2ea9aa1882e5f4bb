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
        let writers = 2
        var server = try ServerProcess(data: dir.path, extra: ["--durability", "batch"])

        // Each writer streams batches and records the ones acknowledged (204) and the one in flight.
        let acked = LockedSet()
        let inFlight = LockedSet()
        let port = server.httpPort
        let group = DispatchGroup()
        for w in 0..<writers {
            group.enter()
            Thread {
                defer { group.leave() }
                guard let c = try? TestHTTPClient(port: port, timeout: 10) else { return }
                for b in 0..<10_000 {
                    inFlight.insert(w * 100_000 + b)
                    guard let r = try? c.request("POST", "/write?db=dur", body: Self.batch(writer: w, index: b, rows: rowsPerBatch)),
                          r.status == 204 else { return }
                    acked.insert(w * 100_000 + b)
                    inFlight.remove(w * 100_000 + b)
                }
            }.start()
        }
        // Kill once a fair number of batches were acknowledged (bounded in time either way).
        _ = eventually(timeout: 20) { acked.count >= 40 }
        let killed = server.stop(signal: SIGKILL)
        #expect(killed.reason == .uncaughtSignal)
        group.wait()
        #expect(acked.count >= 40, "only \(acked.count) batches acknowledged before the kill")

        server = try ServerProcess(data: dir.path)
        let c = try TestHTTPClient(port: server.httpPort)
        let r = try c.request("GET", "/api/v3/query_sql?db=dur&format=csv&q=\(urlEncode("SELECT seq FROM d ORDER BY seq"))")
        #expect(r.status == 200)
        let seqs = r.text.split(separator: "\n").dropFirst().compactMap { Int($0) }
        let present = Set(seqs)
        #expect(present.count == seqs.count, "duplicated rows after recovery")
        // Every acknowledged batch is there whole.
        var missing = 0
        for key in acked.values {
            let (w, b) = (key / 100_000, key % 100_000)
            for j in 0..<rowsPerBatch where !present.contains(w * 1_000_000 + b * rowsPerBatch + j) { missing += 1 }
        }
        #expect(missing == 0, "\(missing) acknowledged rows lost")
        // Anything else is from a batch in flight at the kill, and such a batch is all or nothing.
        let ackedRows = acked.count * rowsPerBatch
        let extra = seqs.count - ackedRows
        #expect(extra >= 0 && extra % rowsPerBatch == 0 && extra / rowsPerBatch <= inFlight.count, "\(extra) extra rows")
        let stopped = server.stop(signal: SIGTERM)
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
