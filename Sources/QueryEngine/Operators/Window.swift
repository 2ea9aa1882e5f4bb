import ColumnStore

/// One window function of a `Window` operator, over columns of its input.
struct WindowFunction {
    enum Kind: String {
        case rowNumber = "row_number", rank, denseRank = "dense_rank", ntile, lag, lead
        case firstValue = "first_value", lastValue = "last_value", sum, avg, min, max, count
    }

    var kind: Kind
    /// Input columns: the argument(s) (lag/lead: value, then the default's column if any).
    var arguments: [Int]
    /// ntile's bucket count, lag/lead's offset.
    var constant: Int64
    var partition: [Int]
    var order: [(column: Int, descending: Bool, nullsFirst: Bool)]
    var frame: WindowFrame?
    var type: ValueType
}

/// Window functions: each computes over its rows' partitions and frames in the sorted layout of its
/// PARTITION BY and ORDER BY (`WindowOrder`, shared by functions with equal ones) and appends its
/// column; the input's rows keep their order.
final class Window: Operator {
    let child: any Operator
    let functions: [WindowFunction]
    let columns: [PlanColumn]

    init(child: any Operator, functions: [WindowFunction], names: [String]) {
        self.child = child
        self.functions = functions
        columns = child.columns + zip(functions, names).map { PlanColumn(name: $1, type: $0.type) }
    }

    var children: [any Operator] { [child] }
    var label: String { "WINDOW " + functions.map(\.kind.rawValue).joined(separator: ", ") }

    func run(_ context: ExecutionContext) throws -> Batch {
        var b = try child.run(context)
        let input = b
        // Functions with the same PARTITION BY and ORDER BY share one sort.
        var layouts: [WindowOrder.Key: WindowOrder] = [:]
        var held = 0
        defer { context.control?.release(held) }
        for f in functions {
            try context.check()
            let key = WindowOrder.Key(f)
            let layout: WindowOrder
            if let l = layouts[key] { layout = l } else {
                // The layout's five position arrays, held until the last function is computed.
                try context.charge(input.rowCount * 5 * MemoryLayout<Int>.stride)
                held += input.rowCount * 5 * MemoryLayout<Int>.stride
                layout = try WindowOrder(f, input, threads: context.engine.threads, control: context.control)
                layouts[key] = layout
            }
            let out = try compute(f, input, layout, charge: { try context.charge($0); held += $0 })
            try context.charge(MemorySize.of(out))
            b.columns.append(out)
        }
        return b
    }

