import ColumnStore

/// `arg_max(x, by)` / `arg_min(x, by)`: x of the row with the greatest/least `by`; and `first(x)` /
/// `last(x)`: x of the earliest/latest row by the table's time column (`by`), NULL x included.
///
/// arg_max/arg_min skip rows where x or `by` is NULL (DuckDB 1.1+). Ties keep the row seen first. Without
/// a `by` (first/last over a subquery) rows count in arrival order. Each batch finds its best row per
/// group first, then copies that row's values once, so strings are copied per group and batch, not per row.
final class ArgExtremeAccumulator: Accumulator {
    let isMax: Bool
    let keepNullValues: Bool
    var values: ValueSlots
    var by: ValueSlots
    private(set) var has: [Bool] = []
    /// Per group: the best row of the current batch, or -1.
    private var pending: [Int32] = []

    init(valueType: ValueType, byType: ValueType, isMax: Bool, keepNullValues: Bool) {
        self.isMax = isMax
        self.keepNullValues = keepNullValues
        values = ValueSlots(type: valueType)
        by = ValueSlots(type: byType)
    }

    var memoryBytes: Int { values.memoryBytes + by.memoryBytes + has.capacity + pending.capacity * 4 }

    func resize(_ groups: Int) {
        guard groups > has.count else { return }
        values.resize(groups)
        by.resize(groups)
        pending.append(contentsOf: repeatElement(-1, count: groups - has.count))
        has.append(contentsOf: repeatElement(false, count: groups - has.count))
    }

    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ pool: inout StringPool) throws {
        try update(gids, sel, arg, nil, &pool)
    }

    func update(_ gids: [Int32], _ sel: [Int32]?, _ arg: Vec?, _ second: Vec?, _ pool: inout StringPool) throws {
        guard let arg else { return }
        let x = arg.spread()
        let b = second?.spread()
        // arg_max(x, NULL) and arg_max(NULL, by) see nothing.
        if !keepNullValues, arg.constant == .null { return }
        if b == nil && by.type != .null { return }
        if let c = second?.constant, c == .null { return }
        if let b, by.storesInt64, b.col.type == .int64 || b.col.type == .time {
            return updateByInt64(gids, sel, x, b)
        }
        let sign = isMax ? 1 : -1
        var touched: [Int32] = []
        for (j, g) in gids.enumerated() {
            let r = row(sel, j), gi = Int(g)
            if !keepNullValues && x.col.isNull(r) { continue }
            if let b {
                if b.col.isNull(r) { continue }
                let p = pending[gi]
                if p >= 0 {
                    if ValueSlots.compare(b, r, Int(p)) * sign > 0 { pending[gi] = Int32(r) }
                } else if !has[gi] || by.compare(b, r, gi) * sign > 0 {
                    pending[gi] = Int32(r)
                    touched.append(g)
                }
            } else {
                // Arrival order: first keeps its first row, last takes each later one.
                if has[gi] && !isMax { continue }
                if pending[gi] < 0 { touched.append(g) }
                if pending[gi] < 0 || isMax { pending[gi] = Int32(r) }
            }
        }
        for g in touched {
            let gi = Int(g), r = Int(pending[gi])
            values.set(gi, x, r)
            if let b { by.set(gi, b, r) }
            has[gi] = true
            pending[gi] = -1
        }
    }

    /// `update` for an integer or timestamp `by` (`arg_max(x, time)`, `first`, `last`): one pass over buffer
    /// pointers keeping each group's best `by` in place, with the tables as locals (no exclusivity check or
    /// value comparison through `Vec` per row); the winning rows' values are copied once per batch.
    private func updateByInt64(_ gids: [Int32], _ sel: [Int32]?, _ x: Vec, _ b: Vec) {
        var best = by.takeInts(), hasL = has, pend = pending
        has = []; pending = []
        let xValid = keepNullValues ? nil : x.col.validity, bValid = b.col.validity
        let isMax = isMax
        // Every variable the loop writes is declared inside the closures (a captured `var` would be boxed
        // and checked for exclusive access on each row).
        let touched: [Int32] = b.col.int64s.withUnsafeBufferPointer { bv in
            gids.withUnsafeBufferPointer { gs in
                best.withUnsafeMutableBufferPointer { bb in
                    hasL.withUnsafeMutableBufferPointer { h in
                        pend.withUnsafeMutableBufferPointer { p in
                            var touched: [Int32] = []
                            for j in 0..<gs.count {
                                let r = row(sel, j)
                                if let xValid, !xValid[r] { continue }
                                if let bValid, !bValid[r] { continue }
                                let g = Int(truncatingIfNeeded: gs[j]), v = bv[r]
                                // Strictly better only: on ties the row seen first stays.
                                if h[g] && (isMax ? v <= bb[g] : v >= bb[g]) { continue }
                                h[g] = true
                                bb[g] = v
                                if p[g] < 0 { touched.append(gs[j]) }
                                p[g] = Int32(truncatingIfNeeded: r)
                            }
                            return touched
                        }
                    }
                }
            }
        }
        by.putInts(best)
        for g in touched {
            let gi = Int(g), r = Int(pend[gi])
            values.set(gi, x, r)
            by.set(gi, b, r)
            pend[gi] = -1
        }
        has = hasL
        pending = pend
    }

    func merge(_ other: Accumulator, map: [Int32], from: StringPool, into: inout StringPool) {
        let o = other as! ArgExtremeAccumulator
        let sign = isMax ? 1 : -1
        for g in o.has.indices where o.has[g] && map[g] >= 0 {
            let m = Int(map[g])
            let better: Bool
            if !has[m] { better = true }
            else if by.type != .null { better = by.compare(o.by, g, m) * sign > 0 }
            else { better = isMax }  // arrival order across threads is unknown: last takes the later table's
            if better {
                values.set(m, from: o.values, g)
                by.set(m, from: o.by, g)
                has[m] = true
            }
        }
    }

    func finalize(_ pool: StringPool) -> ColumnVector { values.finalize() }
}
