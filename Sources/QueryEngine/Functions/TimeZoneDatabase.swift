import ColumnStore
import Foundation

/// One time zone's UTC offsets over time, read from the system's tz database (TZif files under
/// /usr/share/zoneinfo, RFC 8536): the file's transitions, then its footer's POSIX rule (e.g.
/// `EST5EDT,M3.2.0,M11.1.0`) spelled out year by year up to 2262, the last year a timestamp can hold.
final class TimeZoneRules: Sendable {
    let name: String
    /// Transition instants (seconds since the epoch, UTC), ascending, and the offset (seconds east of
    /// UTC) in force from each; before the first, `initialOffset`.
    let transitions: [Int64]
    let offsets: [Int32]
    let initialOffset: Int32

    init(name: String, transitions: [Int64], offsets: [Int32], initialOffset: Int32) {
        self.name = name
        self.transitions = transitions
        self.offsets = offsets
        self.initialOffset = initialOffset
    }

    /// The offset at UTC instant `seconds`.
    func offset(utc seconds: Int64) -> Int64 {
        // The last transition at or before `seconds`.
        var lo = 0, hi = transitions.count
        while lo < hi { let mid = (lo + hi) / 2; if transitions[mid] <= seconds { lo = mid + 1 } else { hi = mid } }
        return Int64(lo == 0 ? initialOffset : offsets[lo - 1])
    }

    /// The offset that turns local wall time `seconds` into UTC, as ICU (and so DuckDB) picks it: a wall
    /// time that occurs twice (clocks turned back) is the later instant, one that never occurs (clocks
    /// turned forward) is read with the offset before the change (02:30 → 03:30 in New York).
    func offset(local seconds: Int64) -> Int64 {
        // The last transition whose wall time in its new offset is at or before `seconds`.
        var lo = 0, hi = transitions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if transitions[mid] + Int64(offsets[mid]) <= seconds { lo = mid + 1 } else { hi = mid }
        }
        return Int64(lo == 0 ? initialOffset : offsets[lo - 1])
    }

    static let utc = TimeZoneRules(name: "UTC", transitions: [], offsets: [], initialOffset: 0)
}

/// Time zones by name from the tz database, each file read once and kept.
enum TimeZoneDatabase {
    static let directory = ProcessInfo.processInfo.environment["TZDIR"] ?? "/usr/share/zoneinfo"
    nonisolated(unsafe) private static var cache: [String: TimeZoneRules] = [:]
    private static let lock = NSLock()

    /// The zone named `name` (`America/New_York`, `UTC`, `Europe/Berlin`…; letter case ignored).
    static func zone(_ name: String) throws -> TimeZoneRules {
        let key = name.lowercased()
        if key == "utc" || key == "etc/utc" || key == "z" || key == "gmt" { return .utc }
        if let z = lock.withLock({ cache[key] }) { return z }
        guard let path = file(for: name) else {
            let hint = Suggestions.closest(to: name, in: names()).map { " (did you mean '\($0)'?)" } ?? ""
            throw QueryError("unknown time zone '\(name)'\(hint)")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw QueryError("cannot read time zone '\(name)' from \(path): \(error.localizedDescription)")
        }
        let z = try TZif.parse(Array(data), name: name)
        lock.withLock { cache[key] = z }
        return z
    }

    /// The zone's file: the name as given, else a case-insensitive match among the zone names.
    private static func file(for name: String) -> String? {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else { return nil }
        let exact = directory + "/" + name
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: exact, isDirectory: &isDir), !isDir.boolValue { return exact }
        if let match = names().first(where: { $0.lowercased() == name.lowercased() }) { return directory + "/" + match }
        return nil
    }

    /// Every zone name in the database (from its `tzdata.zi`/`zone1970.tab` index when present, else a walk).
    static func names() -> [String] {
        if let cached = lock.withLock({ nameList }) { return cached }
        var out: [String] = []
        if let e = FileManager.default.enumerator(atPath: directory) {
            for case let p as String in e {
                guard let first = p.first, first.isUppercase, !p.hasPrefix("posix"), !p.hasPrefix("right"), !p.contains(".") else { continue }
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: directory + "/" + p, isDirectory: &isDir), !isDir.boolValue { out.append(p) }
            }
        }
        out.sort()
        lock.withLock { nameList = out }
        return out
    }
    nonisolated(unsafe) private static var nameList: [String]?
}

