import ColumnStore
import LineProtocol

/// The rows of one measurement being batched: timestamps, the line each row came from, and columns.
///
/// Keys arrive in the same order line after line, so each tag/field position caches the column it
/// resolved to last time (checked by comparing the name); a miss looks the name up by its hash
/// (seeded, so names cannot be chosen to collide).
/// Column metadata lives in flat arrays of trivial values so lookups never copy a `ColumnBuilder`.
struct TableBuilder {

    let name: String
    let nameBytes: [UInt8]
    /// Seed of the column-name hashes (random per batcher).
    let seed: UInt64
    var time: [Int64] = []
    /// The 1-based input line of each row.
    var rowLines: [Int] = []
    var columns: [ColumnBuilder] = []
    private(set) var types: [ColumnType] = []
    /// Per column: its name's hash, and the next column whose name has the same hash (-1: none).
    private var hashes: [UInt64] = []
    private var sameHash: [Int] = []
    /// Name hash → the last column added with it.
    private var byHash: [UInt64: Int] = [:]
    /// Column names back to back; column i is `names[nameEnds[i-1] ..< nameEnds[i]]`.
    private var names: [UInt8] = []
    private var nameEnds: [Int] = []
    /// Per tag/field position: the column found there last time, or -1.
    private var tagSlots: [Int] = []
    private var fieldSlots: [Int] = []

    init(name: UnsafeRawBufferPointer, seed: UInt64) {
        nameBytes = Array(name)
        self.name = String(decoding: name, as: UTF8.self)
        self.seed = seed
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
    mutating func column(for key: LineKey, isTag: Bool, scratch: UnescapeBuffer) -> Int? {
        let i = key.index
        let c = isTag ? (i < tagSlots.count ? tagSlots[i] : -1) : (i < fieldSlots.count ? fieldSlots[i] : -1)
        if c >= 0 && c < types.count && isNamed(c, key.slice) { return c }
        guard let found = findColumn(key, scratch) else { return nil }
        remember(found, key.index, isTag)
        return found
    }

    private func keyHash(_ key: LineSlice, _ scratch: UnescapeBuffer) -> UInt64 {
        key.withUnescaped(using: scratch) { LineKey.hash($0, seed: seed) }
    }

    private func findColumn(_ key: LineKey, _ scratch: UnescapeBuffer) -> Int? {
        let h = keyHash(key.slice, scratch)
        var c = byHash[h] ?? -1
        while c >= 0 {
            if isNamed(c, key.slice) { return c }
            c = sameHash[c]
        }
        return nil
    }

    private mutating func remember(_ c: Int, _ index: Int, _ isTag: Bool) {
        if isTag {
            while tagSlots.count <= index { tagSlots.append(-1) }
            tagSlots[index] = c
        } else {
            while fieldSlots.count <= index { fieldSlots.append(-1) }
            fieldSlots[index] = c
        }
    }

    /// Adds a column for `key` (unescaped via `scratch`) and returns its index.
    mutating func addColumn(_ key: LineKey, type: ColumnType, isTag: Bool, scratch: UnescapeBuffer) -> Int {
        key.slice.withUnescaped(using: scratch) { name in
            columns.append(ColumnBuilder(name: name, type: type, seed: seed))
            names.append(contentsOf: name)
        }
        nameEnds.append(names.count)
        types.append(type)
        let h = keyHash(key.slice, scratch)
        hashes.append(h)
        sameHash.append(byHash[h] ?? -1)
        byHash[h] = columns.count - 1
        remember(columns.count - 1, key.index, isTag)
        return columns.count - 1
    }

    /// Drops the last `n` columns (added by a line that was then rejected).
    mutating func removeLastColumns(_ n: Int) {
        for c in (columns.count - n)..<columns.count {
            byHash[hashes[c]] = sameHash[c] >= 0 ? sameHash[c] : nil
        }
        columns.removeLast(n)
        types.removeLast(n)
        hashes.removeLast(n)
        sameHash.removeLast(n)
        nameEnds.removeLast(n)
        names.removeLast(names.count - (nameEnds.last ?? 0))
    }

    /// Makes room for `rows` rows in all, in the table and in each of its columns.
    mutating func reserve(rows: Int) {
        time.reserveCapacity(rows)
        rowLines.reserveCapacity(rows)
        for c in columns.indices { columns[c].reserve(rows: rows) }
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
