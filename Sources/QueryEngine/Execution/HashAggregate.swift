import ColumnStore

/// Grouped aggregation for one thread: group keys → dense group ids → accumulators.
///
/// Keys are encoded as 64-bit words per row (symbol codes, number bits, booleans, pool codes of strings)
/// plus one word of NULL flags. A single tag or boolean key skips hashing: its code indexes an array of
/// group ids. Otherwise an open-addressing table over the key words finds the group.
final class HashAggregate: @unchecked Sendable {  // one thread at a time; merges only read other tables
    enum KeyKind { case unknown, symbol(SymbolDictionary), pooled, value }

    let keyTypes: [ValueType]
    let specs: [AggregateSpec]
    var accumulators: [Accumulator]
    var pool = StringPool()
    var keyKinds: [KeyKind]
    let width: Int
    /// Group g's key words: `keys[g * width ..< (g + 1) * width]`.
    var keys: [UInt64] = []
    var groupCount = 0
    private var slots: [Int32] = [Int32](repeating: -1, count: 1024)
    private var hashes: [UInt64] = []
    /// For a single symbol/bool key: code + 1 → group id (index 0 is NULL).
    private var dense: [Int32] = []
    private var rowKeys: [UInt64] = []
    /// Several keys led by a tag of at most `leadLimit` entries: tag code → the group that code last
    /// went to (-1: none yet). A row whose key words equal that group's takes it without hashing; the
    /// hash table still holds every group, so any row may also find its group there.
    private var lead: [Int32] = []
    private var leadDecided = false
    /// Ungrouped only: for aggregate i, an earlier sum/avg of the same column whose batch total it takes
    /// (`sum(x)` and `avg(x)` together add each batch up once); nil: it reduces its own input.
    private let sharedSum: [Int?]

    private static func sharedSums(_ specs: [AggregateSpec], _ accs: [Accumulator]) -> [Int?] {
        func column(_ i: Int) -> Int? {
            let s = specs[i]
            guard (s.kind == .sum || s.kind == .avg), !s.distinct, s.filter == nil, accs[i] is IntegerSumAccumulator<Int64>,
                  case let .column(c, _)? = s.argument else { return nil }
            return c
        }
        return specs.indices.map { i in
            guard let c = column(i) else { return nil }
            return (0..<i).first { column($0) == c }
        }
    }

    /// The largest leading tag dictionary indexed (by default 1M entries: 4 MB of group ids per thread).
    let leadLimit: Int
    static let defaultLeadLimit = 1 << 20

    init(keyTypes: [ValueType], specs: [AggregateSpec], leadLimit: Int = HashAggregate.defaultLeadLimit) {
        self.keyTypes = keyTypes
        self.leadLimit = leadLimit
        self.specs = specs
        accumulators = specs.map { $0.makeAccumulator() }
        sharedSum = Self.sharedSums(specs, accumulators)
        keyKinds = keyTypes.map { _ in .unknown }
        width = keyTypes.count + 1
        if keyTypes.isEmpty {
            keys = [0]
            groupCount = 1
            for a in accumulators { a.resize(1) }
        }
    }

    /// Estimated bytes of the table: keys, hash slots, interned strings and every accumulator's state.
    var memoryBytes: Int {
        var b = keys.capacity * 8 + hashes.capacity * 8 + slots.capacity * 4 + dense.capacity * 4 + rowKeys.capacity * 8
        b += lead.capacity * 4
        b += MemorySize.of(pool)
        for a in accumulators { b += a.memoryBytes }
        return b
    }

