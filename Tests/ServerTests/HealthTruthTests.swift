import ColumnStore
import Foundation
import Testing
import TestSupport
@testable import tsdb_server

/// Issue 9, item 15: `/health` tells the truth about storage, `/metrics` counts write failures by cause.
@Suite struct HealthTruthTests {
    @Test func writeFailuresAreClassified() {
        #expect(WriteFailureCause(classifying: StorageError.io(path: "/d/wal/1.wal", op: "write", errno: ENOSPC)) == .diskFull)
        #expect(WriteFailureCause(classifying: StorageError.io(path: "/d/x", op: "write", errno: EDQUOT)) == .diskFull)
        #expect(WriteFailureCause(classifying: StorageError.io(path: "/d/x", op: "fdatasync", errno: EIO)) == .io)
        #expect(WriteFailureCause(classifying: StorageError.poisoned("fdatasync: Input/output error")) == .poisoned)
        #expect(WriteFailureCause(classifying: StorageError.corrupt(path: "/d/MANIFEST", detail: "bad")) == .corrupt)
        #expect(WriteFailureCause(classifying: StorageError.locked(path: "/d")) == .locked)
        #expect(WriteFailureCause(classifying: StorageError.closed) == .closed)
        #expect(WriteFailureCause(classifying: StorageError.invalidName("a/b")) == .badInput)
        #expect(WriteFailureCause(classifying: POSIXError(.ENOSPC)) == .diskFull)
        #expect(WriteFailureCause(classifying: TestError("?")) == .other)
        #expect(WriteFailureCause.diskFull.isStorageFault && WriteFailureCause.poisoned.isStorageFault)
        #expect(!WriteFailureCause.badInput.isStorageFault && !WriteFailureCause.timeout.isStorageFault && !WriteFailureCause.closed.isStorageFault)
    }

