import ColumnStore
import LineProtocol

/// One column of a table being batched: typed values appended in row order, NULL-padded lazily.
///
/// A column only learns about rows that lack it when its next value (or the batch end) arrives:
/// `append(…, row:)` first pads the gap with NULLs, which also back-fills a column first seen
/// mid-batch. `truncate(to:)` takes back the value of a line that was then rejected.
struct ColumnBuilder {
    let name: String
    let type: ColumnType
    private(set) var count = 0
    private var nulls = 0
    /// Bit i set = row i present; kept only once a NULL appears.
    private var validity: [UInt64] = []
    private var int64s: [Int64] = []
    private var uint64s: [UInt64] = []
    private var float64s: [Double] = []
    private var bools: [UInt8] = []
    private var codes: [UInt32] = []
    private var offsets: [UInt32] = [0]
    private var bytes: [UInt8] = []
    /// Tag values of a `.symbol` column, interned from the raw input bytes.
    private var symbols: SymbolInterner
    /// Set when a rejected line may have left a symbol no row uses.
    private var symbolsMayBeUnused = false
    /// Tag values whose codes are not yet filled in (see `appendTag`).
    private var pending: [PendingTag] = []

    /// A tag value waiting to be interned: its row and raw bytes in the input buffer.
    struct PendingTag {
        var row: Int
        var start: UnsafePointer<UInt8>
        var count: Int
    }

    /// Tag values interned in one go: the lookups are independent, so their cache misses overlap.
    static let pendingLimit = 256

    init(name: UnsafeRawBufferPointer, type: ColumnType, seed: UInt64) {
        self.name = String(decoding: name, as: UTF8.self)
        self.type = type
        symbols = SymbolInterner(seed: seed)
    }

    /// Makes room for `rows` rows in all, so that a big batch is not copied on every doubling.
    mutating func reserve(rows: Int) {
        guard rows > count else { return }
        switch type {
        case .time, .int64, .date: int64s.reserveCapacity(rows)
        case .uint64: uint64s.reserveCapacity(rows)
        case .float64: float64s.reserveCapacity(rows)
        case .bool: bools.reserveCapacity(rows)
        case .symbol: codes.reserveCapacity(rows)
        case .string:
            offsets.reserveCapacity(rows + 1)
            if count > 0 { bytes.reserveCapacity(bytes.count / count * rows + bytes.count / count) }
        }
    }

    /// Appends NULLs until the column has `row` rows.
    @inline(__always)
    mutating func padNulls(to row: Int) {
        if count < row { _padNulls(row - count) }
    }

    private mutating func _padNulls(_ n: Int) {
        let row = count + n
        if nulls == 0 {
            validity = [UInt64](repeating: ~0, count: (count + 63) >> 6)
            if count & 63 != 0 { validity[validity.count - 1] = (1 << UInt64(count & 63)) &- 1 }
        }
        let words = (row + 63) >> 6
        if words > validity.count { validity.append(contentsOf: repeatElement(0, count: words - validity.count)) }
        nulls += n
        count = row
        switch type {
        case .time, .int64, .date: int64s.append(contentsOf: repeatElement(0, count: n))
        case .uint64: uint64s.append(contentsOf: repeatElement(0, count: n))
        case .float64: float64s.append(contentsOf: repeatElement(0, count: n))
        case .bool: bools.append(contentsOf: repeatElement(0, count: n))
        case .symbol: codes.append(contentsOf: repeatElement(0, count: n))
        case .string:
            offsets.append(contentsOf: repeatElement(UInt32(truncatingIfNeeded: bytes.count), count: n))
        }
    }

    @inline(__always)
    private mutating func markValid() {
        if nulls > 0 {
            let w = count >> 6
            if w == validity.count { validity.append(0) }
            validity[w] |= 1 << UInt64(count & 63)
        }
        count += 1
    }

    @inline(__always)
    private func isValid(_ i: Int) -> Bool { nulls == 0 || validity[i >> 6] >> UInt64(i & 63) & 1 != 0 }

