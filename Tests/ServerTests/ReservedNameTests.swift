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
        // A file where table t's directory must go: every flush of t fails.
        try FileManager.default.createDirectory(atPath: dir.path + "/data/bad", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir.path + "/data/bad/t", contents: Data("x".utf8))
        let server = try ServerProcess(data: dir.path + "/data", extra: ["--max-unflushed-bytes", "1", "--write-stall-timeout", "0.5"])
        let c = try TestHTTPClient(port: server.httpPort)
        #expect(try c.request("POST", "/write?db=bad", body: "t v=1i 1700000000000000000\n").status == 204)
        let start = Date()
        let r = try c.request("POST", "/write?db=bad", body: "t v=2i 1700000000000000001\n")
        #expect(r.status == 503)
        #expect(r.header("Retry-After") == "1")
        #expect(Date().timeIntervalSince(start) < 10)
        c.close()
        let stopStart = Date()
        let (_, reason) = server.stop(signal: SIGTERM, timeout: 40)
        #expect(reason == .exit, "killed instead of exiting")
        #expect(Date().timeIntervalSince(stopStart) < 35)
    }
}
