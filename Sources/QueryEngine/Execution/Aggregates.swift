import ColumnStore

/// The aggregate functions.
enum AggregateKind: String, Sendable {
    case count, sum, avg, min, max, approxCountDistinct = "approx_count_distinct"
    case median, quantileCont = "quantile_cont", quantileDisc = "quantile_disc", approxQuantile = "approx_quantile"
    case argMax = "arg_max", argMin = "arg_min", first, last
    case stddevSamp = "stddev_samp", stddevPop = "stddev_pop", varSamp = "var_samp", varPop = "var_pop"
    case corr, covarSamp = "covar_samp", covarPop = "covar_pop"
    case stringAgg = "string_agg", boolAnd = "bool_and", boolOr = "bool_or"

    init?(name: String) {
        switch name {
        case "count": self = .count
        case "sum": self = .sum
        case "avg", "mean": self = .avg
        case "min": self = .min
        case "max": self = .max
        case "approx_count_distinct": self = .approxCountDistinct
        case "median": self = .median
        case "quantile_cont": self = .quantileCont
        case "quantile_disc", "quantile": self = .quantileDisc
        case "approx_quantile": self = .approxQuantile
        case "arg_max", "argmax", "max_by": self = .argMax
        case "arg_min", "argmin", "min_by": self = .argMin
        case "first", "arbitrary": self = .first
        case "last": self = .last
        case "stddev_samp", "stddev": self = .stddevSamp
        case "stddev_pop": self = .stddevPop
        case "var_samp", "variance": self = .varSamp
        case "var_pop": self = .varPop
        case "corr": self = .corr
        case "covar_samp": self = .covarSamp
        case "covar_pop": self = .covarPop
        case "string_agg", "listagg", "group_concat": self = .stringAgg
        case "bool_and", "every": self = .boolAnd
        case "bool_or": self = .boolOr
        default: return nil
        }
    }

    /// Every name an aggregate answers to (for "did you mean" suggestions).
    static let names = ["count", "sum", "avg", "mean", "min", "max", "approx_count_distinct", "median", "quantile_cont",
                        "quantile_disc", "quantile", "approx_quantile", "arg_max", "argmax", "max_by", "arg_min", "argmin",
                        "min_by", "first", "arbitrary", "last", "stddev_samp", "stddev", "stddev_pop", "var_samp", "variance",
                        "var_pop", "corr", "covar_samp", "covar_pop", "string_agg", "listagg", "group_concat", "bool_and",
                        "every", "bool_or"]

    /// Aggregates of two arguments: `arg_max(x, by)`, `corr(y, x)`.
    var takesTwo: Bool { self == .argMax || self == .argMin || self == .corr || self == .covarSamp || self == .covarPop }
}

/// One aggregate call of a query: its function, its bound argument (nil for `count(*)`), DISTINCT, the
/// second argument of two-argument aggregates, the FILTER condition, and constant parameters.
struct AggregateSpec: Sendable {
    var kind: AggregateKind
    var argument: BoundExpr?
    var distinct: Bool
    /// `arg_max`'s ordering value, `corr`'s second variable; for `first`/`last` the time column that orders rows.
    var second: BoundExpr? = nil
    /// `FILTER (WHERE condition)`: only rows where it is true reach the aggregate.
    var filter: BoundExpr? = nil
    /// The quantile of `median`, `quantile_*` and `approx_quantile`.
    var fraction: Double = 0.5
    /// `string_agg`'s separator.
    var separator: String = ","

    /// The vectors the runner computes for this aggregate, in order: argument (nil for `count(*)`),
    /// then the second argument if any, then the filter if any.
    var inputs: [BoundExpr?] {
        var out: [BoundExpr?] = [argument]
        if let second { out.append(second) }
        if let filter { out.append(filter) }
        return out
    }

