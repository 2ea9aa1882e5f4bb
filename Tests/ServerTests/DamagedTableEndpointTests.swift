import Foundation
import Testing
import TestSupport

/// Through the real server: a database with one damaged table opens; the other table answers queries
/// and writes, the damaged one answers with an error naming the file.
@Suite(.serialized) struct DamagedTableEndpointTests {
    @Test func damagedTableErrorsWhileTheOtherServes() throws {
        let dir = TempDirectory("tsdb-damaged-endpoint")
        defer { dir.remove() }
        var server = try ServerProcess(data: dir.path)
        var c = try TestHTTPClient(port: server.httpPort)
        let body = (0..<50).map { "good,h=a v=\($0)i \(1_700_000_000_000_000_000 + $0)\nbad,h=b v=\($0)i \(1_700_000_000_000_000_000 + $0)" }.joined(separator: "\n")
        #expect(try c.request("POST", "/write?db=d", body: body).status == 204)
        #expect(server.stop(signal: SIGTERM).status == 0)  // flushed to segments

        // Flip a byte of the bad table's segment footer.
        let tdir = dir.path + "/d/bad"
        let day = try #require(try FileManager.default.contentsOfDirectory(atPath: tdir).first { $0.hasPrefix("20") })
        let seg = tdir + "/" + day + "/" + (try #require(try FileManager.default.contentsOfDirectory(atPath: tdir + "/" + day).first))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: seg)))
        bytes[bytes.count - 30] ^= 0x5A
        try Data(bytes).write(to: URL(fileURLWithPath: seg))

        server = try ServerProcess(data: dir.path)
        c = try TestHTTPClient(port: server.httpPort)
        let good = try c.request("GET", "/api/v3/query_sql?db=d&format=csv&q=\(urlEncode("SELECT count(*) FROM good"))")
        #expect(good.status == 200 && good.text.contains("50"), "\(good.status) \(good.text)")
        let bad = try c.request("GET", "/api/v3/query_sql?db=d&format=csv&q=\(urlEncode("SELECT count(*) FROM bad"))")
        #expect(bad.status == 500 && bad.text.contains("damaged") && bad.text.contains(seg), "\(bad.status) \(bad.text)")
        let w = try c.request("POST", "/write?db=d", body: "bad,h=b v=1i 1700000000000000999")
        #expect(w.status == 500 && w.text.contains("damaged"), "\(w.status) \(w.text)")
        #expect(try c.request("POST", "/write?db=d", body: "good,h=a v=1i 1700000000000000999").status == 204)
        // /health tells the truth while the table stays damaged, even after writes elsewhere succeed.
        let health = try c.request("GET", "/health")
        #expect(health.status == 503 && health.text.contains("table 'bad' is damaged") && health.text.contains(seg), "\(health.status) \(health.text)")
        _ = server.stop(signal: SIGTERM)
    }
}
