import ColumnStore

/// Skips the row groups that cannot change the answer of a "latest row per group" query — every
/// aggregate picks its row by the extreme of the time column (`max(time)`, `arg_max(x, time)`, `last(x)`,
/// or all of the min side) and the key is one tag or none — by block statistics: a group whose time range
/// lies strictly before (after, for the min side) every best time this thread holds for the tag codes the
/// group's statistics allow cannot supply a better row, so it is not decoded. Row groups are scanned newest
/// first, so the DevOps "last values per host" query reads the newest block or two, not all of them.
///
/// Ties are never skipped (the bound is strict), so what a scan of every row group would keep, this keeps.
struct LatestRowPruning {
    /// Whether the aggregates want the greatest time (else the least).
    let isMax: Bool
    /// The tag column grouped by; nil without GROUP BY.
    let keyColumn: Int?
    /// Past this many codes in a block's code range, the check is not worth its loop.
    static let maxCodeRange: Int64 = 16_384

    /// The pruning for `plan`, or nil when its shape does not allow it.
    init?(_ plan: SelectPlan) {
        guard plan.isAggregate, case let .table(snap) = plan.source, snap.schema.columns.first?.type == .time,
              !plan.aggregates.isEmpty, plan.keys.count <= 1 else { return nil }
        if let key = plan.keys.first {
            guard case let .column(c, _) = key, c < snap.schema.columns.count, snap.schema.columns[c].type == .symbol else { return nil }
            keyColumn = c
        } else {
            keyColumn = nil
        }
        var side: Bool?
        for a in plan.aggregates {
            guard a.filter == nil, !a.distinct else { return nil }
            let wantsMax: Bool, ordering: BoundExpr?
            switch a.kind {
            case .max, .min: (wantsMax, ordering) = (a.kind == .max, a.argument)
            case .argMax, .argMin: (wantsMax, ordering) = (a.kind == .argMax, a.second)
            case .last, .first: (wantsMax, ordering) = (a.kind == .last, a.second)
            default: return nil
            }
            guard case .column(0, _)? = ordering, side == nil || side == wantsMax else { return nil }
            side = wantsMax
        }
        isMax = side!
    }

    /// The scan's units, most promising first: newest first for the max side, oldest first for the min side.
    func ordered(_ units: [SelectRunner.Unit]) -> [SelectRunner.Unit] {
        func bound(_ u: SelectRunner.Unit) -> Int64 {
            guard case let .group(g) = u else { return isMax ? .max : .min }
            return isMax ? g.maxTime : g.minTime
        }
        // Stable: equal bounds keep the snapshot's order.
        return units.enumerated().sorted { a, b in
            let x = bound(a.element), y = bound(b.element)
            if x != y { return isMax ? x > y : x < y }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// True when no row of `g` can beat what `agg` (one thread's table) already holds for every group
    /// the rows of `g` may belong to.
    func cannotWin(_ g: RowGroup, _ agg: HashAggregate) -> Bool {
        let bound = isMax ? g.maxTime : g.minTime
        func beaten(_ group: Int32?) -> Bool {
            guard let group else { return false }
            for a in agg.accumulators {
                guard let best = (a as? TimeExtreme)?.extremeTime(Int(group)) else { return false }
                if isMax ? bound >= best : bound <= best { return false }
            }
            return true
        }
        guard let k = keyColumn else { return agg.groupCount > 0 && beaten(0) }
        guard let st = g.stats(k) else { return false }
        if st.nullCount > 0, !beaten(agg.denseGroup(slot: 0)) { return false }
        if !st.hasMinMax { return st.nullCount == g.rowCount }
        let lo = st.minInt, hi = st.maxInt
        guard lo >= 0, hi >= lo, hi - lo < Self.maxCodeRange else { return false }
        for code in lo...hi where !beaten(agg.denseGroup(slot: Int(code) + 1)) { return false }
        return true
    }
}

/// An accumulator that keeps, per group, the extreme time of the rows it picked (`max(time)`,
/// `arg_max(x, time)`…): what `LatestRowPruning` compares block statistics against.
protocol TimeExtreme {
    /// Group g's best ordering value so far; nil while it has none.
    func extremeTime(_ g: Int) -> Int64?
}

extension MinMaxAccumulator: TimeExtreme {
    func extremeTime(_ g: Int) -> Int64? {
        guard type == .time || type == .int, g < has.count, has[g] else { return nil }
        return ints[g]
    }
}

extension ArgExtremeAccumulator: TimeExtreme {
    func extremeTime(_ g: Int) -> Int64? {
        guard by.storesInt64, g < has.count, has[g] else { return nil }
        return by.ints[g]
    }
}