    var resultType: ValueType {
        switch kind {
        case .count, .approxCountDistinct: .int
        case .avg: .double
        case .sum: argument?.type == .double ? .double : (argument?.type == .uint ? .uint : .int)
        case .min, .max, .quantileDisc, .approxQuantile, .argMax, .argMin, .first, .last: argument?.type ?? .null
        case .median, .quantileCont: argument?.type == .time ? .time : .double
        case .stddevSamp, .stddevPop, .varSamp, .varPop, .corr, .covarSamp, .covarPop: .double
        case .stringAgg: .string
        case .boolAnd, .boolOr: .bool
        }
    }

    func makeAccumulator() -> Accumulator {
        if distinct && kind == .count { return CountDistinctAccumulator() }
        switch kind {
        case .count: return CountAccumulator(star: argument == nil)
        case .sum, .avg:
            switch argument?.type {
            case .double: return DoubleSumAccumulator(average: kind == .avg)
            case .uint: return IntegerSumAccumulator<UInt64>(average: kind == .avg)
            default: return IntegerSumAccumulator<Int64>(average: kind == .avg)
            }
        case .min, .max: return MinMaxAccumulator(type: argument?.type ?? .null, isMax: kind == .max)
        case .approxCountDistinct: return HyperLogLogAccumulator()
        case .median, .quantileCont, .quantileDisc:
            let t = argument?.type ?? .null
            let q = QuantileMode(fraction: kind == .median ? 0.5 : fraction, continuous: kind != .quantileDisc)
            return QuantileAccumulator(type: t, mode: q)
        case .approxQuantile: return ApproxQuantileAccumulator(type: argument?.type ?? .null, fraction: fraction)
        case .argMax, .argMin:
            return ArgExtremeAccumulator(valueType: argument?.type ?? .null, byType: second?.type ?? .null,
                                         isMax: kind == .argMax, keepNullValues: false)
        case .first, .last:
            return ArgExtremeAccumulator(valueType: argument?.type ?? .null, byType: second?.type ?? .null,
                                         isMax: kind == .last, keepNullValues: true)
        case .stddevSamp, .stddevPop, .varSamp, .varPop: return MomentAccumulator(kind: kind)
        case .corr, .covarSamp, .covarPop: return CoMomentAccumulator(kind: kind)
        case .stringAgg: return StringAggAccumulator(separator: separator)
        case .boolAnd, .boolOr: return BoolAggAccumulator(isAnd: kind == .boolAnd)
        }
    }
}

/// Per-group running state of one aggregate, updated a batch at a time.
///
/// `gids[j]` is the group of the j-th selected row; `sel` maps j to the row in the batch (nil: j itself).
protocol Accumulator: AnyObject {
    func resize(_ groups: Int)
    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ pool: inout StringPool) throws
    /// Two-argument aggregates (`arg_max`, `corr`, `first` with its time) see both vectors; others ignore `second`.
    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ second: Vec?, _ pool: inout StringPool) throws
    /// Folds `other`'s groups into this one; `map[g]` is this accumulator's group for `other`'s group g,
    /// or -1 to leave that group out (merging one hash partition at a time).
    func merge(_ other: Accumulator, map: [Int32], from otherPool: StringPool, into pool: inout StringPool) throws
    func finalize(_ pool: StringPool) throws -> ColumnVector
    /// Estimated bytes of the per-group state, for the query's memory budget; cheap (no walk over groups).
    var memoryBytes: Int { get }
}

extension Accumulator {
    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ second: Vec?, _ pool: inout StringPool) throws {
        try update(gids, sel, arg, &pool)
    }
}

/// An accumulator with a fast path for a single group (no GROUP BY): a tight loop over the batch.
protocol UngroupedAccumulator: Accumulator {
    func reduce(_ sel: [Int32]?, _ arg: Vec?, rows: Int) throws
}

/// Strings interned per thread for group keys and DISTINCT (codes differ between threads; merges translate).
typealias StringPool = ByteStringTable

@inline(__always) func row(_ sel: [Int32]?, _ j: Int) -> Int { sel.map { Int($0[j]) } ?? j }

