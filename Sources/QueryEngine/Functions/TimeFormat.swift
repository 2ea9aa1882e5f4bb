import ColumnStore

/// A `strftime`/`strptime` format compiled once per query: literal bytes and `%` specifiers with
/// DuckDB's meanings (`%Y-%m-%d %H:%M:%S`, `%-d` without padding, `%f` µs, `%g` ms, `%n` ns, …).
struct TimeFormat: Sendable {
    enum Item: Sendable, Equatable {
        case literal([UInt8])
        /// A specifier letter; `padded` false for the `%-x` forms.
        case spec(UInt8, padded: Bool)
    }

    let items: [Item]
    let text: String

    static let specifiers = Array("aAwudbhBmyYHIpMSfgnzZjUWVGcxX".utf8)

    init(_ text: String) throws {
        self.text = text
        var items: [Item] = []
        var literal: [UInt8] = []
        let b = Array(text.utf8)
        var i = 0
        while i < b.count {
            guard b[i] == UInt8(ascii: "%") else { literal.append(b[i]); i += 1; continue }
            i += 1
            guard i < b.count else { throw QueryError("format '\(text)' ends in a lone %") }
            if b[i] == UInt8(ascii: "%") { literal.append(b[i]); i += 1; continue }
            var padded = true
            if b[i] == UInt8(ascii: "-") { padded = false; i += 1 }
            guard i < b.count, Self.specifiers.contains(b[i]) else {
                let spec = i < b.count ? String(decoding: [b[i]], as: UTF8.self) : ""
                throw QueryError("unknown specifier %\(padded ? "" : "-")\(spec) in format '\(text)'")
            }
            if !literal.isEmpty { items.append(.literal(literal)); literal = [] }
            items.append(.spec(b[i], padded: padded))
            i += 1
        }
        if !literal.isEmpty { items.append(.literal(literal)) }
        self.items = items
    }

