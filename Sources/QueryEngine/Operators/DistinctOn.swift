import ColumnStore

/// `SELECT DISTINCT ON (keys) …`: the first row of each distinct key in its input's order (the leaf
/// below sorted it by the query's ORDER BY), then OFFSET and LIMIT. The key columns are the input's
/// last `keyCount` columns and are dropped from the output.
final class DistinctOn: Operator {
    let child: any Operator
    let keyCount: Int
    let limit: Int64?
    let offset: Int64
    let columns: [PlanColumn]

    init(child: any Operator, keyCount: Int, limit: Int64?, offset: Int64) {
        self.child = child
        self.keyCount = keyCount
        self.limit = limit
        self.offset = offset
        columns = Array(child.columns.dropLast(keyCount))
    }

    var children: [any Operator] { [child] }
    var label: String {
        "DISTINCT ON \(keyCount) key(s)" + (limit.map { " → LIMIT \($0)" } ?? "") + (offset > 0 ? " OFFSET \(offset)" : "")
    }

    func run(_ context: ExecutionContext) throws -> Batch {
        let b = try child.run(context)
        let keys = Array(b.columns.suffix(keyCount))
        let firsts = RowKeys.groups(keys, rows: b.rowCount).firsts
        let lo = min(Int(clamping: offset), firsts.count)
        let hi = limit.map { lo + min(firsts.count - lo, Int(clamping: $0)) } ?? firsts.count
        let rows = Array(firsts[lo..<hi])
        let out = b.columns.dropLast(keyCount).map { $0.gather(rows) }
        try context.charge(out.reduce(0) { $0 + MemorySize.of($1) })
        return Batch(columns: Array(out), rowCount: rows.count)
    }
}