final class CountAccumulator: Accumulator {
    let star: Bool
    var counts: [Int64] = []
    init(star: Bool) { self.star = star }
    var memoryBytes: Int { counts.capacity * 8 }
    func resize(_ groups: Int) { if counts.count < groups { counts.append(contentsOf: repeatElement(0, count: groups - counts.count)) } }
    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ pool: inout StringPool) {
        counts.withUnsafeMutableBufferPointer { c in
            if star || arg?.validity == nil {
                if let a = arg?.constant, a == .null { return }
                for g in gids { c[Int(g)] &+= 1 }
            } else {
                let v = arg!.validity!
                for (j, g) in gids.enumerated() where v[row(sel, j)] { c[Int(g)] &+= 1 }
            }
        }
    }
    func merge(_ other: Accumulator, map: [Int32], from: StringPool, into: inout StringPool) {
        let o = other as! CountAccumulator
        // One access to `counts` for the loop, not one (with its exclusivity check) per group.
        counts.withUnsafeMutableBufferPointer { mine in
            o.counts.withUnsafeBufferPointer { theirs in
                map.withUnsafeBufferPointer { m in
                    for g in 0..<theirs.count where m[g] >= 0 { mine[Int(m[g])] &+= theirs[g] }
                }
            }
        }
    }
    func finalize(_ pool: StringPool) -> ColumnVector {
        var out = ColumnVector(type: .int64)
        out.int64s = counts
        out._setCount(counts.count)
        return out
    }
}

/// An integer type sum/avg accumulates in: how to read it from a vector and store the totals.
protocol SummableInteger: FixedWidthInteger & Sendable {
    /// The SQL type named in overflow errors.
    static var sqlName: String { get }
    static var columnType: ColumnType { get }
    /// The batch's values (booleans count as 0/1).
    static func values(_ v: Vec) -> [Self]
    static func constant(_ v: Value) -> Self
    static func store(_ sums: [Self], in out: inout ColumnVector)
}

extension Int64: SummableInteger {
    static var sqlName: String { "BIGINT" }
    static var columnType: ColumnType { .int64 }
    static func values(_ v: Vec) -> [Int64] { v.type == .bool ? v.col.bools.map { Int64($0) } : v.col.int64s }
    static func constant(_ v: Value) -> Int64 { switch v { case let .int(x): x; case let .bool(b): b ? 1 : 0; default: 0 } }
    static func store(_ sums: [Int64], in out: inout ColumnVector) { out.int64s = sums }
}

extension UInt64: SummableInteger {
    static var sqlName: String { "UBIGINT" }
    static var columnType: ColumnType { .uint64 }
    static func values(_ v: Vec) -> [UInt64] { v.col.uint64s }
    static func constant(_ v: Value) -> UInt64 { if case let .uint(x) = v { x } else { 0 } }
    static func store(_ sums: [UInt64], in out: inout ColumnVector) { out.uint64s = sums }
}

/// sum/avg of integers: exact sums in the argument's width; an overflow is an error, never a wrapped value.
final class IntegerSumAccumulator<T: SummableInteger>: Accumulator {
    let average: Bool
    var sums: [T] = []
    var counts: [Int64] = []
    /// avg() only: how many times each group's sum wrapped past 2^64 (negative: downwards), so the true
    /// total is `carries[g] * 2^64 + sums[g]` and the mean is exact however large the values (DuckDB
    /// averages in 128 bits). sum() has no carries: its total must fit the type, else it is an error.
    var carries: [Int64] = []
    /// The last batch's exact total when `reduce` took its fast path (nil: it did not), so `sum(x)` and
    /// `avg(x)` of one query add up each batch once.
    var lastTotal: Int128?
    init(average: Bool) { self.average = average }
    var memoryBytes: Int { sums.capacity * 8 + counts.capacity * 8 + carries.capacity * 8 }

