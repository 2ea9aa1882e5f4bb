/// The on-disk layout of a segment file (version 1). See docs/storage-format.md.
///
/// ```
/// offset 0   header, 16 bytes:
///            magic "TSDBSEG\0" (8) | version u16 (= 1) | reserved u16 (= 0) | reserved u32 (= 0)
/// offset 16  column blocks, column-major: every block of column 0, then of column 1, …
///            each block is a self-describing BlockCodec block; its bytes are covered by a CRC-32C in the footer
/// footer     (see SegmentFooter.encode) — schema, block row counts, per column per block:
///            offset, length, checksum, encoding, compression, statistics
/// tail, 24 bytes at end of file:
///            footerOffset u64 | footerLength u32 | crc32c(footer) u32 | magic "TSDBEND\0" (8)
/// ```
/// All integers little-endian. Rows are sorted by the table's sort key; block `b` of every column covers
/// the same rows. A file that fails any check is reported as corrupt, naming the file, column and block.
public enum SegmentFormat {
    public static let magic: [UInt8] = Array("TSDBSEG\0".utf8)
    public static let tailMagic: [UInt8] = Array("TSDBEND\0".utf8)
    public static let version: UInt16 = 1
    public static let headerSize = 16
    public static let tailSize = 24
    /// Rows per block: big enough for codecs to pay off, small enough for statistics to prune.
    public static let blockRows = 65_536
}

/// Min/max/null statistics of one column block; min and max are absent for strings and all-NULL blocks.
public struct BlockStats: Sendable, Equatable {
    public var nullCount: Int
    /// Bit patterns: Int64 for time/int64/bool/symbol codes, UInt64 for uint64, Double bits for float64.
    public var min: UInt64
    public var max: UInt64
    public var hasMinMax: Bool

    public init(nullCount: Int = 0, min: UInt64 = 0, max: UInt64 = 0, hasMinMax: Bool = false) {
        self.nullCount = nullCount
        self.min = min
        self.max = max
        self.hasMinMax = hasMinMax
    }

    public var minInt: Int64 { Int64(bitPattern: min) }
    public var maxInt: Int64 { Int64(bitPattern: max) }
    public var minDouble: Double { Double(bitPattern: min) }
    public var maxDouble: Double { Double(bitPattern: max) }

    /// Statistics of rows `range` of `v`.
    public static func compute(_ v: ColumnVector, range: Range<Int>) -> BlockStats {
        var s = BlockStats()
        s.nullCount = v.validity == nil ? 0 : range.reduce(0) { $0 + (v.isNull($1) ? 1 : 0) }
        let allValid = s.nullCount == 0
        func ints(_ a: [Int64]) {
            var lo = Int64.max, hi = Int64.min, any = false
            a.withUnsafeBufferPointer { p in
                for i in range where allValid || !v.isNull(i) { lo = Swift.min(lo, p[i]); hi = Swift.max(hi, p[i]); any = true }
            }
            if any { s.min = UInt64(bitPattern: lo); s.max = UInt64(bitPattern: hi); s.hasMinMax = true }
        }
        switch v.type {
        case .time, .int64, .date: ints(v.int64s)
        case .uint64:
            var lo = UInt64.max, hi = UInt64.min, any = false
            for i in range where allValid || !v.isNull(i) { lo = Swift.min(lo, v.uint64s[i]); hi = Swift.max(hi, v.uint64s[i]); any = true }
            if any { s.min = lo; s.max = hi; s.hasMinMax = true }
        case .float64:
            var lo = Double.infinity, hi = -Double.infinity, any = false
            for i in range where (allValid || !v.isNull(i)) && !v.float64s[i].isNaN {
                lo = Swift.min(lo, v.float64s[i]); hi = Swift.max(hi, v.float64s[i]); any = true
            }
            if any { s.min = lo.bitPattern; s.max = hi.bitPattern; s.hasMinMax = true }
        case .bool:
            var lo: UInt8 = 1, hi: UInt8 = 0, any = false
            for i in range where allValid || !v.isNull(i) { lo = Swift.min(lo, v.bools[i]); hi = Swift.max(hi, v.bools[i]); any = true }
            if any { s.min = UInt64(lo); s.max = UInt64(hi); s.hasMinMax = true }
        case .symbol:
            var lo = UInt32.max, hi = UInt32.min, any = false
            for i in range where allValid || !v.isNull(i) { lo = Swift.min(lo, v.codes[i]); hi = Swift.max(hi, v.codes[i]); any = true }
            if any { s.min = UInt64(lo); s.max = UInt64(hi); s.hasMinMax = true }
        case .string: break
        }
        return s
    }
}

