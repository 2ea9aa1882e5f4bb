import Foundation
import Testing
import TestSupport

/// The built server on a real, small filesystem that fills up: a write refused for lack of space leaves
/// nothing behind that could hide the writes acknowledged after space came back.
@Suite(.serialized) struct DiskFullTests {
    /// Batch `b`: `rows` lines whose `seq` numbers them uniquely.
    static func batch(_ b: Int, rows: Int = 200) -> String {
        var s = ""
        for j in 0..<rows {
            let seq = b * rows + j
            s += "d,h=h\(seq % 4) seq=\(seq)i,pad=\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" \(1_700_000_000_000_000_000 + Int64(seq))\n"
        }
        return s
    }

    @Test func writesAcknowledgedAfterADiskFullSurviveSigkill() throws {
        guard let fs = SmallFilesystem(megabytes: 64, purpose: "the disk-full server test") else { return }
        defer { fs.unmount() }
        let data = fs.path + "/data"
        var server = try ServerProcess(data: data, extra: ["--durability", "batch"])
        let c = try TestHTTPClient(port: server.httpPort, timeout: 20)
        #expect(try c.request("POST", "/write?db=full", body: Self.batch(0)).status == 204)

        let filler = fs.fill()
        var refused: TestResponse?
        for b in 1...200 {
            let r = try c.request("POST", "/write?db=full", body: Self.batch(b))
            if r.status != 204 { refused = r; break }
        }
        #expect(refused?.status == 500, "no write was refused on a full disk: \(refused.map { "\($0.status) \($0.text)" } ?? "all 204")")
        #expect(refused?.text.contains("No space left on device") == true, "\(refused?.text ?? "")")
        _ = unlink(filler)

        // Space is back: 20 batches, each acknowledged, then SIGKILL.
        let first = 1000
        for b in first..<(first + 20) {
            let r = try c.request("POST", "/write?db=full", body: Self.batch(b))
            #expect(r.status == 204, "batch \(b): \(r.status) \(r.text)")
        }
        _ = server.stop(signal: SIGKILL)

        server = try ServerProcess(data: data)
        let q = try TestHTTPClient(port: server.httpPort)
        let lo = first * 200, hi = (first + 20) * 200
        let r = try q.request("GET", "/api/v3/query_sql?db=full&format=csv&q=\(urlEncode("SELECT seq FROM d WHERE seq >= \(lo) ORDER BY seq"))")
        #expect(r.status == 200, "\(r.text)")
        let seqs = r.text.split(separator: "\n").dropFirst().compactMap { Int($0) }
        #expect(seqs == Array(lo..<hi), "\(hi - lo - Set(seqs).count) acknowledged rows lost after the disk-full write")
        _ = server.stop(signal: SIGTERM)
    }
}

