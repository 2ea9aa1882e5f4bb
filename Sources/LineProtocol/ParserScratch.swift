/// Per-parser scratch: the keys of the current line (for duplicate checks) and an unescape buffer.
///
/// Lines have few keys, and comparing a new key with the earlier ones is cheapest then. From
/// `hashedFrom` keys in a tag set or field set on, a hash set takes over, so that a line with
/// thousands of keys costs linear time, not quadratic; it is seeded at random so that keys cannot be
/// chosen to collide.
@usableFromInline final class ParserScratch {
    @exclusivity(unchecked) @usableFromInline var keys: UnsafeMutablePointer<LineSlice>
    @exclusivity(unchecked) @usableFromInline var keyCapacity = 32
    @usableFromInline let unescape = UnescapeBuffer()

    /// Keys in a group (tags, or fields) from which duplicates are found by hashing.
    @usableFromInline static let hashedFrom = 16

    /// A hash-set slot: the index of a key in `keys` (+ 1; 0 = empty), valid in one `generation`.
    struct Slot {
        var generation: UInt32 = 0
        var keyPlusOne = 0
    }
    @exclusivity(unchecked) private var table: UnsafeMutablePointer<Slot>
    @exclusivity(unchecked) private var tableCapacity = 64
    /// Bumped for each group indexed, which empties the set without touching it.
    @exclusivity(unchecked) private var generation: UInt32 = 0
    private let seed = UInt64.random(in: .min ... .max)

    @usableFromInline init() {
        keys = .allocate(capacity: keyCapacity)
        table = .allocate(capacity: tableCapacity)
        table.initialize(repeating: Slot(), count: tableCapacity)
    }

    deinit {
        keys.deallocate()
        table.deallocate()
    }

    @usableFromInline func growKeys() {
        let n = keyCapacity * 2
        let k = UnsafeMutablePointer<LineSlice>.allocate(capacity: n)
        k.moveInitialize(from: keys, count: keyCapacity)
        keys.deallocate()
        keys = k
        keyCapacity = n
    }

    private func hash(_ k: LineSlice) -> UInt64 {
        k.withUnescaped(using: unescape) { LineKey.hash($0, seed: seed) }
    }

    /// Starts a set holding `keys[from..<to]` (which has no duplicates).
    @usableFromInline func startHashing(from: Int, to: Int) {
        generation &+= 1
        if generation == 0 {
            table.update(repeating: Slot(), count: tableCapacity)
            generation = 1
        }
        for i in from..<to { _ = insertUnlessPresent(i, from: from) }
    }

    /// True when `k` equals a key of `keys[from..<to]`; otherwise stores it as `keys[to]` and adds it.
    @usableFromInline func hashedIsDuplicate(_ k: LineSlice, from: Int, to: Int) -> Bool {
        if to == keyCapacity { growKeys() }
        keys[to] = k
        if (to - from + 1) * 2 > tableCapacity { growTable(from: from, to: to) }
        return !insertUnlessPresent(to, from: from)
    }

    /// Adds `keys[i]` unless an equal key of the group is there; false when one was.
    private func insertUnlessPresent(_ i: Int, from: Int) -> Bool {
        let k = keys[i]
        let mask = tableCapacity - 1
        var s = Int(truncatingIfNeeded: hash(k)) & mask
        while table[s].generation == generation {
            let other = table[s].keyPlusOne - 1
            if other >= from && LineProtocolParser._keysEqual(keys[other], k, unescape) { return false }
            s = (s + 1) & mask
        }
        table[s] = Slot(generation: generation, keyPlusOne: i + 1)
        return true
    }

    private func growTable(from: Int, to: Int) {
        table.deallocate()
        tableCapacity *= 2
        table = .allocate(capacity: tableCapacity)
        table.initialize(repeating: Slot(), count: tableCapacity)
        for i in from..<to { _ = insertUnlessPresent(i, from: from) }
    }
}
