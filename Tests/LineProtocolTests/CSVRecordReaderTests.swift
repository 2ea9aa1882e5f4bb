import Ingest
import Testing

/// RFC 4180 splitting, fed in every possible chunking, against a seeded generator's known records.
@Suite struct CSVRecordReaderTests {
    /// Reads `text` fed `step` bytes at a time; each record as its fields (nil = empty unquoted) and line.
    func records(_ text: [UInt8], step: Int) -> [(fields: [String?], line: Int)] {
        var r = CSVRecordReader()
        var out: [(fields: [String?], line: Int)] = []
        var at = 0
        while true {
            let final = at == text.count
            switch r.next(final: final) {
            case .record:
                out.append(((0..<r.fieldCount).map { i in r.quoted[i] || r.withField(i, { !$0.isEmpty }) ? r.fieldString(i) : nil }, r.recordLine))
            case .malformed(let why): out.append((["!" + why], r.recordLine))
            case .end: return out
            case .needMore:
                let n = min(step, text.count - at)
                text.withUnsafeBytes { r.feed(UnsafeRawBufferPointer(rebasing: $0[at..<(at + n)])) }
                at += n
            }
        }
    }

    @Test func quotedCommasDoubledQuotesNewlinesAndCRLF() {
        let text = Array("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n,\"\",z\nlast,1,2".utf8)
        for step in 1...text.count {
            let got = records(text, step: step)
            #expect(got.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], [nil, "", "z"], ["last", "1", "2"]], "step \(step)")
            #expect(got.map(\.line) == [1, 2, 4, 5], "step \(step)")
        }
    }

    @Test func malformedRecordsAreReportedAndSkipped() {
        let got = records(Array("a,b\nx\"y,1\n\"ok\"z,2\nfine,3\n\"open,4\n".utf8), step: 3)
        #expect(got.map(\.line) == [1, 2, 3, 4, 5])
        #expect(got[1].fields[0]!.hasPrefix("!a quote inside an unquoted field"))
        #expect(got[2].fields[0]!.hasPrefix("!text after a closing quote"))
        #expect(got[3].fields == ["fine", "3"])
        #expect(got[4].fields[0]!.hasPrefix("!a quoted field is not closed"))
    }

    /// Seeded: random fields written the RFC 4180 way read back exactly, whatever the chunking.
    @Test func seededRecordsRoundTrip() {
        var rng = SplitMix(seed: 17)
        let alphabet = Array("ab,\"\n\r xé1".unicodeScalars).map(String.init)
        for _ in 0..<200 {
            let rows = (0..<Int(rng.next() % 5 + 1)).map { _ in
                (0..<3).map { _ in (0..<Int(rng.next() % 6)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined() }
            }
            var text = ""
            for row in rows {
                text += row.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") + "\n"
            }
            let got = records(Array(text.utf8), step: Int(rng.next() % 7 + 1))
            #expect(got.map(\.fields) == rows.map { $0.map(Optional.some) }, "\(text.debugDescription)")
        }
    }
}

/// A small seeded generator (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
