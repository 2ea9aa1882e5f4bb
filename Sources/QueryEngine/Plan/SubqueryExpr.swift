import ColumnStore
import Foundation

/// A subquery inside an expression: planned with the query, run once when first evaluated (never by
/// EXPLAIN), its rows kept for every batch that needs them.
///
/// Correlated `EXISTS` and scalar subqueries are decorrelated by the planner: the subquery returns its
/// sides of the equality conditions (and a scalar one its value, per group of them when it aggregates),
/// and each outer row's values are looked up among them (a semi-join, or a lookup join).
final class SubqueryExpr: @unchecked Sendable {
    enum Kind {
        /// `(SELECT x …)`: NULL without rows, an error with more than one.
        case scalar
        /// `[NOT] EXISTS`: with keys, whether the outer row's keys are among the subquery's rows.
        case exists(negated: Bool)
        /// `x [NOT] IN (SELECT y …)`, with SQL's NULLs: unknown when not found and either side has a NULL.
        case `in`(negated: Bool)
        /// A correlated `(SELECT x … WHERE inner = outer …)`: the row whose keys equal the outer row's
        /// gives the value; without one, the value over no rows (`empty`); with several, an error.
        case correlatedScalar
        /// `ARRAY(SELECT x …)`: every row's value, in the subquery's order (`{}` without rows).
        case array
        /// A correlated `ARRAY(SELECT x … WHERE inner = outer …)`: the values of the rows whose keys equal
        /// the outer row's, in the subquery's order.
        case correlatedArray
        /// A correlated scalar subquery run once per outer row (`perRow`), the outer values its keys.
        case perRow
        /// A correlated `x [NOT] IN (SELECT y … WHERE inner = outer …)`: the subquery returns its keys, then
        /// `y`; the outer row's set is the rows with its keys, and SQL's NULLs apply to that set alone.
        case correlatedIn(negated: Bool)
    }

    let kind: Kind
    let node: SubqueryNode
    /// The types the subquery's key columns are compared in (the outer keys are cast to them when planned).
    let keyTypes: [ValueType]
    /// A correlated scalar aggregate's query over no rows, which gives the value where no row matches.
    let empty: (any Operator)?
    /// Conditions comparing inner and outer columns other than by `=`, bound over a candidate pair's
    /// columns: the outer values (passed after the keys), then the subquery's from `residualInnerStart`.
    let residual: BoundExpr?
    let residualInnerStart: Int
    private let context: ExecutionContext
    /// For `.perRow`: runs the subquery for one outer row's values.
    let perRow: (@Sendable ([Value], ExecutionContext) throws -> Value)?
    private let lock = NSLock()
    private var result: Rows?
    /// A tag's answers per dictionary code (`tag IN (SELECT …)`).
    private let codeAnswers = SubqueryCodeAnswers()

    /// The subquery's rows, hashed for lookups.
    private struct Rows {
        var scalar: Value = .null
        var count = 0
        var keys: [ColumnVector] = []
        var hashes: [UInt64] = []
        var head: [Int32] = []
        var next: [Int32] = []
        var hasNull = false
        /// A correlated scalar's values, one per row, then the value for no match.
        var values: ColumnVector?
        /// The subquery's columns a residual condition reads, one row per subquery row.
        var residualColumns: [Vec] = []
        /// A correlated IN's distinct correlation keys and, per distinct key, whether its set holds a NULL.
        var groups: KeyTable?
        var groupHasNull: [Bool] = []
    }

    /// How many leading keys correlate (the rest of `keyTypes`, for a correlated IN, is the compared value).
    private var correlationCount: Int {
        if case .correlatedIn = kind { keyTypes.count - 1 } else { keyTypes.count }
    }