    /// Adds the selected rows of one batch. `keyVecs` and `inputs` are full-batch vectors; `inputs` holds
    /// each aggregate's `AggregateSpec.inputs` one after another.
    func consume(_ keyVecs: [Vec], _ inputs: [Vec?], sel: [Int32]?, rows: Int) throws {
        let n = sel?.count ?? rows
        guard n > 0 else { return }
        // No GROUP BY: reductions over the whole batch, no group ids.
        if keyTypes.isEmpty, accumulators.allSatisfy({ $0 is UngroupedAccumulator }) {
            var at = 0
            for (i, a) in accumulators.enumerated() {
                let spec = specs[i]
                let arg = inputs[at]
                at += spec.inputs.count
                if let j = sharedSum[i], let total = (accumulators[j] as! IntegerSumAccumulator<Int64>).lastTotal {
                    try (a as! IntegerSumAccumulator<Int64>).add(total: total, count: Int64(n))
                } else if spec.filter != nil {
                    let picked = Self.filtered(inputs[at - 1], sel, n)
                    if !picked.isEmpty { try (a as! UngroupedAccumulator).reduce(picked.map { Int32(row(sel, Int($0))) }, arg, rows: rows) }
                } else {
                    try (a as! UngroupedAccumulator).reduce(sel, arg, rows: rows)
                }
            }
            return
        }
        let gids = groupIDs(keyVecs, sel: sel, n: n)
        for a in accumulators { a.resize(groupCount) }
        var at = 0
        for (i, a) in accumulators.enumerated() {
            let spec = specs[i]
            let arg = inputs[at], second = spec.second != nil ? inputs[at + 1] : nil
            at += spec.inputs.count
            if spec.filter != nil {
                // FILTER (WHERE …): the aggregate sees only the rows whose condition is true.
                let picked = Self.filtered(inputs[at - 1], sel, n)
                if picked.isEmpty { continue }
                try a.update(picked.map { gids[Int($0)] }, picked.map { Int32(row(sel, Int($0))) }, arg, second, &pool)
            } else {
                try a.update(gids, sel, arg, second, &pool)
            }
        }
    }

    /// The positions j in the selection (0..<n) whose row's FILTER condition `cond` is true.
    static func filtered(_ cond: Vec?, _ sel: [Int32]?, _ n: Int) -> [Int32] {
        guard let cond else { return [] }
        if let c = cond.constant { return c == .bool(true) ? (0..<Int32(n)).map { $0 } : [] }
        var out: [Int32] = []
        out.reserveCapacity(n)
        let valid = cond.col.validity
        cond.col.bools.withUnsafeBufferPointer { b in
            for j in 0..<n {
                let r = row(sel, j)
                if b[r] != 0, valid.map({ $0[r] }) ?? true { out.append(Int32(j)) }
            }
        }
        return out
    }

    func groupIDs(_ keyVecs: [Vec], sel: [Int32]?, n: Int) -> [Int32] {
        if keyVecs.isEmpty { return [Int32](repeating: 0, count: n) }
        for (k, v) in keyVecs.enumerated() {
            if case .unknown = keyKinds[k] {
                if v.constant == nil, v.col.type == .symbol, let d = v.dict { keyKinds[k] = .symbol(d) }
                else if v.type == .string { keyKinds[k] = .pooled }
                else { keyKinds[k] = .value }
            }
        }
        // One tag, boolean or string key: direct indexing by code. The path depends on the key's type only,
        // never on whether this batch's vector happens to be a constant, so a group never splits across paths.
        if keyVecs.count == 1 && (keyTypes[0] == .bool || keyTypes[0] == .string) {
            return denseIDs(keyVecs[0], sel: sel, n: n)
        }
        let w = width
        if !leadDecided {
            leadDecided = true
            if case let .symbol(d) = keyKinds[0], d.count <= leadLimit { lead = [Int32](repeating: -1, count: d.count) }
        }
        if rowKeys.count < n * w { rowKeys = [UInt64](repeating: 0, count: n * w) }
        for (k, v) in keyVecs.enumerated() { encode(v, k, sel: sel, n: n) }
        var gids = [Int32](repeating: 0, count: n)
        // Work on local copies (uniquely owned, no exclusivity checks), put back after the batch.
        var slotsL = slots, hashesL = hashes, keysL = keys, leadL = lead
        slots = []; hashes = []; keys = []; lead = []
        defer { lead = leadL }
        let leadCount = UInt64(leadL.count)
        var count = groupCount
        rowKeys.withUnsafeBufferPointer { rk in
          leadL.withUnsafeMutableBufferPointer { lg in
            gids.withUnsafeMutableBufferPointer { out in
                // Rows come in time order, so time-bucket keys arrive in runs: a row with its predecessor's key
                // takes its group without hashing. `at` is row j's first key word (j * w < rk.count).
                var last: Int32 = -1
                var at = 0
                for j in 0..<n {
                    if last >= 0 {
                        var same = true
                        var x = 0
                        while x < w {
                            if rk[at &+ x] != rk[at &- w &+ x] { same = false; break }
                            x &+= 1
                        }
                        if same { out[j] = last; at &+= w; continue }
                    }
                    // The leading tag's code (not NULL: flag bit 0 of the last word) names a candidate group.
                    let code = rk[at]
                    let byLead = code < leadCount && rk[at &+ w &- 1] & 1 == 0
                    if byLead {
                        let g = lg[Int(truncatingIfNeeded: code)]
                        if g >= 0 {
                            let base = Int(truncatingIfNeeded: g) &* w
                            var same = true
                            var x = 0
                            while x < w {
                                if keysL[base &+ x] != rk[at &+ x] { same = false; break }
                                x &+= 1
                            }
                            if same { out[j] = g; last = g; at &+= w; continue }
                        }
                    }
                    last = Self.findOrInsert(rk, at, w, &slotsL, &hashesL, &keysL, &count)
                    if byLead { lg[Int(truncatingIfNeeded: code)] = last }
                    out[j] = last
                    at &+= w
                }
            }
          }
        }
        groupCount = count
        slots = slotsL; hashes = hashesL; keys = keysL
        return gids
    }