    /// A wrapped addition of `x` to group g's sum: counted as a carry for avg(), an error for sum().
    @inline(__always) func wrapped(_ g: Int, _ x: T) throws {
        guard average else { throw Self.overflow }
        if carries.count < sums.count { carries.append(contentsOf: repeatElement(0, count: sums.count - carries.count)) }
        carries[g] += x < 0 ? -1 : 1
    }

    static var overflow: QueryError { QueryError("integer overflow in sum(): the total does not fit a \(T.sqlName)") }

    func resize(_ groups: Int) {
        if sums.count < groups {
            sums.append(contentsOf: repeatElement(0, count: groups - sums.count))
            counts.append(contentsOf: repeatElement(0, count: groups - counts.count))
        }
    }
    // Called through the Accumulator protocol, a generic class's methods would run unspecialized
    // (value witnesses per element); these attributes make them jump to code compiled for each type.
    @_specialize(where T == Int64)
    @_specialize(where T == UInt64)
    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ pool: inout StringPool) throws {
        guard let a = arg else { return }
        if let c = a.constant {
            if c == .null { return }
            let x = T.constant(c)
            for g in gids {
                let (s, o) = sums[Int(g)].addingReportingOverflow(x)
                if o { try wrapped(Int(g), x) }
                sums[Int(g)] = s; counts[Int(g)] &+= 1
            }
            return
        }
        var overflow = false
        var wraps: [(Int, T)] = []
        T.values(a).withUnsafeBufferPointer { v in
            sums.withUnsafeMutableBufferPointer { s in
                counts.withUnsafeMutableBufferPointer { c in
                    let valid = a.col.validity
                    if let sel {
                        for (j, g) in gids.enumerated() {
                            let r = Int(sel[j])
                            if let valid, !valid[r] { continue }
                            let (t, o) = s[Int(g)].addingReportingOverflow(v[r]); s[Int(g)] = t
                            if o { overflow = true; wraps.append((Int(g), v[r])) }
                            c[Int(g)] &+= 1
                        }
                    } else {
                        for (j, g) in gids.enumerated() {
                            if let valid, !valid[j] { continue }
                            let (t, o) = s[Int(g)].addingReportingOverflow(v[j]); s[Int(g)] = t
                            if o { overflow = true; wraps.append((Int(g), v[j])) }
                            c[Int(g)] &+= 1
                        }
                    }
                }
            }
        }
        if overflow { for (g, x) in wraps { try wrapped(g, x) } }
    }
    @_specialize(where T == Int64)
    @_specialize(where T == UInt64)
    func merge(_ other: Accumulator, map: [Int32], from: StringPool, into: inout StringPool) throws {
        let o = other as! IntegerSumAccumulator<T>
        for g in o.sums.indices where map[g] >= 0 {
            let m = Int(map[g])
            let (s, ov) = sums[m].addingReportingOverflow(o.sums[g])
            if ov { try wrapped(m, o.sums[g]) }
            sums[m] = s; counts[m] &+= o.counts[g]
            if g < o.carries.count, o.carries[g] != 0 {
                if carries.count < sums.count { carries.append(contentsOf: repeatElement(0, count: sums.count - carries.count)) }
                carries[m] += o.carries[g]
            }
        }
    }
    func finalize(_ pool: StringPool) -> ColumnVector {
        var out = ColumnVector(type: average ? .float64 : T.columnType)
        var validity = Bitmap(count: sums.count, value: true)
        for (g, c) in counts.enumerated() where c == 0 { validity[g] = false }
        if average {
            out.float64s = sums.indices.map { g in
                if counts[g] == 0 { return 0 }
                let carry = g < carries.count ? carries[g] : 0
                if carry == 0 { return Double(sums[g]) / Double(counts[g]) }
                return Double((Int128(carry) << 64) + Int128(sums[g])) / Double(counts[g])
            }
        } else {
            T.store(sums, in: &out)
        }
        out._setCount(sums.count)
        out.validity = validity.allSet ? nil : validity
        return out
    }
}

