import ColumnStore

/// `left UNION|INTERSECT|EXCEPT [ALL] right`: rows compared by value over every column, NULL equal to
/// NULL. Without ALL the result is distinct rows; with ALL, INTERSECT keeps min(m, n) copies of a row
/// and EXCEPT max(m − n, 0), as in PostgreSQL and DuckDB.
final class SetOperation: Operator {
    let left: any Operator
    let right: any Operator
    let operation: SetOperand.Operation
    let all: Bool
    /// Names from the left input; types the two inputs' common types.
    let columns: [PlanColumn]

    init(left: any Operator, right: any Operator, operation: SetOperand.Operation, all: Bool, columns: [PlanColumn]) {
        self.left = left
        self.right = right
        self.operation = operation
        self.all = all
        self.columns = columns
    }

    var children: [any Operator] { [left, right] }
    var label: String { operation.rawValue + (all ? " ALL" : "") }

    func run(_ context: ExecutionContext) throws -> Batch {
        let l = try cast(try left.run(context), left.columns)
        let r = try cast(try right.run(context), right.columns)
        try context.check()
        var both = l.columns
        for i in both.indices { both[i].append(contentsOf: r.columns[i], range: 0..<r.rowCount) }
        let n = l.rowCount + r.rowCount
        try context.charge(both.reduce(0) { $0 + MemorySize.of($1) } + n * 12)
        if operation == .union && all { return Batch(columns: both, rowCount: n) }
        let (ids, firsts) = RowKeys.groups(both, rows: n)
        var keep: [Int32] = []
        switch operation {
        case .union:
            keep = firsts
        case .intersect, .except:
            var inRight = [Int](repeating: 0, count: firsts.count)
            for i in l.rowCount..<n { inRight[Int(ids[i])] += 1 }
            var seen = [Int](repeating: 0, count: firsts.count)
            for i in 0..<l.rowCount {
                let g = Int(ids[i])
                seen[g] += 1
                let copies = all ? seen[g] : (seen[g] == 1 ? 1 : Int.max)
                let wanted = operation == .intersect ? copies <= inRight[g] : (all ? copies > inRight[g] : copies == 1 && inRight[g] == 0)
                if wanted { keep.append(Int32(i)) }
            }
        }
        return Batch(columns: both.map { $0.gather(keep) }, rowCount: keep.count)
    }

    /// An input's columns converted to the common types.
    private func cast(_ b: Batch, _ from: [PlanColumn]) throws -> Batch {
        guard zip(from, columns).contains(where: { $0.type != $1.type }) else { return b }
        let src = RowGroupColumns(rows: b.vecs(from), range: 0..<b.rowCount, types: from.map(\.type))
        return Batch(columns: try columns.indices.map { i in
            let e: BoundExpr = from[i].type == columns[i].type ? .column(i, from[i].type) : .cast(.column(i, from[i].type), columns[i].type)
            return Worker.gather(try Evaluator.eval(e, src), nil, b.rowCount)
        }, rowCount: b.rowCount)
    }
}