    /// The (outer row, subquery row) pairs whose keys are equal and, with a residual, whose condition holds.
    private func matches(_ rows: Rows, _ keys: [Vec], _ n: Int) throws -> (outer: [Int32], inner: [Int32]) {
        let outer = keys.prefix(correlationCount).map { Worker.gather($0, nil, n) }
        let h = RowKeys.hashes(outer, rows: n)
        var pi: [Int32] = [], pb: [Int32] = []
        let mask = UInt64(max(rows.head.count, 1) - 1)
        for i in 0..<n where !RowKeys.anyNull(outer, i) && !rows.head.isEmpty {
            var b = rows.head[Int(h[i] & mask)]
            while b >= 0 {
                if rows.hashes[Int(b)] == h[i] && RowKeys.equal(rows.keys, Int(b), outer, i) {
                    pi.append(Int32(i))
                    pb.append(b)
                }
                b = rows.next[Int(b)]
            }
        }
        guard let residual, !pi.isEmpty else { return (pi, pb) }
        // The condition runs once over all candidate pairs, their columns gathered side by side.
        let sides = keys.dropFirst(keyTypes.count).map { Vec(type: $0.type, col: Worker.gather($0, nil, n).gather(pi)) }
            + rows.residualColumns.map { Vec(type: $0.type, col: $0.col.gather(pb)) }
        let src = RowGroupColumns(rows: sides, range: 0..<pi.count, types: sides.map(\.type))
        let ok = Worker.gather(try Evaluator.eval(residual, src), nil, pi.count)
        var oi: [Int32] = [], ob: [Int32] = []
        for k in 0..<pi.count where !ok.isNull(k) && ok.bools[k] != 0 {
            oi.append(pi[k])
            ob.append(pb[k])
        }
        return (oi, ob)
    }

    init(kind: Kind, plan: any Operator, keyTypes: [ValueType], context: ExecutionContext, empty: (any Operator)? = nil,
         residual: BoundExpr? = nil, residualInnerStart: Int = 0, perRow: (@Sendable ([Value], ExecutionContext) throws -> Value)? = nil) {
        self.kind = kind
        self.perRow = perRow
        self.residual = residual
        self.residualInnerStart = residualInnerStart
        self.keyTypes = keyTypes
        self.context = context
        self.empty = empty
        node = SubqueryNode(plan: plan, kind: kind)
    }

    var type: ValueType {
        switch kind {
        case .scalar: node.plan.columns[0].type
        case .correlatedScalar: node.plan.columns[keyTypes.count].type
        case .array: .array(node.plan.columns[0].type)
        case .perRow: node.plan.columns[0].type
        case .correlatedArray: .array(node.plan.columns[keyTypes.count].type)
        case .exists, .in, .correlatedIn: .bool
        }
    }

    func evaluate(_ keys: [Vec], _ n: Int) throws -> Vec {
        if case .perRow = kind {
            var out = ColumnVector(type: type.columnType, capacity: n)
            for i in 0..<n { try ScalarFunctions.append(try perRow!(keys.map { $0.value(i) }, context), to: &out) }
            return Vec(type: type, col: out)
        }
        let rows = try load()
        switch kind {
        case .array, .perRow:
            return Vec(constant: rows.scalar, count: n)
        case .correlatedArray:
            guard case let .array(element) = type else { preconditionFailure("BUG: an array subquery of \(type)") }
            let values = Vec(type: element, col: rows.values!)
            let (pi, pb) = try matches(rows, keys, n)
            // Each outer row's matches in the subquery's row order.
            let order = (0..<pi.count).sorted { (pi[$0], pb[$0]) < (pi[$1], pb[$1]) }
            var items = [[Value]](repeating: [], count: n)
            for k in order { items[Int(pi[k])].append(values.value(Int(pb[k]))) }
            var out = ColumnVector(type: .string, capacity: n)
            for i in 0..<n { ArrayCoding.encode(ArrayValue(element: element, items: items[i])).withUnsafeBytes { out.append(string: $0) } }
            return Vec(type: type, col: out)
        case .scalar:
            // A NULL keeps the column's type (a bare NULL constant would materialize as BIGINT).
            if rows.scalar == .null { return Vec(type: type, col: ColumnVector(type: type.columnType, nulls: n)) }
            return Vec(constant: rows.scalar, count: n)
        case .correlatedScalar:
            let values = rows.values!
            let noMatch = Int32(values.count - 1)
            var picked = [Int32](repeating: noMatch, count: n)
            let (pi, pb) = try matches(rows, keys, n)
            for k in 0..<pi.count {
                let i = Int(pi[k])
                if picked[i] != noMatch { throw QueryError("more than one row returned by a subquery used as an expression") }
                picked[i] = pb[k]
            }
            return Vec(type: type, col: values.gather(picked))
        case let .correlatedIn(negated) where residual != nil:
            return try correlatedInByPairs(rows, keys, n, negated: negated)
        case let .correlatedIn(negated):
            return correlatedIn(rows, keys, n, negated: negated)
        case let .exists(negated) where keys.isEmpty:
            return Vec(constant: .bool((rows.count > 0) != negated), count: n)
        case let .exists(negated) where residual != nil:
            var found = [Bool](repeating: false, count: n)
            for i in try matches(rows, keys, n).outer { found[Int(i)] = true }
            var out = ColumnVector(type: .bool, capacity: n)
            for i in 0..<n { out.append(bool: found[i] != negated) }
            return Vec(type: .bool, col: out)
        case let .exists(negated), let .in(negated):
            let isIn: Bool = if case .in = kind { true } else { false }
            if keys.count == 1, keys[0].isSymbol, let dict = keys[0].dict, rows.keys.first?.type == .string {
                // A tag: one answer per dictionary entry, a byte per row.
                return codeAnswers.evaluate(keys[0], n, dict: dict, keys: rows.keys[0], rows: rows.count, hasNull: rows.hasNull,
                                            negated: negated, isIn: isIn)
            }
            let outer = keys.map { Worker.gather($0, nil, n) }
            let h = RowKeys.hashes(outer, rows: n)
            var out = ColumnVector(type: .bool, capacity: n)
            let mask = UInt64(max(rows.head.count, 1) - 1)
            for i in 0..<n {
                let null = RowKeys.anyNull(outer, i)
                var found = false
                if !null, !rows.head.isEmpty {
                    var b = rows.head[Int(h[i] & mask)]
                    while b >= 0 {
                        if rows.hashes[Int(b)] == h[i] && RowKeys.equal(rows.keys, Int(b), outer, i) { found = true; break }
                        b = rows.next[Int(b)]
                    }
                }
                if isIn && !found && rows.count > 0 && (null || rows.hasNull) {
                    out.appendNulls(1)
                } else {
                    out.append(bool: found != negated)
                }
            }
            return Vec(type: .bool, col: out)
        }
    }