/// The TZif format (RFC 8536): a version-1 block with 32-bit times, then (version 2+) the same data with
/// 64-bit times and a footer holding a POSIX TZ rule for instants after the last transition.
enum TZif {
    static func parse(_ b: [UInt8], name: String) throws -> TimeZoneRules {
        func fail(_ why: String) -> QueryError { QueryError("time zone file for '\(name)' is not valid TZif: \(why)") }
        guard b.count >= 44, b[0] == 0x54, b[1] == 0x5A, b[2] == 0x69, b[3] == 0x66 else { throw fail("no TZif magic") }
        let version = b[4]
        func be32(_ at: Int) -> Int64 {
            Int64(Int32(bitPattern: UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])))
        }
        func be64(_ at: Int) -> Int64 {
            var v: UInt64 = 0
            for i in 0..<8 { v = v << 8 | UInt64(b[at + i]) }
            return Int64(bitPattern: v)
        }
        func counts(_ at: Int) -> (isut: Int, isstd: Int, leap: Int, time: Int, type: Int, char: Int) {
            (Int(be32(at + 20)), Int(be32(at + 24)), Int(be32(at + 28)), Int(be32(at + 32)), Int(be32(at + 36)), Int(be32(at + 40)))
        }
        var header = 0
        var c = counts(0)
        var timeSize = 4
        if version >= 0x32 {  // '2' or later: skip the 32-bit block, read the 64-bit one
            let v1 = 44 + c.time * 4 + c.time + c.type * 6 + c.char + c.leap * 8 + c.isstd + c.isut
            guard b.count >= v1 + 44 else { throw fail("truncated after the version-1 block") }
            header = v1
            c = counts(header)
            timeSize = 8
        }
        let times = header + 44
        let indices = times + c.time * timeSize
        let types = indices + c.time
        let end = types + c.type * 6 + c.char + c.leap * (timeSize + 4) + c.isstd + c.isut
        guard c.type > 0, b.count >= end else { throw fail("truncated data block") }
        let typeOffsets = (0..<c.type).map { Int32(be32(types + $0 * 6)) }
        var transitions: [Int64] = []
        var offsets: [Int32] = []
        for i in 0..<c.time {
            let t = timeSize == 8 ? be64(times + i * 8) : be32(times + i * 4)
            let k = Int(b[indices + i])
            guard k < c.type else { throw fail("transition type \(k) out of range") }
            transitions.append(t)
            offsets.append(typeOffsets[k])
        }
        // Before the first transition: the first type (RFC 8536 3.2).
        let initial = typeOffsets[0]
        if timeSize == 8, end < b.count, b[end] == 0x0A, let close = b[(end + 1)...].firstIndex(of: 0x0A) {
            let footer = String(decoding: b[(end + 1)..<close], as: UTF8.self)
            if let rule = PosixTZ(footer) {
                let from = transitions.last ?? Int64.min
                let firstYear = transitions.isEmpty ? 1677 : Day.civil(Int32(TimeBucket.floorDiv(from, 86_400))).year
                if transitions.isEmpty && rule.dst == nil { return TimeZoneRules(name: name, transitions: [], offsets: [], initialOffset: rule.standard) }
                for (t, o) in rule.transitions(years: firstYear...2262) where t > from {
                    transitions.append(t)
                    offsets.append(o)
                }
                if transitions.isEmpty { return TimeZoneRules(name: name, transitions: [], offsets: [], initialOffset: rule.standard) }
            }
        }
        return TimeZoneRules(name: name, transitions: transitions, offsets: offsets, initialOffset: initial)
    }
}

