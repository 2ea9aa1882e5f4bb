import ColumnStore

/// Semi-join reduction: when one input of a join is a table scan joined on one of its tags, and the join
/// drops that input's unmatched rows (an inner join, or the outer join's other side), the other input runs
/// first and its keys become a filter on the scan's tag — one lookup per dictionary entry, then a byte per
/// row — so the fact rows of dimension rows a WHERE left out (`a.origin = 'SE'`, `a.founded < 1980`)
/// are dropped in the scan instead of being read into the join.
extension HashJoin {
    /// The side whose scan takes the other side's keys, and the key's column in that scan's table.
    struct KeyFilterPlan {
        var probeIsLeft: Bool
        var column: Int
        var scan: ScanAggregate
    }

    /// Whether the join filters one input's scan by the other's keys (decided before anything runs).
    var keyFilterPlan: KeyFilterPlan? {
        guard leftKeys.count == 1 else { return nil }
        // An input's unmatched rows may be dropped unless an outer join preserves them.
        let candidates: [Bool] = switch kind {
        case .inner: [true, false]
        case .left: [false]
        case .right: [true]
        default: []
        }
        var best: (KeyFilterPlan, Int)?
        for probeIsLeft in candidates {
            let (probe, other, key) = probeIsLeft ? (left, right, leftKeys[0]) : (right, left, rightKeys[0])
            guard let scan = AnalyzedOperator.unwrapped(probe) as? ScanAggregate, let column = Self.tagColumn(scan, key),
                  let rows = Self.estimatedRows(scan) else { continue }
            // Worth it only against a clearly smaller other side (a dimension table), or one of unknown size.
            if let o = AnalyzedOperator.unwrapped(other) as? ScanAggregate, let otherRows = Self.estimatedRows(o), otherRows * 2 > rows {
                continue
            }
            if best.map({ rows > $0.1 }) ?? true { best = (KeyFilterPlan(probeIsLeft: probeIsLeft, column: column, scan: scan), rows) }
        }
        return best?.0
    }

    /// The table column of `key` when it is a tag read as it is by a plain scan of that table.
    private static func tagColumn(_ scan: ScanAggregate, _ key: BoundExpr) -> Int? {
        let plan = scan.plan
        guard case let .column(i, .string) = key, case let .table(snap) = plan.source, !plan.isAggregate,
              plan.limit == nil, plan.offset == 0, i < plan.outputs.count,
              case let .column(c, _) = plan.outputs[i], c < snap.schema.columns.count,
              snap.schema.columns[c].type == .symbol else { return nil }
        return c
    }

    /// The rows of a table scan's row groups (before its filters).
    private static func estimatedRows(_ scan: ScanAggregate) -> Int? {
        guard case let .table(snap) = scan.plan.source else { return nil }
        return snap.rowGroups.reduce(0) { $0 + $1.rowCount }
    }

    /// Runs both inputs, the filtering side first when the plan has one: (left rows, right rows).
    func runInputs(_ context: ExecutionContext) throws -> (Batch, Batch) {
        guard let f = keyFilterPlan else { return (try left.run(context), try right.run(context)) }
        let (other, otherKey, otherColumns) = f.probeIsLeft ? (right, rightKeys[0], right.columns) : (left, leftKeys[0], left.columns)
        let built = try other.run(context)
        try context.check()
        let codes = try Self.codes(matching: try keyVec(otherKey, built, otherColumns), rows: built.rowCount, in: f.scan, column: f.column)
        f.scan.keyFilter = (f.column, codes)
        defer { f.scan.keyFilter = nil }
        let probed = try (f.probeIsLeft ? left : right).run(context)
        return f.probeIsLeft ? (probed, built) : (built, probed)
    }

    /// The codes of the scan's tag dictionary whose value is one of `keys`' (NULL matches nothing).
    private static func codes(matching keys: Vec, rows: Int, in scan: ScanAggregate, column: Int) throws -> CodeSet {
        guard case let .table(snap) = scan.plan.source, let dict = snap.dictionary(column) else { return CodeSet(table: []) }
        var table = ByteStringTable()
        _ = StringKeyJoin.numbers(keys, rows, &table, intern: true)
        return CodeSet(table: dict.withTable { d in
            (0..<d.count).map { c in d.withBytes(UInt32(c)) { table.find($0) != nil ? 1 : 0 } }
        })
    }
}