    /// A correlated IN without residual: found when (keys, x) is among the subquery's rows; otherwise
    /// NULL when the outer row's set is not empty and x or a value of the set is NULL, else false.
    private func correlatedIn(_ rows: Rows, _ keys: [Vec], _ n: Int, negated: Bool) -> Vec {
        let m = correlationCount
        let outer = keys.prefix(m + 1).map { Worker.gather($0, nil, n) }
        let corr = Array(outer.prefix(m))
        let h = RowKeys.hashes(outer, rows: n)
        let hc = RowKeys.hashes(corr, rows: n)
        let mask = UInt64(max(rows.head.count, 1) - 1)
        var out = ColumnVector(type: .bool, capacity: n)
        for i in 0..<n {
            if RowKeys.anyNull(corr, i) { out.append(bool: negated); continue }
            var found = false
            if !outer[m].isNull(i), !rows.head.isEmpty {
                var b = rows.head[Int(h[i] & mask)]
                while b >= 0 {
                    if rows.hashes[Int(b)] == h[i] && RowKeys.equal(rows.keys, Int(b), outer, i) { found = true; break }
                    b = rows.next[Int(b)]
                }
            }
            if found { out.append(bool: !negated); continue }
            let g = rows.groups!.find(corr, i, hash: hc[i])
            if g >= 0 && (outer[m].isNull(i) || rows.groupHasNull[Int(g)]) {
                out.appendNulls(1)
            } else {
                out.append(bool: negated)
            }
        }
        return Vec(type: .bool, col: out)
    }

    /// A correlated IN with a residual condition: the pairs the keys and the condition match are the
    /// outer row's set, and x is compared with each pair's value.
    private func correlatedInByPairs(_ rows: Rows, _ keys: [Vec], _ n: Int, negated: Bool) throws -> Vec {
        let m = correlationCount
        let x = Worker.gather(keys[m], nil, n)
        let values = rows.values!
        // 0: empty set, 1: not found (no NULL seen), 2: not found with a NULL, 3: found.
        var state = [UInt8](repeating: 0, count: n)
        let (pi, pb) = try matches(rows, keys, n)
        for k in 0..<pi.count {
            let i = Int(pi[k]), j = Int(pb[k])
            if state[i] == 3 { continue }
            if x.isNull(i) || values.isNull(j) { state[i] = 2 }
            else if RowKeys.equal(x, i, values, j) { state[i] = 3 }
            else if state[i] == 0 { state[i] = 1 }
        }
        var out = ColumnVector(type: .bool, capacity: n)
        for i in 0..<n {
            switch state[i] {
            case 3: out.append(bool: !negated)
            case 2: out.appendNulls(1)
            default: out.append(bool: negated)
            }
        }
        return Vec(type: .bool, col: out)
    }

