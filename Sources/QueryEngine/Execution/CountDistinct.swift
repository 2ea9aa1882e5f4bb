import ColumnStore

/// count(DISTINCT x), exact: a set of (group, value key) pairs — the first phase of DuckDB's two-phase
/// plan (group by the keys and x, then count the pairs of each group), kept per group while groups are few
/// (`DistinctPairs`). Strings of up to 8 bytes are keyed by their packed bytes (`packed`, `packed8`): no
/// interning per row and nothing to translate when threads merge; longer strings are per-thread pool
/// codes in `set`. Without GROUP BY, strings go straight into a
/// table of their own (its size is the count) and other values into the pair set under group 0.
final class CountDistinctAccumulator: Accumulator {
    var groups = 0
    var set = DistinctPairs()
    /// (group, string of up to 7 bytes packed little-endian with its length in the top byte).
    var packed = DistinctPairs()
    /// (group, string of exactly 8 bytes as a little-endian word).
    var packed8 = DistinctPairs()
    /// Whether keys are per-thread pool codes (strings) that merges must translate.
    var pooled = false
    /// The distinct strings longer than 8 bytes seen by `reduce` (no GROUP BY); shorter ones go into
    /// `short` as (length, bytes packed in a word), which costs one probe of one table.
    var strings = ByteStringTable()
    var short = PairSet()

    func resize(_ groups: Int) {
        guard groups > self.groups else { return }
        self.groups = groups
        set.reserveGroups(groups)
        packed.reserveGroups(groups)
        packed8.reserveGroups(groups)
    }
    var memoryBytes: Int {
        self.set.memoryBytes + packed.memoryBytes + packed8.memoryBytes + short.memoryBytes + MemorySize.of(strings)
    }
    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ pool: inout StringPool) {
        guard let a = arg, a.constant != .null else { return }
        // Only strings become pool codes; a constant number's key is its bits (count(DISTINCT 1)).
        if let c = a.constant {
            if case .string = c { pooled = true }
        } else if a.col.type == .string {
            pooled = true
        }
        let valid = a.constant == nil ? a.col.validity : nil
        // The set as a local for the loop (uniquely owned): no exclusivity check per insert.
        var setL = set
        set = DistinctPairs()
        defer { set = setL }
        if a.constant == nil, a.col.type == .string {
            return updateStrings(gids, sel, a.col, &setL, &pool)
        }
        if case var .string(text)? = a.constant {
            var p7 = packed, p8 = packed8
            packed = DistinctPairs(); packed8 = DistinctPairs()
            defer { packed = p7; packed8 = p8 }
            text.withUTF8 { t in
                let p = UnsafeRawBufferPointer(t)
                for g in gids { Self.addString(UInt32(bitPattern: g), p, &setL, &p7, &p8, &pool) }
            }
            return
        }
        if a.constant == nil, a.col.type == .symbol {
            a.col.codes.withUnsafeBufferPointer { codes in
                for (j, g) in gids.enumerated() {
                    let r = row(sel, j)
                    if let valid, !valid[r] { continue }
                    setL.insert(UInt32(bitPattern: g), UInt64(codes[r]))
                }
            }
            return
        }
        for (j, g) in gids.enumerated() {
            let r = row(sel, j)
            if let valid, !valid[r] { continue }
            setL.insert(UInt32(bitPattern: g), distinctKey(a, r, &pool))
        }
    }
    /// A string column's rows: packed words for strings of up to 8 bytes, pool codes for longer ones.
    private func updateStrings(_ gids: [Int32], _ sel: [Int32]?, _ col: ColumnVector, _ setL: inout DistinctPairs,
                               _ pool: inout StringPool) {
        var p7 = packed, p8 = packed8
        packed = DistinctPairs(); packed8 = DistinctPairs()
        defer { packed = p7; packed8 = p8 }
        let valid = col.validity
        col.bytes.withUnsafeBytes { b in
            col.offsets.withUnsafeBufferPointer { o in
                gids.withUnsafeBufferPointer { gs in
                    for j in 0..<gs.count {
                        let r = row(sel, j)
                        if let valid, !valid[r] { continue }
                        let p = UnsafeRawBufferPointer(rebasing: b[Int(o[r])..<Int(o[r &+ 1])])
                        Self.addString(UInt32(bitPattern: gs[j]), p, &setL, &p7, &p8, &pool)
                    }
                }
            }
        }
    }

    /// Adds one string of group `g` to the set its length picks.
    @inline(__always) private static func addString(_ g: UInt32, _ p: UnsafeRawBufferPointer, _ set: inout DistinctPairs,
                                                    _ p7: inout DistinctPairs, _ p8: inout DistinctPairs,
                                                    _ pool: inout StringPool) {
        let n = p.count
        if n == 8 {
            p8.insert(g, UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
        } else if n < 8 {
            var word = UInt64(n) << 56
            for i in 0..<n { word |= UInt64(p[i]) << UInt64(8 &* i) }
            p7.insert(g, word)
        } else {
            set.insert(g, UInt64(pool.intern(p)))
        }
    }

    func merge(_ other: Accumulator, map: [Int32], from: StringPool, into pool: inout StringPool) {
        let o = other as! CountDistinctAccumulator
        if map.first.map({ $0 >= 0 }) ?? false {
            for code in 0..<o.strings.count { _ = o.strings.withBytes(UInt32(code)) { strings.intern($0) } }
            o.short.forEach { short.insert($0, $1) }
        }
        // Packed strings are the same words in every thread: only the group ids change.
        packed.merge(o.packed, map: map)
        packed8.merge(o.packed8, map: map)
        pooled = pooled || o.pooled
        if o.pooled {
            set.merge(o.set, map: map) { v in UInt64(from.withBytes(UInt32(v)) { pool.intern($0) }) }
        } else {
            set.merge(o.set, map: map)
        }
    }
    func finalize(_ pool: StringPool) -> ColumnVector {
        var counts = [Int64](repeating: 0, count: groups)
        set.addCounts(to: &counts)
        packed.addCounts(to: &counts)
        packed8.addCounts(to: &counts)
        if strings.count + short.count > 0 { counts[0] += Int64(strings.count + short.count) }
        var out = ColumnVector(type: .int64)
        out.int64s = counts
        out._setCount(groups)
        return out
    }
}

