import ColumnStore

/// A join of two inputs: a hash table on the smaller side's equality keys, probed with the other's
/// rows (one string key, a tag's included: `StringKeyJoin`, on key numbers); extra ON conditions filter the matched pairs; outer joins add the unmatched rows with NULLs.
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
    /// Set by the planner when the scan reading this join probes it in its morsels (`HashJoin+Probe`):
    /// the join then never materializes its rows.
    var pipelined = false

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
        if pipelined, let f = keyFilterPlan {
            let name = columns[f.probeIsLeft ? Self.keyColumn(leftKeys[0]) : left.columns.count + Self.keyColumn(rightKeys[0])]
            text += " (builds on the \(f.probeIsLeft ? "right" : "left") side; probed inside the scan above, per morsel, by"
                + " \(name.qualifier.map { "\($0)." } ?? "")\(name.name)'s dictionary codes)"
        } else {
            text += " (builds on the smaller side)"
        }
        if let f = keyFilterPlan {
            // The join's own columns carry the qualifiers: the left input's, then the right's.
            let name = columns[f.probeIsLeft ? Self.keyColumn(leftKeys[0]) : left.columns.count + Self.keyColumn(rightKeys[0])]
            text += " → FILTER \(name.qualifier.map { "\($0)." } ?? "")\(name.name) IN (keys of the \(f.probeIsLeft ? "right" : "left") side)"
        }
        return text
    }

    func run(_ context: ExecutionContext) throws -> Batch {
        var (l, r) = try runInputs(context)
        try context.check()
        // Codes need a dictionary holding them: an empty side (whose NULL rows would carry code 0) and
        // a right column whose dictionary the left also uses (a self-join: an expression over both would
        // read one dictionary twice at once) become strings.
        if l.rowCount == 0 { l = l.resolved() }
        if r.rowCount == 0 { r = r.resolved() }
        l.dicts = l.columns.indices.map(l.dict)
        r.dicts = r.columns.indices.map(r.dict)
        for i in r.dicts.indices {
            guard let d = r.dicts[i], l.dicts.contains(where: { $0 === d }) else { continue }
            r.columns[i] = Vec(type: .string, col: r.columns[i], dict: d).materialized()
            r.dicts[i] = nil
        }
        var (li, ri) = try pairs(l, r, context)
        if let residual {
            try context.charge(saturatingMultiply(li.count, 8))
            let both = Batch(columns: l.columns.map { RowKeys.gatherOrNull($0, li) } + r.columns.map { RowKeys.gatherOrNull($0, ri) },
                             rowCount: li.count, dicts: l.dicts + r.dicts)
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
        // A side whose rows repeat many times in the output (the small dimension table) passes its strings
        // on as codes of a dictionary of its own: a 4-byte gather per output row instead of a string copy.
        if li.count >= 4 * l.rowCount { l = Self.encodeStrings(l) }
        if ri.count >= 4 * r.rowCount { r = Self.encodeStrings(r) }
        var out: [ColumnVector] = []
        // A side whose every row appears once, in order (a fact table meeting its dimension), passes its
        // columns on without a copy.
        for (side, rows) in [(l, li), (r, ri)] {
            let whole = rows.count == side.rowCount && rows.enumerated().allSatisfy { $0.offset == Int($0.element) }
            for c in side.columns {
                out.append(whole ? c : RowKeys.gatherOrNull(c, rows))
                if !whole { try context.charge(MemorySize.of(out[out.count - 1])) }
            }
        }
        var dicts = l.dicts + r.dicts
        for (a, b) in merged {
            // A USING column is the left value, or the right one where the left is NULL (an outer join).
            var m = dicts[a].map { Vec(type: .string, col: out[a], dict: $0).materialized() } ?? out[a]
            if m.validity != nil {
                let bi = l.columns.count + b
                let fill = dicts[bi].map { Vec(type: .string, col: out[bi], dict: $0).materialized() } ?? out[bi]
                var v = ColumnVector(type: m.type, capacity: m.count)
                for k in 0..<m.count { v.append(contentsOf: m.isNull(k) ? fill : m, range: k..<k + 1) }
                m = v
            }
            out.append(m)
            dicts.append(nil)
        }
        return Batch(columns: out, rowCount: li.count, dicts: dicts)
    }

    /// `b` with each string column dictionary-coded (a new dictionary per column, duplicates sharing a code).
    static func encodeStrings(_ b: Batch) -> Batch {
        var b = b
        for i in b.columns.indices where b.columns[i].type == .string && b.columns[i].nullCount < b.rowCount {
            let c = b.columns[i]
            var table = ByteStringTable()
            var codes = ColumnVector(type: .symbol, capacity: c.count)
            for k in 0..<c.count {
                if c.isNull(k) { codes.appendNulls(1) } else { codes.append(code: c.withStringBytes(k) { table.intern($0) }) }
            }
            let dict = SymbolDictionary()
            _ = dict.intern(table)  // a new dictionary: its codes are the table's
            b.columns[i] = codes
            b.dicts[i] = dict
        }
        return b
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
        if leftKeys.count == 1, leftKeys[0].type == .string, rightKeys[0].type == .string {
            return try StringKeyJoin.pairs(try keyVec(leftKeys[0], l, left.columns), try keyVec(rightKeys[0], r, right.columns),
                                           leftRows: l.rowCount, rightRows: r.rowCount, context)
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

    /// The input column a key that is a plain column reads.
    static func keyColumn(_ e: BoundExpr) -> Int {
        if case let .column(i, _) = e { return i }
        return 0
    }

    /// One key expression's values for every row of one side, a tag's as its codes.
    func keyVec(_ e: BoundExpr, _ b: Batch, _ types: [PlanColumn]) throws -> Vec {
        let src = RowGroupColumns(rows: b.vecs(types), range: 0..<b.rowCount, types: types.map(\.type))
        let v = try Evaluator.eval(e, src)
        return v.isSymbol ? v : Vec(type: .string, col: Worker.gather(v, nil, b.rowCount))
    }

    /// The key expressions' values for every row of one side.
    private func keys(_ exprs: [BoundExpr], _ b: Batch, _ types: [PlanColumn]) throws -> [ColumnVector] {
        let src = RowGroupColumns(rows: b.vecs(types), range: 0..<b.rowCount, types: types.map(\.type))
        return try exprs.map { Worker.gather(try Evaluator.eval($0, src), nil, b.rowCount) }
    }
}
