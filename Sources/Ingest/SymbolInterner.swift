import ColumnStore
import LineProtocol

/// Interns one tag column's values while a batch is built: raw (still escaped) bytes → dense code,
/// first seen first.
///
/// Open addressing over 32-byte slots. A value of up to 16 bytes lives in its slot (zero-padded
/// words), so a lookup costs one slot read and two word compares; longer values also compare the
/// rest in the arena. Interning the raw bytes skips unescaping per row; `dictionary(remap:)`
/// unescapes each distinct value once at the end. Two raw spellings of one value (`a\b`, `a\\b`)
/// get two codes here, which the final table merges — the caller then rewrites codes by `remap`.
struct SymbolInterner {
    struct Slot {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        /// Code + 1; 0 marks an empty slot.
        var codePlusOne: UInt32 = 0
        var length: UInt32 = 0
        var offset: UInt32 = 0
    }

    /// Mixed into every hash, so that values cannot be chosen to collide (random per batcher).
    private let seed: UInt64
    private var slots = [Slot](repeating: Slot(), count: 64)
    private var arena: [UInt8] = []
    /// Per code: arena offset, length, and the words and hash it was placed by (for growth).
    private var entries: [Slot] = []
    private var hashes: [UInt64] = []

    var count: Int { entries.count }

    init(seed: UInt64) { self.seed = seed }

    /// The first 16 bytes of `p`, zero-padded, as two little-endian words.
    @inline(__always)
    static func words(_ p: UnsafeRawPointer, _ n: Int) -> (UInt64, UInt64) {
        @inline(__always) func le8(_ o: Int) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        @inline(__always) func le4(_ o: Int) -> UInt64 { UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt32.self))) }
        if n >= 16 { return (le8(0), le8(8)) }
        if n > 8 { return (le8(0), le8(n - 8) >> UInt64(8 * (16 - n))) }
        if n == 8 { return (le8(0), 0) }
        if n >= 4 { return (le4(0) | (le4(n - 4) >> UInt64(8 * (8 - n))) << 32, 0) }
        let b = p.assumingMemoryBound(to: UInt8.self)
        var w: UInt64 = 0
        for i in 0..<n { w |= UInt64(b[i]) << UInt64(8 * i) }
        return (w, 0)
    }

    @inline(__always)
    func hash(_ w0: UInt64, _ w1: UInt64, _ n: Int, _ p: UnsafeRawPointer) -> UInt64 {
        if n > 16 { return LineKey.hash(p, n, seed: seed) }
        var h = (w0 ^ seed ^ UInt64(n)) &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ (h >> 29) ^ w1) &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }

    /// The code of the `n` bytes at `p`, adding them when new.
    @inline(__always)
    mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32 {
        let raw = UnsafeRawPointer(p)
        let (w0, w1) = Self.words(raw, n)
        let h = hash(w0, w1, n, raw)
        let hit: UInt32? = slots.withUnsafeBufferPointer { s in
            let mask = s.count - 1
            var i = Int(truncatingIfNeeded: h) & mask
            while true {
                let slot = s[i]
                if slot.codePlusOne == 0 { return nil }
                if slot.w0 == w0 && slot.w1 == w1 && Int(slot.length) == n
                    && (n <= 16 || tailEquals(slot, raw, n)) {
                    return slot.codePlusOne - 1
                }
                i = (i + 1) & mask
            }
        }
        if let code = hit { return code }
        return insert(raw, n, w0, w1, h)
    }

    private func tailEquals(_ slot: Slot, _ p: UnsafeRawPointer, _ n: Int) -> Bool {
        arena.withUnsafeBytes { memcmp($0.baseAddress! + Int(slot.offset) + 16, p + 16, n - 16) == 0 }
    }

    private mutating func insert(_ p: UnsafeRawPointer, _ n: Int, _ w0: UInt64, _ w1: UInt64, _ h: UInt64) -> UInt32 {
        precondition(arena.count + n <= Int(UInt32.max), "BUG: tag dictionary over 4 GiB in one batch")
        let code = UInt32(entries.count)
        let slot = Slot(w0: w0, w1: w1, codePlusOne: code + 1, length: UInt32(n), offset: UInt32(arena.count))
        arena.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n))
        entries.append(slot)
        hashes.append(h)
        place(slot, h)
        if entries.count * 2 > slots.count { grow() }
        return code
    }

    private mutating func place(_ slot: Slot, _ h: UInt64) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i].codePlusOne != 0 { i = (i + 1) & mask }
        slots[i] = slot
    }

    private mutating func grow() {
        slots = [Slot](repeating: Slot(), count: slots.count * 2)
        for i in entries.indices { place(entries[i], hashes[i]) }
    }

    /// The unescaped values as a `ByteStringTable`, leaving out codes with `used[code] == false`.
    /// `remap` is empty when every code keeps its number, else it maps each code here to the
    /// table's code (unused codes to `UInt32.max`).
    func dictionary(escaping: Escaping, used: [Bool]? = nil) -> (table: ByteStringTable, remap: [UInt32]) {
        var t = ByteStringTable()
        t.reserve(entries: entries.count, bytes: arena.count)
        var remap: [UInt32] = []
        let scratch = UnescapeBuffer()
        arena.withUnsafeBytes { a in
            let base = a.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) }
            for (code, e) in entries.enumerated() {
                var c = UInt32.max
                if used?[code] ?? true {
                    let slice = LineSlice(start: base! + Int(e.offset), count: Int(e.length), escaping: escaping)
                    c = slice.withUnescaped(using: scratch) { t.intern($0) }
                }
                if c != UInt32(code) && remap.isEmpty { remap = (0..<UInt32(code)).map { $0 } }
                if !remap.isEmpty { remap.append(c) }
            }
        }
        return (t, remap)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
