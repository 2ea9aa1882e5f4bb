import ColumnStore

/// Where a SELECT's rows come from.
enum PlanSource {
    /// A table snapshot, its row groups pruned by the time range.
    case table(TableSnapshot)
    /// Rows already computed (a subquery's result).
    case rows([Vec], count: Int)
    /// No FROM: one row with no columns.
    case none
}

/// A bound SELECT, ready to execute.
struct SelectPlan {
    var source: PlanSource
    /// Column names and types of the source, by index.
    var sourceNames: [String]
    var sourceTypes: [ValueType]
    var filter: BoundExpr?
    /// The filter's AND-ed parts, each with the statistics test that can prove it true for a whole block
    /// (such a part is not evaluated there).
    var conjuncts: [(expr: BoundExpr, proof: PrunePredicate?)] = []
    var timeRange: ClosedRange<Int64>
    var prune: [PrunePredicate]
    /// Aggregate mode: group keys and aggregates over the source; outputs, having and order keys are
    /// over the grouped batch (keys, then aggregates).
    var isAggregate: Bool
    var keys: [BoundExpr]
    var aggregates: [AggregateSpec]
    var having: BoundExpr?
    var outputs: [BoundExpr]
    var outputNames: [String]
    var order: [SortKey]
    var limit: Int64?
    var offset: Int64
}

/// One ORDER BY key, bound in the same scope as the outputs.
struct SortKey {
    var expr: BoundExpr
    var descending: Bool
    var nullsFirst: Bool
}

/// A conjunct of WHERE that block statistics can refute.
enum PrunePredicate {
    case compare(column: Int, CompareOp, Value)
    /// A tag predicate: when it matches exactly one code, blocks whose code range misses it are skipped.
    case symbol(column: Int, CodeSet)

    /// False when no row of a block with these statistics can satisfy the predicate.
    func mayMatch(_ s: BlockStats, rows: Int) -> Bool {
        switch self {
        case let .symbol(_, set):
            if set.none { return false }
            if s.nullCount == rows { return false }
            guard let c = set.single, s.hasMinMax else { return true }
            return UInt64(c) >= s.min && UInt64(c) <= s.max
        case let .compare(_, op, v):
            if s.nullCount == rows { return false }
            guard s.hasMinMax else { return true }
            switch v {
            case let .int(x), let .time(x), let .date(x):
                return Self.check(op, s.minInt, s.maxInt, x)
            case let .bool(b):
                return Self.check(op, s.minInt, s.maxInt, b ? 1 : 0)
            case let .double(x):
                return Self.check(op, s.minDouble, s.maxDouble, x)
            case let .uint(x):
                return Self.check(op, s.min, s.max, x)
            default:
                return true
            }
        }
    }

    /// True when every row of a block with these statistics satisfies the predicate.
    func mustMatch(_ s: BlockStats, rows: Int) -> Bool {
        guard rows > 0, s.nullCount == 0, s.hasMinMax else { return false }
        switch self {
        case let .symbol(_, set):
            guard s.max >= s.min, s.max - s.min < 4096 else { return false }
            return (s.min...s.max).allSatisfy { set.contains(UInt32($0)) }
        case let .compare(_, op, v):
            switch v {
            case let .int(x), let .time(x), let .date(x): return Self.holdsForAll(op, s.minInt, s.maxInt, x)
            case let .bool(b): return Self.holdsForAll(op, s.minInt, s.maxInt, b ? 1 : 0)
            case let .uint(x): return Self.holdsForAll(op, s.min, s.max, x)
            default: return false  // floats: statistics leave NaN out, and NaN satisfies no comparison
            }
        }
    }

    static func holdsForAll<T: Comparable>(_ op: CompareOp, _ lo: T, _ hi: T, _ v: T) -> Bool {
        switch op {
        case .eq: lo == v && hi == v
        case .ne: v < lo || v > hi
        case .lt: hi < v
        case .le: hi <= v
        case .gt: lo > v
        case .ge: lo >= v
        }
    }

    var column: Int {
        switch self {
        case let .compare(c, _, _), let .symbol(c, _): c
        }
    }

    static func check<T: Comparable>(_ op: CompareOp, _ lo: T, _ hi: T, _ v: T) -> Bool {
        switch op {
        case .eq: lo <= v && v <= hi
        case .ne: !(lo == v && hi == v)
        case .lt: lo < v
        case .le: lo <= v
        case .gt: hi > v
        case .ge: hi >= v
        }
    }
}
