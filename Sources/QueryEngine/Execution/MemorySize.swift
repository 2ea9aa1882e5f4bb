import ColumnStore

/// Estimated bytes of the buffers a query holds, for the per-query memory budget (`QueryControl`).
/// Counts the element storage of arrays (capacity, where growth doubles it), not object headers.
enum MemorySize {
    static func of(_ c: ColumnVector) -> Int {
        c.int64s.capacity * 8 + c.uint64s.capacity * 8 + c.float64s.capacity * 8 + c.bools.capacity
            + c.codes.capacity * 4 + c.offsets.capacity * 4 + c.bytes.capacity + (c.validity?.words.capacity ?? 0) * 8
    }

    /// A vector's own storage: nothing for a constant.
    static func of(_ v: Vec) -> Int { v.constant == nil ? of(v.col) : 0 }

    static func of(_ t: ByteStringTable) -> Int { t.arena.capacity + t.offsets.capacity * 4 + t.count * 24 }
}

extension SelectPlan {
    /// LIMIT + OFFSET: the rows a query needs from the top, saturating instead of overflowing
    /// (`LIMIT 1 OFFSET 9223372036854775807`); nil without LIMIT.
    var rowsNeeded: Int? {
        limit.map { l in
            let (sum, overflow) = l.addingReportingOverflow(offset)
            return overflow ? Int.max : Int(clamping: sum)
        }
    }

    /// OFFSET as a row count.
    var offsetRows: Int { Int(clamping: offset) }
}

/// `a + b` for non-negative counts, saturating at `Int.max`.
@inline(__always) func saturatingAdd(_ a: Int, _ b: Int) -> Int {
    let (s, o) = a.addingReportingOverflow(b)
    return o ? Int.max : s
}

/// `a * b` for non-negative counts, saturating at `Int.max`.
@inline(__always) func saturatingMultiply(_ a: Int, _ b: Int) -> Int {
    let (s, o) = a.multipliedReportingOverflow(by: b)
    return o ? Int.max : s
}