    /// Sets row `row` to a field value of this column's type (the caller checked the type).
    @inline(__always)
    mutating func append(_ value: FieldValue, row: Int) {
        padNulls(to: row)
        switch value {
        case .int(let v): int64s.append(v)
        case .uint(let v): uint64s.append(v)
        case .float(let v): float64s.append(v)
        case .bool(let v): bools.append(v ? 1 : 0)
        case .string(let s):
            s.appendUnescaped(to: &bytes)
            precondition(bytes.count <= Int(UInt32.max), "BUG: string column over 4 GiB in one batch")
            offsets.append(UInt32(truncatingIfNeeded: bytes.count))
        }
        markValid()
    }

    /// Sets row `row` of this `.symbol` column to a tag value.
    ///
    /// The code is filled in by `internPending`, in runs of `pendingLimit` values: a lookup into a big
    /// dictionary usually misses the cache, and a run of independent lookups lets those misses overlap
    /// instead of each stalling the parse of its line. The caller must call `internPending` before the
    /// input buffer goes away (the batcher does it in `endChunk`).
    @inline(__always)
    mutating func appendTag(_ value: LineSlice, row: Int) {
        padNulls(to: row)
        codes.append(0)
        pending.append(PendingTag(row: row, start: value.start, count: value.count))
        markValid()
        if pending.count == Self.pendingLimit { internPending() }
    }

    /// Interns the pending tag values and fills in their codes.
    mutating func internPending() {
        guard !pending.isEmpty else { return }
        pending.withUnsafeBufferPointer { p in
            codes.withUnsafeMutableBufferPointer { c in
                for t in p { c[t.row] = symbols.intern(t.start, t.count) }
            }
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Takes back rows from `row` on (the value a rejected line appended); padding before it stays.
    mutating func truncate(to row: Int) {
        guard count > row else { return }
        let n = count - row
        switch type {
        case .time, .int64, .date: int64s.removeLast(n)
        case .uint64: uint64s.removeLast(n)
        case .float64: float64s.removeLast(n)
        case .bool: bools.removeLast(n)
        case .symbol:
            codes.removeLast(n)
            while let last = pending.last, last.row >= row { pending.removeLast() }
            symbolsMayBeUnused = true
        case .string: offsets.removeLast(n); bytes.removeLast(bytes.count - Int(offsets[row]))
        }
        if nulls > 0 {
            for i in row..<count where !isValid(i) { nulls -= 1 }
            validity.removeLast(validity.count - ((row + 63) >> 6))
            if row & 63 != 0 { validity[validity.count - 1] &= (1 << UInt64(row & 63)) &- 1 }
            if nulls == 0 { validity = [] }
        }
        count = row
    }

    /// The finished column with `rows` rows (trailing rows that lack it become NULL).
    mutating func finish(rows: Int) -> BatchColumn {
        precondition(pending.isEmpty, "BUG: finishing a column with tag values not interned")
        padNulls(to: rows)
        var v = ColumnVector(type: type)
        var dictionary = ByteStringTable()
        switch type {
        case .time, .int64, .date: v.int64s = int64s
        case .uint64: v.uint64s = uint64s
        case .float64: v.float64s = float64s
        case .bool: v.bools = bools
        case .string: v.offsets = offsets; v.bytes = bytes
        case .symbol:
            var used: [Bool]? = nil
            if symbolsMayBeUnused {
                var u = [Bool](repeating: false, count: symbols.count)
                for i in codes.indices where isValid(i) { u[Int(codes[i])] = true }
                used = u
            }
            let (table, remap) = symbols.dictionary(escaping: .key, used: used)
            if !remap.isEmpty {
                for i in codes.indices { codes[i] = isValid(i) ? remap[Int(codes[i])] : 0 }
            }
            v.codes = codes
            dictionary = table
        }
        if nulls > 0 {
            var b = Bitmap(count: rows, value: false)
            b.words = validity
            v.validity = b
        }
        v._setCount(rows)
        return BatchColumn(name: name, vector: v, dictionary: dictionary)
    }
}

extension FieldValue {
    /// The column type a field value goes into.
    @inline(__always)
    var columnType: ColumnType {
        switch self {
        case .int: .int64
        case .uint: .uint64
        case .float: .float64
        case .bool: .bool
        case .string: .string
        }
    }
}