extension CountDistinctAccumulator: UngroupedAccumulator {
    func reduce(_ sel: [Int32]?, _ arg: Vec?, rows: Int) {
        resize(1)
        guard let a = arg, a.constant != .null else { return }
        let n = sel?.count ?? rows
        guard a.constant == nil, a.col.type == .string else {
            if case var .string(s)? = a.constant {
                s.withUTF8 { Self.addString(UnsafeRawBufferPointer($0), &strings, &short) }
                return
            }
            var scratchPool = StringPool()  // only strings intern, and they do not come here
            return update([Int32](repeating: 0, count: n), sel, arg, &scratchPool)
        }
        // Both tables as locals for the loop (uniquely owned): no exclusivity check per row.
        var stringsL = strings, shortL = short
        strings = ByteStringTable(); short = PairSet()
        defer { strings = stringsL; short = shortL }
        let valid = a.col.validity
        a.col.bytes.withUnsafeBytes { b in
            a.col.offsets.withUnsafeBufferPointer { o in
                for j in 0..<n {
                    let r = row(sel, j)
                    if let valid, !valid[r] { continue }
                    Self.addString(UnsafeRawBufferPointer(rebasing: b[Int(o[r])..<Int(o[r &+ 1])]), &stringsL, &shortL)
                }
            }
        }
    }

    @inline(__always) private static func addString(_ p: UnsafeRawBufferPointer, _ strings: inout ByteStringTable,
                                                    _ short: inout PairSet) {
        guard p.count <= 8 else { strings.intern(p); return }
        var word: UInt64 = 0
        for i in 0..<p.count { word |= UInt64(p[i]) << UInt64(8 &* i) }
        short.insert(UInt32(p.count), word)
    }
}

/// A hash set of (UInt32, UInt64) pairs, open addressing. A pair and its used flag share one 16-byte
/// slot, so a probe touches one cache line.
struct PairSet {
    private struct Slot {
        var value: UInt64
        var group: UInt32
        var used: UInt32
    }

    private var slots: [Slot] = []
    private(set) var count = 0
    var memoryBytes: Int { slots.capacity * 16 }

    @inline(__always) static func hash(_ g: UInt32, _ v: UInt64) -> UInt64 {
        var h = v &* 0x9E37_79B9_7F4A_7C15 ^ (UInt64(g) &* 0xC2B2_AE3D_27D4_EB4F)
        h ^= h >> 31
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 29)
    }

    mutating func insert(_ g: UInt32, _ v: UInt64) {
        if count * 2 >= slots.count { grow() }
        let added = slots.withUnsafeMutableBufferPointer { s in
            let mask = s.count - 1
            var i = Int(truncatingIfNeeded: Self.hash(g, v)) & mask
            while s[i].used != 0 {
                if s[i].value == v && s[i].group == g { return false }
                i = (i + 1) & mask
            }
            s[i] = Slot(value: v, group: g, used: 1)
            return true
        }
        if added { count += 1 }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(value: 0, group: 0, used: 0), count: max(1024, old.count * 2))
        count = 0
        for e in old where e.used != 0 { insert(e.group, e.value) }
    }

    func forEach(_ body: (UInt32, UInt64) -> Void) {
        for e in slots where e.used != 0 { body(e.group, e.value) }
    }
}