    private func encode(_ v: Vec, _ k: Int, sel: [Int32]?, n: Int) {
        let w = width, nullWord = width - 1
        let bit = UInt64(1) << UInt64(k)
        let valid = v.col.validity
        rowKeys.withUnsafeMutableBufferPointer { rk in
            if k == 0 { for j in 0..<n { rk[j &* w &+ nullWord] = 0 } }
            if let c = v.constant {
                let key = c == .null ? 0 : GroupKey.word(c, .pooled, &pool)
                for j in 0..<n {
                    rk[j &* w &+ k] = key
                    if c == .null { rk[j &* w &+ nullWord] |= bit }
                }
                return
            }
            GroupKey.words(v.col, sel: sel, n: n, .pooled, &pool, into: rk, stride: w, offset: k)
            if let valid {
                for j in 0..<n where !valid[row(sel, j)] { rk[j * w + k] = 0; rk[j * w + nullWord] |= bit }
            }
        }
    }

    /// Group ids for a single key of type bool (slot = value + 1), tag (code + 1) or string (pool code + 1);
    /// slot 0 is NULL.
    private func denseIDs(_ v: Vec, sel: [Int32]?, n: Int) -> [Int32] {
        if let c = v.constant {
            let slot: Int
            switch c {
            case .null: slot = 0
            case let .bool(b): slot = b ? 2 : 1
            case var .string(s): slot = Int(s.withUTF8 { pool.intern(UnsafeRawBufferPointer($0)) }) + 1
            default: slot = 0
            }
            return [Int32](repeating: denseGroup(slot), count: n)
        }
        var gids = [Int32](repeating: 0, count: n)
        let valid = v.col.validity
        // The tables as locals for the loop (uniquely owned): no exclusivity check per row; put back after.
        var denseL = dense, keysL = keys, hashesL = hashes, poolL = pool, count = groupCount
        dense = []; keys = []; hashes = []; pool = StringPool()
        defer { dense = denseL; keys = keysL; hashes = hashesL; pool = poolL; groupCount = count }
        gids.withUnsafeMutableBufferPointer { out in
            switch v.col.type {
            case .bool:
                v.col.bools.withUnsafeBufferPointer { b in
                    for j in 0..<n {
                        let r = row(sel, j)
                        let slot = (valid.map { $0[r] } ?? true) ? Int(b[r]) &+ 1 : 0
                        out[j] = Self.denseGroup(slot, &denseL, &keysL, &hashesL, &count)
                    }
                }
            case .symbol where valid == nil:
                // Most rows find a group that exists: read the code → group array without writing it, and
                // leave the loop only for a code not seen yet.
                v.col.codes.withUnsafeBufferPointer { c in
                    var j = 0
                    while j < n {
                        j = denseL.withUnsafeBufferPointer { d in
                            var k = j
                            if let sel {
                                sel.withUnsafeBufferPointer { s in
                                    while k < n {
                                        let slot = Int(c[Int(s[k])]) &+ 1
                                        guard slot < d.count, d[slot] >= 0 else { break }
                                        out[k] = d[slot]
                                        k &+= 1
                                    }
                                }
                            } else {
                                while k < n {
                                    let slot = Int(c[k]) &+ 1
                                    guard slot < d.count, d[slot] >= 0 else { break }
                                    out[k] = d[slot]
                                    k &+= 1
                                }
                            }
                            return k
                        }
                        guard j < n else { break }
                        out[j] = Self.denseGroup(Int(c[row(sel, j)]) &+ 1, &denseL, &keysL, &hashesL, &count)
                        j &+= 1
                    }
                }
            case .symbol:
                v.col.codes.withUnsafeBufferPointer { c in
                    for j in 0..<n {
                        let r = row(sel, j)
                        let slot = (valid.map { $0[r] } ?? true) ? Int(c[r]) &+ 1 : 0
                        out[j] = Self.denseGroup(slot, &denseL, &keysL, &hashesL, &count)
                    }
                }
            default:
                for j in 0..<n {
                    let r = row(sel, j)
                    if let valid, !valid[r] { out[j] = Self.denseGroup(0, &denseL, &keysL, &hashesL, &count); continue }
                    let slot = Int(v.col.withStringBytes(r) { poolL.intern($0) }) &+ 1
                    out[j] = Self.denseGroup(slot, &denseL, &keysL, &hashesL, &count)
                }
            }
        }
        return gids
    }

