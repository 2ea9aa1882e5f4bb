import Foundation
import NIOCore
import Testing
import TestSupport
@testable import PGWire

/// Value formats: DataRow bytes pinned for each type in text and binary, parameters decoded from both,
/// and seeded round trips against independent references (Foundation's calendar, integer parsing).
@Suite struct PGValueTests {
    /// The bytes one value writes (length prefix included).
    static func value(_ write: (inout PGDataRowWriter) -> Void) -> [UInt8] {
        var w = PGDataRowWriter(buffer: ByteBuffer())
        write(&w)
        return Array(w.buffer.readableBytesView)
    }

    static func text(_ write: (inout PGDataRowWriter) -> Void) -> String {
        let b = value(write)
        return String(decoding: b.dropFirst(4), as: UTF8.self)
    }

    @Test func dataRowFraming() {
        var w = PGDataRowWriter(buffer: ByteBuffer())
        w.beginRow(columns: 2)
        w.writeInteger(7, as: .int4, .binary)
        w.writeNull()
        w.endRow()
        #expect(Array(w.buffer.readableBytesView) == [0x44, 0, 0, 0, 18, 0, 2, 0, 0, 0, 4, 0, 0, 0, 7, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    @Test func goldenText() {
        #expect(Self.text { $0.writeBool(true, .text) } == "t")
        #expect(Self.text { $0.writeInteger(-9_223_372_036_854_775_808, as: .int8, .text) } == "-9223372036854775808")
        #expect(Self.text { $0.writeNumeric(18_446_744_073_709_551_615, .text) } == "18446744073709551615")
        #expect(Self.text { $0.writeFloat(1, .text) } == "1")
        #expect(Self.text { $0.writeFloat(0.1, .text) } == "0.1")
        #expect(Self.text { $0.writeFloat(-2.5e-7, .text) } == "-2.5e-07")
        #expect(Self.text { $0.writeFloat(.nan, .text) } == "NaN")
        #expect(Self.text { $0.writeFloat(-.infinity, .text) } == "-Infinity")
        #expect(Self.text { $0.writeTimestamp(nanoseconds: 1_763_683_202_123_456_789, as: .timestamptz, .text) } == "2025-11-21 00:00:02.123456+00")
        #expect(Self.text { $0.writeTimestamp(nanoseconds: 1_763_683_200_000_000_000, as: .timestamp, .text) } == "2025-11-21 00:00:00")
        #expect(Self.text { $0.writeTimestamp(nanoseconds: -1, as: .timestamptz, .text) } == "1969-12-31 23:59:59.999999+00")
        #expect(Self.text { $0.writeInterval(months: 14, days: 3, micros: 14_706_789_000, .text) } == "1 year 2 mons 3 days 04:05:06.789")
        #expect(Self.text { $0.writeInterval(months: 0, days: -1, micros: 0, .text) } == "-1 days")
        #expect(Self.text { $0.writeInterval(months: 0, days: 0, micros: 0, .text) } == "00:00:00")
    }