final class DoubleSumAccumulator: Accumulator {
    let average: Bool
    var sums: [Double] = []
    var counts: [Int64] = []
    init(average: Bool) { self.average = average }
    var memoryBytes: Int { sums.capacity * 8 + counts.capacity * 8 }
    func resize(_ groups: Int) {
        if sums.count < groups {
            sums.append(contentsOf: repeatElement(0, count: groups - sums.count))
            counts.append(contentsOf: repeatElement(0, count: groups - counts.count))
        }
    }
    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ pool: inout StringPool) {
        guard let a = arg else { return }
        let values = a.constant == nil ? a.col.float64s : [Double](repeating: a.constant!.asDouble ?? 0, count: a.count)
        if a.constant == .null { return }
        values.withUnsafeBufferPointer { v in
            sums.withUnsafeMutableBufferPointer { s in
                counts.withUnsafeMutableBufferPointer { c in
                    let valid = a.col.validity
                    gids.withUnsafeBufferPointer { gs in
                        if valid == nil && sel == nil {  // the common case, without a test per row
                            for j in gs.indices { let g = Int(gs[j]); s[g] += v[j]; c[g] &+= 1 }
                            return
                        }
                        for j in gs.indices {
                            let r = row(sel, j)
                            if let valid, !valid[r] { continue }
                            let g = Int(gs[j])
                            s[g] += v[r]
                            c[g] &+= 1
                        }
                    }
                }
            }
        }
    }
    func merge(_ other: Accumulator, map: [Int32], from: StringPool, into: inout StringPool) {
        let o = other as! DoubleSumAccumulator
        sums.withUnsafeMutableBufferPointer { s in
            counts.withUnsafeMutableBufferPointer { c in
                o.sums.withUnsafeBufferPointer { os in
                    o.counts.withUnsafeBufferPointer { oc in
                        map.withUnsafeBufferPointer { m in
                            for g in 0..<os.count where m[g] >= 0 { s[Int(m[g])] += os[g]; c[Int(m[g])] &+= oc[g] }
                        }
                    }
                }
            }
        }
    }
    func finalize(_ pool: StringPool) -> ColumnVector {
        var out = ColumnVector(type: .float64)
        var validity = Bitmap(count: sums.count, value: true)
        for (g, c) in counts.enumerated() where c == 0 { validity[g] = false }
        out.float64s = average ? sums.indices.map { counts[$0] == 0 ? 0 : sums[$0] / Double(counts[$0]) } : sums
        out._setCount(sums.count)
        out.validity = validity.allSet ? nil : validity
        return out
    }
}

/// min/max of numbers, timestamps, booleans (as bit patterns in Int64/Double) and strings.
final class MinMaxAccumulator: Accumulator {
    let type: ValueType
    let isMax: Bool
    var ints: [Int64] = []
    var doubles: [Double] = []
    var uints: [UInt64] = []
    var strings: [[UInt8]?] = []
    var has: [Bool] = []
    /// Whether double `x` beats `current` for min (isMax false) or max, in DuckDB's order: NaN is greater
    /// than every number, so max() of a column holding NaN is NaN and min() skips it.
    @inline(__always) static func better(_ x: Double, _ current: Double, _ isMax: Bool) -> Bool {
        let (a, b) = isMax ? (x, current) : (current, x)  // is a after b?
        return a.isNaN ? !b.isNaN : (!b.isNaN && a > b)
    }

