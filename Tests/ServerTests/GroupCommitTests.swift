import Foundation
import Testing
import TestSupport

/// Group commit over real sockets: many connections writing at once share fdatasyncs, and a SIGKILL in the
/// middle loses no acknowledged row (a 204 still means the rows were fsynced).
@Suite(.serialized) struct GroupCommitTests {
    static let rowsPerBatch = 200

    static func seq(_ writer: Int, _ batch: Int, _ row: Int) -> Int { writer * 1_000_000 + batch * rowsPerBatch + row }

    static func batch(writer w: Int, index b: Int) -> String {
        var s = ""
        s.reserveCapacity(rowsPerBatch * 70)
        for j in 0..<rowsPerBatch {
            let q = seq(w, b, j)
            s += "g,w=w\(w),h=h\(j % 7) seq=\(q)i,v=\(Double(q) / 4) \(1_700_000_000_000_000_000 + Int64(q))\n"
        }
        return s
    }

    @Test func concurrentWritersShareSyncsAndSurviveSigkill() throws {
        let dir = TempDirectory("tsdb-group-commit")
        defer { dir.remove() }
        let run = try SigkillRun.run(data: dir.path, extra: ["--durability", "batch"], writers: 8, killAfter: 160, timeout: 60) { c, w, b in
            (try? c.request("POST", "/api/v2/write?bucket=gc", body: Self.batch(writer: w, index: b)))?.status == 204
        }
        #expect(run.killed.reason == .uncaughtSignal)
        #expect(run.acked.count >= 160, "only \(run.acked.count) batches acknowledged before the kill")
        let c = try TestHTTPClient(port: run.restarted.httpPort)
        let r = try c.request("GET", "/api/v3/query_sql?db=gc&format=csv&q=\(urlEncode("SELECT seq FROM g ORDER BY seq"))")
        #expect(r.status == 200)
        let seqs = r.text.split(separator: "\n").dropFirst().compactMap { Int($0) }
        let problems = run.problems(recovered: seqs, rowsPerBatch: Self.rowsPerBatch, seq: Self.seq)
        #expect(problems.isEmpty, "\(problems)")
        run.restarted.stop(signal: SIGINT)
    }

    @Test func concurrentWritersNeedFewerSyncsThanRequests() throws {
        let dir = TempDirectory("tsdb-group-commit-syncs")
        defer { dir.remove() }
        let server = try ServerProcess(data: dir.path, extra: ["--durability", "batch"])
        defer { server.stop(signal: SIGINT) }
        let writers = 8, batches = 20
        let acked = LockedSet()
        let group = DispatchGroup()
        for w in 0..<writers {
            group.enter()
            Thread {
                defer { group.leave() }
                guard let c = try? TestHTTPClient(port: server.httpPort, timeout: 60) else { return }
                for b in 0..<batches {
                    guard (try? c.request("POST", "/api/v2/write?bucket=gc", body: Self.batch(writer: w, index: b)))?.status == 204 else { return }
                    acked.insert(w * 100_000 + b)
                }
            }.start()
        }
        #expect(group.wait(timeout: .now() + 300) == .success)
        #expect(acked.count == writers * batches)
        let c = try TestHTTPClient(port: server.httpPort)
        let m = try PrometheusText(c.request("GET", "/metrics").text)
        let syncs = m[#"tsdb_wal_syncs_total{db="gc"}"#] ?? 0
        // Eight connections writing at once: requests whose rows reached the WAL while a sync was
        // starting, or that were being parsed then, share its fdatasync.
        #expect(syncs > 0 && syncs < Double(writers * batches), "\(syncs) fdatasyncs for \(writers * batches) requests")
        let r = try c.request("GET", "/api/v3/query_sql?db=gc&format=csv&q=\(urlEncode("SELECT count(*), count(DISTINCT seq) FROM g"))")
        let n = writers * batches * Self.rowsPerBatch
        #expect(r.text.hasSuffix("\n\(n),\(n)\n"), "\(r.text)")
    }
}
