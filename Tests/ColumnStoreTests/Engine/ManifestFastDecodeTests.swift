import Foundation
import Testing
@testable import ColumnStore
import TestSupport

/// The direct MANIFEST reader gives exactly what `JSONDecoder` gives, and hands every shape it does not
/// know back to `JSONDecoder` rather than guessing.
@Suite("Manifest fast decode")
struct ManifestFastDecodeTests {
    /// `JSONDecoder`'s reading of a body, the reference.
    private func reference(_ body: [UInt8]) throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(body))
    }

    private func body(_ m: Manifest) -> [UInt8] {
        let bytes = m.encoded()
        return Array(bytes[0..<(bytes.count - Manifest.trailerSize)])
    }

    private func randomText(_ rng: inout SeededRandom) -> String {
        let pieces = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "é", "日本", "🎵", "\u{1}", "day", "-"]
        return (0..<rng.below(6)).map { _ in pieces[rng.below(pieces.count)] }.joined()
    }

    private func randomManifest(_ rng: inout SeededRandom) -> Manifest {
        var m = Manifest()
        m.walCheckpoint = rng.next() >> UInt64(rng.below(64))
        m.nextSegmentID = rng.next() >> UInt64(rng.below(64))
        if rng.below(2) == 0 { m.retired = (0..<rng.below(4)).map { _ in randomText(&rng) } }
        if rng.below(3) == 0 { m.droppedTables = (0..<rng.below(3)).map { _ in randomText(&rng) } }
        for _ in 0..<rng.below(4) {
            var options = TableOptions()
            if rng.below(2) == 0 { options.retentionDays = rng.below(1000) }
            if rng.below(2) == 0 { options.sortKey = ["host"] }
            let segments = (0..<rng.below(40)).map { _ -> Manifest.Segment in
                let lo = Int64(bitPattern: rng.next())
                var s = Manifest.Segment(day: randomText(&rng), file: randomText(&rng), rows: rng.below(1 << 20),
                                         minTime: lo, maxTime: rng.below(2) == 0 ? Int64.max : lo, bytes: rng.below(1 << 30))
                if rng.below(4) == 0 { s.deletes = randomText(&rng); s.deletedRows = rng.below(100) }
                if rng.below(8) == 0 { s.minTime = Int64.min }
                return s
            }
            let table = Manifest.Table(
                columns: [ColumnDef(name: "time", type: .time), ColumnDef(name: randomText(&rng) + "x", type: .float64)],
                options: options, symbolCounts: rng.below(2) == 0 ? [:] : ["host": rng.below(100), randomText(&rng): 1],
                segments: segments, walCheckpoint: rng.below(3) == 0 ? rng.next() : nil)
            m.tables[randomText(&rng)] = table
        }
        return m
    }

    @Test func randomManifestsReadAsJSONDecoderReadsThem() throws {
        var rng = SeededRandom(seed: 20261207)
        for _ in 0..<300 {
            let m = randomManifest(&rng)
            let b = body(m)
            let fast = ManifestFastDecoder.decode(b[...])
            #expect(fast != nil, "the direct reader refused a manifest this build wrote")
            #expect(fast == (try reference(b)))
            #expect(try Manifest.decode(m.encoded(), path: "m") == fast)
        }
    }

    /// Deferred segment lists (a read-only open reads each table's when a query first touches it) give
    /// the same manifest as reading it whole.
    @Test func deferredSegmentListsReadAsTheWholeManifest() throws {
        var rng = SeededRandom(seed: 20261208)
        for _ in 0..<200 {
            let m = randomManifest(&rng)
            let bytes = m.encoded()
            let whole = try Manifest.decode(bytes, path: "m")
            let (head, ranges) = try Manifest.decode(bytes, path: "m", deferringSegments: true)
            #expect(Set(ranges.keys) == Set(whole.tables.keys))
            var filled = head
            for (name, r) in ranges {
                #expect(head.tables[name]?.segments.isEmpty == true)
                #expect(ManifestFastDecoder.segments(bytes[r]) != nil)
                filled.tables[name]!.segments = try Manifest.deferredSegments(bytes, r, table: name, path: "m")
            }
            #expect(filled == whole)
        }
    }

    /// A segment list the direct reader does not know (an escaped key) is read by JSONDecoder instead.
    @Test func deferredSegmentsInAnUnknownShapeFallBackToJSONDecoder() throws {
        let text = #"{"nextSegmentID":1,"tables":{"t":{"columns":[],"options":{"columnCompression":{},"compression":"lz4","sortKey":[],"zstdLevel":3},"segments":[{"bytes":1,"d\u0061y":"2026-01-01","file":"f","maxTime":2,"minTime":1,"rows":3}],"symbolCounts":{}}},"version":1,"walCheckpoint":0}"#
        let bytes = Array(text.utf8)
        let (head, ranges) = try Manifest.decode(bytes, path: "m", deferringSegments: true)
        #expect(head.tables["t"]?.segments.isEmpty == true)
        let r = try #require(ranges["t"])
        #expect(ManifestFastDecoder.segments(bytes[r]) == nil)
        let list = try Manifest.deferredSegments(bytes, r, table: "t", path: "m")
        #expect(list == [Manifest.Segment(day: "2026-01-01", file: "f", rows: 3, minTime: 1, maxTime: 2, bytes: 1)])
        #expect(list == (try reference(bytes)).tables["t"]?.segments)
    }

    /// `Day.parse` on bytes accepts exactly the names the split-based reading accepted, except that an
    /// empty part (`2026--01-01`, `-2026-01-01`) is now refused rather than skipped: a partition name is
    /// `YYYY-MM-DD` exactly, as `Day.name` writes it.
    @Test func dayNamesParseAsBefore() {
        func reference(_ name: String) -> Int32? {
            let p = name.split(separator: "-", omittingEmptySubsequences: false)
            guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2,
                  p.allSatisfy({ $0.allSatisfy { $0 >= "0" && $0 <= "9" } }),
                  let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]), (1...12).contains(m),
                  (1...Day.daysIn(month: m, year: y)).contains(d) else { return nil }
            return Day.from(year: y, month: m, day: d)
        }
        var rng = SeededRandom(seed: 7)
        let alphabet = Array("0123456789--/ x+é")
        for k in 0..<20_000 {
            let name: String
            if k % 2 == 0 {
                name = Day.name(Int32(rng.below(200_000)) - 100_000)
            } else {
                name = String((0..<(8 + rng.below(4))).map { _ in alphabet[rng.below(alphabet.count)] })
            }
            #expect(Day.parse(name) == reference(name), "\(name)")
        }
        #expect(Day.parse("2024-02-29") == Day.from(year: 2024, month: 2, day: 29))
        #expect(Day.parse("2023-02-29") == nil)
    }

    @Test func version1FixtureReadsTheSame() throws {
        let b = Array(ManifestTests.version1Fixture.utf8)
        let fast = try #require(ManifestFastDecoder.decode(b[...]))
        #expect(fast == (try reference(b)))
    }

    @Test func escapesAndUnicodeInStrings() throws {
        let text = #"{"nextSegmentID":1,"tables":{"t\u00e9\ud83c\udfb5\n\"\\\/":{"columns":[],"options":{"columnCompression":{},"compression":"lz4","sortKey":[],"zstdLevel":3},"segments":[],"symbolCounts":{}}},"version":3,"walCheckpoint":0,"retired":null}"#
        let b = Array(text.utf8)
        let fast = try #require(ManifestFastDecoder.decode(b[...]))
        #expect(fast.tables.keys.first == "té🎵\n\"\\/")
        #expect(fast == (try reference(b)))
    }

    /// Shapes the direct reader leaves to JSONDecoder: it answers nil, never a different manifest.
    @Test(arguments: [
        #"{"nextSegmentID":1,"tables":{},"version":3,"walCheckpoint":0,"future":1}"#,  // a key it does not know
        #"{"nextSegmentID":1.0,"tables":{},"version":3,"walCheckpoint":0}"#,  // not a plain integer
        #"{"nextSegmentID":1e2,"tables":{},"version":3,"walCheckpoint":0}"#,
        #"{"nextSegmentID":01,"tables":{},"version":3,"walCheckpoint":0}"#,
        #"{"nextSegmentID":18446744073709551616,"tables":{},"version":3,"walCheckpoint":0}"#,  // past UInt64
        #"{"tables":{},"version":3,"walCheckpoint":0}"#,  // a required key missing
        #"{"nextSegmentID":1,"tables":{},"version":3,"walCheckpoint":0} x"#,  // trailing bytes
        #"{"nextSegmentID":1,"tables":{},"version":3,"walCheckpoint":0"#,  // cut short
        #"{"nextSegmentID":1,"tables":{"t":{"columns":[],"options":{"compression":"lz4","zstdLevel":3,"columnCompression":{},"sortKey":[]},"segments":[{"day":"d","file":"f","rows":1,"minTime":0,"maxTime":0,"bytes":1,"extra":true}],"symbolCounts":{}}},"version":3,"walCheckpoint":0}"#,
        "{\"nextSegmentID\":1,\"tables\":{\"a\u{1}\":{}},\"version\":3,\"walCheckpoint\":0}",  // a raw control byte
    ])
    func unknownShapesAreLeftToJSONDecoder(_ text: String) {
        #expect(ManifestFastDecoder.decode(Array(text.utf8)[...]) == nil)
    }

    @Test func extremeIntegers() throws {
        var m = Manifest()
        m.nextSegmentID = UInt64.max
        m.walCheckpoint = 0
        m.tables["t"] = Manifest.Table(columns: [], options: TableOptions(), symbolCounts: [:], segments: [
            Manifest.Segment(day: "d", file: "f", rows: Int.max, minTime: Int64.min, maxTime: Int64.max, bytes: 0),
        ], walCheckpoint: UInt64.max)
        let b = body(m)
        #expect(ManifestFastDecoder.decode(b[...]) == m.withCurrentVersion)
        #expect(try reference(b) == m.withCurrentVersion)
    }
}

private extension Manifest {
    var withCurrentVersion: Manifest { var m = self; m.version = Manifest.currentVersion; return m }
}
