import Foundation
import TestSupport
import Testing
@testable import tsdb_cli

/// The CLI's pieces that need no subprocess: chunking, statement splitting, query files, formatting.
@Suite struct CLIUnitTests {
    /// Random line-protocol-like text: lines of random lengths, some empty, maybe no final newline.
    static func randomText(_ rng: inout SeededRandom, lines: Int, maxLine: Int) -> [UInt8] {
        var out: [UInt8] = []
        for i in 0..<lines {
            let n = rng.below(maxLine + 1)
            for _ in 0..<n { out.append(UInt8(0x61 + rng.below(26))) }
            if i < lines - 1 || rng.chance(0.5) { out.append(0x0A) }
        }
        return out
    }

    @Test func chunkReaderCutsAfterNewlinesAndNumbersLines() throws {
        var rng = SeededRandom(seed: 11)
        for trial in 0..<200 {
            let text = Self.randomText(&rng, lines: 1 + rng.below(60), maxLine: 1 + rng.below(80))
            let chunkBytes = 1 + rng.below(120)
            var reader = ChunkReader(.memory(text), chunkBytes: chunkBytes, maxLineBytes: 1 << 20)
            var joined: [UInt8] = []
            var expectedLine = 1
            var sawLast = false
            while let c = try reader.next() {
                #expect(!sawLast, "nothing after the last chunk")
                #expect(c.firstLine == expectedLine, "trial \(trial)")
                if !c.isLast { #expect(c.bytes.last == 0x0A, "trial \(trial): a chunk ends after a newline") }
                expectedLine += c.lineCount
                joined += c.bytes
                sawLast = c.isLast
            }
            #expect(sawLast)
            #expect(joined == text, "trial \(trial): chunks put back together are the input")
            let lines = text.split(separator: 0x0A, omittingEmptySubsequences: false).count - (text.last == 0x0A ? 1 : 0)
            #expect(expectedLine - 1 == lines, "trial \(trial)")
        }
    }

    @Test func chunkReaderEdges() throws {
        var empty = ChunkReader(.memory([]), chunkBytes: 8)
        let only = try #require(try empty.next())
        #expect(only.bytes.isEmpty && only.isLast && only.lineCount == 0)
        #expect(try empty.next() == nil)
        var long = ChunkReader(.memory(Array(repeating: 0x61, count: 100) + [0x0A]), chunkBytes: 8, maxLineBytes: 50)
        #expect(throws: CLIError.self) { try long.next() }
        // A line longer than a chunk grows the chunk; a short rest follows in the next one.
        let text = Array(repeating: UInt8(0x61), count: 100) + [0x0A] + Array(repeating: UInt8(0x62), count: 300)
        var fits = ChunkReader(.memory(text), chunkBytes: 8, maxLineBytes: 1000)
        let first = try #require(try fits.next())
        #expect(first.bytes.count == 101 && !first.isLast && first.lineCount == 1)
        var rest: [UInt8] = []
        while let c = try fits.next() {
            #expect(c.firstLine == 2)
            rest += c.bytes
        }
        #expect(rest == Array(text[101...]))
    }

    @Test func progressRate() {
        #expect(QueryProgress.rate(850) == "850 rows/s")
        #expect(QueryProgress.rate(12_345) == "12.3K rows/s")
        #expect(QueryProgress.rate(3_600_000) == "3.6M rows/s")
    }

    @Test func statementSplitter() {
        var s = StatementSplitter()
        #expect(s.feed("SELECT 1; SELECT 2;") == ["SELECT 1", "SELECT 2"])
        #expect(!s.isPending)
        #expect(s.feed("SELECT ';' AS x,") == [])
        #expect(s.isPending)
        #expect(s.feed("  \"a;b\" -- c;d") == [])
        #expect(s.feed("FROM t /* ; */;") == ["SELECT ';' AS x,\n  \"a;b\" -- c;d\nFROM t /* ; */"])
        #expect(s.feed("SELECT 'it''s;'; x") == ["SELECT 'it''s;'"])
        #expect(s.takeRest() == "x")
        #expect(s.feed("   ") == [] && !s.isPending)
        #expect(s.feed(";;") == [])
        #expect(s.feed("SELECT") == [] && s.isPending)
        s.reset()
        #expect(!s.isPending && s.takeRest() == nil)
    }

    @Test func queryFiles() throws {
        let q = try QueryFile.parse(BuiltinQueries.text)
        #expect(q.count == 12)
        #expect(q.first == NamedQuery(name: "p01_count", sql: "SELECT count(*) FROM plays"))
        #expect(q.allSatisfy { $0.sql.hasPrefix("SELECT") && !$0.sql.contains("-- name") })
        let multi = try QueryFile.parse("-- a set\n\n-- name: a\nSELECT 1\nFROM t;\n-- name: b\n-- about b\nSELECT 2\n")
        #expect(multi == [NamedQuery(name: "a", sql: "SELECT 1\nFROM t"), NamedQuery(name: "b", sql: "SELECT 2")])
        #expect(throws: CLIError.self) { try QueryFile.parse("SELECT 1\n") }
        #expect(throws: CLIError.self) { try QueryFile.parse("-- name: a\n-- name: b\nSELECT 1") }
        #expect(throws: CLIError.self) { try QueryFile.parse("-- just a comment\n") }
    }

    @Test func remoteLineCountsAndRejections() throws {
        #expect(RemoteIngestSink.dataLines(Array("a v=1\n\n# c\n  \nb v=2\r\nc v=3".utf8)) == 3)
        #expect(RemoteIngestSink.dataLines([]) == 0)
        let body = Data(#"{"error":"partial","data":[{"line_number":2,"error_message":"line 2, column 3: bad"},{"line_number":5,"error_message":"no field"}]}"#.utf8)
        let r = try #require(RemoteIngestSink.rejectedLines(body, offset: 100))
        #expect(r.map(\.line) == [102, 105])
        #expect(r.map(\.message) == ["line 102, column 3: bad", "line 105: no field"])
        #expect(RemoteIngestSink.rejectedLines(Data("not json".utf8), offset: 0) == nil)
        #expect(RemoteIngestSink.rejectedLines(Data(#"{"error":"x"}"#.utf8), offset: 0) == nil)
    }

    @Test func units() {
        #expect(Units.count(0) == "0" && Units.count(999) == "999" && Units.count(1000) == "1,000")
        #expect(Units.count(1_234_567) == "1,234,567" && Units.count(-12_345) == "-12,345")
        #expect(Units.bytes(512) == "512 B" && Units.bytes(1_500) == "1.5 KB" && Units.bytes(230_400_000) == "230.4 MB")
        #expect(Units.short(950) == "950" && Units.short(12_345) == "12.3K" && Units.short(1_250_000) == "1.25M")
        #expect(Units.fixed(2.345, 2) == "2.35" || Units.fixed(2.345, 2) == "2.34")
        #expect(Units.fixed(-0.04, 1) == "0.0" && Units.fixed(-1.25, 1) == "-1.3" || Units.fixed(-1.25, 1) == "-1.2")
        #expect(Units.seconds(0.5) == "0.50 s" && Units.seconds(12.34) == "12.3 s" && Units.seconds(125) == "2m05s")
        #expect(Units.plural(1, "row") == "1 row" && Units.plural(2_000, "row") == "2,000 rows")
    }

    @Test func caretUnderThePosition() {
        #expect(QueryErrorText.caret(sql: "SELECT x\nFROM t", line: 2, column: 6) == "\n  FROM t\n       ^")
        #expect(QueryErrorText.caret(sql: "SELECT", line: 3, column: 1) == "")
        let long = String(repeating: "a", count: 300) + "XYZ" + String(repeating: "b", count: 300)
        let c = QueryErrorText.caret(sql: long, line: 1, column: 301)
        let parts = c.split(separator: "\n")
        #expect(parts.count == 2)
        let at = parts[1].count - 1
        let text = Array(parts[0].unicodeScalars)
        #expect(at < text.count && text[at] == "X", "\(c)")
    }

    @Test func textTableAligns() {
        var t = TextTable(["name", "n"], rightAligned: [false, true])
        t.add(["a", "1"])
        t.add(["long name", "1,000"])
        #expect(t.render() == "name           n\n---------  -----\na              1\nlong name  1,000\n")
    }
}
