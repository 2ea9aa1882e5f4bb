import ColumnStore

/// The one encoding of a key value as a 64-bit word, shared by grouping (`HashAggregate`), hash
/// partitioning (`KeyHash`, `HashAggregate.groupPartitions`), DISTINCT (`distinctKey`) and row keys of
/// joins and set operations (`RowKeys`): equal values get equal words, so a group, its partition and its
/// distinct entry can never disagree about which rows share a key.
///
/// Numbers are their bits (a double's −0 as 0 and every NaN as one NaN, as SQL groups them), booleans 0/1,
/// tags their dictionary code. A string is either a code in a per-thread pool (`.pooled`: exact, for
/// tables one thread owns) or a hash of its bytes (`.hashed`: the same in every thread, for partitions).
enum GroupKey {
    /// How a string becomes a word.
    enum Strings { case pooled, hashed }

    /// The word standing for NULL where a key is hashed (grouping keeps NULLs as flag bits instead).
    static let nullWord: UInt64 = 0x6A09_E667_F3BC_C908

    @inline(__always) static func word(int x: Int64) -> UInt64 { UInt64(bitPattern: x) }
    @inline(__always) static func word(double x: Double) -> UInt64 {
        x.isNaN ? Double.nan.bitPattern : (x == 0 ? 0 : x).bitPattern
    }
    @inline(__always) static func word(bool b: UInt8) -> UInt64 { b != 0 ? 1 : 0 }
    @inline(__always) static func word(string p: UnsafeRawBufferPointer, _ strings: Strings, _ pool: inout StringPool) -> UInt64 {
        strings == .hashed ? ByteStringTable.hash(p) : UInt64(pool.intern(p))
    }

    /// The word of a constant (NULL: `nullWord`).
    static func word(_ c: Value, _ strings: Strings, _ pool: inout StringPool) -> UInt64 {
        switch c {
        case .null: return nullWord
        case let .int(x), let .time(x): return word(int: x)
        case let .uint(x): return x
        case let .double(x): return word(double: x)
        case let .bool(b): return b ? 1 : 0
        case var .string(s): return s.withUTF8 { word(string: UnsafeRawBufferPointer($0), strings, &pool) }
        // An array key is its encoding, the bytes its vector holds.
        case let .array(a): return ArrayCoding.encode(a).withUnsafeBytes { word(string: $0, strings, &pool) }
        case let .interval(i): return word(int: IntervalValues.nanoseconds(i) ?? .max)
        case let .date(d): return word(int: d)
        case let .record(r): return RecordCoding.encode(r).withUnsafeBytes { word(string: $0, strings, &pool) }
        }
    }

    /// The word of row `r` of `v` (a constant's for a constant); NULL rows are the caller's to test.
    @inline(__always) static func word(_ v: Vec, _ r: Int, _ strings: Strings, _ pool: inout StringPool) -> UInt64 {
        if let c = v.constant { return word(c, strings, &pool) }
        let col = v.col
        switch col.type {
        case .symbol: return UInt64(col.codes[r])
        case .string: return col.withStringBytes(r) { word(string: $0, strings, &pool) }
        case .time, .int64, .date: return word(int: col.int64s[r])
        case .uint64: return col.uint64s[r]
        case .float64: return word(double: col.float64s[r])
        case .bool: return word(bool: col.bools[r])
        }
    }

    /// Each selected row's word of one column into `out[j * stride + offset]` (`sel` maps j to the row;
    /// nil: j itself). NULL rows get their placeholder value's word: callers mark them.
    static func words(_ col: ColumnVector, sel: [Int32]?, n: Int, _ strings: Strings, _ pool: inout StringPool,
                      into out: UnsafeMutableBufferPointer<UInt64>, stride: Int = 1, offset: Int = 0) {
        switch col.type {
        case .symbol: col.codes.withUnsafeBufferPointer { c in for j in 0..<n { out[j &* stride &+ offset] = UInt64(c[row(sel, j)]) } }
        case .time, .int64, .date:
            col.int64s.withUnsafeBufferPointer { c in for j in 0..<n { out[j &* stride &+ offset] = word(int: c[row(sel, j)]) } }
        case .uint64: col.uint64s.withUnsafeBufferPointer { c in for j in 0..<n { out[j &* stride &+ offset] = c[row(sel, j)] } }
        case .float64:
            col.float64s.withUnsafeBufferPointer { c in for j in 0..<n { out[j &* stride &+ offset] = word(double: c[row(sel, j)]) } }
        case .bool: col.bools.withUnsafeBufferPointer { c in for j in 0..<n { out[j &* stride &+ offset] = word(bool: c[row(sel, j)]) } }
        case .string:
            col.bytes.withUnsafeBytes { b in
                col.offsets.withUnsafeBufferPointer { o in
                    for j in 0..<n {
                        let r = row(sel, j)
                        out[j &* stride &+ offset] = word(string: UnsafeRawBufferPointer(rebasing: b[Int(o[r])..<Int(o[r &+ 1])]), strings, &pool)
                    }
                }
            }
        }
    }

    /// A grouping word (strings pooled in `pool`) as the word `.hashed` gives the same value, for the
    /// partition of a stored group.
    @inline(__always) static func hashedWord(pooled w: UInt64, isString: Bool, _ pool: StringPool) -> UInt64 {
        isString ? pool.withBytes(UInt32(w)) { ByteStringTable.hash($0) } : w
    }
}
