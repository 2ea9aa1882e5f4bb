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

    @Test func precisionParameterNames() {
        #expect(Precision(parameter: "ns") == .ns)
        #expect(Precision(parameter: "n") == .ns)
        #expect(Precision(parameter: "u") == .us)
        #expect(Precision(parameter: "ms") == .ms)
        #expect(Precision(parameter: "s") == .s)
        #expect(Precision(parameter: "h") == nil)
    }
}