/// Where one column block lives in the file and what it holds.
public struct BlockRef: Sendable, Equatable {
    public var offset: UInt64
    public var length: UInt32
    public var checksum: UInt32
    public var encoding: UInt8
    public var compression: UInt8
    /// Size of the block's values before encoding (for compression ratios).
    public var rawBytes: UInt32
    public var stats: BlockStats
}

/// The footer: the segment's schema, row layout and block index.
///
/// ```
/// version u16 | rowCount u64 | minTime i64 | maxTime i64
/// blockCount u32 | rows u32[blockCount]
/// columnCount u16 | column*
/// column := name (u16 len + UTF-8) | type u8 | block*[blockCount]
/// block  := offset u64 | length u32 | crc32c u32 | encoding u8 | compression u8 | rawBytes u32
///         | nullCount u32 | hasMinMax u8 | min u64 | max u64
/// ```
public struct SegmentFooter: Sendable, Equatable {
    public var rowCount: Int
    public var minTime: Int64
    public var maxTime: Int64
    public var blockRowCounts: [Int]
    public var columns: [ColumnDef]
    /// `blocks[column][block]`
    public var blocks: [[BlockRef]]

    func encode() -> [UInt8] {
        var w = ByteWriter(capacity: 64 + columns.count * (32 + blockRowCounts.count * 43))
        w.u16(SegmentFormat.version)
        w.u64(UInt64(rowCount))
        w.i64(minTime)
        w.i64(maxTime)
        w.u32(UInt32(blockRowCounts.count))
        for r in blockRowCounts { w.u32(UInt32(r)) }
        w.u16(UInt16(columns.count))
        for (c, col) in columns.enumerated() {
            w.string(col.name)
            w.u8(col.type.rawValue)
            for b in blocks[c] {
                w.u64(b.offset); w.u32(b.length); w.u32(b.checksum)
                w.u8(b.encoding); w.u8(b.compression); w.u32(b.rawBytes)
                w.u32(UInt32(b.stats.nullCount)); w.u8(b.stats.hasMinMax ? 1 : 0)
                w.u64(b.stats.min); w.u64(b.stats.max)
            }
        }
        return w.bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws -> SegmentFooter {
        var r = ByteReader(bytes)
        do {
            let v = try r.u16()
            guard v == SegmentFormat.version else {
                throw StorageError.corrupt(path: path, detail: "unsupported segment version \(v) (this build reads \(SegmentFormat.version))")
            }
            let rows = Int(try r.u64())
            let minT = try r.i64(), maxT = try r.i64()
            let bc = Int(try r.u32())
            guard bc <= rows / 1 + 1, bc * 4 <= r.remaining else { throw StorageError.corrupt(path: path, detail: "footer block count \(bc) is impossible") }
            var counts: [Int] = []
            for _ in 0..<bc { counts.append(Int(try r.u32())) }
            guard counts.reduce(0, +) == rows else { throw StorageError.corrupt(path: path, detail: "block row counts do not add up to \(rows)") }
            let cc = Int(try r.u16())
            var cols: [ColumnDef] = [], blocks: [[BlockRef]] = []
            for _ in 0..<cc {
                let name = try r.string()
                guard let t = ColumnType(rawValue: try r.u8()) else { throw StorageError.corrupt(path: path, detail: "column '\(name)' has an unknown type") }
                cols.append(ColumnDef(name: name, type: t))
                var bs: [BlockRef] = []
                for _ in 0..<bc {
                    let off = try r.u64(), len = try r.u32(), crc = try r.u32()
                    let enc = try r.u8(), comp = try r.u8(), raw = try r.u32()
                    let nulls = Int(try r.u32()), has = try r.u8() == 1
                    let mn = try r.u64(), mx = try r.u64()
                    bs.append(BlockRef(offset: off, length: len, checksum: crc, encoding: enc, compression: comp, rawBytes: raw,
                                       stats: BlockStats(nullCount: nulls, min: mn, max: mx, hasMinMax: has)))
                }
                blocks.append(bs)
            }
            return SegmentFooter(rowCount: rows, minTime: minT, maxTime: maxT, blockRowCounts: counts, columns: cols, blocks: blocks)
        } catch let e as StorageError {
            throw e
        } catch {
            throw StorageError.corrupt(path: path, detail: "footer is truncated")
        }
    }
}
