/// Serialisation of write batches into WAL record payloads.
///
/// ```
/// payload := kind u8 (=1, batches) | batchCount u32 | batch*
/// batch   := table (u16 len + UTF-8) | rows u32 | time i64[rows] | columnCount u16 | column*
/// column  := name (u16 len + UTF-8) | type u8 | hasValidity u8 | validity u64[(rows+63)/64] if hasValidity | data
/// data    := time/int64: i64[rows] | uint64: u64[rows] | float64: IEEE bits u64[rows] | bool: u8[rows]
///          | symbol: dictCount u32 | arenaLen u32 | offsets u32[dictCount+1] | arena | codes u32[rows]
///          | string: offsets u32[rows+1] | bytes[offsets[rows]]
/// ```
/// All integers little-endian. The record framing (length, checksum) is the WAL file's.
enum WALRecord {
    static let kindBatches: UInt8 = 1

    static func encode(_ batches: [WriteBatch]) -> [UInt8] {
        var size = 8
        for b in batches { size += 64 + b.rowCount * 8 * (b.columns.count + 1) }
        var w = ByteWriter(capacity: size)
        w.u8(kindBatches)
        w.u32(UInt32(batches.count))
        for b in batches {
            w.string(b.table)
            w.u32(UInt32(b.rowCount))
            w.raw(b.time)
            w.u16(UInt16(b.columns.count))
            for c in b.columns {
                w.string(c.name)
                w.u8(c.vector.type.rawValue)
                let v = c.vector
                if let validity = v.validity {
                    w.u8(1)
                    w.raw(validity.words)
                } else {
                    w.u8(0)
                }
                switch v.type {
                case .time, .int64, .date: w.raw(v.int64s)
                case .uint64: w.raw(v.uint64s)
                case .float64: w.raw(v.float64s)
                case .bool: w.raw(v.bools)
                case .symbol:
                    w.u32(UInt32(c.dictionary.count))
                    w.u32(UInt32(c.dictionary.arena.count))
                    w.raw(c.dictionary.offsets)
                    w.raw(c.dictionary.arena)
                    w.raw(v.codes)
                case .string:
                    w.raw(v.offsets)
                    w.raw(v.bytes)
                }
            }
        }
        return w.bytes
    }

    struct Malformed: Error { var detail: String }

    static func decode(_ payload: UnsafeRawBufferPointer) throws(Malformed) -> [WriteBatch] {
        var r = ByteReader(payload)
        do {
            guard try r.u8() == kindBatches else { throw Malformed(detail: "unknown record kind") }
            let n = Int(try r.u32())
            var out: [WriteBatch] = []
            for _ in 0..<n {
                var b = WriteBatch(table: try r.string())
                let rows = Int(try r.u32())
                b.time = try r.raw(rows, as: Int64.self)
                let cols = Int(try r.u16())
                for _ in 0..<cols {
                    let name = try r.string()
                    guard let type = ColumnType(rawValue: try r.u8()) else { throw Malformed(detail: "bad column type") }
                    var v = ColumnVector(type: type)
                    var validity: Bitmap?
                    if try r.u8() == 1 {
                        var bm = Bitmap(count: rows, value: false)
                        bm.words = try r.raw((rows + 63) >> 6, as: UInt64.self)
                        validity = bm
                    }
                    var dict = ByteStringTable()
                    switch type {
                    case .time, .int64, .date: v.int64s = try r.raw(rows, as: Int64.self)
                    case .uint64: v.uint64s = try r.raw(rows, as: UInt64.self)
                    case .float64: v.float64s = try r.raw(rows, as: Double.self)
                    case .bool: v.bools = try r.raw(rows, as: UInt8.self)
                    case .symbol:
                        let dc = Int(try r.u32())
                        let al = Int(try r.u32())
                        let offs = try r.raw(dc + 1, as: UInt32.self)
                        let arena = try r.bytes(al)
                        for i in 0..<dc {
                            let lo = Int(offs[i]), hi = Int(offs[i + 1])
                            guard lo <= hi, hi <= al else { throw Malformed(detail: "bad dictionary offsets") }
                            dict.intern(UnsafeRawBufferPointer(rebasing: arena[lo..<hi]))
                        }
                        v.codes = try r.raw(rows, as: UInt32.self)
                        for c in v.codes where Int(c) >= max(dc, 1) { throw Malformed(detail: "symbol code \(c) out of range") }
                    case .string:
                        v.offsets = try r.raw(rows + 1, as: UInt32.self)
                        let total = Int(v.offsets[rows])
                        var prev: UInt32 = 0
                        for o in v.offsets { guard o >= prev, Int(o) <= total else { throw Malformed(detail: "bad string offsets") }; prev = o }
                        v.bytes = Array(try r.bytes(total))
                    }
                    v.validity = validity
                    v._setCount(rows)
                    b.columns.append(BatchColumn(name: name, vector: v, dictionary: dict))
                }
                out.append(b)
            }
            return out
        } catch let e as Malformed {
            throw e
        } catch {
            throw Malformed(detail: "record shorter than its contents")
        }
    }
}
