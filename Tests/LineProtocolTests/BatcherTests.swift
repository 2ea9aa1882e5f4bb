@testable import ColumnStore
import Ingest
import LineProtocol
import Testing

/// A column's rows as text (nil for NULL), for readable expectations.
func rows(_ c: BatchColumn) -> [String?] {
    let v = c.vector
    return (0..<v.count).map { i -> String? in
        if v.isNull(i) { return nil }
        switch v.type {
        case .time, .int64, .date: return String(v.int64s[i])
        case .uint64: return String(v.uint64s[i])
        case .float64: return String(v.float64s[i])
        case .bool: return v.bools[i] == 1 ? "true" : "false"
        case .symbol: return c.dictionary.string(v.codes[i])
        case .string: return v.string(at: i)
        }
    }
}

func parse(_ s: String, precision: Precision = .ns, defaultTime: Int64 = 0, maxErrors: Int = 100) -> ParsedBatches {
    LineProtocolIngester.parse(Array(s.utf8), precision: precision, defaultTime: defaultTime, maxErrors: maxErrors)
}

func column(_ b: WriteBatch, _ name: String) -> BatchColumn? { b.columns.first { $0.name == name } }

@Suite struct BatcherTests {
    @Test func nullsFillMissingCellsAndColumnsFirstSeenMidBatch() throws {
        let r = parse("m,a=x f=1i 10\nm,b=y g=2.5 20\nm,a=z f=3i,g=4.5 30\n")
        #expect(r.report.linesAccepted == 3 && r.report.linesRejected == 0)
        let b = try #require(r.batches.first)
        #expect(b.table == "m")
        #expect(b.time == [10, 20, 30])
        #expect(b.columns.map(\.name) == ["a", "f", "b", "g"])
        #expect(b.columns.map(\.vector.type) == [.symbol, .int64, .symbol, .float64])
        #expect(rows(b.columns[0]) == ["x", nil, "z"])
        #expect(rows(b.columns[1]) == ["1", nil, "3"])
        #expect(rows(b.columns[2]) == [nil, "y", nil])
        #expect(rows(b.columns[3]) == [nil, "2.5", "4.5"])
        #expect(b.columns.allSatisfy { $0.vector.count == 3 })
        #expect(b.columns[2].vector.nullCount == 2)
        #expect(r.rowLines == [[1, 2, 3]])
    }

