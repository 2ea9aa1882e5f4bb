/// A hash table of distinct byte strings, numbered in order of first sight: builds a column chunk's
/// dictionary page. Strings live back to back in `bytes`; `offsets` has count + 1 entries.
struct ByteDictionary {
    var offsets: [UInt32] = [0]
    var bytes: [UInt8] = []
    var hashes: [UInt64] = []
    /// Open addressing, linear probing; an entry's index + 1, 0 when empty.
    var slots: [UInt32] = Array(repeating: 0, count: 1024)

    var count: Int { hashes.count }

    /// The index of `s`, added if new.
    mutating func index(of s: UnsafeRawBufferPointer) -> UInt32 {
        let h = Self.hash(s)
        var mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = slots[i]
            if slot == 0 { break }
            let e = Int(slot - 1)
            if hashes[e] == h && equals(e, s) { return UInt32(e) }
            i = (i &+ 1) & mask
        }
        let e = hashes.count
        hashes.append(h)
        bytes.append(contentsOf: s)
        offsets.append(UInt32(truncatingIfNeeded: bytes.count))
        slots[i] = UInt32(e + 1)
        if hashes.count * 2 > slots.count {
            slots = Array(repeating: 0, count: slots.count * 2)
            mask = slots.count - 1
            for (k, h) in hashes.enumerated() {
                var j = Int(truncatingIfNeeded: h) & mask
                while slots[j] != 0 { j = (j &+ 1) & mask }
                slots[j] = UInt32(k + 1)
            }
        }
        return UInt32(e)
    }

    func equals(_ e: Int, _ s: UnsafeRawBufferPointer) -> Bool {
        let lo = Int(offsets[e]), hi = Int(offsets[e + 1])
        guard hi - lo == s.count else { return false }
        return bytes.withUnsafeBytes { b in
            s.count == 0 || memcmp(b.baseAddress! + lo, s.baseAddress!, s.count) == 0
        }
    }

    /// A 64-bit hash of `s`: 8 bytes at a time, multiply-xorshift mixed.
    static func hash(_ s: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(s.count)
        var i = 0
        while i + 8 <= s.count {
            h = (h ^ s.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < s.count {
            tail |= UInt64(s[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 29)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
