import Foundation
import TestSupport

/// The built server killed with SIGKILL while writers run, then started again on the same data: what
/// every "no acknowledged write is lost" test does. Batches are numbered `writer * 100_000 + batch`.
struct SigkillRun {
    /// The server started again on the killed one's data.
    var restarted: ServerProcess
    /// How the killed server ended.
    var killed: (status: Int32, reason: Process.TerminationReason)
    /// Batches the server acknowledged before the kill.
    var acked: Set<Int>
    /// Batches sent but not acknowledged (at most one per writer: the one in flight at the kill).
    var inFlight: Set<Int>

    /// Starts the server on `data`, runs `writers` threads that call `send(client, writer, batch)` for
    /// batch 0, 1, … until it returns false (the kill), kills once `killAfter` batches were acknowledged
    /// (or `timeout` seconds passed), waits for the writers and starts the server again.
    static func run(data: String, extra: [String], restartExtra: [String] = [], writers: Int = 1, killAfter: Int, timeout: Double,
                    setUp: (TestHTTPClient) throws -> Void = { _ in },
                    send: @escaping @Sendable (TestHTTPClient, Int, Int) -> Bool) throws -> SigkillRun {
        let server = try ServerProcess(data: data, extra: extra)
        try setUp(try TestHTTPClient(port: server.httpPort))
        let acked = LockedSet(), inFlight = LockedSet()
        let port = server.httpPort
        let group = DispatchGroup()
        for w in 0..<writers {
            group.enter()
            Thread {
                defer { group.leave() }
                guard let c = try? TestHTTPClient(port: port, timeout: 10) else { return }
                for b in 0..<100_000 {
                    let key = w * 100_000 + b
                    inFlight.insert(key)
                    guard send(c, w, b) else { return }
                    acked.insert(key)
                    inFlight.remove(key)
                }
            }.start()
        }
        _ = eventually(timeout: timeout) { acked.count >= killAfter }
        let killed = server.stop(signal: SIGKILL)
        group.wait()
        return SigkillRun(restarted: try ServerProcess(data: data, extra: restartExtra), killed: killed,
                          acked: acked.values, inFlight: inFlight.values)
    }

    /// Checks a recovered table's sequence numbers against the acknowledged batches: no duplicate, no
    /// acknowledged row missing, and anything else is whole batches that were in flight. Failures, as text.
    func problems(recovered seqs: [Int], rowsPerBatch: Int, seq: (_ writer: Int, _ batch: Int, _ row: Int) -> Int) -> [String] {
        var out: [String] = []
        let present = Set(seqs)
        if present.count != seqs.count { out.append("duplicated rows after recovery") }
        var missing = 0
        for key in acked {
            for j in 0..<rowsPerBatch where !present.contains(seq(key / 100_000, key % 100_000, j)) { missing += 1 }
        }
        if missing > 0 { out.append("\(missing) acknowledged rows lost") }
        let extra = seqs.count - acked.count * rowsPerBatch
        if extra < 0 || extra % rowsPerBatch != 0 || extra / rowsPerBatch > inFlight.count {
            out.append("\(extra) rows beyond the acknowledged ones: not whole in-flight batches")
        }
        return out
    }
}
