/// An interning table of byte strings: bytes → dense UInt32 code, code → bytes.
///
/// Open addressing on a 64-bit hash, strings in one byte arena. Lookups take a byte slice and
/// allocate nothing, so line-protocol tags can be interned straight from the input buffer.
public struct ByteStringTable: Sendable {
    /// Offsets of each string in `arena` (count + 1 entries).
    public private(set) var offsets: [UInt32] = [0]
    public private(set) var arena: [UInt8] = []
    private var hashes: [UInt64] = []
    /// Codes whose bytes were erased (`appendErased`): zero-length, never found by a lookup.
    public private(set) var erased: Set<UInt32> = []
    /// Slot → high 32 bits of the hash | code + 1 (0 = empty), so a probe rejects most mismatches without
    /// touching the arena. Capacity is a power of two, kept under 50% full.
    private var slots: [UInt64] = [UInt64](repeating: 0, count: 16)

    @inline(__always) static func slot(_ h: UInt64, _ code: Int) -> UInt64 { (h & 0xFFFF_FFFF_0000_0000) | UInt64(code + 1) }

    public init() {}

    public var count: Int { offsets.count - 1 }

    @inlinable public static func hash(_ p: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(p.count)
        var i = 0
        let n = p.count
        while i + 8 <= n {
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n { tail |= UInt64(p[i]) << shift; shift += 8; i += 1 }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return h
    }

    /// Entries `appendUnindexed` added that lookups cannot find until `buildIndex`.
    public private(set) var unindexed = 0

    /// The code of `p`, or nil when absent.
    public func find(_ p: UnsafeRawBufferPointer) -> UInt32? {
        precondition(unindexed == 0, "BUG: a lookup before buildIndex")
        let r = probe(p, Self.hash(p))
        return r >= 0 ? UInt32(r) : nil
    }

    /// The code of `p` (≥ 0), or -(empty slot + 1) where it would go. All buffers are opened once, so
    /// a probe costs no reference counting, and a slot's hash tag rejects most mismatches before the
    /// arena is read.
    @inline(__always) private func probe(_ p: UnsafeRawBufferPointer, _ h: UInt64) -> Int {
        slots.withUnsafeBufferPointer { s in
            offsets.withUnsafeBufferPointer { o in
                arena.withUnsafeBytes { a in
                    let mask = s.count - 1
                    let tag = h & 0xFFFF_FFFF_0000_0000
                    let n = p.count
                    var i = Int(truncatingIfNeeded: h) & mask
                    while true {
                        let c = s[i]
                        if c == 0 { return -(i + 1) }
                        if c & 0xFFFF_FFFF_0000_0000 == tag {
                            let code = Int(truncatingIfNeeded: c & 0xFFFF_FFFF) - 1
                            let lo = Int(o[code])
                            if Int(o[code + 1]) - lo == n {
                                if n <= 16 {
                                    // Short strings (most tags and ids): a byte loop, cheaper than calling memcmp.
                                    var same = true
                                    for k in 0..<n where a[lo + k] != p[k] { same = false; break }
                                    if same { return code }
                                } else if memcmp(a.baseAddress! + lo, p.baseAddress!, n) == 0 {
                                    return code
                                }
                            }
                        }
                        i = (i + 1) & mask
                    }
                }
            }
        }
    }

    public func find(_ s: String) -> UInt32? {
        var s = s
        return s.withUTF8 { find(UnsafeRawBufferPointer($0)) }
    }

    /// The code of `p`, adding it when absent.
    @discardableResult
    public mutating func intern(_ p: UnsafeRawBufferPointer) -> UInt32 {
        precondition(unindexed == 0, "BUG: an intern before buildIndex")
        return intern(p, hash: Self.hash(p))
    }

    /// The code of entry `code` of `other`, adding it when absent. The hash `other` stored for it is reused
    /// (one hash per distinct value of a batch, not one per table it goes through).
    @discardableResult
    public mutating func intern(entry code: UInt32, of other: ByteStringTable) -> UInt32 {
        precondition(unindexed == 0, "BUG: an intern before buildIndex")
        return other.withBytes(code) { p in
            // An erased entry stores no hash (and no bytes); a loaded one's hash is stored as for interned ones.
            let h = other.erased.contains(code) ? Self.hash(p) : other.hashes[Int(code)]
            return intern(p, hash: h)
        }
    }

    /// `intern(p)` with `h == Self.hash(p)` already computed.
    @inline(__always)
    private mutating func intern(_ p: UnsafeRawBufferPointer, hash h: UInt64) -> UInt32 {
        let found = probe(p, h)
        if found >= 0 { return UInt32(found) }
        let i = -(found + 1)
        let code = UInt32(count)
        arena.append(contentsOf: p)
        offsets.append(UInt32(truncatingIfNeeded: arena.count))
        hashes.append(h)
        slots[i] = Self.slot(h, Int(code))
        if count * 2 > slots.count { grow() }
        return code
    }

    /// Makes room for `entries` more strings of about `bytes` bytes in all, the lookup index sized once for
    /// them (no doubling and re-placing while they are interned).
    public mutating func reserve(entries: Int, bytes: Int) {
        precondition(unindexed == 0, "BUG: a reserve before buildIndex")
        let total = count + entries
        offsets.reserveCapacity(total + 1)
        hashes.reserveCapacity(total)
        arena.reserveCapacity(arena.count + bytes)
        var n = slots.count
        while total * 2 > n { n *= 2 }
        if n > slots.count {
            slots = [UInt64](repeating: 0, count: n / 2)  // grow() doubles it and enters every entry
            grow()
        }
    }

    @discardableResult
    public mutating func intern(_ s: String) -> UInt32 {
        var s = s
        return s.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    private mutating func grow() {
        let n = slots.count * 2
        var s = [UInt64](repeating: 0, count: n)
        for code in 0..<count where !erased.contains(UInt32(code)) {
            var i = Int(truncatingIfNeeded: hashes[code]) & (n - 1)
            while s[i] != 0 { i = (i + 1) & (n - 1) }
            s[i] = Self.slot(hashes[code], code)
        }
        slots = s
    }

    /// Appends `p` as the next code without entering it in the lookup index: a bulk load (a symbol
    /// file) whose strings may only ever be read by code. `buildIndex` must run before any lookup.
    public mutating func appendUnindexed(_ p: UnsafeRawBufferPointer) {
        arena.append(contentsOf: p)
        offsets.append(UInt32(truncatingIfNeeded: arena.count))
        hashes.append(Self.hash(p))
        unindexed += 1
    }

    /// Enters every entry in the lookup index, the slots sized once for all of them.
    public mutating func buildIndex() {
        guard unindexed > 0 else { return }
        var n = slots.count
        while count * 2 > n { n *= 2 }
        slots = [UInt64](repeating: 0, count: n / 2)  // grow() doubles it and enters every entry
        unindexed = 0
        grow()
    }

    /// The first code whose bytes repeat an earlier entry's, or nil — without the index: entries with
    /// different hashes differ, so only a repeated hash needs a byte check. The hashes are counting-sorted
    /// by their top bits into about one bucket per entry (two sequential passes, no random probing of a
    /// large table), and only hashes within a bucket are compared.
    public func firstRepeat() -> UInt32? {
        let n = hashes.count
        guard n > 1 else { return nil }
        var bits = 1
        while 1 << bits < n { bits += 1 }
        let shift = UInt64(64 - bits)
        let anyErased = !erased.isEmpty
        var starts = [Int32](repeating: 0, count: (1 << bits) + 1)
        var sorted = [UInt64](repeating: 0, count: n)
        let collision: Bool = hashes.withUnsafeBufferPointer { h in
            starts.withUnsafeMutableBufferPointer { st in
                sorted.withUnsafeMutableBufferPointer { out in
                    for code in 0..<n where !(anyErased && erased.contains(UInt32(code))) {
                        st[Int(h[code] >> shift) &+ 1] &+= 1
                    }
                    for b in 0..<(1 << bits) { st[b &+ 1] &+= st[b] }
                    var fill = Array(st)
                    for code in 0..<n where !(anyErased && erased.contains(UInt32(code))) {
                        let b = Int(h[code] >> shift)
                        out[Int(fill[b])] = h[code]
                        fill[b] &+= 1
                    }
                    for b in 0..<(1 << bits) {
                        let lo = Int(st[b]), hi = Int(st[b &+ 1])
                        guard hi &- lo > 1 else { continue }
                        if hi &- lo > 32 {  // a crowded bucket (hashes alike in their top bits): sort it
                            var bucket = UnsafeMutableBufferPointer(rebasing: out[lo..<hi])
                            bucket.sort()
                            for i in 1..<bucket.count where bucket[i] == bucket[i &- 1] { return true }
                            continue
                        }
                        for i in lo..<hi {
                            for j in (i &+ 1)..<hi where out[i] == out[j] { return true }
                        }
                    }
                    return false
                }
            }
        }
        guard collision else { return nil }
        // Equal hashes: compare the bytes, as interning does.
        var check = ByteStringTable()
        for code in 0..<UInt32(count) where !erased.contains(code) {
            let before = check.count
            if withBytes(code, { check.intern($0) }) < before { return code }
        }
        return nil
    }

    /// The bytes of `code`.
    @inlinable public func withBytes<R>(_ code: UInt32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let lo = Int(offsets[Int(code)]), hi = Int(offsets[Int(code) + 1])
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[lo..<hi])) }
    }

    /// The string of `code` (for output and planning, not hot loops).
    public func string(_ code: UInt32) -> String {
        withBytes(code) { String(decoding: $0, as: UTF8.self) }
    }

    /// Appends an erased entry: it takes the next code, holds no bytes and no lookup finds it (so a later
    /// intern of the same string gets a new code). Used when a dictionary is rebuilt without purged values.
    public mutating func appendErased() {
        erased.insert(UInt32(count))
        offsets.append(UInt32(truncatingIfNeeded: arena.count))
        hashes.append(0)
    }

    public mutating func removeAll() {
        offsets = [0]; arena.removeAll(keepingCapacity: true); hashes.removeAll(keepingCapacity: true); erased = []
        unindexed = 0
        slots = [UInt64](repeating: 0, count: 16)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
