import Foundation

/// Writes one immutable segment file from sorted columns.
///
/// The file is not fsynced here: a flush writes many segments (one per day touched), then makes them
/// durable together with `FileIO.syncAll` before the manifest names them. Until the manifest does,
/// a file is an orphan that open() deletes, so a crash never exposes a half-written segment.
enum SegmentWriter {
    /// Writes `vectors` (one per column of `columns`, equal lengths, rows already sorted) to `path`; `compacting`
    /// selects compaction's codec choice rules (`CodecOptions.compacting`).
    static func write(path: String, columns: [ColumnDef], vectors: [ColumnVector], options: TableOptions,
                      compacting: Bool = false) throws -> (footer: SegmentFooter, bytes: Int) {
        precondition(columns.count == vectors.count && columns.first?.type == .time, "BUG: segment columns must start with time")
        let rows = vectors[0].count
        var blockCounts: [Int] = []
        var lo = 0
        while lo < rows { let n = min(SegmentFormat.blockRows, rows - lo); blockCounts.append(n); lo += n }

        // Encode every column's blocks, columns in parallel: encoding tries several codecs and is the costly part.
        let counts = blockCounts
        let results = ColumnResults(columns.count)
        DispatchQueue.concurrentPerform(iterations: columns.count) { c in
            var out: [UInt8] = []
            var rs: [BlockRef] = []
            var start = 0
            var opts = options.codecOptions(for: columns[c].name)
            opts.compacting = compacting
            for n in counts {
                let range = start..<start + n
                let before = out.count
                let summary = BlockCodec.encode(vectors[c], range: range, options: opts, into: &out)
                let crc = out.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[before...])) }
                rs.append(BlockRef(offset: UInt64(before), length: UInt32(out.count - before), checksum: crc,
                                   encoding: summary.encoding.rawValue, compression: summary.compression.rawValue,
                                   rawBytes: UInt32(clamping: summary.rawBytes), stats: BlockStats.compute(vectors[c], range: range)))
                start += n
            }
            results.set(c, out, rs)
        }
        let encoded = results.encoded
        var refs = results.refs

        let fd = try FileIO.open(path, O_WRONLY | O_CREAT | O_TRUNC)
        var ok = false
        defer {
            close(fd)
            if !ok { FileIO.unlink(path) }
        }
        var header = ByteWriter(capacity: SegmentFormat.headerSize)
        header.bytes.append(contentsOf: SegmentFormat.magic)
        header.u16(SegmentFormat.version)
        header.u16(0)
        header.u32(0)
        try FileIO.writeAll(fd, header.bytes, path: path)
        var offset = UInt64(SegmentFormat.headerSize)
        for c in columns.indices {
            for b in refs[c].indices { refs[c][b].offset += offset }
            try FileIO.writeAll(fd, encoded[c], path: path)
            offset += UInt64(encoded[c].count)
        }
        var minT = Int64.max, maxT = Int64.min
        for v in vectors[0].int64s { minT = min(minT, v); maxT = max(maxT, v) }
        let footer = SegmentFooter(rowCount: rows, minTime: minT, maxTime: maxT, blockRowCounts: blockCounts, columns: columns, blocks: refs)
        let fbytes = footer.encode()
        var tail = ByteWriter(capacity: SegmentFormat.tailSize)
        tail.u64(offset)
        tail.u32(UInt32(fbytes.count))
        tail.u32(CRC32C.checksum(fbytes))
        tail.bytes.append(contentsOf: SegmentFormat.tailMagic)
        try FileIO.writeAll(fd, fbytes, path: path)
        try FileIO.writeAll(fd, tail.bytes, path: path)
        ok = true
        return (footer, Int(offset) + fbytes.count + SegmentFormat.tailSize)
    }
}

/// The order rows are written in: by the table's sort key columns, then time; stable.
enum SortOrder {
    /// A permutation sorting the rows, or nil when they are already in order.
    static func permutation(_ vectors: [ColumnVector], keys: [Int]) -> [Int32]? {
        let time = vectors[0].int64s
        let n = time.count
        if keys.isEmpty {
            var sorted = true
            time.withUnsafeBufferPointer { t in
                var i = 1
                while i < n { if t[i] < t[i - 1] { sorted = false; break }; i += 1 }
            }
            if sorted { return nil }
            var idx = (0..<Int32(n)).map { $0 }
            time.withUnsafeBufferPointer { t in
                idx.sort { t[Int($0)] < t[Int($1)] || (t[Int($0)] == t[Int($1)] && $0 < $1) }
            }
            return idx
        }
        var idx = (0..<Int32(n)).map { $0 }
        idx.sort { a, b in
            for k in keys {
                let v = vectors[k]
                let ia = Int(a), ib = Int(b)
                let na = v.isNull(ia), nb = v.isNull(ib)
                if na != nb { return nb }  // NULLs last
                if na { continue }
                switch v.type {
                case .time, .int64, .date: if v.int64s[ia] != v.int64s[ib] { return v.int64s[ia] < v.int64s[ib] }
                case .uint64: if v.uint64s[ia] != v.uint64s[ib] { return v.uint64s[ia] < v.uint64s[ib] }
                case .float64: if v.float64s[ia] != v.float64s[ib] { return v.float64s[ia] < v.float64s[ib] }
                case .bool: if v.bools[ia] != v.bools[ib] { return v.bools[ia] < v.bools[ib] }
                case .symbol: if v.codes[ia] != v.codes[ib] { return v.codes[ia] < v.codes[ib] }
                case .string:
                    let c = v.withStringBytes(ia) { x in v.withStringBytes(ib) { y in x.lexicographicallyPrecedes(y) ? -1 : (x.elementsEqual(y) ? 0 : 1) } }
                    if c != 0 { return c < 0 }
                }
            }
            return time[Int(a)] < time[Int(b)] || (time[Int(a)] == time[Int(b)] && a < b)
        }
        return idx
    }
}

/// Per-column results of the parallel encode, filled by index under a lock.
private final class ColumnResults: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var encoded: [[UInt8]]
    private(set) var refs: [[BlockRef]]
    init(_ n: Int) {
        encoded = .init(repeating: [], count: n)
        refs = .init(repeating: [], count: n)
    }
    func set(_ c: Int, _ e: [UInt8], _ r: [BlockRef]) { lock.withLock { encoded[c] = e; refs[c] = r } }
}