    @Test func healthStateFailsAndRecovers() throws {
        let h = ServerHealth()
        #expect(h.failingChecks().isEmpty)
        h.writeFailed("a", .badInput, StorageError.invalidName("x"))
        h.writeFailed("a", .timeout, TestError("stall"))
        #expect(h.failingChecks().isEmpty, "client errors and stalls do not make the server unhealthy")
        h.writeFailed("a", .diskFull, StorageError.io(path: "/d/wal", op: "write", errno: ENOSPC))
        h.databaseOpenFailed("b", StorageError.corrupt(path: "/d/b/MANIFEST", detail: "bad magic"))
        #expect(h.failingChecks().map(\.name) == ["database a", "database b"])
        #expect(h.failingChecks()[0].message.contains("disk_full"))
        #expect(h.failingChecks()[0].message.contains("No space left on device"))
        let r = HealthRoutes.health(stopping: false, failing: h.failingChecks())
        #expect(r.status == .serviceUnavailable)
        let o = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]
        #expect(o?["status"] as? String == "fail")
        #expect((o?["checks"] as? [[String: Any]])?.map { $0["status"] as? String } == ["fail", "fail"])
        h.writeSucceeded("a")
        h.databaseOpened("b")
        #expect(h.failingChecks().isEmpty)
        #expect(HealthRoutes.health(stopping: false, failing: []).status == .ok)
    }

    /// A database whose MANIFEST is garbage: /health fails naming it from the start, the others still
    /// serve, writes to it count as `corrupt`, and once it opens again /health passes.
    @Test func databaseThatCannotOpenFailsHealth() throws {
        var manifest = ""
        let s = try RunningServer { c in
            let dir = c.dataDirectory + "/broken"
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            manifest = dir + "/" + FileNames.manifest
            FileManager.default.createFile(atPath: manifest, contents: Data((0..<512).map { UInt8(truncatingIfNeeded: $0 &* 37) }))
        }
        defer { s.stop() }
        let c = try s.client()
        var r = try c.request("GET", "/health")
        #expect(r.status == 503)
        #expect(r.object["status"] as? String == "fail")
        let checks = r.object["checks"] as? [[String: Any]] ?? []
        #expect(checks.first?["name"] as? String == "database broken")
        #expect((checks.first?["message"] as? String)?.contains("MANIFEST") == true, "\(checks)")
        // The others keep serving.
        #expect(try c.request("POST", "/write?db=good", body: "m v=1i 1700000000000000000\n").status == 204)
        r = try c.request("POST", "/write?db=broken", body: "m v=1i 1700000000000000000\n")
        #expect(r.status == 500)
        let m = try PrometheusText(try c.request("GET", "/metrics").text)
        #expect(m.types["tsdb_write_failures_total"] == "counter")
        #expect(m[#"tsdb_write_failures_total{cause="corrupt"}"#] == 1)
        #expect(m[#"tsdb_write_failures_total{cause="disk_full"}"#] == 0)
        // Repaired (here: the garbage removed, so it opens as a new database): writes and /health pass again.
        try FileManager.default.removeItem(atPath: manifest)
        #expect(try c.request("POST", "/write?db=broken", body: "m v=1i 1700000000000000000\n").status == 204)
        r = try c.request("GET", "/health")
        #expect(r.status == 200)
        #expect(r.object["status"] as? String == "pass")
    }

    /// A poisoned WAL (a failed fsync; injected where a write's error becomes its answer, since no test disk
    /// fails fsync): /health fails naming the database and cause until a write to it succeeds.
    @Test func poisonedWriteFailsHealthOverSockets() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let c = try s.client()
        #expect(try c.request("POST", "/write?db=w", body: "m v=1i 1700000000000000000\n").status == 204)
        s.server.context.writeFailed(StorageError.poisoned("fdatasync /d/w/wal/1.wal: Input/output error"), database: "w")
        var r = try c.request("GET", "/health")
        #expect(r.status == 503)
        #expect(r.object["message"] as? String == "database w: last write failed (poisoned): database stopped accepting writes after an I/O failure: fdatasync /d/w/wal/1.wal: Input/output error")
        let m = try PrometheusText(try c.request("GET", "/metrics").text)
        #expect(m[#"tsdb_write_failures_total{cause="poisoned"}"#] == 1)
        #expect(try c.request("POST", "/write?db=w", body: "m v=2i 1700000000000000001\n").status == 204)
        r = try c.request("GET", "/health")
        #expect(r.status == 200)
    }

    /// A real full disk (a 1 MiB tmpfs; needs root, skipped otherwise): writes fail with 500, /health fails
    /// with disk_full and /metrics counts them; after the disk grows, the next write succeeds and /health passes.
    @Test(.enabled(if: getuid() == 0)) func diskFullFailsHealthUntilWritesSucceed() throws {
        let dir = TempDirectory("tsdb-diskfull")
        defer { dir.remove() }
        let mnt = dir.path + "/mnt"
        try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: true)
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt]) else { return }  // no mount rights: skip
        defer { _ = run("/bin/umount", ["-l", mnt]) }
        let s = try RunningServer { $0.dataDirectory = mnt + "/data" }
        defer { s.stop() }
        let c = try s.client()
        let line = "m v=1i 1700000000000000000\n"
        let pad = String(repeating: "x", count: 200)
        var failed: TestResponse?
        for batch in 0..<40 {
            // ~110 KB of distinct strings (so nothing shrinks them in the WAL).
            let body = (0..<500).map { "m s=\"\(batch)-\($0)-\(pad)\" 1700000000000000000\n" }.joined()
            let r = try c.request("POST", "/write?db=full", body: body)
            if r.status != 204 { failed = r; break }
        }
        guard let failed else {
            Issue.record("a 1 MiB disk never filled")
            return
        }
        #expect(failed.status == 500, "\(failed.status) \(failed.text)")
        var h = try c.request("GET", "/health")
        #expect(h.status == 503)
        let message = (h.object["checks"] as? [[String: Any]])?.first?["message"] as? String ?? ""
        #expect(message.contains("disk_full") || message.contains("poisoned"), "\(message)")
        let m = try PrometheusText(try c.request("GET", "/metrics").text)
        #expect((m[#"tsdb_write_failures_total{cause="disk_full"}"#] ?? 0) >= 1)
        // Room again: a write goes through and /health recovers (unless the WAL was poisoned by a failed fsync,
        // which tmpfs does not do).
        guard run("/bin/mount", ["-o", "remount,size=64m", mnt]) else { return }
        let ok = eventually(timeout: 10) { (try? c.request("POST", "/write?db=full", body: line).status) == 204 }
        #expect(ok)
        h = try c.request("GET", "/health")
        #expect(h.status == 200, "\(h.text)")
    }

    private func run(_ tool: String, _ args: [String]) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}
