import ColumnStore
import Foundation

/// The leaf of every SELECT: today's parallel scan of a table's row groups (pruned by time and block
/// statistics) — or of a child operator's rows — with WHERE, GROUP BY aggregation, HAVING, the select
/// list, ORDER BY (top-N under LIMIT) and LIMIT/OFFSET, all run by `SelectRunner`.
final class ScanAggregate: Operator {
    let plan: SelectPlan
    /// The rows to scan when the FROM is not a table (a subquery, join, CTE or table function).
    let child: (any Operator)?
    /// Whether the caller's row cap applies (the query's result, not an intermediate).
    let capsRows: Bool
    let columns: [PlanColumn]
    /// Whether a tag column passed through stays dictionary codes (set by the planner when a join reads
    /// this node, which takes codes; every other reader gets strings).
    var keepsSymbols = false
    /// A filter on a tag column set by the join above for one run of this scan: the other side's keys
    /// (semi-join reduction, `HashJoin+KeyFilter`).
    var keyFilter: (column: Int, codes: CodeSet)?
    /// EXPLAIN lines the planner adds (such as which materialized view answers the query).
    var notes: [String] = []

    init(plan: SelectPlan, child: (any Operator)?, capsRows: Bool) {
        self.plan = plan
        self.child = child
        self.capsRows = capsRows
        columns = zip(plan.outputNames, plan.outputs).map { PlanColumn(name: $0, type: $1.type) }
    }

    /// The input, then the subqueries in the plan's expressions.
    var children: [any Operator] {
        var subqueries: [SubqueryExpr] = []
        plan.filter?.subqueries(into: &subqueries)
        for k in plan.keys { k.subqueries(into: &subqueries) }
        for a in plan.aggregates { a.argument?.subqueries(into: &subqueries) }
        plan.having?.subqueries(into: &subqueries)
        for o in plan.outputs { o.subqueries(into: &subqueries) }
        for k in plan.order { k.expr.subqueries(into: &subqueries) }
        return (child.map { [$0] } ?? []) + subqueries.map(\.node)
    }

    var label: String {
        var parts: [String] = []
        switch plan.source {
        case let .table(snap): parts.append("SCAN \(snap.schema.table)")
        case .rows: parts.append("SCAN input")
        case .none: parts.append("ONE ROW")
        }
        if plan.filter != nil { parts.append("FILTER") }
        if plan.isAggregate {
            parts.append("AGGREGATE \(plan.aggregates.count) aggregate(s)" + (plan.keys.isEmpty ? "" : " by \(plan.keys.count) key(s)"))
            if plan.having != nil { parts.append("HAVING") }
        }
        parts.append("PROJECT \(plan.outputNames.joined(separator: ", "))")
        if !plan.order.isEmpty { parts.append(plan.limit != nil ? "TOP-N" : "SORT") }
        if let l = plan.limit { parts.append("LIMIT \(l)" + (plan.offset > 0 ? " OFFSET \(plan.offset)" : "")) }
        return parts.joined(separator: " → ")
    }

    var details: [String] { scanDetails + (plan.aggregationStrategy.map { [$0] } ?? []) }