    /// The existing group of tag code `slot - 1` (slot 0: NULL) of a single tag key; nil when absent or
    /// when the key is not held as the tag's codes.
    func denseGroup(slot: Int) -> Int32? {
        guard keyKinds.count == 1, case .symbol = keyKinds[0], slot < dense.count, dense[slot] >= 0 else { return nil }
        return dense[slot]
    }

    /// The group of dense slot `slot` (0 = NULL, else code + 1), added when new.
    @inline(__always) private func denseGroup(_ slot: Int) -> Int32 {
        Self.denseGroup(slot, &dense, &keys, &hashes, &groupCount)
    }

    @inline(__always)
    private static func denseGroup(_ slot: Int, _ dense: inout [Int32], _ keys: inout [UInt64], _ hashes: inout [UInt64],
                                   _ groupCount: inout Int) -> Int32 {
        if slot >= dense.count { dense.append(contentsOf: repeatElement(-1, count: max(slot + 1 - dense.count, dense.count))) }
        var g = dense[slot]
        if g < 0 {
            g = Int32(groupCount)
            dense[slot] = g
            keys.append(slot == 0 ? 0 : UInt64(slot - 1))
            keys.append(slot == 0 ? 1 : 0)
            hashes.append(0)
            groupCount += 1
        }
        return g
    }

    /// Finds the group of the key words at `k[at..<at+width]`, adding a group when new.
    private func findOrInsert(_ k: UnsafeBufferPointer<UInt64>, _ at: Int) -> Int32 {
        Self.findOrInsert(k, at, width, &slots, &hashes, &keys, &groupCount)
    }