    @Test func goldenBinary() {
        #expect(Self.value { $0.writeBool(true, .binary) } == [0, 0, 0, 1, 1])
        #expect(Self.value { $0.writeInteger(-2, as: .int2, .binary) } == [0, 0, 0, 2, 0xFF, 0xFE])
        #expect(Self.value { $0.writeInteger(1, as: .int8, .binary) } == [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1])
        #expect(Self.value { $0.writeFloat(1.5, .binary) } == [0, 0, 0, 8, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0])
        // 2000-01-01 00:00:01 UTC is 1_000_000 µs after PostgreSQL's epoch.
        #expect(Self.value { $0.writeTimestamp(nanoseconds: 946_684_801_000_000_000, as: .timestamptz, .binary) }
            == [0, 0, 0, 8, 0, 0, 0, 0, 0, 0x0F, 0x42, 0x40])
        // numeric 123456789: ndigits 3, weight 2, sign +, dscale 0, digits 1 2345 6789.
        #expect(Self.value { $0.writeNumeric(123_456_789, .binary) } == [0, 0, 0, 14, 0, 3, 0, 2, 0, 0, 0, 0, 0, 1, 0x09, 0x29, 0x1A, 0x85])
        #expect(Self.value { $0.writeNumeric(0, .binary) } == [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(Self.value { $0.writeInterval(months: 1, days: 2, micros: 3, .binary) } == [0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1])
    }

    /// Timestamps' text against Foundation's Gregorian calendar in UTC, over ±300 years.
    @Test func timestampTextMatchesCalendar() {
        var rng = SeededRandom(seed: 11)
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        for _ in 0..<2_000 {
            let micros = Int64(rng.below(Int(1) << 62)) % 9_000_000_000_000_000 - 4_500_000_000_000_000
            let seconds = Self.floorDiv(micros, 1_000_000)
            let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            var want = String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
            let frac = micros - seconds * 1_000_000
            if frac > 0 {
                var f = String(format: "%06lld", frac)
                while f.hasSuffix("0") { f.removeLast() }
                want += "." + f
            }
            #expect(PGDataRowWriter.timestampString(micros: micros, zone: false) == want, "\(micros)")
        }
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// numeric's binary form decodes back to the integer it encodes; ints and floats round-trip both ways.
    @Test func seededRoundTrips() throws {
        var rng = SeededRandom(seed: 3)
        for _ in 0..<2_000 {
            let u = UInt64(rng.below(Int.max)) >> UInt64(rng.below(63))
            var w = PGDataRowWriter(buffer: ByteBuffer())
            w.writeNumeric(u, .binary)
            var b = w.buffer
            b.moveReaderIndex(forwardBy: 4)
            #expect(try PGValue.decode(b, type: .numeric, format: .binary) == .numeric(String(u)))
            let i = Int64(bitPattern: UInt64(rng.below(Int.max)) &* 3)
            for f in [PGFormat.text, .binary] {
                var w2 = PGDataRowWriter(buffer: ByteBuffer())
                w2.writeInteger(i, as: .int8, f)
                var b2 = w2.buffer
                b2.moveReaderIndex(forwardBy: 4)
                #expect(try PGValue.decode(b2, type: .int8, format: f) == .int(i))
                let d = Double(bitPattern: UInt64(rng.below(Int.max)) << 1)
                guard d.isFinite else { continue }
                var w3 = PGDataRowWriter(buffer: ByteBuffer())
                w3.writeFloat(d, f)
                var b3 = w3.buffer
                b3.moveReaderIndex(forwardBy: 4)
                #expect(try PGValue.decode(b3, type: .float8, format: f) == .double(d))
            }
        }
    }

    @Test func parameterDecoding() throws {
        func bin(_ bytes: [UInt8], _ t: PGType) throws -> PGValue { try PGValue.decode(ByteBuffer(bytes: bytes), type: t, format: .binary) }
        func txt(_ s: String, _ t: PGType) throws -> PGValue { try PGValue.decode(ByteBuffer(string: s), type: t, format: .text) }
        #expect(try PGValue.decode(nil, type: .int4, format: .binary) == .null)
        #expect(try bin([1], .bool) == .bool(true))
        #expect(try bin([0xFF, 0xFF, 0xFF, 0xFE], .int4) == .int(-2))
        #expect(try bin([0, 0, 0, 0, 0, 0x0F, 0x42, 0x40], .timestamptz) == .timestamp(micros: 946_684_801_000_000))
        #expect(try bin([0, 0, 0, 1], .date) == .date(days: 10_958))
        #expect(try bin([0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1], .interval) == .interval(months: 1, days: 2, micros: 3))
        // numeric -12.50: ndigits 2, weight 0, sign -, dscale 2, digits 12 5000.
        #expect(try bin([0, 2, 0, 0, 0x40, 0, 0, 2, 0, 12, 0x13, 0x88], .numeric) == .numeric("-12.50"))
        #expect(try bin([0, 1, 0xFF, 0xFF, 0, 0, 0, 4, 0x04, 0xD2], .numeric) == .numeric("0.1234"))
        #expect(try txt("on", .bool) == .bool(true))
        #expect(try txt(" 42 ", .int8) == .int(42))
        #expect(try txt("1e3", .numeric) == .numeric("1e3"))
        #expect(try txt("2026-09-01 12:00+00", .timestamptz) == .text("2026-09-01 12:00+00"))
        #expect(throws: PGErrorFields.self) { try txt("12; DROP", .int8) }
        #expect(throws: PGErrorFields.self) { try txt("40000", .int2) }
        #expect(throws: PGErrorFields.self) { try txt("1.2.3", .numeric) }
        #expect(throws: PGErrorFields.self) { try bin([0, 1], .int4) }
    }
}
