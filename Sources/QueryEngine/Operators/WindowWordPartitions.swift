import ColumnStore
import Foundation

/// A window's rows grouped by one PARTITION BY column whose every value fits in a 64-bit word: a string of
/// at most 8 bytes (user ids), a tag's code, an integer or timestamp.
///
/// Interning ten million user ids into one table of a million strings is a cache miss per row on one core.
/// Here each row's key is its bytes packed into a word (with the length beside it, so `"ab"` and `"ab\0"`
/// differ), rows are radix-scattered by a hash of the key into buckets of a few thousand rows (in input
/// order within a bucket, each thread counting and scattering its own contiguous rows), and each bucket is
/// grouped in a hash table that stays in cache, buckets spread over the threads. A group's rows keep their
/// input order, as the counting sort of `WindowOrder` keeps them, so the layout is the same up to the order
/// of the groups, which no window function sees.
struct WindowWordPartitions {
    /// Grouped position → input row: group g is `perm[groupStart[g]..<groupStart[g + 1]]`.
    var perm: [Int]
    var groupStart: [Int]

    /// Rows a bucket should hold about, so its table and rows fit a core's cache.
    static let bucketRows = 4096
    /// The length byte of a NULL key (no value has it).
    private static let nullLength: UInt8 = 0xFF

