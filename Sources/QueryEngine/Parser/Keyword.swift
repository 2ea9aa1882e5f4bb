/// A word with a meaning in the grammar. Reserved ones can't name a column or alias unless double-quoted;
/// the others (SHOW, INTERVAL, NULLS, …) are keywords only where the grammar expects them.
enum Keyword: UInt8, Sendable, CaseIterable {
    // Reserved: the grammar would be ambiguous if these could be identifiers (PostgreSQL reserves them too).
    case all, and, `as`, asc, between, by, `case`, cast, desc, distinct, `else`, end, `except`, `false`, from,
         group, having, ilike, `in`, intersect, `is`, like, limit, not, null, offset, on, or, order, select,
         then, `true`, union, when, `where`, with
    // Contextual: identifiers everywhere except the one place the grammar looks for them.
    case describe, explain, first, interval, last, nulls, show, tables, timestamp
    // Join words are contextual too, so `left(s, 2)` and `right(s, 2)` stay function calls; they are
    // never taken as a bare alias.
    case join, inner, left, right, full, outer, cross, using, natural

    var isReserved: Bool { rawValue <= Keyword.with.rawValue }

    /// The keyword as written in SQL (upper case), for messages and printing.
    var text: String { String(describing: self).uppercased() }

    /// Keyword spellings (lower case ASCII) bucketed by length, for allocation-free lookup.
    private static let byLength: [[(bytes: [UInt8], keyword: Keyword)]] = {
        var table = [[(bytes: [UInt8], keyword: Keyword)]](repeating: [], count: 10)
        for keyword in Keyword.allCases {
            let bytes = Array(String(describing: keyword).utf8)
            table[bytes.count].append((bytes, keyword))
        }
        return table
    }()

    /// The keyword spelled by `bytes[range]` in any letter case, or nil.
    static func lookup(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Keyword? {
        guard range.count < byLength.count else { return nil }
        for entry in byLength[range.count] {
            var index = range.lowerBound
            var same = true
            for expected in entry.bytes {
                if foldASCII(bytes[index]) != expected {
                    same = false
                    break
                }
                index &+= 1
            }
            if same { return entry.keyword }
        }
        return nil
    }
}

/// ASCII-only lower-casing: identifiers fold like PostgreSQL's in UTF-8 (non-ASCII letters keep their case).
@inline(__always)
func foldASCII(_ byte: UInt8) -> UInt8 {
    byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
}