/// A POSIX TZ rule as TZif footers hold it: `STDoffset[DST[offset][,start[/time],end[/time]]]` with
/// `Mm.w.d` dates (the only form tzdata writes). Offsets are stored east of UTC (POSIX writes them west).
struct PosixTZ {
    var standard: Int32
    var dst: (offset: Int32, start: DateRule, end: DateRule)?

    /// Month m, week w (5 = last), weekday d (0 = Sunday), at `time` seconds of local wall time.
    struct DateRule { var month: Int, week: Int, weekday: Int, time: Int64 }

    init?(_ text: String) {
        var s = Substring(text)
        guard Self.skipName(&s), let std = Self.offset(&s) else { return nil }
        standard = Int32(-std)
        if s.isEmpty { dst = nil; return }
        guard Self.skipName(&s) else { return nil }
        var dstOffset = -std + 3600
        if let first = s.first, first != "," { guard let o = Self.offset(&s) else { return nil }; dstOffset = -o }
        guard s.first == "," else { return nil }
        s.removeFirst()
        guard let start = Self.date(&s), s.first == "," else { return nil }
        s.removeFirst()
        guard let end = Self.date(&s), s.isEmpty else { return nil }
        dst = (Int32(dstOffset), start, end)
    }

    /// Transitions (UTC instant, offset from then on) of the years given.
    func transitions(years: ClosedRange<Int>) -> [(Int64, Int32)] {
        guard let dst else { return [] }
        var out: [(Int64, Int32)] = []
        for y in years {
            let on = Self.wallSeconds(y, dst.start) - Int64(standard)
            let off = Self.wallSeconds(y, dst.end) - Int64(dst.offset)
            out.append((on, dst.offset))
            out.append((off, standard))
        }
        return out.sorted { $0.0 < $1.0 }
    }

    /// Seconds since the epoch of the rule's wall time in year y (as if the wall clock were UTC).
    static func wallSeconds(_ y: Int, _ r: DateRule) -> Int64 {
        let first = Int(Day.from(year: y, month: r.month, day: 1))
        let firstWeekday = ((first % 7) + 11) % 7  // 1970-01-01 was a Thursday (4)
        var day = 1 + (r.weekday - firstWeekday + 7) % 7 + (r.week - 1) * 7
        let days = Day.daysIn(month: r.month, year: y)
        while day > days { day -= 7 }
        return Int64(first + day - 1) * 86_400 + r.time
    }

    private static func skipName(_ s: inout Substring) -> Bool {
        if s.first == "<" {
            guard let close = s.firstIndex(of: ">") else { return false }
            s = s[s.index(after: close)...]
            return true
        }
        let n = s.prefix { $0.isLetter }
        guard n.count >= 3 else { return false }
        s = s.dropFirst(n.count)
        return true
    }

    /// `[+-]hh[:mm[:ss]]` as seconds (POSIX sign: positive is west of Greenwich).
    private static func offset(_ s: inout Substring) -> Int64? {
        var sign: Int64 = 1
        if s.first == "+" { s.removeFirst() } else if s.first == "-" { sign = -1; s.removeFirst() }
        var parts: [Int64] = []
        while parts.count < 3 {
            let digits = s.prefix { $0.isNumber }
            guard !digits.isEmpty, let v = Int64(digits) else { return nil }
            parts.append(v)
            s = s.dropFirst(digits.count)
            guard s.first == ":" else { break }
            s.removeFirst()
        }
        while parts.count < 3 { parts.append(0) }
        return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])
    }

    private static func date(_ s: inout Substring) -> DateRule? {
        guard s.first == "M" else { return nil }
        s.removeFirst()
        let fields = s.prefix { $0.isNumber || $0 == "." }.split(separator: ".").compactMap { Int($0) }
        guard fields.count == 3, (1...12).contains(fields[0]), (1...5).contains(fields[1]), (0...6).contains(fields[2]) else { return nil }
        s = s.dropFirst(s.prefix { $0.isNumber || $0 == "." }.count)
        var time: Int64 = 7200
        if s.first == "/" {
            s.removeFirst()
            guard let t = offset(&s) else { return nil }
            time = t
        }
        return DateRule(month: fields[0], week: fields[1], weekday: fields[2], time: time)
    }
}
