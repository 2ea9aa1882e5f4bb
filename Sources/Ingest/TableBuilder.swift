import ColumnStore
import LineProtocol

/// The rows of one measurement being batched: timestamps, the line each row came from, and columns.
///
/// Keys arrive in the same order line after line, so each tag/field position caches the column it
/// resolved to last time (checked by hash and bytes); a miss falls back to a scan of the column hashes.
/// Column metadata lives in flat arrays of trivial values so lookups never copy a `ColumnBuilder`.
struct TableBuilder {
    /// Last column resolved at one tag or field position of a line.
    struct Slot {
        var hash: UInt64 = 0
        var column = -1
    }

    let name: String
    let nameBytes: [UInt8]
    let nameHash: UInt64
    var time: [Int64] = []
    /// The 1-based input line of each row.
    var rowLines: [Int] = []
    var columns: [ColumnBuilder] = []
    private(set) var types: [ColumnType] = []
    private var hashes: [UInt64] = []
    /// Column names back to back; column i is `names[nameEnds[i-1] ..< nameEnds[i]]`.
    private var names: [UInt8] = []
    private var nameEnds: [Int] = []
    private var tagSlots: [Slot] = []
    private var fieldSlots: [Slot] = []

    init(name: UnsafeRawBufferPointer, hash: UInt64) {
        nameBytes = Array(name)
        self.name = String(decoding: name, as: UTF8.self)
        nameHash = hash
    }

    var rowCount: Int { time.count }

    @inline(__always)
    private func isNamed(_ c: Int, _ key: LineSlice) -> Bool {
        let lo = c == 0 ? 0 : nameEnds[c - 1]
        let hi = nameEnds[c]
        return names.withUnsafeBytes { key.unescapedEquals(UnsafeRawBufferPointer(rebasing: $0[lo..<hi])) }
    }

    /// The column named `key`, or nil; `isTag` picks the position cache.
    @inline(__always)
    mutating func column(for key: LineKey, isTag: Bool) -> Int? {
        let i = key.index
        let cached = isTag ? (i < tagSlots.count ? tagSlots[i] : Slot()) : (i < fieldSlots.count ? fieldSlots[i] : Slot())
        let c = cached.column
        if cached.hash == key.hash && c >= 0 && c < hashes.count && hashes[c] == key.hash && isNamed(c, key.slice) {
            return c
        }
        guard let found = findColumn(key) else { return nil }
        remember(found, key, isTag)
        return found
    }

    private func findColumn(_ key: LineKey) -> Int? {
        for c in hashes.indices where hashes[c] == key.hash && isNamed(c, key.slice) { return c }
        return nil
    }

    private mutating func remember(_ c: Int, _ key: LineKey, _ isTag: Bool) {
        let slot = Slot(hash: key.hash, column: c)
        if isTag {
            while tagSlots.count <= key.index { tagSlots.append(Slot()) }
            tagSlots[key.index] = slot
        } else {
            while fieldSlots.count <= key.index { fieldSlots.append(Slot()) }
            fieldSlots[key.index] = slot
        }
    }

    /// Adds a column for `key` (unescaped via `scratch`) and returns its index.
    mutating func addColumn(_ key: LineKey, type: ColumnType, isTag: Bool, scratch: UnescapeBuffer) -> Int {
        key.slice.withUnescaped(using: scratch) { name in
            columns.append(ColumnBuilder(name: name, type: type))
            names.append(contentsOf: name)
        }
        nameEnds.append(names.count)
        types.append(type)
        hashes.append(key.hash)
        remember(columns.count - 1, key, isTag)
        return columns.count - 1
    }

    /// Drops the last `n` columns (added by a line that was then rejected).
    mutating func removeLastColumns(_ n: Int) {
        columns.removeLast(n)
        types.removeLast(n)
        hashes.removeLast(n)
        nameEnds.removeLast(n)
        names.removeLast(names.count - (nameEnds.last ?? 0))
    }

    /// The finished batch; leaves the builder empty.
    mutating func finish() -> WriteBatch {
        let rows = rowCount
        var out: [BatchColumn] = []
        out.reserveCapacity(columns.count)
        for i in columns.indices { out.append(columns[i].finish(rows: rows)) }
        return WriteBatch(table: name, time: time, columns: out)
    }
}