    @Test func allFieldTypesLandInTypedColumns() throws {
        let r = parse(#"m i=-5i,u=7u,f=0.25,b=T,s="a \"q\" b" 1"#)
        let b = try #require(r.batches.first)
        #expect(b.columns.map(\.vector.type) == [.int64, .uint64, .float64, .bool, .string])
        #expect(b.columns.map { rows($0)[0] } == ["-5", "7", "0.25", "true", #"a "q" b"#])
        #expect(b.columns.allSatisfy { $0.vector.validity == nil })
    }

    @Test func aTypeConflictRejectsTheLineAndLeavesNoPartialRow() throws {
        let r = parse("m f=1i,s=\"a\" 1\nm n=1i,s=\"b\",f=2.5 2\nm f=3i 3\n")
        #expect(r.report.linesAccepted == 2 && r.report.linesRejected == 1)
        #expect(r.report.messages == [
            "line 2, column 14: type conflict in table 'm': column 'f' is a field of type integer in this batch, "
                + "this line has a field of type float",
        ])
        let b = try #require(r.batches.first)
        #expect(b.time == [1, 3])
        #expect(b.columns.map(\.name) == ["f", "s"])  // 'n', added by the rejected line, is gone
        #expect(rows(b.columns[0]) == ["1", "3"])
        #expect(rows(b.columns[1]) == ["a", nil])
        #expect(r.rowLines == [[1, 3]])
    }

    @Test func aParseErrorAfterSomeCellsLeavesNoPartialRowNorUnusedSymbol() throws {
        let r = parse("m,t=a f=1i 1\nm,t=zzz,u=new f=2i,g=1 2x\nm,t=b f=3i 3\n")
        #expect(r.report.linesRejected == 1)
        #expect(r.report.errors.map(\.line) == [2])
        let b = try #require(r.batches.first)
        #expect(b.columns.map(\.name) == ["t", "f"])
        #expect(rows(b.columns[0]) == ["a", "b"])
        #expect(b.columns[0].dictionary.count == 2)
        #expect(b.columns[0].vector.codes == [0, 1])
    }

    @Test func aKeyCannotBeBothTagAndField() {
        let r = parse("m,x=a f=1\nm x=1,f=2\nm,x=b x=2,f=3\n")
        #expect(r.report.linesAccepted == 1 && r.report.linesRejected == 2)
        #expect(r.report.errors.map(\.line) == [2, 3])
        #expect(r.report.messages[0].contains("column 'x' is a tag in this batch, this line has a field of type float"))
        #expect(r.report.messages[1].contains("column 'x' is a tag"))
    }

    @Test func timeIsReservedForTheTimestamp() {
        let r = parse("m time=1\nm,time=a f=1\nm f=1\n")
        #expect(r.report.linesAccepted == 1)
        #expect(r.report.errors.map(\.line) == [1, 2])
        #expect(r.batches.first?.columns.map(\.name) == ["f"])
    }

    @Test func eachMeasurementGetsItsOwnBatch() throws {
        let r = parse("a f=1 1\nb g=1i 2\na f=2 3\nc,t=x h=true 4\nb g=2i 5\n")
        #expect(r.batches.map(\.table) == ["a", "b", "c"])
        #expect(r.batches.map(\.time) == [[1, 3], [2, 5], [4]])
        #expect(r.rowLines == [[1, 3], [2, 5], [4]])
        #expect(rows(r.batches[1].columns[0]) == ["1", "2"])
    }

    @Test func sameFieldNameMayHaveDifferentTypesInDifferentMeasurements() {
        let r = parse("a f=1 1\nb f=1i 2\n")
        #expect(r.report.linesRejected == 0)
        #expect(r.batches.map { $0.columns[0].vector.type } == [.float64, .int64])
    }

    @Test func escapedTagValuesAreInternedUnescapedWithOneCodePerValue() throws {
        let r = parse(#"""
        m,t=a\ b f=1
        m,t=a\\b f=2
        m,t=a\b f=3
        m,t=a\ b f=4
        m,t\,k=v\=w f=5
        """#)
        let b = try #require(r.batches.first)
        let t = try #require(column(b, "t"))
        #expect(rows(t) == ["a b", #"a\b"#, #"a\b"#, "a b", nil])
        #expect(t.dictionary.count == 2)
        #expect(t.vector.codes[0] == t.vector.codes[3] && t.vector.codes[1] == t.vector.codes[2])
        #expect(rows(try #require(column(b, "t,k"))) == [nil, nil, nil, nil, "v=w"])
    }

    @Test func precisionScalesAndMissingTimestampsGetTheReceiveTime() throws {
        let r = parse("m f=1 5\nm f=2\nm f=3 -2\n", precision: .ms, defaultTime: 777)
        #expect(r.batches.first?.time == [5_000_000, 777, -2_000_000])
        let s = parse("m f=1 1700000000\n", precision: .s)
        #expect(s.batches.first?.time == [1_700_000_000_000_000_000])
    }

    @Test func keysInChangingOrderStillFindTheirColumns() throws {
        let r = parse("m,a=1,b=2 x=1i,y=2i\nm,b=3,a=4 y=3i,x=4i\nm,b=5 y=5i\nm,c=6,a=7 z=1i,x=6i\n")
        let b = try #require(r.batches.first)
        #expect(b.columns.map(\.name) == ["a", "b", "x", "y", "c", "z"])
        #expect(rows(b.columns[0]) == ["1", "4", nil, "7"])
        #expect(rows(b.columns[1]) == ["2", "3", "5", nil])
        #expect(rows(b.columns[2]) == ["1", "4", nil, "6"])
        #expect(rows(b.columns[3]) == ["2", "3", "5", nil])
    }

    @Test func nullRunsAcrossValidityWordBoundaries() throws {
        var text = ""
        for i in 0..<300 { text += i % 7 == 0 ? "m f=\(i)i,g=1i\n" : "m g=1i\n" }
        let b = try #require(parse(text).batches.first)
        let f = try #require(column(b, "f"))
        let expected: [String?] = (0..<300).map { (i: Int) -> String? in i % 7 == 0 ? String(i) : nil }
        #expect(rows(f) == expected)
        #expect(f.vector.nullCount == 300 - 43)
        #expect(try #require(column(b, "g")).vector.validity == nil)
    }

    @Test func storageRejectionsAreReportedWithLineNumbers() {
        let parsed = parse("a f=1\n# comment\nb g=1i\nbad\na f=2\nb g=2i\n", maxErrors: 2)
        #expect(parsed.report.linesAccepted == 4 && parsed.report.linesRejected == 1)
        var result = WriteResult()
        result.written = 2
        result.rejected = [[RowRejection(row: 1, reason: "type conflict: f is integer")],
                           [RowRejection(row: 0, reason: "type conflict: g is float")]]
        let report = parsed.report(after: result)
        #expect(report.linesAccepted == 2 && report.linesRejected == 3)
        // First two errors by line: line 3 (storage), line 4 (parse); line 5 is counted but not listed.
        #expect(report.messages == ["line 3: type conflict: g is float", "line 4, column 1: missing field set (every line needs at least one field)"])
        #expect(report.description.hasPrefix("2 lines accepted, 3 rejected; first 2 errors:"))
    }

    @Test func ingestCallsTheWriterOnceWithAllBatches() {
        var calls = 0
        let report = Array("a f=1\nb f=2\nc f=\n".utf8).withUnsafeBytes { buf in
            LineProtocolIngester.ingest(buf, defaultTime: 9) { batches in
                calls += 1
                #expect(batches.map(\.table) == ["a", "b"])
                var r = WriteResult()
                r.written = 2
                r.rejected = [[], []]
                return r
            }
        }
        #expect(calls == 1)
        #expect(report.linesAccepted == 2 && report.linesRejected == 1)
        let none = [UInt8]().withUnsafeBytes { buf in
            LineProtocolIngester.ingest(buf, defaultTime: 0) { _ in Issue.record("no batches, no write"); return WriteResult() }
        }
        #expect(none == IngestReport())
    }

    /// Every row of every batch as `column=value` pairs (NULLs left out), grouped by table.
    static func rowMaps(_ batches: [WriteBatch]) -> [String: [[String: String]]] {
        var out: [String: [[String: String]]] = [:]
        for b in batches {
            var table: [[String: String]] = (0..<b.rowCount).map { ["time": String(b.time[$0])] }
            for c in b.columns {
                for (i, v) in rows(c).enumerated() { if let v { table[i][c.name] = v } }
            }
            out[b.table, default: []] += table
        }
        return out
    }

    @Test func streamingFeedGivesTheSameRowsAsOneBuffer() throws {
        var gen = PointGenerator(seed: 30)
        var doc: [UInt8] = []
        for i in 0..<300 {
            // Fixed types per key, so splitting into batches cannot change what conflicts.
            var fields: [LineProtocolPoint.Field] = []
            if gen.rng.chance(0.6) { fields.append(.init(key: Array("i".utf8), value: .int(gen.int64()))) }
            if gen.rng.chance(0.5) { fields.append(.init(key: Array("s".utf8), value: .string(gen.bytes(0, 9)))) }
            if gen.rng.chance(0.5) || fields.isEmpty { fields.append(.init(key: Array("f".utf8), value: .float(gen.float64()))) }
            let tags: [LineProtocolPoint.Tag] = gen.rng.chance(0.7) ? [.init(key: Array("t".utf8), value: gen.bytes(1, 6))] : []
            let p = LineProtocolPoint(measurement: Array("m\(i % 3)".utf8), tags: tags, fields: fields,
                                      timestamp: gen.rng.chance(0.9) ? gen.int64() : nil)
            try LineProtocolSerializer.append(p, to: &doc)
            if i % 50 == 7 { doc += Array("broken line\n".utf8) }
        }
        let whole = LineProtocolIngester.parse(doc, defaultTime: 1)
        #expect(whole.report.linesRejected == 6)

        var ingester = LineProtocolIngester(defaultTime: 1)
        var pending: [UInt8] = []
        var rng = gen.rng
        var i = 0
        var report = IngestReport()
        var batches: [WriteBatch] = []
        var rowLines: [Int] = []
        while i < doc.count {
            let n = min(doc.count - i, 1 + rng.below(100))
            pending += doc[i..<(i + n)]
            i += n
            pending.removeFirst(pending.withUnsafeBytes { ingester.feed($0) })
            if rng.chance(0.05) {
                let part = ingester.takeBatches()
                batches += part.batches
                rowLines += part.rowLines.joined()
                report.merge(part.report)
            }
        }
        _ = pending.withUnsafeBytes { ingester.feed($0, isFinal: true) }
        let last = ingester.takeBatches()
        batches += last.batches
        rowLines += last.rowLines.joined()
        report.merge(last.report)
        #expect(batches.count > 3)
        #expect(report == whole.report)
        #expect(Self.rowMaps(batches) == Self.rowMaps(whole.batches))
        #expect(rowLines.sorted() == whole.rowLines.joined().sorted())
    }

    @Test func tagCodesStayRightAcrossInterningRunsAndRejectedLines() throws {
        var gen = PointGenerator(seed: 40)
        let values = (0..<60).map { _ in gen.bytes(1, 20) }
        var text: [UInt8] = []
        var expected: [String?] = []
        for i in 0..<2000 {
            let v = values[gen.rng.below(values.count)]
            var line: [UInt8] = Array("m,t=".utf8)
            try LineProtocolSerializer.appendEscaped(v, .key, to: &line)
            if i % 97 == 5 {
                line += Array(" f=1i,g=oops\n".utf8)  // rejected after its tag was taken
            } else if i % 10 == 3 {
                line = Array("m f=2i\n".utf8)  // no tag: NULL
                expected.append(nil)
            } else {
                line += Array(" f=1i\n".utf8)
                expected.append(String(decoding: v, as: UTF8.self))
            }
            text += line
        }
        let r = LineProtocolIngester.parse(text, defaultTime: 0)
        #expect(r.report.linesRejected == 21)
        let t = try #require(r.batches.first.flatMap { column($0, "t") })
        #expect(rows(t) == expected)
        #expect(t.dictionary.count == Set(expected.compactMap { $0 }).count)
    }

    @Test func manyMeasurementsAndColumns() throws {
        var text = ""
        for i in 0..<3000 { text += "m\(i % 400),t\(i % 300)=v\(i % 7) f\(i % 700)=\(i)i \(i)\n" }
        let r = parse(text)
        #expect(r.report.linesAccepted == 3000)
        #expect(r.batches.count == 400)
        for b in r.batches {
            let m = Int(b.table.dropFirst())!
            let lines = (0..<3000).filter { $0 % 400 == m }
            #expect(b.time == lines.map { Int64($0) })
            for (row, i) in lines.enumerated() {
                #expect(rows(try #require(column(b, "f\(i % 700)")))[row] == String(i))
                #expect(rows(try #require(column(b, "t\(i % 300)")))[row] == "v\(i % 7)")
            }
            #expect(b.columns.allSatisfy { rows($0).contains { $0 != nil } })
        }
    }

    @Test func aColumnDroppedWithItsLineCanComeBackWithAnotherType() throws {
        let r = parse("m a=1i\nm b=1i,c=x\nm c=2i,b=true\nm b=false\n")
        #expect(r.report.errors.map(\.line) == [2])
        let b = try #require(r.batches.first)
        #expect(b.columns.map(\.name) == ["a", "c", "b"])
        #expect(b.columns.map(\.vector.type) == [.int64, .int64, .bool])
        #expect(rows(b.columns[2]) == [nil, "true", "false"])
    }

    @Test func presizingFromTheExpectedLineCountChangesNothing() throws {
        var text = ""
        // Both tables pass `sizingRow` (4096 rows), where a table reserves room for its share.
        for i in 0..<9_000 {
            text += i % 2 == 0 ? "a,t=x\(i % 50) f=\(i)i,s=\"v\(i)\" \(i)\n"
                : "b g=\(i).5\(i % 5 == 1 ? ",h=true" : "") \(i)\n"
        }
        let bytes = Array(text.utf8)
        #expect(bytes.count > 1 << 16)  // large enough for `parse` to estimate the line count
        let sized = LineProtocolIngester.parse(bytes, defaultTime: 0)
        for expected in [0, 10, 1_000_000] {
            var ingester = LineProtocolIngester(defaultTime: 0)
            ingester.expectedLines = expected
            _ = bytes.withUnsafeBytes { ingester.feed($0, isFinal: true) }
            let other = ingester.takeBatches()
            #expect(Self.rowMaps(other.batches) == Self.rowMaps(sized.batches))
            #expect(other.rowLines == sized.rowLines)
        }
        #expect(sized.batches.map(\.rowCount) == [4500, 4500])
    }

    /// The batcher finds repeated keys itself (the parser skips its check for it): same kinds, columns, names.
    @Test func duplicateKeysAreFoundByTheBatcher() {
        let r = parse(#"""
        m,t=1,t=2 f=1
        m f=1i,f=2.5
        m,a\b=1,a\\b=2 f=1
        m,t=x t=1
        m,t=y f=3,g=1 1
        """#)
        #expect(r.report.linesAccepted == 1)
        #expect(r.report.messages == [
            "line 1, column 7: duplicate tag 't'",
            "line 2, column 8: duplicate field 'f'",
            #"line 3, column 9: duplicate tag 'a\b'"#,
            "line 4, column 7: type conflict in table 'm': column 't' is a tag in this batch, this line has a field of type float",
        ])
        #expect(r.batches.first?.columns.map(\.name) == ["t", "f", "g"])
        #expect(r.batches.first.map { rows($0.columns[1]) } == ["3.0"])
    }

    @Test func duplicateKeysInWideLinesAreFoundByTheBatcher() {
        let tags = (0..<2000).map { ",t\($0)=v" }.joined()
        let fields = (0..<2000).map { "f\($0)=1i" }.joined(separator: ",")
        let text = "m\(tags) \(fields)\nm\(tags),t1999=x \(fields)\nm\(tags) \(fields),f0=2i\nm\(tags) \(fields)\n"
        let r = parse(text)
        #expect(r.report.linesAccepted == 2)
        #expect(r.report.errors.map(\.line) == [2, 3])
        #expect(r.report.messages[0].hasSuffix("duplicate tag 't1999'"))
        #expect(r.report.messages[1].hasSuffix("duplicate field 'f0'"))
        #expect(r.batches.first?.columns.count == 4000)
    }

    /// Parser and batcher agree on which lines repeat a key, over random lines with repeats.
    @Test func batcherAndParserAgreeOnDuplicates() throws {
        var gen = PointGenerator(seed: 50)
        var doc: [UInt8] = []
        for _ in 0..<400 {
            var line = Array("m".utf8)
            let tagKeys = gen.distinctKeys(1 + gen.rng.below(4)).map { [UInt8]("t".utf8) + $0 }
            for k in tagKeys + (gen.rng.chance(0.2) ? [tagKeys[gen.rng.below(tagKeys.count)]] : []) {
                line += Array(",".utf8)
                try LineProtocolSerializer.appendEscaped(k, .key, to: &line)
                line += Array("=v".utf8)
            }
            line += Array(" ".utf8)
            let fieldKeys = gen.distinctKeys(1 + gen.rng.below(4)).map { [UInt8]("f".utf8) + $0 }
            let all = fieldKeys + (gen.rng.chance(0.2) ? [fieldKeys[gen.rng.below(fieldKeys.count)]] : [])
            for (n, k) in all.enumerated() {
                if n > 0 { line += Array(",".utf8) }
                try LineProtocolSerializer.appendEscaped(k, .key, to: &line)
                line += Array("=1i".utf8)
            }
            doc += line + [0x0A]
        }
        let viaParser = collect(bytes: doc).parser.errors
        let viaBatcher = LineProtocolIngester.parse(doc, defaultTime: 0, maxErrors: 1000).report
        #expect(viaParser.count > 20)
        #expect(viaBatcher.messages == viaParser.map(\.description))
    }

    @Test func genPlaysLinesParse() throws {
        let lines = #"""
        plays,artist=The\ 0097s\,\ Live\=Loud,track=Song\ 001013\ (feat.\ X\,\ Y),platform=spotify,country=US,device=mobile user_id="u0827379",duration_ms=245992i,completed=true,skipped=false,liked=false,revenue=0.002976 1763683229181353536
        plays,artist=Artist\ 0041,track=Track\ 185772,platform=tidal,country=US,device=mobile user_id="u0378158",duration_ms=12450i,completed=false,skipped=true,liked=false,revenue=0.0 1763683309695912776
        """#
        let r = parse(lines)
        #expect(r.report.linesAccepted == 2)
        let b = try #require(r.batches.first)
        #expect(b.columns.map(\.name) == ["artist", "track", "platform", "country", "device", "user_id",
                                          "duration_ms", "completed", "skipped", "liked", "revenue"])
        #expect(rows(b.columns[0]) == ["The 0097s, Live=Loud", "Artist 0041"])
        #expect(rows(b.columns[1]) == ["Song 001013 (feat. X, Y)", "Track 185772"])
        #expect(rows(b.columns[3]) == ["US", "US"])
        #expect(b.columns[3].dictionary.count == 1)
        #expect(rows(b.columns[10]) == ["0.002976", "0.0"])
    }
}
