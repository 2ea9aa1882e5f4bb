import ColumnStore
import Dispatch
import Ingest
import LineProtocol
import Synchronization
import Testing
import TestSupport

/// `tsdb-cli ingest` parses its chunks on several threads, each on its own from the number of its first
/// line. These properties pin that a piece parsed that way gives what the one sequential parser gives.
@Suite struct ChunkedParseTests {
    /// Seeded random line protocol: three tables, tags with escapes, typed fields (one type per field
    /// name, so the whole input parses alike in any cut), lines without timestamps, and bad lines of
    /// several kinds, blank lines and comments between them.
    static func input(seed: UInt64, lines: Int) -> [UInt8] {
        var r = SeededRandom(seed: seed)
        var out = ""
        for i in 0..<lines {
            switch r.below(20) {
            case 0: out += "m\(r.below(3))\n"                                      // no fields
            case 1: out += "m1 usage=\(r.below(99))xi \(i)\n"                       // bad integer
            case 2: out += "m2 temp=1.5 t\(i)\n"                                    // bad timestamp
            case 3: out += ",host=h f=1i \(i)\n"                                    // no measurement
            case 4: out += "m0 note=\"open \(i)\n"                                  // unterminated string
            case 5: out += r.chance(0.5) ? "\n" : "# comment \(i)\n"
            default:
                var line = "m\(r.below(3))"
                if r.chance(0.8) { line += ",host=h\(r.below(40))" }
                if r.chance(0.5) { line += ",region=r\\ \(r.below(5))" }
                var fields: [String] = []
                if r.chance(0.7) { fields.append("usage=\(Int(r.below(2_000)) - 1_000)i") }
                if r.chance(0.6) { fields.append("temp=\(Double(r.below(10_000)) / 100)") }
                if r.chance(0.3) { fields.append("ok=\(r.chance(0.5) ? "t" : "F")") }
                if r.chance(0.3) { fields.append("note=\"n \\\"\(r.below(9))\\\"\"") }
                if fields.isEmpty { fields.append("usage=\(r.below(5))i") }
                line += " " + fields.joined(separator: ",")
                if r.chance(0.9) { line += " \(1_700_000_000_000_000_000 + Int64(i) * 1_000 - Int64(r.below(5_000)))" }
                out += line + "\n"
            }
        }
        if r.chance(0.5), out.last == "\n" { out.removeLast() }  // a last line without its newline
        return Array(out.utf8)
    }

    /// Cuts `bytes` after `count - 1` randomly chosen newlines: pieces of whole lines, each with the
    /// number of its first line, as `ChunkReader` cuts an input.
    static func pieces(_ bytes: [UInt8], count: Int, seed: UInt64) -> [(bytes: [UInt8], firstLine: Int)] {
        var r = SeededRandom(seed: seed)
        let newlines = bytes.indices.filter { bytes[$0] == 0x0A }
        let cuts = Set((0..<count - 1).map { _ in newlines[r.below(newlines.count)] + 1 }).sorted()
        var out: [(bytes: [UInt8], firstLine: Int)] = []
        var start = 0, line = 1
        for end in cuts + [bytes.count] where end > start {
            out.append((Array(bytes[start..<end]), line))
            line += bytes[start..<end].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            start = end
        }
        return out
    }

    /// Every row of `parsed` in order, per table: its line, time and non-NULL cells by column name.
    static func rowTexts(_ parsed: [ParsedBatches]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for p in parsed {
            for (b, batch) in p.batches.enumerated() {
                let cells = batch.columns.map { (name: $0.name, values: rows($0)) }
                for i in 0..<batch.rowCount {
                    let named = cells.compactMap { c in c.values[i].map { "\(c.name)=\($0)" } }.sorted()
                    out[batch.table, default: []].append("line \(p.rowLines[b][i]) @\(batch.time[i]) " + named.joined(separator: " "))
                }
            }
        }
        return out
    }

    /// Parses the pieces on several threads at once, each on its own from its first line.
    static func parseConcurrently(_ pieces: [(bytes: [UInt8], firstLine: Int)], maxErrors: Int) -> [ParsedBatches] {
        let results = Mutex<[Int: ParsedBatches]>([:])
        DispatchQueue.concurrentPerform(iterations: pieces.count) { k in
            let p = LineProtocolIngester.parse(pieces[k].bytes, defaultTime: 42, maxErrors: maxErrors,
                                               firstLine: pieces[k].firstLine)
            results.withLock { $0[k] = p }
        }
        return results.withLock { r in pieces.indices.map { r[$0]! } }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func piecesParsedOnTheirOwnGiveTheWholeInputsRowsAndErrors(seed: UInt64) {
        let bytes = Self.input(seed: seed, lines: 1_500)
        let whole = LineProtocolIngester.parse(bytes, defaultTime: 42, maxErrors: 10_000)
        #expect(whole.report.linesRejected > 0 && whole.report.linesAccepted > 1_000)
        let parts = Self.parseConcurrently(Self.pieces(bytes, count: 2 + Int(seed % 6), seed: seed), maxErrors: 10_000)

        #expect(Self.rowTexts(parts) == Self.rowTexts([whole]))
        #expect(parts.reduce(0) { $0 + $1.report.linesAccepted } == whole.report.linesAccepted)
        #expect(parts.reduce(0) { $0 + $1.report.linesRejected } == whole.report.linesRejected)
        #expect(parts.flatMap { $0.report.messages } == whole.report.messages)
        #expect(whole.report.messages.allSatisfy { $0.hasPrefix("line ") })
    }

    /// Against the sequential streaming ingester fed the same chunks (the path this replaces), batch for
    /// batch: also where a field changes type between chunks, which each chunk judges alone either way.
    @Test(arguments: [11, 12, 13, 14] as [UInt64])
    func piecesMatchTheStreamingIngesterFedTheSameChunks(seed: UInt64) {
        var bytes = Self.input(seed: seed, lines: 1_200)
        bytes += Array("\nm0 usage=1.5 1\nm0 usage=2i 2\nm0 usage=\"s\" 3\n".utf8)
        let pieces = Self.pieces(bytes, count: 5, seed: seed)
        var streaming = LineProtocolIngester(defaultTime: 42, maxErrors: 7)
        var sequential: [ParsedBatches] = []
        for (k, p) in pieces.enumerated() {
            p.bytes.withUnsafeBytes { _ = streaming.feed($0, isFinal: k == pieces.count - 1) }
            sequential.append(streaming.takeBatches())
        }
        let parallel = Self.parseConcurrently(pieces, maxErrors: 7)
        for (s, p) in zip(sequential, parallel) {
            #expect(p.batches.map(\.table) == s.batches.map(\.table))
            #expect(p.batches.map { $0.columns.map(\.name) } == s.batches.map { $0.columns.map(\.name) })
            #expect(p.rowLines == s.rowLines)
            #expect(p.report.messages == s.report.messages)
            #expect(p.report.linesRejected == s.report.linesRejected)
        }
        #expect(Self.rowTexts(parallel) == Self.rowTexts(sequential))
    }
}
