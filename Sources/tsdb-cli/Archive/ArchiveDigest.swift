import ColumnStore

/// Row count and an order-independent checksum of every value, per UTC day: the same rows give the
/// same digest whether read from tsdb or from the Parquet files they were exported to.
struct ArchiveDigest: Equatable {
    struct Entry: Equatable { var rows = 0; var checksum: UInt64 = 0 }
    var days: [Int32: Entry] = [:]

    var rows: Int { days.values.reduce(0) { $0 + $1.rows } }

    /// Adds rows `keep` (nil: all) of `vectors` (time first; tags already resolved to strings).
    mutating func add(_ vectors: [ColumnVector], keep: [Int32]?) {
        let hashes = Self.rowHashes(vectors)
        let time = vectors[0].int64s
        func one(_ r: Int) {
            days[Day.of(time[r]), default: Entry()].rows += 1
            days[Day.of(time[r])]!.checksum &+= hashes[r]
        }
        if let keep { for r in keep { one(Int(r)) } } else { for r in 0..<hashes.count { one(r) } }
    }

    /// One hash per row over all its values (time first; tags resolved to strings), the same whether
    /// the row is read from tsdb or from a Parquet file it was exported to.
    static func rowHashes(_ vectors: [ColumnVector]) -> [UInt64] {
        var hashes = [UInt64](repeating: 0xCBF2_9CE4_8422_2325, count: vectors.first?.count ?? 0)
        for v in vectors { mix(v, into: &hashes) }
        for r in hashes.indices {
            var h = hashes[r]
            h ^= h >> 33; h &*= 0xFF51_AFD7_ED55_8CCD; h ^= h >> 33
            hashes[r] = h
        }
        return hashes
    }

    /// Folds one column's values into each row's hash (FNV-1a style, 8 bytes at a time).
    static func mix(_ v: ColumnVector, into hashes: inout [UInt64]) {
        @inline(__always) func step(_ h: inout UInt64, _ x: UInt64) { h = (h ^ x) &* 0x100_0000_01B3 }
        for r in 0..<v.count {
            if v.isNull(r) { step(&hashes[r], 0x9E37_79B9_7F4A_7C15); continue }
            switch v.type {
            case .time, .int64, .date: step(&hashes[r], UInt64(bitPattern: v.int64s[r]))
            case .uint64: step(&hashes[r], v.uint64s[r])
            case .float64: step(&hashes[r], v.float64s[r].bitPattern)
            case .bool: step(&hashes[r], UInt64(v.bools[r]) &+ 2)
            case .symbol: step(&hashes[r], UInt64(v.codes[r]))
            case .string:
                var h = hashes[r]
                for k in Int(v.offsets[r])..<Int(v.offsets[r + 1]) { step(&h, UInt64(v.bytes[k])) }
                step(&h, UInt64(v.offsets[r + 1] - v.offsets[r]))
                hashes[r] = h
            }
        }
    }
}
