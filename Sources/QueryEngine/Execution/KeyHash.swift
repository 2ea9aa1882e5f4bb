import ColumnStore

/// The hash partition of a group key, the same whether computed from a batch's rows or from a hash
/// table's stored groups: one word per key (symbol code, string bytes hashed, number bits, NULL marker),
/// mixed in key order.
enum KeyHash {
    /// Partitions are the top `bits` bits of the mixed hash.
    static let bits = 7
    static let partitionCount = 1 << bits
    static let seed: UInt64 = 0x243F_6A88_85A3_08D3
    static let nullWord = GroupKey.nullWord

    @inline(__always) static func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
        var x = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        return x
    }

    @inline(__always) static func partition(_ h: UInt64) -> UInt8 {
        var x = h &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 31
        return UInt8(truncatingIfNeeded: x >> UInt64(64 - bits))
    }

    /// The word of a constant key (strings hashed by their bytes).
    static func word(_ c: Value) -> UInt64 {
        var none = StringPool()
        return GroupKey.word(c, .hashed, &none)
    }

    /// The partition of each selected row's key (`sel` maps j to the batch row; nil: j itself).
    static func partitions(_ keys: [Vec], sel: [Int32]?, n: Int) -> [UInt8] {
        var h = [UInt64](repeating: seed, count: n)
        var w = [UInt64](repeating: 0, count: n)
        for v in keys {
            if let c = v.constant {
                let x = word(c)
                for j in 0..<n { w[j] = x }
            } else {
                words(v.col, sel: sel, n: n, into: &w)
            }
            for j in 0..<n { h[j] = mix(h[j], w[j]) }
        }
        return h.map { partition($0) }
    }

    /// Each selected row's word of one key column (`GroupKey`'s, strings hashed).
    static func words(_ col: ColumnVector, sel: [Int32]?, n: Int, into w: inout [UInt64]) {
        var none = StringPool()
        w.withUnsafeMutableBufferPointer { w in
            GroupKey.words(col, sel: sel, n: n, .hashed, &none, into: w)
            // A NULL's placeholder value is not its key: NULLs hash as the marker.
            if let valid = col.validity { for j in 0..<n where !valid[row(sel, j)] { w[j] = nullWord } }
        }
    }
}
