import LineProtocol
import Testing

/// Parses `input` with a `PointCollector`.
func collect(_ input: String, precision: Precision = .ns, maxLineLength: Int = 1 << 20, maxErrors: Int = 100)
    -> (points: [LineProtocolPoint], lines: [Int], parser: LineProtocolParser) {
    var parser = LineProtocolParser(precision: precision, maxLineLength: maxLineLength, maxErrors: maxErrors)
    var c = PointCollector()
    parser.parse(Array(input.utf8), into: &c)
    return (c.points, c.lines, parser)
}

@Suite struct ConformanceTests {
    @Test(arguments: conformanceTable)
    func conformance(_ c: ConformanceCase) {
        let (points, _, parser) = collect(c.input, precision: c.precision, maxLineLength: c.maxLineLength)
        switch c.expect {
        case .points(let expected):
            #expect(parser.errors == [], "\(c)")
            #expect(points == expected, "\(c)")
            #expect(parser.acceptedLines == expected.count)
        case .error(let kind, let column, let name):
            #expect(points.isEmpty, "\(c)")
            #expect(parser.errorCount == 1, "\(c)")
            let e = parser.errors.first
            #expect(e?.kind == kind, "\(c): \(e?.description ?? "no error")")
            #expect(e?.column == column, "\(c): \(e?.description ?? "no error")")
            #expect(e?.line == 1)
            if let name { #expect(e?.name == name, "\(c)") }
        }
    }

    @Test func errorMessagesNameLineColumnTextAndKey() {
        let input = "# header\nplays,artist=A duration_ms=1i\nplays,artist=B duration_ms=abci,liked=true\n"
        let (points, _, parser) = collect(input)
        #expect(points.count == 1)
        #expect(parser.errors.map(\.description) == ["line 3, column 28: invalid integer 'abci' for field 'duration_ms'"])
    }

    @Test func offendingTextIsClipped() {
        let long = String(repeating: "x", count: 100)
        let (_, _, parser) = collect("m f=\(long)")
        let e = parser.errors[0]
        #expect(e.text == String(repeating: "x", count: LineProtocolError.clipLength) + "…")
        #expect(e.kind == .invalidFieldValue)
    }

    @Test func clippingKeepsUTF8Whole() {
        let text = String(repeating: "a", count: LineProtocolError.clipLength - 1) + "é" + "bbb"
        let clipped = Array(text.utf8).withUnsafeBytes { LineProtocolError.clip($0) }
        #expect(clipped == String(repeating: "a", count: LineProtocolError.clipLength - 1) + "…")
    }

    @Test func badLinesDoNotStopGoodOnesAndLineNumbersCountEveryLine() {
        let input = "m f=1\n\n# c\nm f=x\nm f=2\r\nm\nm f=3"
        let (points, lines, parser) = collect(input)
        #expect(points.count == 3)
        #expect(lines == [1, 5, 7])
        #expect(parser.errors.map(\.line) == [4, 6])
        #expect(parser.acceptedLines == 3)
        #expect(parser.lineNumber == 7)
    }

    @Test func onlyTheFirstErrorsAreKeptButAllCounted() {
        let input = String(repeating: "m f=x\n", count: 50)
        let (_, _, parser) = collect(input, maxErrors: 7)
        #expect(parser.errorCount == 50)
        #expect(parser.errors.count == 7)
        #expect(parser.errors.map(\.line) == Array(1...7))
    }

    /// Inputs with bytes a Swift string literal cannot hold: (bytes, expected error column or nil when valid).
    static let utf8Cases: [([UInt8], Int?)] = [
        (Array("m,t=".utf8) + [0xFF] + Array(" f=1".utf8), 5),                          // never valid
        (Array("m f=\"".utf8) + [0xC0, 0x80] + Array("\"".utf8), 6),                   // overlong NUL
        (Array("m".utf8) + [0xED, 0xA0, 0x80] + Array(" f=1".utf8), 2),                 // surrogate
        (Array("m f=1,g=\"".utf8) + [0xE2, 0x82], 10),                                 // cut short at line end
        (Array("m f=1 1".utf8) + [0xF4, 0x90, 0x80, 0x80], 8),                          // above U+10FFFF
        (Array("m".utf8) + [0x80] + Array(" f=1".utf8), 2),                             // lone continuation
        (Array("m,t=".utf8) + [0xF0, 0x9F, 0x8E, 0xB5] + Array(" f=\"".utf8) + [0xC3, 0xA9, 0x22], nil),  // 🎵, é
        (Array("m,t=".utf8) + [0xE0, 0xA0, 0x80, 0xEF, 0xBF, 0xBF, 0xF4, 0x8F, 0xBF, 0xBF] + Array(" f=1".utf8), nil),
    ]

    @Test func linesMustBeUTF8() {
        for (input, column) in Self.utf8Cases {
            var parser = LineProtocolParser()
            var c = PointCollector()
            parser.parse(input + Array("\nm f=2".utf8), into: &c)
            if let column {
                #expect(parser.errors.map(\.kind) == [.invalidUTF8], "\(input)")
                #expect(parser.errors.first?.column == column, "\(input)")
                #expect(c.lines == [2])
            } else {
                #expect(parser.errorCount == 0, "\(parser.errors)")
                #expect(c.lines == [1, 2])
            }
        }
        var parser = LineProtocolParser()
        var c = PointCollector()
        parser.parse(Array("m,t=a".utf8) + [0xFF, 0xFE] + Array(" f=1".utf8), into: &c)
        #expect(parser.errors.first?.description == "line 1, column 6: invalid UTF-8 (bytes \\xFF\\xFE\\x20\\x66)")
    }

    /// A line with thousands of keys: duplicates are still found (by hashing, past 16 keys), in linear time.
    @Test func wideLinesFindDuplicatesAmongThousandsOfKeys() throws {
        let tags = (0..<3000).map { ",t\($0)=v" }.joined()
        let fields = (0..<3000).map { "f\($0)=1i" }.joined(separator: ",")
        let (points, _, parser) = collect("m\(tags) \(fields) 1")
        #expect(parser.errorCount == 0)
        let p = try #require(points.first)
        #expect(p.tags.count == 3000 && p.fields.count == 3000)

        let dupTag = collect("m\(tags),t1234=x \(fields)").parser.errors
        #expect(dupTag.map(\.kind) == [.duplicateTag])
        #expect(dupTag.first?.name == "t1234")
        let dupField = collect("m\(tags) \(fields),f2999=2i").parser.errors
        #expect(dupField.map(\.kind) == [.duplicateField])
        #expect(dupField.first?.name == "f2999")
        // The same key spelled two ways, far apart.
        let escaped = collect(#"m,a\b=1"# + tags + #",a\\b=2 f=1"#).parser.errors
        #expect(escaped.map(\.kind) == [.duplicateTag])
        // A tag and a field may share a name as far as the parser goes, however many keys there are.
        #expect(collect("m\(tags) t7=1,\(fields)").parser.errorCount == 0)
        // Many wide lines in a row reuse the hash set (generations), still exact.
        let many = (0..<50).map { i in "m\(tags) \(fields)" + (i % 10 == 9 ? ",f\(i)=1i" : "") }.joined(separator: "\n")
        let (manyPoints, _, manyParser) = collect(many)
        #expect(manyPoints.count == 45)
        #expect(manyParser.errors.map(\.line) == [10, 20, 30, 40, 50])
    }

    @Test func precisionParameterNames() {
        #expect(Precision(parameter: "ns") == .ns)
        #expect(Precision(parameter: "n") == .ns)
        #expect(Precision(parameter: "u") == .us)
        #expect(Precision(parameter: "ms") == .ms)
        #expect(Precision(parameter: "s") == .s)
        #expect(Precision(parameter: "h") == nil)
    }
}
