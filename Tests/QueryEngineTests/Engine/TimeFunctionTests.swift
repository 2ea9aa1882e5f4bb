import Foundation
import Testing
import ColumnStore
@testable import QueryEngine
import TestSupport

/// The TZif reader and POSIX rules, `AT TIME ZONE` with ICU's gap/overlap choices, date parts,
/// strftime/strptime, and the SQL surface of the time functions (answers as DuckDB 1.x/2.x gives them).
@Suite("Time functions and zones")
struct TimeFunctionTests {
    static func ns(_ s: String) -> Int64 { try! SQLTimestamp.parse(s) }
    static func seconds(_ s: String) -> Int64 { ns(s) / 1_000_000_000 }

    /// A hand-made version-2 TZif file: two transitions (+01:00 → −00:30 at 10⁹ s, back at 2·10⁹ s), a
    /// footer `<+01>-1` (fixed +01:00 afterwards), and a version-1 block the reader must skip.
    static let golden: [UInt8] = {
        var b: [UInt8] = []
        func be32(_ v: Int32) { withUnsafeBytes(of: v.bigEndian) { b.append(contentsOf: $0) } }
        func be64(_ v: Int64) { withUnsafeBytes(of: v.bigEndian) { b.append(contentsOf: $0) } }
        func header(time: Int32, type: Int32, char: Int32) {
            b += Array("TZif2".utf8) + [UInt8](repeating: 0, count: 15)
            for c in [0, 0, 0, time, type, char] as [Int32] { be32(c) }
        }
        header(time: 0, type: 1, char: 4)  // version-1 block: one type, no transitions
        be32(0); b += [0, 0]; b += Array("UTC\0".utf8)
        header(time: 2, type: 2, char: 8)
        be64(1_000_000_000); be64(2_000_000_000)
        b += [1, 0]
        be32(3600); b += [0, 0]
        be32(-1800); b += [1, 4]
        b += Array("AAA\0BBB\0".utf8)
        b += Array("\n<+01>-1\n".utf8)
        return b
    }()

    @Test func goldenTZifFileParses() throws {
        let z = try TZif.parse(Self.golden, name: "Test/Golden")
        #expect(z.transitions == [1_000_000_000, 2_000_000_000])
        #expect(z.offsets == [-1800, 3600])
        #expect(z.initialOffset == 3600)
        #expect(z.offset(utc: 999_999_999) == 3600)
        #expect(z.offset(utc: 1_000_000_000) == -1800)
        #expect(z.offset(utc: 3_000_000_000) == 3600)
        // Damaged files are refused, not guessed at.
        #expect(throws: QueryError.self) { try TZif.parse(Array(Self.golden.prefix(60)), name: "x") }
        #expect(throws: QueryError.self) { try TZif.parse(Array("TZxf".utf8) + Array(Self.golden.dropFirst(4)), name: "x") }
    }

    @Test func newYorkFromTheSystemDatabase() throws {
        let z = try TimeZoneDatabase.zone("America/New_York")
        #expect(z.offset(utc: Self.seconds("2026-07-01")) == -4 * 3600)
        #expect(z.offset(utc: Self.seconds("2026-01-15")) == -5 * 3600)
        // Past the file's table (2037), the footer's rule EST5EDT,M3.2.0,M11.1.0 goes on.
        #expect(z.offset(utc: Self.seconds("2150-07-01")) == -4 * 3600)
        #expect(z.offset(utc: Self.seconds("2150-12-01")) == -5 * 3600)
        // 2026's changes: 2026-03-08 07:00Z and 2026-11-01 06:00Z.
        #expect(z.offset(utc: Self.seconds("2026-03-08T06:59:59Z")) == -5 * 3600)
        #expect(z.offset(utc: Self.seconds("2026-03-08T07:00:00Z")) == -4 * 3600)
        #expect(z.offset(utc: Self.seconds("2026-11-01T05:59:59Z")) == -4 * 3600)
        #expect(z.offset(utc: Self.seconds("2026-11-01T06:00:00Z")) == -5 * 3600)
        // Wall times as ICU reads them: 01:30 on 2026-11-01 happens twice (the later one, EST); 02:30 on
        // 2026-03-08 never happens (read with the offset before the change, EST).
        #expect(ZoneShift.fromLocal(Self.ns("2026-11-01 01:30:00"), z) == Self.ns("2026-11-01T06:30:00Z"))
        #expect(ZoneShift.fromLocal(Self.ns("2026-03-08 02:30:00"), z) == Self.ns("2026-03-08T07:30:00Z"))
        #expect(ZoneShift.toLocal(Self.ns("2026-07-01T12:00:00Z"), z) == Self.ns("2026-07-01 08:00:00"))
        #expect(try TimeZoneDatabase.zone("america/new_york").offset(utc: Self.seconds("2026-07-01")) == -4 * 3600)
    }