    /// Bytes of the kept strings (min/max of strings copy their bytes per group).
    private var stringBytes = 0
    init(type: ValueType, isMax: Bool) { self.type = type; self.isMax = isMax }
    var memoryBytes: Int {
        has.capacity + ints.capacity * 8 + doubles.capacity * 8 + uints.capacity * 8 + strings.capacity * 8 + stringBytes
    }
    func resize(_ groups: Int) {
        let k = groups - has.count
        guard k > 0 else { return }
        has.append(contentsOf: repeatElement(false, count: k))
        switch type {
        case .double: doubles.append(contentsOf: repeatElement(0, count: k))
        case .uint: uints.append(contentsOf: repeatElement(0, count: k))
        case .string: strings.append(contentsOf: repeatElement(nil, count: k))
        default: ints.append(contentsOf: repeatElement(0, count: k))
        }
    }
    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ pool: inout StringPool) {
        guard let a = arg, a.constant != .null else { return }
        if a.constant != nil || type == .string {
            for (j, g) in gids.enumerated() {
                let r = row(sel, j)
                if a.constant == nil && a.col.isNull(r) { continue }
                offer(Int(g), a, r)
            }
            return
        }
        let valid = a.col.validity
        let isMax = isMax
        // The per-group arrays are moved into locals for the loop: a class's stored array touched per row
        // is checked for exclusive access and uniqueness on every row (a third of a `max(time)` by host).
        var hasL = has
        has = []
        defer { has = hasL }
        switch type {
        case .double:
            var best = doubles
            doubles = []
            defer { doubles = best }
            a.col.float64s.withUnsafeBufferPointer { v in
                gids.withUnsafeBufferPointer { gs in
                    best.withUnsafeMutableBufferPointer { bb in
                        hasL.withUnsafeMutableBufferPointer { h in
                            for j in 0..<gs.count {
                                let r = row(sel, j), gi = Int(truncatingIfNeeded: gs[j])
                                if let valid, !valid[r] { continue }
                                let x = v[r]
                                if !h[gi] || Self.better(x, bb[gi], isMax) { bb[gi] = x; h[gi] = true }
                            }
                        }
                    }
                }
            }
        case .uint:
            var best = uints
            uints = []
            defer { uints = best }
            a.col.uint64s.withUnsafeBufferPointer { v in
                gids.withUnsafeBufferPointer { gs in
                    best.withUnsafeMutableBufferPointer { bb in
                        hasL.withUnsafeMutableBufferPointer { h in
                            for j in 0..<gs.count {
                                let r = row(sel, j), gi = Int(truncatingIfNeeded: gs[j])
                                if let valid, !valid[r] { continue }
                                let x = v[r]
                                if !h[gi] || (isMax ? x > bb[gi] : x < bb[gi]) { bb[gi] = x; h[gi] = true }
                            }
                        }
                    }
                }
            }
        default:
            let values: [Int64] = type == .bool ? a.col.bools.map { Int64($0) } : a.col.int64s
            var best = ints
            ints = []
            defer { ints = best }
            values.withUnsafeBufferPointer { v in
                gids.withUnsafeBufferPointer { gs in
                    best.withUnsafeMutableBufferPointer { bb in
                        hasL.withUnsafeMutableBufferPointer { h in
                            for j in 0..<gs.count {
                                let r = row(sel, j), gi = Int(truncatingIfNeeded: gs[j])
                                if let valid, !valid[r] { continue }
                                let x = v[r]
                                if !h[gi] || (isMax ? x > bb[gi] : x < bb[gi]) { bb[gi] = x; h[gi] = true }
                            }
                        }
                    }
                }
            }
        }
    }
    private func offer(_ g: Int, _ a: Vec, _ r: Int) {
        switch type {
        case .string:
            a.withBytes(r) { b in
                if let cur = strings[g] {
                    let c = cur.withUnsafeBytes { Kernels.order(b, $0) }
                    if isMax ? c > 0 : c < 0 { stringBytes += b.count - cur.count; strings[g] = Array(b) }
                } else {
                    stringBytes += b.count + 32
                    strings[g] = Array(b)
                }
            }
            has[g] = true
        default:
            offerValue(g, a.value(r))
        }
    }
    private func offerValue(_ g: Int, _ v: Value) {
        switch v {
        case let .double(x): if !has[g] || Self.better(x, doubles[g], isMax) { doubles[g] = x; has[g] = true }
        case let .uint(x): if !has[g] || (isMax ? x > uints[g] : x < uints[g]) { uints[g] = x; has[g] = true }
        case let .int(x), let .time(x): if !has[g] || (isMax ? x > ints[g] : x < ints[g]) { ints[g] = x; has[g] = true }
        case let .bool(b): let x: Int64 = b ? 1 : 0; if !has[g] || (isMax ? x > ints[g] : x < ints[g]) { ints[g] = x; has[g] = true }
        default: break
        }
    }
    func merge(_ other: Accumulator, map: [Int32], from: StringPool, into: inout StringPool) {
        let o = other as! MinMaxAccumulator
        for g in o.has.indices where o.has[g] && map[g] >= 0 {
            let m = Int(map[g])
            switch type {
            case .string:
                if let s = o.strings[g] {
                    if let cur = strings[m] {
                        let c = s.withUnsafeBytes { x in cur.withUnsafeBytes { Kernels.order(x, $0) } }
                        if isMax ? c > 0 : c < 0 { stringBytes += s.count - cur.count; strings[m] = s }
                    } else { stringBytes += s.count + 32; strings[m] = s }
                    has[m] = true
                }
            case .double: offerValue(m, .double(o.doubles[g]))
            case .uint: offerValue(m, .uint(o.uints[g]))
            default: offerValue(m, .int(o.ints[g]))
            }
        }
    }
    func finalize(_ pool: StringPool) -> ColumnVector {
        var out = ColumnVector(type: type.columnType, capacity: has.count)
        for g in has.indices {
            if !has[g] { out.appendNulls(1); continue }
            switch type {
            case .double: out.append(float64: doubles[g])
            case .uint: out.append(uint64: uints[g])
            case .string: strings[g]!.withUnsafeBytes { out.append(string: $0) }
            case .bool: out.append(bool: ints[g] != 0)
            default: out.append(int64: ints[g])
            }
        }
        return out
    }
}

