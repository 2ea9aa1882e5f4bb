import Foundation
import Testing
@testable import QueryEngine

/// The value encoders under the formats: RFC 3339 times, numbers, JSON strings, CSV fields, durations.
@Suite struct TextEncodingTests {
    @Test func rfc3339Golden() {
        let noon = ResultFixtures.noon
        #expect(RFC3339.string(0) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.string(noon) == "2026-09-01T12:00:00Z")
        #expect(RFC3339.string(noon + 123_456_789) == "2026-09-01T12:00:00.123456789Z")
        #expect(RFC3339.string(noon + 500_000_000) == "2026-09-01T12:00:00.5Z")
        #expect(RFC3339.string(noon + 1_000) == "2026-09-01T12:00:00.000001Z")
        #expect(RFC3339.string(-1) == "1969-12-31T23:59:59.999999999Z")
        #expect(RFC3339.string(951_782_400 * 1_000_000_000) == "2000-02-29T00:00:00Z")
        #expect(RFC3339.string(.max) == "2262-04-11T23:47:16.854775807Z")
        #expect(RFC3339.string(.min) == "1677-09-21T00:12:43.145224192Z")
    }

    @Test func rfc3339AgreesWithFoundation() {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        var rng = OutputTestRNG(seed: 21)
        for _ in 0..<1_000 {
            let secs = Int64(bitPattern: rng.next()) % 9_000_000_000  // ± 285 years
            let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                       from: Date(timeIntervalSince1970: TimeInterval(secs)))
            let expected = String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
            #expect(RFC3339.string(secs * 1_000_000_000) == expected)
        }
    }

    @Test func integersAndFloats() {
        func text(_ body: (inout [UInt8]) -> Void) -> String {
            var out: [UInt8] = []
            body(&out)
            return String(decoding: out, as: UTF8.self)
        }
        for v: Int64 in [0, 1, -1, 10, -99, .max, .min] { #expect(text { ValueText.append(v, to: &$0) } == String(v)) }
        for v: UInt64 in [0, 9, 10, .max] { #expect(text { ValueText.append(v, to: &$0) } == String(v)) }
        #expect(text { ValueText.append(true, to: &$0) } + text { ValueText.append(false, to: &$0) } == "truefalse")
        var rng = OutputTestRNG(seed: 5)
        for _ in 0..<2_000 {
            let d = Double(bitPattern: rng.next())
            let s = text { ValueText.append(d, to: &$0) }
            if d.isNaN { #expect(s == "nan") } else { #expect(Double(s) == d, "\(s)") }
        }
    }

    @Test func jsonStringEscapes() {
        func json(_ bytes: [UInt8]) -> String {
            var out: [UInt8] = []
            bytes.withUnsafeBytes { JSONText.appendQuoted($0, to: &out) }
            return String(decoding: out, as: UTF8.self)
        }
        #expect(json(Array("a\"b\\c\n\t\r\u{8}\u{C}\u{1}\u{1F}\u{7F}/é中😀".utf8))
            == #""a\"b\\c\n\t\r\b\f\u0001\u001f"# + "\u{7F}/é中😀\"")
        #expect(json([]) == "\"\"")
        // Invalid UTF-8 — a stray byte, a cut sequence, an overlong form, a surrogate, > U+10FFFF — each
        // byte becomes U+FFFD; the valid bytes around survive.
        #expect(json([0x61, 0xFF, 0x62]) == "\"a\u{FFFD}b\"")
        #expect(json([0x61, 0xE4, 0xB8]) == "\"a\u{FFFD}\u{FFFD}\"")
        #expect(json([0xC0, 0x80]) == "\"\u{FFFD}\u{FFFD}\"")
        #expect(json([0xED, 0xA0, 0x80]) == "\"\u{FFFD}\u{FFFD}\u{FFFD}\"")
        #expect(json([0xF4, 0x90, 0x80, 0x80, 0x41]) == "\"\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}A\"")
        #expect(json([0xE0, 0xA0, 0x80]) == "\"\u{800}\"")
        #expect(json([0xF0, 0x90, 0x80, 0x80]) == "\"\u{10000}\"")
    }

    @Test func jsonStringsParseBack() throws {
        var rng = OutputTestRNG(seed: 8)
        for _ in 0..<300 {
            let scalars = (0..<Int(rng.next() % 20)).map { _ -> Character in
                switch rng.next() % 4 {
                case 0: Character(Unicode.Scalar(UInt8(rng.next() % 128)))
                case 1: Character(Unicode.Scalar(UInt32(0xA0 + rng.next() % 0x700))!)
                case 2: Character(Unicode.Scalar(UInt32(0x4E00 + rng.next() % 0x5000))!)
                default: Character(Unicode.Scalar(UInt32(0x1F300 + rng.next() % 0x300))!)
                }
            }
            let s = String(scalars)
            var out: [UInt8] = []
            JSONText.appendQuoted(s, to: &out)
            let back = try JSONSerialization.jsonObject(with: Data(out), options: .fragmentsAllowed) as? String
            #expect(back == s)
        }
    }

    @Test func csvFields() {
        func csv(_ s: String) -> String {
            var out: [UInt8] = []
            CSVText.appendField(s, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(csv("plain text") == "plain text")
        #expect(csv("") == "\"\"")
        #expect(csv("a,b") == "\"a,b\"")
        #expect(csv("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(csv("two\nlines") == "\"two\nlines\"")
        #expect(csv("cr\r") == "\"cr\r\"")
        #expect(csv("Sigur Rós") == "Sigur Rós")
        var out: [UInt8] = []
        ([0x61, 0xFF] as [UInt8]).withUnsafeBytes { CSVText.appendField($0, to: &out) }
        #expect(String(decoding: out, as: UTF8.self) == "a\u{FFFD}")
    }

    @Test func durations() {
        let cases: [(Double, String)] = [
            (0, "0 ns"), (850e-9, "850 ns"), (999.4e-9, "999 ns"), (999.6e-9, "1.00 µs"), (12.34e-6, "12.3 µs"),
            (4.561e-3, "4.56 ms"), (0.1234, "123 ms"), (0.9996, "1.00 s"), (1.234, "1.23 s"), (59.9, "59.9 s"),
            (59.96, "1m00s"), (123, "2m03s"), (3_723, "1h02m03s"), (-0.5, "-500 ms"),
        ]
        for (s, text) in cases { #expect(ResultFormatter.formatDuration(seconds: s) == text, "\(s)") }
        #expect(ResultFormatter.formatDuration(.milliseconds(1_500)) == "1.50 s")
    }
}