    /// `charge` takes bytes held until the operator ends (a segment tree of frame sums).
    private func compute(_ f: WindowFunction, _ b: Batch, _ layout: WindowOrder, charge: (Int) throws -> Void) throws -> ColumnVector {
        let n = b.rowCount
        let perm = layout.perm
        let partStart = layout.partStart, partEnd = layout.partEnd, peerStart = layout.peerStart, peerEnd = layout.peerEnd
        let ranged = try Self.rangeFrames(f, b, perm: perm, partStart: partStart, partEnd: partEnd, peerStart: peerStart, peerEnd: peerEnd)
        func frame(_ k: Int) -> (Int, Int) {
            if let ranged { return (ranged.lo[k], ranged.hi[k]) }
            guard let fr = f.frame else {
                return f.order.isEmpty ? (partStart[k], partEnd[k]) : (partStart[k], peerEnd[k])
            }
            func bound(_ x: WindowFrame.Bound, start: Bool) -> Int {
                switch x {
                case .unboundedPreceding: return partStart[k]
                case .unboundedFollowing: return partEnd[k]
                case .currentRow: return fr.unit == .rows ? k : (start ? peerStart[k] : peerEnd[k])
                case let .preceding(m): return k - Int(clamping: m)
                case let .following(m): return k + Int(clamping: m)
                case .precedingInterval, .followingInterval: return k  // RANGE only (rangeFrames); refused for ROWS when planned
                }
            }
            return (Swift.max(bound(fr.start, start: true), partStart[k]), Swift.min(bound(fr.end, start: false), partEnd[k]))
        }
        /// Whether row `a` beats the best so far (`best` < 0: none yet) for min or max; NULLs never do.
        func better(_ x: ColumnVector, _ a: Int, _ best: Int) -> Bool {
            if x.isNull(a) { return false }
            if best < 0 { return true }
            let c = Sorter.compare(x, a, best)
            return f.kind == .min ? c < 0 : c > 0
        }
        switch f.kind {
        case .rowNumber, .rank, .denseRank, .ntile:
            var out = [Int64](repeating: 0, count: n)
            var dense: Int64 = 0
            for k in 0..<n {
                if k == partStart[k] { dense = 0 }
                if k == peerStart[k] { dense += 1 }
                let i = k - partStart[k]
                switch f.kind {
                case .rowNumber: out[perm[k]] = Int64(i + 1)
                case .rank: out[perm[k]] = Int64(peerStart[k] - partStart[k] + 1)
                case .denseRank: out[perm[k]] = dense
                default:
                    let total = Int64(partEnd[k] - partStart[k] + 1), buckets = f.constant
                    let size = total / buckets, large = total - buckets * size, small = large * (size + 1)
                    let r = Int64(i)
                    out[perm[k]] = r < small ? 1 + r / (size + 1) : 1 + large + (r - small) / size
                }
            }
            var v = ColumnVector(type: .int64)
            v.append(int64s: out[...])
            return v
        case .lag, .lead, .firstValue, .lastValue:
            var idx = [Int32](repeating: -1, count: n)
            for k in 0..<n {
                var src = -1
                switch f.kind {
                case .lag, .lead:
                    let j = f.kind == .lag ? k - Int(f.constant) : k + Int(f.constant)
                    if j >= partStart[k] && j <= partEnd[k] { src = j }
                default:
                    let (lo, hi) = frame(k)
                    if lo <= hi { src = f.kind == .firstValue ? lo : hi }
                }
                idx[perm[k]] = src < 0 ? -1 : Int32(perm[src])
            }
            let x = b.columns[f.arguments[0]]
            guard f.arguments.count > 1, idx.contains(-1) else { return RowKeys.gatherOrNull(x, idx) }
            let fallback = b.columns[f.arguments[1]]
            var out = ColumnVector(type: x.type, capacity: n)
            for i in 0..<n {
                if idx[i] < 0 { out.append(contentsOf: fallback, range: i..<i + 1) } else { out.append(contentsOf: x, range: Int(idx[i])..<Int(idx[i]) + 1) }
            }
            return out
        case .count, .sum, .avg:
            // Counts and integer sums: exact prefix sums over the sorted rows, each frame a difference of
            // two. Doubles: `WindowSums`, each frame summed from its own values.
            let x = f.arguments.first.map { b.columns[$0] }
            var counts = [Int](repeating: 0, count: n + 1)
            var ints = [Int128](repeating: 0, count: x?.type == .float64 ? 0 : n + 1)
            var doubles = [Double](repeating: 0, count: x?.type == .float64 ? n : 0)
            for k in 0..<n {
                let r = perm[k]
                let present = x.map { !$0.isNull(r) } ?? true
                counts[k + 1] = counts[k] + (present ? 1 : 0)
                guard let x else { continue }
                switch x.type {
                case .float64: doubles[k] = present ? x.float64s[r] : 0
                case .int64, .time, .date: ints[k + 1] = ints[k] + (present ? Int128(x.int64s[r]) : 0)
                case .uint64: ints[k + 1] = ints[k] + (present ? Int128(x.uint64s[r]) : 0)
                case .bool: ints[k + 1] = ints[k] + (present ? Int128(x.bools[r]) : 0)
                default: break
                }
            }
            var out = ColumnVector(type: f.type.columnType, nulls: 0)
            var values = [Int64](repeating: 0, count: f.type == .double ? 0 : n)
            var reals = [Double](repeating: 0, count: f.type == .double ? n : 0)
            var valid = Bitmap(count: n, value: true)
            var sums = WindowSums(values: doubles, partStart: partStart, partEnd: partEnd)
            for k in 0..<n {
                let (lo, hi) = frame(k)
                let r = perm[k]
                let c = lo <= hi ? counts[hi + 1] - counts[lo] : 0
                if f.kind == .count { values[r] = Int64(c); continue }
                if c == 0 { valid[r] = false; continue }
                if x?.type == .float64 {
                    if !sums.hasTree && lo > partStart[k] && hi < partEnd[k] && hi - lo >= WindowSums.directRows {
                        try charge(sums.treeBytes)
                    }
                    let s = sums.sum(k, lo, hi)
                    reals[r] = f.kind == .avg ? s / Double(c) : s
                } else {
                    let s = ints[hi + 1] - ints[lo]
                    if f.kind == .avg { reals[r] = Double(s) / Double(c); continue }
                    guard let v = Int64(exactly: s) else { throw QueryError("sum() OVER (…) is out of range for BIGINT") }
                    values[r] = v
                }
            }
            if f.type == .double { out.float64s = reals } else { out.int64s = values }
            out._setCount(n)
            if f.kind != .count { out.validity = valid }
            return out
        case .min, .max:
            let x = b.columns[f.arguments[0]]
            var idx = [Int32](repeating: -1, count: n)
            var best = -1, runLo = -1, runHi = -1
            for k in 0..<n {
                let (lo, hi) = frame(k)
                if lo > hi { continue }
                // A frame from the partition's start grows row by row: extend the running best.
                if lo == runLo && hi >= runHi {
                    var j = Swift.max(runHi + 1, lo)
                    while j <= hi {
                        if better(x, perm[j], best) { best = perm[j] }
                        j += 1
                    }
                } else {
                    best = -1
                    for j in lo...hi where better(x, perm[j], best) { best = perm[j] }
                }
                (runLo, runHi) = (lo, hi)
                idx[perm[k]] = Int32(best)
            }
            return RowKeys.gatherOrNull(x, idx)
        }
    }
}
