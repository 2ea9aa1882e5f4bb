import LineProtocol
import TestSupport
import Testing

/// Random and mutated input: the parser never crashes, and whatever it accepts means exactly what it
/// says (parse → serialise → parse gives the same point).
@Suite struct MutationTests {
    /// Bytes that matter to the grammar, to splice in.
    static let interesting: [UInt8] = Array(",= \"\\\n\r#iu.e-+tfTF0123456789xé".utf8)

    static func mutate(_ doc: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var d = doc
        for _ in 0..<(1 + rng.below(4)) {
            guard !d.isEmpty else { break }
            let i = rng.below(d.count)
            switch rng.below(6) {
            case 0: d.remove(at: i)
            case 1: d.insert(interesting[rng.below(interesting.count)], at: i)
            case 2: d[i] = interesting[rng.below(interesting.count)]
            case 3: d[i] = UInt8(truncatingIfNeeded: rng.next())
            case 4:
                let j = min(d.count, i + rng.below(12))
                d.insert(contentsOf: d[i..<j], at: i)
            default: d.removeSubrange(i...)
            }
        }
        return d
    }

    static func checkAcceptedRoundTrip(_ points: [LineProtocolPoint], _ input: [UInt8]) {
        for p in points {
            let line: [UInt8]
            do { line = try serialise([p]) } catch {
                Issue.record("accepted point cannot be serialised (\(error)): \(String(decoding: input, as: UTF8.self).debugDescription)")
                return
            }
            let (again, _, parser) = collect(bytes: line)
            #expect(parser.errorCount == 0 && again == [p],
                    "input \(String(decoding: input, as: UTF8.self).debugDescription) → \(String(decoding: line, as: UTF8.self).debugDescription)")
        }
    }

    @Test func mutatedLinesNeverCrashAndAcceptedOnesRoundTrip() throws {
        var gen = PointGenerator(seed: 10)
        var rng = SeededRandom(seed: 11)
        var accepted = 0, rejected = 0
        for _ in 0..<4000 {
            let doc = try serialise((0..<(1 + rng.below(3))).map { _ in gen.point() })
            let input = Self.mutate(doc, &rng)
            let (points, _, parser) = collect(bytes: input)
            accepted += points.count
            rejected += parser.errorCount
            #expect(parser.errors.allSatisfy { $0.line >= 1 && $0.column >= 1 })
            Self.checkAcceptedRoundTrip(points, input)
        }
        // The mutations must exercise both outcomes.
        #expect(accepted > 1000 && rejected > 1000)
    }

    @Test func randomBytesNeverCrash() {
        var rng = SeededRandom(seed: 12)
        for _ in 0..<3000 {
            let n = rng.below(80)
            let input = (0..<n).map { _ in
                rng.chance(0.6) ? Self.interesting[rng.below(Self.interesting.count)] : UInt8(truncatingIfNeeded: rng.next())
            }
            let (points, _, _) = collect(bytes: input)
            Self.checkAcceptedRoundTrip(points, input)
        }
    }

    /// Feeds `input` in random pieces as a stream reader would (keeping the unconsumed tail).
    static func parseInChunks(_ input: [UInt8], _ rng: inout SeededRandom, maxLineLength: Int)
        -> (points: [LineProtocolPoint], lines: [Int], parser: LineProtocolParser) {
        var parser = LineProtocolParser(maxLineLength: maxLineLength, maxErrors: 1000)
        var c = PointCollector()
        var pending: [UInt8] = []
        var i = 0
        while i < input.count {
            let n = min(input.count - i, 1 + rng.below(rng.chance(0.3) ? 3 : 40))
            pending += input[i..<(i + n)]
            i += n
            let used = pending.withUnsafeBytes { parser.parse($0, into: &c, isFinal: false) }
            #expect(used <= pending.count)
            pending.removeFirst(used)
        }
        let used = pending.withUnsafeBytes { parser.parse($0, into: &c, isFinal: true) }
        #expect(used == pending.count)
        return (c.points, c.lines, parser)
    }

    @Test(arguments: [1 << 20, 24])
    func chunkedParsingEqualsWholeParsing(maxLineLength: Int) throws {
        var gen = PointGenerator(seed: 20)
        var rng = SeededRandom(seed: 21)
        for round in 0..<300 {
            var doc = try serialise((0..<(1 + rng.below(6))).map { _ in gen.point() })
            if round % 2 == 0 { doc = Self.mutate(doc, &rng) }
            if round % 3 == 0 { doc = doc.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] } }
            let whole = collect(bytes: doc, maxLineLength: maxLineLength)
            let chunked = Self.parseInChunks(doc, &rng, maxLineLength: maxLineLength)
            #expect(chunked.points == whole.points)
            #expect(chunked.lines == whole.lines)
            #expect(chunked.parser.errors.map { [$0.line, $0.column, Int($0.kind.rawValue)] }
                    == whole.parser.errors.map { [$0.line, $0.column, Int($0.kind.rawValue)] },
                    "\(String(decoding: doc, as: UTF8.self).debugDescription)")
            #expect(chunked.parser.lineNumber == whole.parser.lineNumber)
        }
    }

    @Test func streamKeepsTheUnfinishedLine() {
        var parser = LineProtocolParser()
        var c = PointCollector()
        let first = Array("m f=1\nm f=".utf8)
        #expect(first.withUnsafeBytes { parser.parse($0, into: &c, isFinal: false) } == 6)
        let rest = Array("m f=2\n".utf8)
        #expect(rest.withUnsafeBytes { parser.parse($0, into: &c, isFinal: false) } == 6)
        #expect(c.points.map(\.timestamp) == [nil, nil])
        #expect(c.lines == [1, 2])
    }

    @Test func streamSkipsAnOverlongLineWhoseEndHasNotArrived() {
        var parser = LineProtocolParser(maxLineLength: 8)
        var c = PointCollector()
        let a = Array("m f=1\nm f=1234567890".utf8)
        #expect(a.withUnsafeBytes { parser.parse($0, into: &c, isFinal: false) } == a.count)
        #expect(parser.errors.map(\.kind) == [.lineTooLong])
        let b = Array("123\nm f=2\n".utf8)
        #expect(b.withUnsafeBytes { parser.parse($0, into: &c, isFinal: false) } == b.count)
        #expect(c.lines == [1, 3])
        #expect(parser.errorCount == 1)
    }
}
