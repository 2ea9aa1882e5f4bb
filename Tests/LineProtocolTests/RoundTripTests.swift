import LineProtocol
import Testing

@Suite struct RoundTripTests {
    @Test func randomPointsSurviveSerialiseAndParse() throws {
        var gen = PointGenerator(seed: 1)
        for _ in 0..<3000 {
            let point = gen.point()
            let line = try serialise([point])
            let (parsed, _, parser) = collect(bytes: line)
            #expect(parser.errors == [], "\(String(decoding: line, as: UTF8.self).debugDescription)")
            #expect(parsed == [point], "\(String(decoding: line, as: UTF8.self).debugDescription)")
            if parsed != [point] { return }
        }
    }

    @Test func documentsOfManyPointsRoundTrip() throws {
        var gen = PointGenerator(seed: 2)
        for _ in 0..<40 {
            let points = (0..<50).map { _ in gen.point() }
            let (parsed, lines, parser) = collect(bytes: try serialise(points))
            #expect(parser.errorCount == 0)
            #expect(parsed == points)
            #expect(lines == Array(1...50))
        }
    }

    @Test func floatsReadBackBitExact() throws {
        var gen = PointGenerator(seed: 3)
        for _ in 0..<20_000 {
            let v = gen.float64()
            let point = LineProtocolPoint("m", fields: [("f", .float(v))])
            let (parsed, _, _) = collect(bytes: try serialise([point]))
            #expect(parsed == [point], "\(v)")
            if parsed != [point] { return }
        }
    }

    @Test func floatParsingMatchesSwiftOnDecimalStrings() {
        var gen = PointGenerator(seed: 4)
        for _ in 0..<20_000 {
            // Random decimal text: up to 25 digits, a point somewhere, an exponent sometimes.
            let digits = (0..<(1 + gen.rng.below(25))).map { _ in Character(String(gen.rng.below(10))) }
            var s = String(digits)
            if gen.rng.chance(0.7) { s.insert(".", at: s.index(s.startIndex, offsetBy: gen.rng.below(s.count + 1))) }
            if s == "." { s = "0.5" }
            if gen.rng.chance(0.4) { s += "e\(gen.rng.below(80) - 40)" }
            if gen.rng.chance(0.3) { s = "-" + s }
            let (parsed, _, parser) = collect("m f=\(s)")
            let expected = Double(s)!
            #expect(parser.errorCount == 0, "\(s)")
            if case .float(let v) = parsed.first?.fields.first?.value {
                #expect(v.bitPattern == expected.bitPattern, "\(s): \(v) != \(expected)")
                if v.bitPattern != expected.bitPattern { return }
            } else {
                Issue.record("\(s) did not parse as a float")
                return
            }
        }
    }
}
