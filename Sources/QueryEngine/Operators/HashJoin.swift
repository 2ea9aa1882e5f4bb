import ColumnStore

/// A join of two inputs: a hash table on the smaller side's equality keys, probed with the other's
/// rows; extra ON conditions filter the matched pairs; outer joins add the unmatched rows with NULLs.
/// Without equality keys (CROSS JOIN, ON with no `=` between the sides) every pair is a candidate.
///
/// Output columns: the left input's, then the right's, then one merged column per `USING` name.
final class HashJoin: Operator {
    let left: any Operator
    let right: any Operator
    let kind: JoinKind
    /// Equality keys, each side's over that side's columns (the same types on both sides).
    let leftKeys: [BoundExpr]
    let rightKeys: [BoundExpr]
    /// The ON condition's other parts, over the left columns followed by the right's.
    let residual: BoundExpr?
    /// `USING` columns: (left column, right column) merged into one (the right's where the left is NULL).
    let merged: [(Int, Int)]
    let columns: [PlanColumn]

    init(left: any Operator, right: any Operator, kind: JoinKind, leftKeys: [BoundExpr], rightKeys: [BoundExpr],
         residual: BoundExpr?, merged: [(Int, Int)], columns: [PlanColumn]) {
        self.left = left
        self.right = right
        self.kind = kind
        self.leftKeys = leftKeys
        self.rightKeys = rightKeys
        self.residual = residual
        self.merged = merged
        self.columns = columns
    }

    var children: [any Operator] { [left, right] }

    var label: String {
        let name = leftKeys.isEmpty ? (kind == .cross ? "CROSS PRODUCT" : "NESTED LOOP \(kind.rawValue)") : "HASH \(kind.rawValue)"
        var text = name
        if !leftKeys.isEmpty { text += " on \(leftKeys.count) key(s)" }
        if residual != nil { text += " + condition" }
        return text + " (builds on the smaller side)"
    }

    func run(_ context: ExecutionContext) throws -> Batch {
        let l = try left.run(context)
        let r = try right.run(context)
        try context.check()
        var (li, ri) = try pairs(l, r, context)
        if let residual {
            try context.charge(saturatingMultiply(li.count, 8))
            let both = Batch(columns: l.columns.map { RowKeys.gatherOrNull($0, li) } + r.columns.map { RowKeys.gatherOrNull($0, ri) },
                             rowCount: li.count)
            let types = left.columns + right.columns
            let src = RowGroupColumns(rows: both.vecs(types), range: 0..<both.rowCount, types: types.map(\.type))
            if let keep = Worker.selection(try Evaluator.eval(residual, src), both.rowCount) {
                li = keep.map { li[Int($0)] }
                ri = keep.map { ri[Int($0)] }
            }
        }
        // Outer joins: the rows of a preserved side that matched nothing, with NULLs for the other side.
        if kind == .left || kind == .full {
            var matched = [Bool](repeating: false, count: l.rowCount)
            for i in li { matched[Int(i)] = true }
            for i in 0..<l.rowCount where !matched[i] { li.append(Int32(i)); ri.append(-1) }
        }
        if kind == .right || kind == .full {
            var matched = [Bool](repeating: false, count: r.rowCount)
            for i in ri where i >= 0 { matched[Int(i)] = true }
            for i in 0..<r.rowCount where !matched[i] { li.append(-1); ri.append(Int32(i)) }
        }
        try context.check()
        var out: [ColumnVector] = []
        for c in l.columns { out.append(RowKeys.gatherOrNull(c, li)); try context.charge(MemorySize.of(out[out.count - 1])) }
        for c in r.columns { out.append(RowKeys.gatherOrNull(c, ri)); try context.charge(MemorySize.of(out[out.count - 1])) }
        for (a, b) in merged {
            var m = out[a]
            let fill = out[l.columns.count + b]
            if m.validity != nil {
                var v = ColumnVector(type: m.type, capacity: m.count)
                for k in 0..<m.count { v.append(contentsOf: m.isNull(k) ? fill : m, range: k..<k + 1) }
                m = v
            }
            out.append(m)
        }
        return Batch(columns: out, rowCount: li.count)
    }

    /// Row pairs (left row, right row) whose keys are equal, from a hash table on the smaller side.
    private func pairs(_ l: Batch, _ r: Batch, _ context: ExecutionContext) throws -> ([Int32], [Int32]) {
        var li: [Int32] = [], ri: [Int32] = []
        guard !leftKeys.isEmpty else {
            let total = saturatingMultiply(l.rowCount, r.rowCount)
            try context.charge(saturatingMultiply(total, 8))
            li.reserveCapacity(total)
            ri.reserveCapacity(total)
            for i in 0..<l.rowCount {
                for j in 0..<r.rowCount { li.append(Int32(i)); ri.append(Int32(j)) }
                if i & 1023 == 0 { try context.check() }
            }
            return (li, ri)
        }
        let lk = try keys(leftKeys, l, left.columns)
        let rk = try keys(rightKeys, r, right.columns)
        let buildLeft = l.rowCount < r.rowCount
        let (bk, bn, pk, pn) = buildLeft ? (lk, l.rowCount, rk, r.rowCount) : (rk, r.rowCount, lk, l.rowCount)
        let bh = RowKeys.hashes(bk, rows: bn)
        var size = 16
        while size < bn * 2 { size <<= 1 }
        let mask = UInt64(size - 1)
        try context.charge(size * 4 + bn * 12)
        var head = [Int32](repeating: -1, count: size)
        var next = [Int32](repeating: -1, count: bn)
        // Inserted in reverse so each chain lists its rows in input order.
        for i in stride(from: bn - 1, through: 0, by: -1) where !RowKeys.anyNull(bk, i) {
            let b = Int(bh[i] & mask)
            next[i] = head[b]
            head[b] = Int32(i)
        }
        let ph = RowKeys.hashes(pk, rows: pn)
        for p in 0..<pn {
            if p & 65_535 == 0 { try context.check() }
            var b = head[Int(ph[p] & mask)]
            if b < 0 || RowKeys.anyNull(pk, p) { continue }
            while b >= 0 {
                let bi = Int(b)
                if bh[bi] == ph[p] && RowKeys.equal(bk, bi, pk, p) {
                    if buildLeft { li.append(b); ri.append(Int32(p)) } else { li.append(Int32(p)); ri.append(b) }
                }
                b = next[bi]
            }
        }
        try context.charge(saturatingMultiply(li.count, 8))
        return (li, ri)
    }

    /// The key expressions' values for every row of one side.
    private func keys(_ exprs: [BoundExpr], _ b: Batch, _ types: [PlanColumn]) throws -> [ColumnVector] {
        let src = RowGroupColumns(rows: b.vecs(types), range: 0..<b.rowCount, types: types.map(\.type))
        return try exprs.map { Worker.gather(try Evaluator.eval($0, src), nil, b.rowCount) }
    }
}
