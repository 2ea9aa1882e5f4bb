/// A packed bit set, 64 bits a word, bit `i` in word `i >> 6` at position `i & 63`.
/// Used for validity (1 = value present) and for selections.
public struct Bitmap: Sendable, Equatable {
    public var words: [UInt64]
    public private(set) var count: Int

    /// A bitmap of `count` bits, all set to `value`.
    public init(count: Int, value: Bool) {
        self.count = count
        let n = (count + 63) >> 6
        words = [UInt64](repeating: value ? ~0 : 0, count: n)
        if value { clearTail() }
    }

    public init() { words = []; count = 0 }

    @inlinable public subscript(i: Int) -> Bool {
        get { (words[i >> 6] >> UInt64(i & 63)) & 1 != 0 }
        set {
            if newValue { words[i >> 6] |= 1 << UInt64(i & 63) } else { words[i >> 6] &= ~(1 << UInt64(i & 63)) }
        }
    }

    /// Appends one bit.
    public mutating func append(_ bit: Bool) {
        if count & 63 == 0 { words.append(0) }
        if bit { words[count >> 6] |= 1 << UInt64(count & 63) }
        count += 1
    }

    /// Appends `n` bits of the same value.
    public mutating func append(repeating bit: Bool, count n: Int) {
        // Bit-at-a-time is fine: this runs when a column first appears or a null run is padded.
        if !bit {
            let newCount = count + n
            let need = (newCount + 63) >> 6
            if need > words.count { words.append(contentsOf: repeatElement(0, count: need - words.count)) }
            count = newCount
            return
        }
        for _ in 0..<n { append(true) }
    }

    /// Number of set bits.
    public var popCount: Int {
        var c = 0
        for w in words { c += w.nonzeroBitCount }
        return c
    }

    /// True when every one of the `count` bits is set.
    public var allSet: Bool { popCount == count }

    public mutating func removeAll(keepingCapacity: Bool = true) {
        words.removeAll(keepingCapacity: keepingCapacity)
        count = 0
    }

    /// Zeroes the bits past `count` in the last word so word-wise operations stay exact.
    @usableFromInline mutating func clearTail() {
        let r = count & 63
        if r != 0 { words[words.count - 1] &= (1 << UInt64(r)) &- 1 }
    }
}