    @Test func posixRulesSouthernHemisphere() throws {
        let rule = try #require(PosixTZ("AEST-10AEDT,M10.1.0,M4.1.0/3"))
        #expect(rule.standard == 36000)
        let t = rule.transitions(years: 2026...2026)
        // DST ends 2026-04-05 03:00 AEDT (16:00Z the day before) and starts 2026-10-04 02:00 AEST (16:00Z on the 3rd).
        #expect(t.map(\.0) == [Self.seconds("2026-04-04T16:00:00Z"), Self.seconds("2026-10-03T16:00:00Z")])
        #expect(t.map(\.1) == [36000, 39600])
        #expect(PosixTZ("EST5EDT,J60,J300") == nil)  // Julian-day rules: tzdata never writes them; refused
        #expect(PosixTZ("<+0530>-5:30")?.standard == 19800)
    }

    @Test func unknownZonesAreErrorsWithSuggestions() {
        #expect(throws: QueryError.self) { try TimeZoneDatabase.zone("America/Nwe_York") }
        do { _ = try TimeZoneDatabase.zone("Europe/Berln") } catch { #expect("\(error)".contains("Europe/Berlin")) }
        #expect(throws: QueryError.self) { try TimeZoneDatabase.zone("../../etc/passwd") }
    }

    @Test func datePartsMatchDuckDB() {
        let t = Self.ns("2026-01-05 03:04:05.123456")
        #expect(DatePart.millisecond.value(t) == 5123)
        #expect(DatePart.microsecond.value(t) == 5_123_456)
        #expect(DatePart.isodow.value(Self.ns("2026-01-04")) == 7)
        #expect(DatePart.dow.value(Self.ns("2026-01-04")) == 0)
        #expect(DatePart.week.value(Self.ns("2027-01-01")) == 53)
        #expect(DatePart.isoyear.value(Self.ns("2027-01-01")) == 2026)
        #expect(DatePart.yearweek.value(Self.ns("2027-01-01")) == 202653)
        #expect(DatePart.doy.value(Self.ns("2026-12-31")) == 365)
        #expect(DatePart.quarter.value(Self.ns("2026-08-01")) == 3)
        #expect(DatePart.century.value(t) == 21 && DatePart.decade.value(t) == 202 && DatePart.millennium.value(t) == 3)
        #expect(DatePart.epochSeconds(Self.ns("1960-01-01 00:00:00.25")) == -315619199.75)
        #expect(DatePart.hour.value(Self.ns("1969-12-31 23:00:00")) == 23)  // before the epoch: floor, not truncation
    }

    @Test func strftimeMatchesDuckDB() throws {
        var out: [UInt8] = []
        let f = try TimeFormat("%Y|%y|%m|%-m|%d|%-d|%H|%-H|%I|%p|%M|%S|%f|%g|%z|%Z|%j|%a|%A|%b|%B|%w|%u|%U|%W|%V|%G|%%|%c|%x|%X|%n|%-I|%-S|%-M|%-j|%-y")
        f.format(Self.ns("2026-01-05 03:04:05.123456"), into: &out)
        // DuckDB 2.0.1's answer for the same format and timestamp.
        #expect(String(decoding: out, as: UTF8.self) ==
            "2026|26|01|1|05|5|03|3|03|AM|04|05|123456|123|+00||005|Mon|Monday|Jan|January|1|1|01|01|02|2026|%|2026-01-05 03:04:05|2026-01-05|03:04:05|123456000|3|5|4|5|26")
        #expect(throws: QueryError.self) { try TimeFormat("%Q") }
        #expect(throws: QueryError.self) { try TimeFormat("abc%") }
    }