    static let days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"].map { Array($0.utf8) }
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                         "November", "December"].map { Array($0.utf8) }

    // MARK: formatting

    // swiftlint:disable force_try
    static let dateAndTime = try! TimeFormat("%Y-%m-%d %H:%M:%S")
    static let date = try! TimeFormat("%Y-%m-%d")
    static let time = try! TimeFormat("%H:%M:%S")
    // swiftlint:enable force_try

    /// Appends timestamp `ns` formatted to `out` (a reused buffer: no allocation per row once it has grown).
    func format(_ ns: Int64, into out: inout [UInt8]) {
        let c = CivilTime(ns)
        func number(_ v: Int, _ width: Int, _ padded: Bool) {
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var x = abs(v), n = 0
            withUnsafeMutableBytes(of: &digits) { d in
                repeat { d[n] = UInt8(ascii: "0") + UInt8(x % 10); x /= 10; n += 1 } while x > 0 && n < 12
                if v < 0 { out.append(UInt8(ascii: "-")) }
                if padded { for _ in n..<max(n, width) { out.append(UInt8(ascii: "0")) } }
                for k in stride(from: n - 1, through: 0, by: -1) { out.append(d[k]) }
            }
        }
        for item in items {
            switch item {
            case let .literal(l): out.append(contentsOf: l)
            case let .spec(s, padded):
                switch s {
                case UInt8(ascii: "Y"): number(c.year, 4, padded)
                case UInt8(ascii: "y"): number(((c.year % 100) + 100) % 100, 2, padded)
                case UInt8(ascii: "m"): number(c.month, 2, padded)
                case UInt8(ascii: "d"): number(c.day, 2, padded)
                case UInt8(ascii: "H"): number(c.hour, 2, padded)
                case UInt8(ascii: "I"): number(c.hour % 12 == 0 ? 12 : c.hour % 12, 2, padded)
                case UInt8(ascii: "p"): out.append(contentsOf: c.hour < 12 ? Array("AM".utf8) : Array("PM".utf8))
                case UInt8(ascii: "M"): number(c.minute, 2, padded)
                case UInt8(ascii: "S"): number(c.second, 2, padded)
                case UInt8(ascii: "f"): number(c.nanos / 1000, 6, true)
                case UInt8(ascii: "g"): number(c.nanos / 1_000_000, 3, true)
                case UInt8(ascii: "n"): number(c.nanos, 9, true)
                case UInt8(ascii: "z"): out.append(contentsOf: Array("+00".utf8))
                case UInt8(ascii: "Z"): break
                case UInt8(ascii: "j"): number(c.dayOfYear, 3, padded)
                case UInt8(ascii: "a"): out.append(contentsOf: Self.days[c.weekday].prefix(3))
                case UInt8(ascii: "A"): out.append(contentsOf: Self.days[c.weekday])
                case UInt8(ascii: "w"): number(c.weekday, 1, padded)
                case UInt8(ascii: "u"): number(c.isoWeekday, 1, padded)
                case UInt8(ascii: "b"), UInt8(ascii: "h"): out.append(contentsOf: Self.months[c.month - 1].prefix(3))
                case UInt8(ascii: "B"): out.append(contentsOf: Self.months[c.month - 1])
                case UInt8(ascii: "U"), UInt8(ascii: "W"):
                    // Weeks of the year starting on Sunday (%U) or Monday (%W); days before the first are week 0.
                    let wd = s == UInt8(ascii: "U") ? c.weekday : (c.weekday + 6) % 7
                    number((c.dayOfYear - 1 - wd + 7) / 7, 2, padded)
                case UInt8(ascii: "V"): number(c.isoWeek.week, 2, padded)
                case UInt8(ascii: "G"): number(c.isoWeek.year, 4, padded)
                case UInt8(ascii: "c"): Self.dateAndTime.format(ns, into: &out)
                case UInt8(ascii: "x"): Self.date.format(ns, into: &out)
                case UInt8(ascii: "X"): Self.time.format(ns, into: &out)
                default: break
                }
            }
        }
    }

    // MARK: parsing

    /// The timestamp `text` spells in this format (a `%z` offset turns it into UTC).
    func parse(_ text: UnsafeRawBufferPointer) throws -> Int64 {
        var at = 0
        var year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0, nanos: Int64 = 0
        var dayOfYear: Int?
        var pm: Bool?
        var offset: Int64 = 0
        func fail(_ why: String) -> QueryError {
            let shown = String(decoding: text, as: UTF8.self)
            return QueryError("could not parse '\(shown)' with format '\(self.text)' at position \(at + 1): \(why)")
        }
        func digits(_ most: Int) throws -> (value: Int, count: Int) {
            var v = 0, n = 0
            while n < most, at < text.count, text[at] >= 48, text[at] <= 57 { v = v * 10 + Int(text[at] - 48); at += 1; n += 1 }
            if n == 0 { throw fail("expected a number") }
            return (v, n)
        }
        func word(_ names: [[UInt8]]) throws -> Int {
            for (k, full) in names.enumerated() {
                for candidate in [full, Array(full.prefix(3))] where at + candidate.count <= text.count {
                    var same = true
                    for (i, ch) in candidate.enumerated() where foldASCII(text[at + i]) != foldASCII(ch) { same = false; break }
                    if same { at += candidate.count; return k }
                }
            }
            throw fail("expected a name")
        }
        for item in items {
            switch item {
            case let .literal(l):
                for ch in l {
                    if ch == UInt8(ascii: " ") {  // a space matches any run of white space
                        while at < text.count, text[at] == 32 || text[at] == 9 { at += 1 }
                        continue
                    }
                    guard at < text.count, text[at] == ch else { throw fail("expected '\(String(decoding: [ch], as: UTF8.self))'") }
                    at += 1
                }
            case let .spec(s, _):
                switch s {
                case UInt8(ascii: "Y"):
                    var negative = false
                    if at < text.count, text[at] == UInt8(ascii: "-") { negative = true; at += 1 }
                    let y = try digits(6).value
                    year = negative ? -y : y
                case UInt8(ascii: "y"): let y = try digits(2).value; year = y < 69 ? 2000 + y : 1900 + y
                case UInt8(ascii: "m"): month = try digits(2).value
                case UInt8(ascii: "d"): day = try digits(2).value
                case UInt8(ascii: "H"): hour = try digits(2).value
                case UInt8(ascii: "I"): hour = try digits(2).value
                case UInt8(ascii: "M"): minute = try digits(2).value
                case UInt8(ascii: "S"): second = try digits(2).value
                case UInt8(ascii: "f"), UInt8(ascii: "g"), UInt8(ascii: "n"):
                    let most = s == UInt8(ascii: "g") ? 3 : s == UInt8(ascii: "f") ? 6 : 9
                    let (v, n) = try digits(most)
                    var ns = Int64(v)
                    for _ in n..<9 { ns *= 10 }
                    nanos = ns
                case UInt8(ascii: "j"): dayOfYear = try digits(3).value
                case UInt8(ascii: "p"):
                    guard at + 2 <= text.count else { throw fail("expected AM or PM") }
                    let a = foldASCII(text[at]), m = foldASCII(text[at + 1])
                    guard (a == UInt8(ascii: "a") || a == UInt8(ascii: "p")) && m == UInt8(ascii: "m") else { throw fail("expected AM or PM") }
                    pm = a == UInt8(ascii: "p")
                    at += 2
                case UInt8(ascii: "b"), UInt8(ascii: "h"), UInt8(ascii: "B"): month = try word(Self.months) + 1
                case UInt8(ascii: "a"), UInt8(ascii: "A"): _ = try word(Self.days)
                case UInt8(ascii: "w"), UInt8(ascii: "u"): _ = try digits(1)
                case UInt8(ascii: "z"):
                    if at < text.count, text[at] == UInt8(ascii: "Z") { at += 1; break }
                    guard at < text.count, text[at] == UInt8(ascii: "+") || text[at] == UInt8(ascii: "-") else { throw fail("expected ±HH[MM]") }
                    let sign: Int64 = text[at] == UInt8(ascii: "-") ? -1 : 1
                    at += 1
                    let h = try digits(2).value
                    var m = 0
                    if at < text.count, text[at] == UInt8(ascii: ":") { at += 1 }
                    if at < text.count, text[at] >= 48, text[at] <= 57 { m = try digits(2).value }
                    offset = sign * Int64(h * 3600 + m * 60)
                case UInt8(ascii: "Z"):
                    while at < text.count, text[at] != 32 { at += 1 }
                default:
                    throw fail("%\(String(decoding: [s], as: UTF8.self)) cannot be parsed")
                }
            }
        }
        guard at == text.count else { throw fail("unexpected text after the format") }
        if let pm {
            guard (1...12).contains(hour) else { throw fail("hour \(hour) is not 1–12 with AM/PM") }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        guard (1...12).contains(month) else { throw fail("month \(month) out of range") }
        var dayNumber: Int
        if let doy = dayOfYear {
            let days = Day.daysIn(month: 2, year: year) == 29 ? 366 : 365
            guard (1...days).contains(doy) else { throw fail("day of year \(doy) out of range") }
            dayNumber = Int(Day.from(year: year, month: 1, day: 1)) + doy - 1
        } else {
            guard (1...Day.daysIn(month: month, year: year)).contains(day) else { throw fail("day \(day) out of range for month \(month)") }
            dayNumber = Int(Day.from(year: year, month: month, day: day))
        }
        guard hour < 24, minute < 60, second < 60 else { throw fail("time \(hour):\(minute):\(second) out of range") }
        let seconds = Int128(dayNumber) * 86_400 + Int128(hour * 3600 + minute * 60 + second) - Int128(offset)
        guard let ns = Int64(exactly: seconds * 1_000_000_000 + Int128(nanos)) else {
            throw fail("the timestamp is outside 1677-09-21 … 2262-04-11")
        }
        return ns
    }
}
