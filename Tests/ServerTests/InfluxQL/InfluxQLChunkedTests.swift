import Foundation
import Testing
import TestSupport

/// `chunked=true` over a large answer: streamed as HTTP chunks (no Content-Length), one JSON line per
/// `chunk_size` rows of a series, and together exactly the rows of the whole answer.
@Suite(.serialized) struct InfluxQLChunkedTests {
    @Test func largeAnswerStreamsInChunksWithTheWholeAnswersRows() throws {
        let s = try RunningServer()
        defer { s.stop() }
        let c = try s.client()
        // 60,000 points in two series, written in batches.
        let base: Int64 = 1_767_225_600_000_000_000
        var rng = SeededRandom(seed: 17)
        for b in 0..<6 {
            var lines = ""
            for i in 0..<10_000 {
                let n = b * 10_000 + i
                lines += "big,side=\(n % 2 == 0 ? "l" : "r") v=\(rng.below(1_000_000))i,s=\"x\(n)\" \(base + Int64(n) * 1_000_000)\n"
            }
            let w = try c.request("POST", "/write?db=chunks", body: lines)
            #expect(w.status == 204, "\(w.text)")
        }
        let q = urlEncode("SELECT v, s FROM big GROUP BY side")
        let whole = try c.request("GET", "/query?db=chunks&epoch=ns&q=\(q)")
        #expect(whole.status == 200)
        let chunked = try c.request("GET", "/query?db=chunks&epoch=ns&chunked=true&chunk_size=4096&q=\(q)")
        #expect(chunked.status == 200)
        #expect(chunked.header("Content-Length") == nil && chunked.chunks > 1, "not streamed: \(chunked.headers)")

        // The whole answer's series, and the chunk lines' rows put back together per series.
        let series = ((whole.object["results"] as? [[String: Any]])?.first?["series"] as? [[String: Any]]) ?? []
        #expect(series.count == 2)
        var joined: [String: [[Any]]] = [:]
        var lines = 0
        for line in chunked.text.split(separator: "\n") {
            lines += 1
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let result = (object?["results"] as? [[String: Any]])?.first ?? [:]
            for piece in result["series"] as? [[String: Any]] ?? [] {
                let rows = piece["values"] as? [[Any]] ?? []
                #expect(rows.count <= 4096)
                let side = (piece["tags"] as? [String: String])?["side"] ?? ""
                joined[side, default: []] += rows
            }
        }
        #expect(lines == 2 * Int((30_000 + 4095) / 4096))
        for s in series {
            let side = (s["tags"] as? [String: String])?["side"] ?? ""
            let rows = s["values"] as? [[Any]] ?? []
            #expect(rows.count == 30_000)
            let back = joined[side] ?? []
            #expect(back.count == rows.count)
            let same = zip(rows, back).allSatisfy { a, b in
                (a[0] as? Int) == (b[0] as? Int) && (a[1] as? Int) == (b[1] as? Int) && (a[2] as? String) == (b[2] as? String)
            }
            #expect(same, "series \(side): chunked rows differ from the whole answer's")
        }
    }
}