/// The key of a value for DISTINCT and hashing: `GroupKey`'s word, strings as pool codes.
@inline(__always) func distinctKey(_ a: Vec, _ r: Int, _ pool: inout StringPool) -> UInt64 {
    GroupKey.word(a, r, .pooled, &pool)
}

extension CountAccumulator: UngroupedAccumulator {
    func reduce(_ sel: [Int32]?, _ arg: Vec?, rows: Int) {
        resize(1)
        let n = sel?.count ?? rows
        if star { counts[0] &+= Int64(n); return }
        guard let a = arg, a.constant != .null else { return }
        guard let valid = a.validity else { counts[0] &+= Int64(n); return }
        var c: Int64 = 0
        if let sel { for r in sel where valid[Int(r)] { c &+= 1 } } else { c = Int64(valid.popCount) }
        counts[0] &+= c
    }
}

extension IntegerSumAccumulator: UngroupedAccumulator where T == Int64 {
    func reduce(_ sel: [Int32]?, _ arg: Vec?, rows: Int) throws {
        resize(1)
        var scratchPool = StringPool()  // the fallbacks below never intern: their arguments are numbers
        lastTotal = nil
        guard let a = arg, a.constant == nil, a.col.validity == nil, a.type.isSignedInteger || a.type == .time else {
            return try update([Int32](repeating: 0, count: sel?.count ?? rows), sel, arg, &scratchPool)
        }
        // Exact 128-bit total. Chunks whose values all lie within ±2^52 sum in plain (vectorized) Int64
        // first: 1,024 of them cannot overflow it.
        let total = Self.batchTotal(a, sel, rows: rows)
        lastTotal = total
        try add(total: total, count: Int64(sel?.count ?? rows))
    }