    /// The layout, or nil when some value does not fit a word (a string over 8 bytes) or the column's type
    /// has no word of its own (DOUBLE: −0 and NaN; BOOLEAN).
    init?(_ column: ColumnVector, rows n: Int, threads: Int, control: QueryControl?) throws {
        guard let keys = Keys(column), n > 0, n < Int(Int32.max) else { return nil }
        let bits = Self.bucketBits(n)
        let buckets = 1 << bits
        let tasks = n < 65_536 ? 1 : max(1, threads)

        // Scatter buffers: row, word, length per row.
        let scratch = n * (MemoryLayout<Int32>.stride + MemoryLayout<UInt64>.stride + 1)
        try control?.charge(scratch)
        defer { control?.release(scratch) }

        // 1. Each task counts its contiguous rows per bucket (and finds a value that does not fit).
        let spans = (0..<tasks).map { t in (n * t / tasks)..<(n * (t + 1) / tasks) }
        var counts = [Int](repeating: 0, count: tasks * buckets)
        let tooLong = Flag()
        counts.withUnsafeMutableBufferPointer { c in
            let c = Shared(c.baseAddress!)
            Self.parallel(tasks) { t in
                let base = c.p + t * buckets
                for i in spans[t] {
                    guard let (w, l) = keys.key(i) else { tooLong.set(); return }
                    base[Int(Self.hash(w, l) >> UInt64(64 - bits)) & (buckets - 1)] += 1
                }
            }
        }
        if tooLong.isSet { return nil }

        // 2. Bucket b's rows start at bucketStart[b], task t's rows of it after those of tasks before t, so
        // each bucket holds its rows in input order.
        var bucketStart = [Int](repeating: 0, count: buckets + 1)
        var at = [Int](repeating: 0, count: tasks * buckets)
        var sum = 0
        for b in 0..<buckets {
            bucketStart[b] = sum
            for t in 0..<tasks { at[t * buckets + b] = sum; sum += counts[t * buckets + b] }
        }
        bucketStart[buckets] = sum
        var rowOf = [Int32](repeating: 0, count: n)
        var wordOf = [UInt64](repeating: 0, count: n)
        var lengthOf = [UInt8](repeating: 0, count: n)
        rowOf.withUnsafeMutableBufferPointer { r in
            wordOf.withUnsafeMutableBufferPointer { w in
                lengthOf.withUnsafeMutableBufferPointer { l in
                    at.withUnsafeMutableBufferPointer { a in
                        let r = Shared(r.baseAddress!), w = Shared(w.baseAddress!), l = Shared(l.baseAddress!), a = Shared(a.baseAddress!)
                        Self.parallel(tasks) { t in
                            let next = a.p + t * buckets
                            for i in spans[t] {
                                let (word, length) = keys.key(i)!
                                let b = Int(Self.hash(word, length) >> UInt64(64 - bits)) & (buckets - 1)
                                let k = next[b]
                                next[b] = k + 1
                                r.p[k] = Int32(truncatingIfNeeded: i)
                                w.p[k] = word
                                l.p[k] = length
                            }
                        }
                    }
                }
            }
        }
        try control?.check()

        // 3. Each bucket grouped on its own: groups in order of first row, rows of a group in input order.
        // A bucket's group sizes go to sizes[bucketStart[b]...], its group count to groupsIn[b].
        let starts = bucketStart
        var perm = [Int](repeating: 0, count: n)
        var sizes = [Int32](repeating: 0, count: n)
        var groupsIn = [Int](repeating: 0, count: buckets)
        let rangeCount = min(buckets, tasks * 8)
        let ranges = (0..<rangeCount).map { k in (buckets * k / rangeCount)..<(buckets * (k + 1) / rangeCount) }
        perm.withUnsafeMutableBufferPointer { p in
            sizes.withUnsafeMutableBufferPointer { s in
                groupsIn.withUnsafeMutableBufferPointer { g in
                    rowOf.withUnsafeBufferPointer { r in
                        wordOf.withUnsafeBufferPointer { w in
                            lengthOf.withUnsafeBufferPointer { l in
                                let out = Shared(p.baseAddress!), size = Shared(s.baseAddress!), groups = Shared(g.baseAddress!)
                                let rows = SharedConst(r.baseAddress!), words = SharedConst(w.baseAddress!), lengths = SharedConst(l.baseAddress!)
                                Self.parallel(rangeCount, tasks: tasks) { k in
                                    var grouper = BucketGrouper()
                                    for b in ranges[k] {
                                        let lo = starts[b], hi = starts[b + 1]
                                        groups.p[b] = grouper.group(rows.p + lo, words.p + lo, lengths.p + lo, count: hi - lo,
                                                                    into: out.p + lo, sizes: size.p + lo)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var groupStarts = [Int]()
        groupStarts.reserveCapacity(groupsIn.reduce(0, +) + 1)
        for b in 0..<buckets {
            var pos = bucketStart[b]
            for g in 0..<groupsIn[b] { groupStarts.append(pos); pos += Int(sizes[bucketStart[b] + g]) }
        }
        groupStarts.append(n)
        self.perm = perm
        groupStart = groupStarts
    }

    /// A row's key as a word and a length byte (8 for a non-string, `nullLength` for NULL).
    private struct Keys: @unchecked Sendable {
        enum Source { case string(UnsafePointer<UInt32>, UnsafePointer<UInt8>?), words(UnsafePointer<UInt64>), codes(UnsafePointer<UInt32>) }
        let source: Source
        let validity: Bitmap?
        /// Keeps the column's arrays alive while the pointers are used.
        let column: ColumnVector

        init?(_ c: ColumnVector) {
            column = c
            validity = c.validity
            switch c.type {
            case .string:
                source = .string(c.offsets.withUnsafeBufferPointer { $0.baseAddress! }, c.bytes.withUnsafeBufferPointer { $0.baseAddress })
            case .symbol: source = .codes(c.codes.withUnsafeBufferPointer { $0.baseAddress! })
            case .int64, .time, .date:
                source = .words(c.int64s.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: UInt64.self) })
            case .uint64: source = .words(c.uint64s.withUnsafeBufferPointer { $0.baseAddress! })
            case .float64, .bool: return nil
            }
            if c.count == 0 { return nil }
        }

        /// Row i's key, or nil for a string too long for a word.
        @inline(__always) func key(_ i: Int) -> (UInt64, UInt8)? {
            if let validity, !validity[i] { return (0, nullLength) }
            switch source {
            case let .string(offsets, bytes):
                let lo = Int(offsets[i]), len = Int(offsets[i + 1]) - lo
                if len > 8 { return nil }
                var w: UInt64 = 0
                if len > 0, let bytes {
                    for j in 0..<len { w |= UInt64(bytes[lo + j]) << UInt64(8 * j) }
                }
                return (w, UInt8(len))
            case let .words(p): return (p[i], 8)
            case let .codes(p): return (UInt64(p[i]), 8)
            }
        }
    }

    /// log2 of the bucket count: buckets of about `bucketRows` rows, at most 4,096 of them.
    static func bucketBits(_ n: Int) -> Int {
        var bits = 0
        while bits < 12, n >> (bits + 1) >= bucketRows { bits += 1 }
        return bits
    }

    /// MurmurHash3's 64-bit finalizer over the word and length: every bit depends on every input bit.
    @inline(__always) static func hash(_ w: UInt64, _ l: UInt8) -> UInt64 {
        var h = w ^ (UInt64(l) &* 0x9E37_79B9_7F4A_7C15)
        h ^= h >> 33; h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33; h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// Runs `body(0..<iterations)` on up to `tasks` threads.
    private static func parallel(_ iterations: Int, tasks: Int? = nil, _ body: @Sendable (Int) -> Void) {
        if iterations == 1 || (tasks ?? iterations) == 1 {
            for k in 0..<iterations { body(k) }
        } else {
            DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
        }
    }
}

/// Groups one bucket's rows by key in an open-addressing table reused from bucket to bucket.
private struct BucketGrouper {
    private var slots: [Int32] = []
    private var groupWord: [UInt64] = []
    private var groupLength: [UInt8] = []
    private var groupCount: [Int32] = []
    private var groupOf: [Int32] = []

    /// Writes the bucket's rows grouped into `out` and each group's size into `sizes`; returns the groups.
    mutating func group(_ rows: UnsafePointer<Int32>, _ words: UnsafePointer<UInt64>, _ lengths: UnsafePointer<UInt8>, count m: Int,
                        into out: UnsafeMutablePointer<Int>, sizes: UnsafeMutablePointer<Int32>) -> Int {
        if m == 0 { return 0 }
        var cap = 16
        while cap < 2 * m { cap <<= 1 }
        let mask = cap - 1
        if slots.count < cap { slots = [Int32](repeating: -1, count: cap) } else { slots.withUnsafeMutableBufferPointer { $0.update(repeating: -1) } }
        if groupOf.count < m {
            groupOf = [Int32](repeating: 0, count: m)
            groupWord = [UInt64](repeating: 0, count: m)
            groupLength = [UInt8](repeating: 0, count: m)
            groupCount = [Int32](repeating: 0, count: m)
        }
        var groups = 0
        slots.withUnsafeMutableBufferPointer { slot in
            groupWord.withUnsafeMutableBufferPointer { gw in
                groupLength.withUnsafeMutableBufferPointer { gl in
                    groupCount.withUnsafeMutableBufferPointer { gc in
                        groupOf.withUnsafeMutableBufferPointer { of in
                            for k in 0..<m {
                                let w = words[k], l = lengths[k]
                                var s = Int(truncatingIfNeeded: WindowWordPartitions.hash(w, l)) & mask
                                while true {
                                    let g = Int(slot[s])
                                    if g < 0 {
                                        slot[s] = Int32(groups)
                                        gw[groups] = w; gl[groups] = l; gc[groups] = 1
                                        of[k] = Int32(groups)
                                        groups += 1
                                        break
                                    }
                                    if gw[g] == w && gl[g] == l { gc[g] += 1; of[k] = Int32(g); break }
                                    s = (s + 1) & mask
                                }
                            }
                            // Group g's rows start after those of groups before it; rows keep their order.
                            var pos: Int32 = 0
                            for g in 0..<groups { let c = gc[g]; sizes[g] = c; gc[g] = pos; pos += c }
                            for k in 0..<m {
                                let g = Int(of[k])
                                out[Int(gc[g])] = Int(rows[k])
                                gc[g] += 1
                            }
                        }
                    }
                }
            }
        }
        return groups
    }
}

/// A pointer threads write through at disjoint positions.
private struct Shared<T>: @unchecked Sendable { let p: UnsafeMutablePointer<T>; init(_ p: UnsafeMutablePointer<T>) { self.p = p } }
/// A pointer threads read through.
private struct SharedConst<T>: @unchecked Sendable { let p: UnsafePointer<T>; init(_ p: UnsafePointer<T>) { self.p = p } }

/// Set by any thread that met a value too long for a word.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var set_ = false
    func set() { lock.withLock { set_ = true } }
    var isSet: Bool { lock.withLock { set_ } }
}