    /// What the time range and block statistics leave of the table, and the columns read.
    private var scanDetails: [String] {
        guard case let .table(snap) = plan.source else { return notes }
        var lines: [String] = notes
        func fmt(_ t: Int64) -> String { t == .min ? "-inf" : t == .max ? "+inf" : SQLTimestamp.format(t) }
        let st = snap.stats
        lines.append("time range [\(fmt(plan.timeRange.lowerBound)), \(fmt(plan.timeRange.upperBound))]")
        lines.append("partitions: \(st.partitions - st.partitionsPruned) of \(st.partitions) read (\(st.partitionsPruned) pruned by time)")
        lines.append("segments: \(st.segments - st.segmentsPruned) of \(st.segments) read (\(st.segmentsPruned) pruned by time)")
        let blocks = snap.rowGroups.filter(\.isSegment)
        let prunedBlocks = blocks.filter { SelectRunner.pruned($0, plan.prune, plan.timeRange) }.count
        let mem = snap.rowGroups.filter { !$0.isSegment }
        let prunedMem = mem.filter { SelectRunner.pruned($0, plan.prune, plan.timeRange) }.count
        lines.append("blocks: \(blocks.count - prunedBlocks) of \(blocks.count) read (\(prunedBlocks) pruned by statistics)")
        lines.append("memtable chunks: \(mem.count - prunedMem) of \(mem.count + st.memtableChunksPruned) read (\(st.memtableChunksPruned + prunedMem) pruned)")
        var cols = Set<Int>()
        plan.filter?.columns(into: &cols)
        for k in plan.keys { k.columns(into: &cols) }
        for a in plan.aggregates { a.argument?.columns(into: &cols) }
        if !plan.isAggregate { for o in plan.outputs { o.columns(into: &cols) }; for k in plan.order { k.expr.columns(into: &cols) } }
        lines.append("columns read: \(cols.sorted().map { snap.schema.columns[$0].name }.joined(separator: ", "))")
        if !plan.prune.isEmpty { lines.append("pruning predicates: \(plan.prune.count)") }
        return lines
    }

    func run(_ context: ExecutionContext) throws -> Batch {
        if let join = probedJoin { return try runProbed(join, context) }
        var p = plan
        if let child {
            let input = try child.run(context)
            p.source = .rows(input.vecs(child.columns), count: input.rowCount)
        }
        if let (column, codes) = keyFilter { p = Self.filtered(p, column: column, codes: codes) }
        var runner = SelectRunner(engine: context.engine, now: context.now, control: context.control, capsRows: capsRows)
        runner.keepSymbols = keepsSymbols
        return try runner.executeBatch(p)
    }

    /// `plan` keeping only the rows whose tag `column` has one of `codes`: tested first among the
    /// conjuncts (the cheapest test, and the most selective under a WHERE on a join's dimension) and
    /// against block statistics.
    static func filtered(_ plan: SelectPlan, column: Int, codes: CodeSet) -> SelectPlan {
        var p = plan
        let test = BoundExpr.symbolPredicate(.column(column, .string), codes)
        p.conjuncts = [(test, PrunePredicate.symbol(column: column, codes))] + (p.filter == nil ? [] : p.conjuncts)
        p.filter = p.filter.map { .and(test, $0) } ?? test
        p.prune.append(.symbol(column: column, codes))
        return p
    }

    /// The join this scan probes in its morsels, if the planner chose to (`HashJoin+Probe`).
    private var probedJoin: HashJoin? {
        guard let child, let join = AnalyzedOperator.unwrapped(child) as? HashJoin, join.pipelined else { return nil }
        return join
    }

    /// Scan → filter → probe → this node's aggregation or projection, per morsel of the join's fact table.
    private func runProbed(_ join: HashJoin, _ context: ExecutionContext) throws -> Batch {
        let start = DispatchTime.now().uptimeNanoseconds
        let probe = try join.probe(context, reads: plan.sourceColumns(filter: plan.filter))
        let built = DispatchTime.now().uptimeNanoseconds &- start
        var p = plan
        p.source = .rows(probe.placeholders, count: 0)
        var runner = SelectRunner(engine: context.engine, now: context.now, control: context.control, capsRows: capsRows)
        runner.keepSymbols = keepsSymbols
        let out = try runner.executeBatch(p, morsels: probe)
        // EXPLAIN ANALYZE: the join's own time is building its table; its rows and the fact scan's are
        // counted by the probe; scanning and probing are this node's time.
        (child as? AnalyzedOperator)?.record(rows: probe.joinedRows, nanoseconds: built)
        if let f = join.keyFilterPlan, let fact = (f.probeIsLeft ? join.left : join.right) as? AnalyzedOperator {
            fact.record(rows: probe.factRows, nanoseconds: 0)
        }
        return out
    }
}