    private func load() throws -> Rows {
        try lock.withLock {
            if let result { return result }
            let b = try node.plan.run(context)
            var r = Rows()
            r.count = b.rowCount
            if case .scalar = kind {
                if b.rowCount > 1 {
                    throw QueryError("more than one row returned by a subquery used as an expression")
                }
                if b.rowCount == 1 { r.scalar = Vec(type: node.plan.columns[0].type, col: b.columns[0]).value(0) }
            } else if case .array = kind {
                let element = node.plan.columns[0].type
                let column = Vec(type: element, col: b.columns[0])
                r.scalar = .array(ArrayValue(element: element, items: (0..<b.rowCount).map(column.value)))
            } else if !keyTypes.isEmpty {
                if case .correlatedArray = kind {
                    var values = ColumnVector(type: node.plan.columns[keyTypes.count].type.columnType, capacity: b.rowCount)
                    values.append(contentsOf: b.columns[keyTypes.count], range: 0..<b.rowCount)
                    r.values = values
                }
                if case .correlatedScalar = kind {
                    let t = node.plan.columns[keyTypes.count].type
                    var values = ColumnVector(type: t.columnType, capacity: b.rowCount + 1)
                    values.append(contentsOf: b.columns[keyTypes.count], range: 0..<b.rowCount)
                    if let none = try empty?.run(context), none.rowCount == 1 {
                        values.append(contentsOf: none.columns[0], range: 0..<1)
                    } else {
                        values.appendNulls(1)
                    }
                    r.values = values
                }
                let types = node.plan.columns
                let src = RowGroupColumns(rows: b.vecs(types), range: 0..<b.rowCount, types: types.map(\.type))
                r.keys = try keyTypes.enumerated().map { i, t in
                    let e: BoundExpr = types[i].type == t ? .column(i, t) : .cast(.column(i, types[i].type), t)
                    return Worker.gather(try Evaluator.eval(e, src), nil, b.rowCount)
                }
                if case .correlatedIn = kind {
                    // The compared value is kept per row; with a residual, pairs are matched by the
                    // correlation keys alone and the value compared on each pair.
                    let m = correlationCount
                    r.values = r.keys[m]
                    if residual != nil {
                        r.keys.removeLast()
                    } else {
                        let groups = KeyTable(Array(r.keys.prefix(m)), rows: b.rowCount)
                        try context.charge(groups.memory)
                        var hasNull = [Bool](repeating: false, count: groups.firsts.count)
                        for i in 0..<b.rowCount where r.keys[m].isNull(i) { hasNull[Int(groups.ids[i])] = true }
                        r.groups = groups
                        r.groupHasNull = hasNull
                    }
                }
                if residual != nil {
                    r.residualColumns = b.vecs(types)[residualInnerStart...].map {
                        Vec(type: $0.type, col: Worker.gather($0, nil, b.rowCount))
                    }
                }
                r.hashes = RowKeys.hashes(r.keys, rows: b.rowCount)
                var size = 16
                while size < b.rowCount * 2 { size <<= 1 }
                try context.charge(size * 4 + b.rowCount * 12)
                r.head = [Int32](repeating: -1, count: size)
                r.next = [Int32](repeating: -1, count: b.rowCount)
                for i in 0..<b.rowCount {
                    if RowKeys.anyNull(r.keys, i) { r.hasNull = true; continue }
                    let k = Int(r.hashes[i] & UInt64(size - 1))
                    r.next[i] = r.head[k]
                    r.head[k] = Int32(i)
                }
            }
            result = r
            return r
        }
    }
}

/// A subquery's tree as EXPLAIN draws it under the operator whose expressions hold it.
final class SubqueryNode: Operator {
    let plan: any Operator
    let kind: SubqueryExpr.Kind

    init(plan: any Operator, kind: SubqueryExpr.Kind) {
        self.plan = plan
        self.kind = kind
    }

    var columns: [PlanColumn] { plan.columns }
    var children: [any Operator] { [plan] }
    var label: String {
        switch kind {
        case .scalar: "SUBQUERY (scalar, runs once)"
        case .exists: "SUBQUERY (EXISTS, runs once, hashed)"
        case .in: "SUBQUERY (IN, runs once, hashed)"
        case .correlatedScalar: "SUBQUERY (correlated scalar, runs once, hashed by its correlation keys)"
        case .array: "SUBQUERY (ARRAY, runs once)"
        case .correlatedArray: "SUBQUERY (correlated ARRAY, runs once, hashed by its correlation keys)"
        case .perRow: "SUBQUERY (correlated scalar, runs once per outer row)"
        case .correlatedIn: "SUBQUERY (correlated IN, runs once, hashed by its correlation keys and value)"
        }
    }

    func run(_ context: ExecutionContext) throws -> Batch { try plan.run(context) }
}