    @inline(__always)
    private static func findOrInsert(_ k: UnsafeBufferPointer<UInt64>, _ at: Int, _ width: Int, _ slots: inout [Int32],
                                     _ hashes: inout [UInt64], _ keys: inout [UInt64], _ groupCount: inout Int) -> Int32 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for i in 0..<width { h = (h ^ k[at + i]) &* 0x9E37_79B9_7F4A_7C15; h ^= h >> 29 }
        var mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let g = slots[i]
            if g < 0 { break }
            if hashes[Int(g)] == h {
                var same = true
                let base = Int(g) * width
                for x in 0..<width where keys[base + x] != k[at + x] { same = false; break }
                if same { return g }
            }
            i = (i + 1) & mask
        }
        let g = Int32(groupCount)
        for x in 0..<width { keys.append(k[at + x]) }
        hashes.append(h)
        groupCount += 1
        slots[i] = g
        if groupCount * 2 > slots.count {
            slots = [Int32](repeating: -1, count: slots.count * 2)
            mask = slots.count - 1
            for gg in 0..<groupCount {
                var j = Int(truncatingIfNeeded: hashes[gg]) & mask
                while slots[j] >= 0 { j = (j + 1) & mask }
                slots[j] = Int32(gg)
            }
        }
        return g
    }

    /// Folds another thread's groups into this one; with `only`, just those of its groups.
    func merge(_ other: HashAggregate, only: [Int32]? = nil) throws {
        for (k, kind) in other.keyKinds.enumerated() { if case .unknown = keyKinds[k] { keyKinds[k] = kind } }
        var map = [Int32](repeating: -1, count: other.groupCount)
        var scratch = [UInt64](repeating: 0, count: width)
        // Locals, so the loop reads the other table's keys without an exclusivity check per word.
        let w = width, otherKeys = other.keys, kinds = keyKinds
        let hasPooled = kinds.contains { if case .pooled = $0 { return true } else { return false } }
        for i in 0..<(only?.count ?? other.groupCount) {
            let g = only.map { Int($0[i]) } ?? i
            otherKeys.withUnsafeBufferPointer { ok in
                scratch.withUnsafeMutableBufferPointer { sc in
                    for x in 0..<w { sc[x] = ok[g &* w &+ x] }
                }
            }
            let nulls = scratch[w - 1]
            if hasPooled {
                for (k, kind) in kinds.enumerated() where nulls & (1 << UInt64(k)) == 0 {
                    if case .pooled = kind { scratch[k] = UInt64(other.pool.withBytes(UInt32(scratch[k])) { pool.intern($0) }) }
                }
            }
            if keyTypes.isEmpty {
                map[g] = 0
            } else if !other.dense.isEmpty || !dense.isEmpty {
                map[g] = denseGroup(nulls != 0 ? 0 : Int(scratch[0]) + 1)
            } else if nulls & 1 == 0, scratch[0] < UInt64(lead.count) {
                // Led by a tag: its code names the candidate group, as for rows, before any hashing.
                let code = Int(truncatingIfNeeded: scratch[0])
                let c = lead[code]
                if c >= 0, keys.withUnsafeBufferPointer({ k in (0..<w).allSatisfy { k[Int(c) &* w &+ $0] == scratch[$0] } }) {
                    map[g] = c
                } else {
                    let found = scratch.withUnsafeBufferPointer { findOrInsert($0, 0) }
                    lead[code] = found
                    map[g] = found
                }
            } else {
                map[g] = scratch.withUnsafeBufferPointer { findOrInsert($0, 0) }
            }
        }
        for a in accumulators { a.resize(groupCount) }
        for (i, a) in accumulators.enumerated() { try a.merge(other.accumulators[i], map: map, from: other.pool, into: &pool) }
    }

    /// Whether many groups are worth partitioning: not for a single tag or boolean key, whose groups are
    /// bounded by its dictionary and found by indexing, nor without keys.
    var canPartition: Bool {
        guard let first = keyTypes.first else { return false }
        if keyTypes.count > 1 { return true }
        if first == .bool { return false }
        if case .symbol = keyKinds[0] { return false }
        return true
    }

    /// Whether this table's groups are still few enough for one table per thread: led by a small tag
    /// dictionary (`lead`), up to twice its entries. Past that (the other keys multiply the groups), or
    /// without a lead, `canPartition` decides.
    var keepsOneTable: Bool {
        !lead.isEmpty && groupCount <= 2 * lead.count
    }

    /// The hash partition of each group, computed from key values exactly as `KeyHash.partitions` does
    /// for rows, so a group meets the rows of its key in the same partition.
    func groupPartitions() -> [UInt8] {
        (0..<groupCount).map { g -> UInt8 in
            var h = KeyHash.seed
            let nulls = keys[g * width + width - 1]
            for k in 0..<keyTypes.count {
                var w = keys[g * width + k]
                if nulls & (1 << UInt64(k)) != 0 { w = KeyHash.nullWord }
                else if case .pooled = keyKinds[k] { w = GroupKey.hashedWord(pooled: w, isString: true, pool) }
                h = KeyHash.mix(h, w)
            }
            return KeyHash.partition(h)
        }
    }

    /// The grouped result: key columns then aggregate columns, one row per group.
    func finalize() throws -> [Vec] {
        var out: [Vec] = []
        for (k, t) in keyTypes.enumerated() {
            var col = ColumnVector(type: t.columnType, capacity: groupCount)
            var dict: SymbolDictionary?
            if case let .symbol(d) = keyKinds[k] { col = ColumnVector(type: .symbol, capacity: groupCount); dict = d }
            for g in 0..<groupCount {
                let word = keys[g * width + k]
                if keys[g * width + width - 1] & (1 << UInt64(k)) != 0 { col.appendNulls(1); continue }
                switch keyKinds[k] {
                case .symbol: col.append(code: UInt32(word))
                case .pooled: pool.withBytes(UInt32(word)) { col.append(string: $0) }
                default:
                    switch t {
                    case .int, .int32, .time, .interval, .date: col.append(int64: Int64(bitPattern: word))
                    case .uint: col.append(uint64: word)
                    case .double: col.append(float64: Double(bitPattern: word))
                    case .bool: col.append(bool: word != 0)
                    default: col.appendNulls(1)
                    }
                }
            }
            out.append(Vec(type: t, col: col, dict: dict))
        }
        for (i, a) in accumulators.enumerated() {
            a.resize(groupCount)
            out.append(Vec(type: specs[i].resultType == .null ? .int : specs[i].resultType, col: try a.finalize(pool)))
        }
        return out
    }
}
