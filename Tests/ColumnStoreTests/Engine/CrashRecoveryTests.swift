import Foundation
import Testing
@testable import ColumnStore
import TestSupport

/// Kills a writing process with SIGKILL at random moments, many times; after each reopen every
/// acknowledged row is there exactly once and no row is half-written.
@Suite("Crash recovery")
struct CrashRecoveryTests {
    @Test func sigkillMidWriteLosesNothingAcknowledged() throws {
        guard let exe = BuildProducts.executable("CrashWriter") else {
            Issue.record("CrashWriter executable not found next to the test binary")
            return
        }
        let dir = TempDirectory(); defer { dir.remove() }
        var acked: [(Int64, Int64)] = []
        var rng = SystemRandomNumberGenerator()
        let rounds = 12
        for round in 0..<rounds {
            let first = Int64(round) * 10_000_000
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = [dir.path, String(first), String(round + 1)]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            // Let it run 50–400 ms, then SIGKILL.
            let deadline = Date().addingTimeInterval(Double.random(in: 0.05...0.4, using: &rng))
            var buffer = Data()
            var lastAck = first
            let fh = out.fileHandleForReading
            let fd = fh.fileDescriptor
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            func drain() {
                var tmp = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = read(fd, &tmp, tmp.count)
                    if n <= 0 { break }
                    buffer.append(contentsOf: tmp[0..<n])
                }
                let text = String(decoding: buffer, as: UTF8.self)
                for line in text.split(separator: "\n") where line.hasPrefix("ack ") {
                    if let v = Int64(line.dropFirst(4)) { lastAck = max(lastAck, v) }
                }
            }
            while Date() < deadline && p.isRunning { drain(); usleep(2000) }
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            drain()  // acks printed before the kill count: they were acknowledged
            acked.append((first, lastAck))
            try verify(dir.path, acked: acked)
        }
        #expect(acked.contains { $0.1 > $0.0 }, "the writer acknowledged nothing in any round")
    }

    private func verify(_ path: String, acked: [(Int64, Int64)]) throws {
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: path, options: o)
        defer { try? db.close() }
        let rows = try TableReader.rows(db, table: "events")
        var seen: [Int64: Int] = [:]
        for r in rows {
            guard case let .int(seq) = r["seq"]! else { Issue.record("row without seq: \(r)"); continue }
            seen[seq, default: 0] += 1
            #expect(r["check"] == .string("c\(seq)"), "half-written row \(r)")
            #expect(r["k"] == .string("k\(seq % 7)"), "half-written row \(r)")
            #expect(r["half"] == .float((Double(seq) / 2).bitPattern), "half-written row \(r)")
        }
        for (s, n) in seen where n != 1 { Issue.record("row \(s) present \(n) times") }
        for (lo, hi) in acked {
            var missing = 0
            for s in lo..<hi where seen[s] == nil { missing += 1 }
            #expect(missing == 0, "\(missing) acknowledged rows of \(lo)..<\(hi) lost")
        }
    }
}
