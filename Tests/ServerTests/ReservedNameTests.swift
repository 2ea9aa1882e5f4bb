import Foundation
import TestSupport
import Testing

/// Item 11, with the real server binary: a measurement named like the store's own files is rejected per
/// line (it used to be accepted, and then every flush failed and SIGTERM hung); a store whose flushes
/// fail answers 503 instead of hanging writers, and SIGTERM still ends the process.
@Suite("Reserved names and failing flushes (server binary)", .serialized)
struct ReservedNameTests {
    @Test func reservedMeasurementIsRejectedAndShutdownIsClean() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let server = try ServerProcess(data: dir.path + "/data")
        let c = try TestHTTPClient(port: server.httpPort)
        let body = "LOCK v=1i 1700000000000000000\ngood v=1i 1700000000000000000\nMANIFEST v=2i 1700000000000000000\n"
        let r = try c.request("POST", "/write?db=r", body: body)
        #expect(r.status == 400)
        let obj = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any] ?? [:]
        let rejected = obj["rejected"] as? [[String: Any]] ?? []
        #expect(rejected.compactMap { $0["line"] as? Int } == [1, 3])
        #expect((rejected.first?["error"] as? String)?.contains("measurement name 'LOCK' is reserved") == true, "\(rejected)")
        // Later writes are not held up by failing flushes.
        for i in 0..<5 {
            #expect(try c.request("POST", "/write?db=r", body: "good v=\(i)i 170000000000000000\(i)\n").status == 204)
        }
        c.close()
        let start = Date()
        let (status, _) = server.stop(signal: SIGTERM, timeout: 30)
        #expect(status == 0)
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/data/r/LOCK/2023-11-14"))
    }

    @Test func failingFlushAnswers503AndSigtermStillExits() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        // A file where table t's directory must go: every flush of t fails. Tiny memtables, so each write
        // asks for a flush and failed flushes pile up (`--max-pending-flushes`); the byte bound stays far.
        try FileManager.default.createDirectory(atPath: dir.path + "/data/bad", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir.path + "/data/bad/t", contents: Data("x".utf8))
        let server = try ServerProcess(data: dir.path + "/data", extra: [
            "--memtable-size", "1K", "--max-unflushed-bytes", "1G", "--write-stall-timeout", "0.5", "--shutdown-timeout", "5"])
        let c = try TestHTTPClient(port: server.httpPort, timeout: 15)
        let body = (0..<50).map { "t,host=h\($0) v=\($0)i 17000000000000000\($0 + 10)" }.joined(separator: "\n") + "\n"
        var statuses: [Int] = []
        let start = Date()
        for _ in 0..<20 {
            let r = try c.request("POST", "/write?db=bad", body: body)
            statuses.append(r.status)
            if r.status == 503 {
                #expect(r.header("Retry-After") == "1")
                #expect(r.text.contains("Not a directory"), "names the flush failure: \(r.text)")
                break
            }
            usleep(100_000)
        }
        #expect(statuses.last == 503, "\(statuses)")
        #expect(Date().timeIntervalSince(start) < 15)
        c.close()
        let stopStart = Date()
        let (_, reason) = server.stop(signal: SIGTERM, timeout: 20)
        #expect(reason == .exit, "killed instead of exiting")
        #expect(Date().timeIntervalSince(stopStart) < 20)
    }
}