    /// The exact total of a batch's selected values (no NULLs, no constant: `reduce`'s fast path).
    static func batchTotal(_ a: Vec, _ sel: [Int32]?, rows: Int) -> Int128 {
        var total: Int128 = 0
        a.col.int64s.withUnsafeBufferPointer { v in
            if let sel {
                for r in sel { total += Int128(v[Int(r)]) }
                return
            }
            var i = 0
            while i < rows {
                let end = Swift.min(rows, i + 1024)
                var chunk: Int64 = 0, magnitude: Int64 = 0
                for k in i..<end { let x = v[k]; chunk &+= x; magnitude |= x ^ (x >> 63) }
                if magnitude < 1 << 52 { total += Int128(chunk) } else { for k in i..<end { total += Int128(v[k]) } }
                i = end
            }
        }
        return total
    }

    /// Adds a batch's exact total of `count` values to the one group.
    func add(total: Int128, count: Int64) throws {
        if average, Int64(exactly: total) == nil {  // a batch beyond 64 bits: add it in pieces that fit
            var left = total
            while left != 0 {
                let piece = Int64(clamping: left)
                left -= Int128(piece)
                let (s, o) = sums[0].addingReportingOverflow(piece)
                if o { try wrapped(0, piece) }
                sums[0] = s
            }
            counts[0] &+= count
            return
        }
        guard let batch = Int64(exactly: total) else { throw Self.overflow }
        let (s, o) = sums[0].addingReportingOverflow(batch)
        if o { try wrapped(0, batch) }
        sums[0] = s
        counts[0] &+= count
    }
}

extension DoubleSumAccumulator: UngroupedAccumulator {
    func reduce(_ sel: [Int32]?, _ arg: Vec?, rows: Int) throws {
        resize(1)
        var scratchPool = StringPool()  // the fallbacks below never intern: their arguments are numbers
        guard let a = arg, a.constant == nil, a.col.validity == nil else {
            return update([Int32](repeating: 0, count: sel?.count ?? rows), sel, arg, &scratchPool)
        }
        var total = 0.0
        a.col.float64s.withUnsafeBufferPointer { v in
            if let sel { for r in sel { total += v[Int(r)] } } else { for x in v.prefix(rows) { total += x } }
        }
        sums[0] += total
        counts[0] &+= Int64(sel?.count ?? rows)
    }
}

extension MinMaxAccumulator: UngroupedAccumulator {
    func reduce(_ sel: [Int32]?, _ arg: Vec?, rows: Int) throws {
        resize(1)
        var scratchPool = StringPool()  // the fallbacks below never intern: their arguments are numbers
        guard let a = arg, a.constant == nil, a.col.validity == nil, a.type.isSignedInteger || a.type == .time || a.type == .double else {
            return update([Int32](repeating: 0, count: sel?.count ?? rows), sel, arg, &scratchPool)
        }
        if a.type == .double {
            var lo = Double.infinity, hi = -Double.infinity, any = false, nan = false
            a.col.float64s.withUnsafeBufferPointer { v in
                if let sel { for r in sel { let x = v[Int(r)]; lo = Swift.min(lo, x); hi = Swift.max(hi, x); any = true; nan = nan || x != x } }
                else { for x in v.prefix(rows) { lo = Swift.min(lo, x); hi = Swift.max(hi, x); any = true; nan = nan || x != x } }
            }
            if nan {  // rare: the plain loop skipped NaN; take it in DuckDB's order
                var scratchPool = StringPool()
                return update([Int32](repeating: 0, count: sel?.count ?? rows), sel, arg, &scratchPool)
            }
            if any { let x = isMax ? hi : lo; if !has[0] || Self.better(x, doubles[0], isMax) { doubles[0] = x; has[0] = true } }
        } else {
            var lo = Int64.max, hi = Int64.min, any = false
            a.col.int64s.withUnsafeBufferPointer { v in
                if let sel { for r in sel { let x = v[Int(r)]; lo = Swift.min(lo, x); hi = Swift.max(hi, x); any = true } }
                else { for x in v.prefix(rows) { lo = Swift.min(lo, x); hi = Swift.max(hi, x); any = true } }
            }
            if any { let x = isMax ? hi : lo; if !has[0] || (isMax ? x > ints[0] : x < ints[0]) { ints[0] = x; has[0] = true } }
        }
    }
}