    @Test func strptimeParsesAndRefuses() throws {
        func parse(_ text: String, _ format: String) throws -> Int64 {
            var t = text
            return try t.withUTF8 { try TimeFormat(format).parse(UnsafeRawBufferPointer($0)) }
        }
        #expect(try parse("05/01/2026 3:04 PM", "%d/%m/%Y %I:%M %p") == Self.ns("2026-01-05 15:04:00"))
        #expect(try parse("2026-01-05 +0130", "%Y-%m-%d %z") == Self.ns("2026-01-04 22:30:00"))
        #expect(try parse("Mon, 05 Jan 2026 03:04:05.5", "%a, %d %b %Y %H:%M:%S.%f") == Self.ns("2026-01-05 03:04:05.5"))
        #expect(try parse("2026-032", "%Y-%j") == Self.ns("2026-02-01"))
        #expect(throws: QueryError.self) { try parse("garbage", "%Y") }
        #expect(throws: QueryError.self) { try parse("2026-02-30", "%Y-%m-%d") }
        #expect(throws: QueryError.self) { try parse("2026-01-05 extra", "%Y-%m-%d") }
    }

    @Test func strftimeThenStrptimeRoundTrips() throws {
        var rng = SeededRandom(seed: 42)
        let f = try TimeFormat("%Y-%m-%d %H:%M:%S.%n")
        var out: [UInt8] = []
        for _ in 0..<2_000 {
            let t = Int64.random(in: Self.ns("1678-01-01")...Self.ns("2262-01-01"), using: &rng)
            out.removeAll(keepingCapacity: true)
            f.format(t, into: &out)
            let back = try out.withUnsafeBytes { try f.parse($0) }
            #expect(back == t, "\(String(decoding: out, as: UTF8.self))")
        }
    }

    @Test func sqlSurface() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var o = DatabaseOptions()
        o.background = false
        let db = try Database(path: dir.path, options: o)
        defer { try? db.close() }
        var b = BatchBuilder(table: "t")
        b.add(time: Self.ns("2026-03-08T06:30:00Z"), [("v", .int(1))])
        b.add(time: Self.ns("2026-03-08T07:30:00Z"), [("v", .int(2))])
        try db.write([b.batch])
        let e = QueryEngine(database: db)
        func one(_ sql: String) throws -> [String] {
            let r = try e.execute(sql)
            return (0..<r.rowCount).map { i in r.columns.map { c in
                c.vector.isNull(i) ? "NULL" : c.vector.type == .time ? SQLTimestamp.format(c.vector.int64s[i])
                    : c.vector.type == .string ? c.vector.string(at: i) : c.vector.type == .float64 ? String(c.vector.float64s[i]) : String(c.vector.int64s[i])
            }.joined(separator: "|") }
        }
        // The same instants on New York's wall clock: 01:30 EST and 03:30 EDT.
        #expect(try one("SELECT time AT TIME ZONE 'UTC' AT TIME ZONE 'America/New_York' FROM t ORDER BY time") ==
            [SQLTimestamp.format(Self.ns("2026-03-08 01:30:00")), SQLTimestamp.format(Self.ns("2026-03-08 03:30:00"))])
        #expect(try one("SELECT extract(hour FROM timezone('America/New_York', timezone('UTC', time))) AS h FROM t ORDER BY h") == ["1", "3"])
        #expect(try one("SELECT date_part('epoch', time), epoch_ms(time) FROM t WHERE v = 1") == ["1772951400.0|1772951400000"])
        #expect(try one("SELECT strftime(time, '%H:%M'), strftime('%d', time) FROM t WHERE v = 2") == ["07:30|08"])
        #expect(try one("SELECT count(*) FROM t WHERE time = strptime('2026-03-08 07:30', '%Y-%m-%d %H:%M')") == ["1"])
        #expect(try one("SELECT count(*) FROM t WHERE make_timestamp(2026, 3, 8, 6, 30, 0) = time AND epoch_ms(1772951400000) = time AND to_timestamp(1772951400) = time") == ["1"])
        // Local days in New York: both plays fall on 2026-03-08 there.
        #expect(try one("SELECT time_bucket(INTERVAL '1 day', timezone('UTC', time), 'America/New_York') AS d, count(*) FROM t GROUP BY d") ==
            [SQLTimestamp.format(Self.ns("2026-03-08T05:00:00Z")) + "|2"])
        #expect(throws: QueryError.self) { try e.execute("SELECT date_part('fortnight', time) FROM t") }
        #expect(throws: QueryError.self) { try e.execute("SELECT time AT TIME ZONE 'Mars/Olympus' FROM t") }
        #expect(throws: QueryError.self) { try e.execute("SELECT strptime('x', '%Y') FROM t") }
    }
}
