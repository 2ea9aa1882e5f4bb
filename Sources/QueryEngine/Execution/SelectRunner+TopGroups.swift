import ColumnStore

extension SelectRunner {
    /// The grouped rows' order under ORDER BY (positions in the HAVING selection `sel`, or rows when nil),
    /// OFFSET and LIMIT applied. With a small LIMIT and several sort keys, the first key alone picks the
    /// candidates — every row that ties or beats the LIMIT-th best by that key — and only those get the
    /// other keys computed and materialized: the top 20 tracks by plays turn some 20 track codes into
    /// strings, not the 100K of every group.
    static func orderedGroups(_ plan: SelectPlan, _ batch: VecBatch, sel: [Int32]?, n: Int) throws -> [Int32] {
        let rows = sel?.count ?? n
        guard plan.order.count > 1, let need = plan.rowsNeeded, need > 0, need < rows / 8 else {
            let keyCols = try plan.order.map { Worker.gather(try Evaluator.eval($0.expr, batch), sel, n) }
            return ordered(plan, keyCols, rows: rows)
        }
        let spec = plan.order[0]
        let first = Worker.gather(try Evaluator.eval(spec.expr, batch), sel, n)
        let top = Sorter.order([first], [spec], rows: rows, limit: need)
        guard let cut = top.last else { return [] }
        // Rows strictly after the cut by the first key cannot reach the first `need` rows.
        var candidates: [Int32] = []
        candidates.reserveCapacity(need * 2)
        for r in 0..<rows where !Self.precedes(first, spec, cut, r) { candidates.append(Int32(r)) }
        let batchRows = sel.map { s in candidates.map { s[Int($0)] } } ?? candidates
        var keyCols = [first.gather(candidates)]
        for k in plan.order.dropFirst() { keyCols.append(Worker.gather(try Evaluator.eval(k.expr, batch), batchRows, n)) }
        return ordered(plan, keyCols, rows: candidates.count).map { candidates[Int($0)] }
    }

    /// Whether row a comes strictly before row b by one sort key (as `Sorter.order` compares them).
    @inline(__always) static func precedes(_ col: ColumnVector, _ key: SortKey, _ a: Int, _ b: Int) -> Bool {
        let c = Sorter.compare(col, a, b)
        if c == 0 { return false }
        let na = col.isNull(a), nb = col.isNull(b)
        if na || nb { return key.nullsFirst ? na : nb }
        return key.descending ? c > 0 : c < 0
    }
}
