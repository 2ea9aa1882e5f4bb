import Foundation
import Testing
@testable import tsdb_cli

/// The synthetic play-event generator: determinism, line format, and the shape of its statistics.
@Suite struct GeneratorTests {
    /// A small catalogue keeps debug-build setup fast; the sampling code is the same at any size.
    static func generator(seed: UInt64 = 42, days: Int = 365) throws -> PlayEventGenerator {
        try PlayEventGenerator(seed: seed, days: days, artists: 500, tracks: 20_000, users: 100_000)
    }

    static func lines(_ bytes: [UInt8]) -> [Substring] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    }

    /// Splits on `sep` where it is not escaped by a backslash.
    static func splitUnescaped(_ s: Substring, _ sep: Character) -> [Substring] {
        var parts: [Substring] = []
        var start = s.startIndex, i = s.startIndex, escaped = false
        while i < s.endIndex {
            let c = s[i]
            if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == sep {
                parts.append(s[start..<i]); start = s.index(after: i)
            }
            i = s.index(after: i)
        }
        parts.append(s[start...])
        return parts
    }

    /// One parsed line: the tags in order, the fields in order, the timestamp.
    struct Line { var tags: [(String, String)]; var fields: [(String, String)]; var time: Int64 }

    static func parse(_ line: Substring) -> Line? {
        let parts = splitUnescaped(line, " ")
        guard parts.count == 3, let time = Int64(parts[2]) else { return nil }
        let series = splitUnescaped(parts[0], ",")
        guard series.first == "plays" else { return nil }
        var tags: [(String, String)] = []
        for kv in series.dropFirst() {
            let p = splitUnescaped(kv, "=")
            guard p.count == 2 else { return nil }
            tags.append((String(p[0]), String(p[1])))
        }
        var fields: [(String, String)] = []
        for kv in parts[1].split(separator: ",") {
            guard let eq = kv.firstIndex(of: "=") else { return nil }
            fields.append((String(kv[..<eq]), String(kv[kv.index(after: eq)...])))
        }
        return Line(tags: tags, fields: fields, time: time)
    }

    @Test func sameSeedSameBytesWhateverTheChunkSize() throws {
        let a = try Self.generator(seed: 7).lines(rows: 5_000)
        var b: [UInt8] = []
        var chunks = 0
        try Self.generator(seed: 7).write(rows: 5_000, chunkBytes: 1_000) { chunk in
            #expect(chunk.last == 0x0A, "a chunk ends with a whole line")
            b.append(contentsOf: chunk); chunks += 1
        }
        #expect(a == b)
        #expect(chunks > 100)
        #expect(try Self.generator(seed: 8).lines(rows: 5_000) != a)
        // A prefix of rows is not a prefix of the output (times are spread over the whole range),
        // but it is deterministic too.
        #expect(try Self.generator(seed: 7).lines(rows: 10) == Self.generator(seed: 7).lines(rows: 10))
    }

    @Test func zeroRowsWriteNothing() throws {
        var called = false
        try Self.generator().write(rows: 0) { _ in called = true }
        #expect(!called)
    }

    @Test func badArgumentsAreTypedErrors() {
        #expect(throws: PlayEventGenerator.Error.self) { try PlayEventGenerator(days: 0) }
        #expect(throws: PlayEventGenerator.Error.self) { try PlayEventGenerator(days: 10, end: 86_400_000_000_000) }
        #expect(throws: PlayEventGenerator.Error.self) { try PlayEventGenerator(users: 0) }
    }

    @Test func everyLineHasGenPlaysFormatAndPlausibleValues() throws {
        let g = try Self.generator(days: 30)
        let lines = Self.lines(g.lines(rows: 20_000))
        #expect(lines.count == 20_000)
        var maxSoFar = Int64.min
        for line in lines {
            let p = try #require(Self.parse(line), "unparseable: \(line)")
            #expect(p.tags.map(\.0) == ["artist", "track", "platform", "country", "device"])
            #expect(p.fields.map(\.0) == ["user_id", "duration_ms", "completed", "skipped", "liked", "revenue"])
            let f = Dictionary(uniqueKeysWithValues: p.fields)
            let user = f["user_id"]!
            #expect(user.count == 10 && user.hasPrefix("\"u") && user.hasSuffix("\"") && Int(user.dropFirst(2).dropLast()) != nil)
            let d = f["duration_ms"]!
            #expect(d.hasSuffix("i"))
            let duration = try #require(Int(d.dropLast()))
            for b in ["completed", "skipped", "liked"] { #expect(f[b] == "true" || f[b] == "false") }
            let skipped = f["skipped"] == "true", completed = f["completed"] == "true"
            #expect(!(skipped && completed))
            if skipped { #expect((1_000..<30_000).contains(duration)) } else { #expect((36_000..<360_000).contains(duration)) }
            let revenueText = f["revenue"]!
            let revenue = try #require(Double(revenueText))
            // Python's repr of a float rounded to 6 decimals: shortest digits, at least one after the point.
            #expect(revenueText == (revenue == 0 ? "0.0" : String(format: "%.6f", revenue).replacingOccurrences(of: "0+$", with: "", options: .regularExpression)))
            if skipped { #expect(revenue == 0) } else { #expect(revenue >= 0.0008 * 0.8 - 1e-9 && revenue <= 0.0125 * 1.2 + 1e-9) }
            #expect(p.time >= g.start && p.time < g.end)
            if p.time >= maxSoFar { maxSoFar = p.time } else {
                #expect(maxSoFar - p.time < PlaySchema.lateMaxNanos, "late by less than 48 h")
            }
            #expect(PlaySchema.platforms.contains(p.tags[2].1))
            #expect(PlaySchema.countries.contains(p.tags[3].1))
            #expect(PlaySchema.devices.contains(p.tags[4].1))
        }
    }

    @Test func statisticsHaveGenPlaysShape() throws {
        let g = try Self.generator()
        let lines = Self.lines(g.lines(rows: 60_000))
        let n = Double(lines.count)
        var platforms: [String: Int] = [:], devices: [String: Int] = [:], countries: [String: Int] = [:]
        var skipped = 0, completed = 0, liked = 0, late = 0, escapedArtists = 0, escapedTracks = 0
        var maxSoFar = Int64.min
        var firstMonth = 0, lastMonth = 0
        var hours = [Int](repeating: 0, count: 24)
        for line in lines {
            let p = Self.parse(line)!
            platforms[p.tags[2].1, default: 0] += 1
            countries[p.tags[3].1, default: 0] += 1
            devices[p.tags[4].1, default: 0] += 1
            if p.tags[0].1.contains("\\,") { escapedArtists += 1 }
            if p.tags[1].1.hasPrefix("Song\\ ") { escapedTracks += 1 }
            let f = Dictionary(uniqueKeysWithValues: p.fields)
            if f["skipped"] == "true" { skipped += 1 }
            if f["completed"] == "true" { completed += 1 }
            if f["liked"] == "true" { liked += 1 }
            if p.time < maxSoFar { late += 1 } else { maxSoFar = p.time }
            let day = (p.time - g.start) / PlayEventGenerator.dayNanos
            if day < 30 { firstMonth += 1 } else if day >= 335 { lastMonth += 1 }
            hours[Int((p.time / 3_600_000_000_000) % 24)] += 1
        }
        for (name, w) in zip(PlaySchema.platforms, PlaySchema.platformWeights) {
            #expect(abs(Double(platforms[name] ?? 0) / n - w) < 0.01, "platform \(name)")
        }
        for (name, w) in zip(PlaySchema.devices, PlaySchema.deviceWeights) {
            #expect(abs(Double(devices[name] ?? 0) / n - w) < 0.01, "device \(name)")
        }
        let h = PlaySchema.zipfWeights(PlaySchema.countries.count, 1).reduce(0, +)
        #expect(abs(Double(countries["US"] ?? 0) / n - 1 / h) < 0.01)
        #expect(abs(Double(countries["GB"] ?? 0) / n - 0.5 / h) < 0.01)
        #expect(abs(Double(skipped) / n - 0.23) < 0.01)
        #expect(abs(Double(completed) / n - 0.77 * 0.71) < 0.01)
        #expect(abs(Double(liked) / n - 0.03) < 0.005)
        // A late row hides among rows less than 48 h older, so a few go unnoticed by this count.
        #expect(Double(late) / n > 0.015 && Double(late) / n < 0.021)
        #expect(escapedArtists > 0 && escapedTracks > 0)
        // Growth from weight 1 to 2 over the year: the last month has ~1.9x the plays of the first.
        let growth = Double(lastMonth) / Double(firstMonth)
        #expect(growth > 1.75 && growth < 2.05, "growth \(growth)")
        // The diurnal curve: 19:00–20:00 UTC is ten times 01:00–02:00.
        let ratio = Double(hours[19]) / Double(hours[1])
        #expect(ratio > 8 && ratio < 12.5, "hour ratio \(ratio)")
    }

    @Test func revenueIsPrintedLikePythonRepr() {
        var buf = [UInt8](repeating: 0, count: 32)
        func text(_ micros: UInt64) -> String {
            buf.withUnsafeMutableBufferPointer { b in
                let n = PlayEventGenerator.writeMicros(micros, to: b.baseAddress!)
                return String(decoding: b[..<n], as: UTF8.self)
            }
        }
        #expect(text(0) == "0.0")
        #expect(text(10_000) == "0.01")
        #expect(text(4_123) == "0.004123")
        #expect(text(15_000) == "0.015")
        #expect(text(3_500_000) == "3.5")
        #expect(text(12_000_000) == "12.0")
        #expect(text(640) == "0.00064")
        var rng = Xoshiro256(seed: 1)
        for _ in 0..<1_000 {
            let m = rng.below(100_000_000)
            // Reads back as the Double numpy's round(x, 6) would hold: the one nearest m / 10^6.
            #expect(Double(text(m)) == Double(m) / 1e6)
        }
    }

    @Test func decimalDigitsMatchStringForAnyValue() {
        var buf = [UInt8](repeating: 0, count: 32)
        var rng = Xoshiro256(seed: 3)
        var values: [UInt64] = [0, 1, 9, 10, 99, 100, 9_999, 10_000, .max, .max - 1, 1_795_219_200_000_000_000]
        for _ in 0..<2_000 { values.append(rng.next() >> rng.below(64)) }
        for v in values {
            let n = buf.withUnsafeMutableBufferPointer { DecimalDigits.write(v, to: $0.baseAddress!) }
            #expect(String(decoding: buf[..<n], as: UTF8.self) == String(v))
            #expect(DecimalDigits.count(v) == String(v).count)
        }
        let n = buf.withUnsafeMutableBufferPointer { DecimalDigits.write(42, width: 7, to: $0.baseAddress!) }
        #expect(String(decoding: buf[..<n], as: UTF8.self) == "0000042")
    }

    @Test func tagEscapingAndNames() {
        #expect(PlaySchema.artistName(97) == "The 0097s, Live=Loud")
        #expect(PlaySchema.artistName(98) == "Artist 0098")
        #expect(PlaySchema.trackName(1013) == "Song 001013 (feat. X, Y)")
        #expect(PlaySchema.trackName(12) == "Track 000012")
        #expect(PlayEventGenerator.escapeTag("The 0097s, Live=Loud") == #"The\ 0097s\,\ Live\=Loud"#)
        #expect(PlayEventGenerator.escapeTag(#"a\b"#) == #"a\\b"#)
    }

    @Test func parseDateAgreesWithFoundation() throws {
        #expect(PlayEventGenerator.parseDate("1970-01-01") == 0)
        #expect(PlayEventGenerator.parseDate("2026-11-21") == PlayEventGenerator.defaultEnd)
        #expect(PlayEventGenerator.parseDate("2025-11-21") == Int64(1_763_683_200) * 1_000_000_000)
        #expect(PlayEventGenerator.parseDate("2024-02-29") != nil)
        for bad in ["2023-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "2026-01-32", "x", "2026/01/01", ""] {
            #expect(PlayEventGenerator.parseDate(bad) == nil, "\(bad)")
        }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        var rng = Xoshiro256(seed: 5)
        for _ in 0..<500 {
            let days = Int(rng.below(200_000)) - 50_000  // 1833 … 2517
            let date = Date(timeIntervalSince1970: Double(days) * 86_400)
            let c = cal.dateComponents([.year, .month, .day], from: date)
            #expect(PlayEventGenerator.daysFromCivil(year: c.year!, month: c.month!, day: c.day!) == days)
        }
    }

    @Test func aliasTableDrawsInProportion() {
        let t = AliasTable(weights: [1, 2, 3, 4, 0], values: [10, 20, 30, 40, 50])
        var counts: [UInt32: Int] = [:]
        var rng = Xoshiro256(seed: 9)
        let n = 100_000
        for _ in 0..<n { counts[t.sample(rng.next()), default: 0] += 1 }
        #expect(counts[50] == nil)
        for (v, w) in [(10, 0.1), (20, 0.2), (30, 0.3), (40, 0.4)] {
            #expect(abs(Double(counts[UInt32(v)] ?? 0) / Double(n) - w) < 0.01)
        }
        let one = AliasTable(weights: [5])
        #expect(one.sample(.max) == 0 && one.sample(0) == 0)
    }

    @Test func sortedTimesAscendAndFollowTheWeights() {
        var s = SortedTimeSampler(weights: [1, 0, 3], start: 1_000, bucketNanos: 100, count: 40_000)
        var rng = Xoshiro256(seed: 11)
        var prev = Int64.min
        var counts = [0, 0, 0]
        for _ in 0..<40_000 {
            let t = s.next(&rng)
            #expect(t >= prev && t >= 1_000 && t < 1_300)
            prev = t
            counts[Int((t - 1_000) / 100)] += 1
        }
        #expect(counts[1] == 0)
        #expect(abs(Double(counts[0]) / 40_000 - 0.25) < 0.01)
    }
}
