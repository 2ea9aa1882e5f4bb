import ColumnStore

/// Where an expression's columns come from: the batch of rows being evaluated.
protocol ColumnSource {
    var rowCount: Int { get }
    func column(_ index: Int) throws -> Vec
}

/// Evaluates bound expressions over a batch, column at a time.
enum Evaluator {
    static func eval(_ e: BoundExpr, _ src: some ColumnSource) throws -> Vec {
        let n = src.rowCount
        switch e {
        case let .column(i, _):
            return try src.column(i)
        case let .constant(v):
            return Vec(constant: v, count: n)
        case let .negate(x, t):
            let v = try eval(x, src)
            if let c = v.constant { return Vec(constant: try negateValue(c), count: n) }
            var out = ColumnVector(type: t.columnType)
            if t == .int {
                let valid = v.col.validity
                for (i, x) in v.col.int64s.enumerated() where x == .min && (valid.map { $0[i] } ?? true) {
                    throw Self.negationOverflow
                }
                out.int64s = v.col.int64s.map { 0 &- $0 }
            } else {
                out.float64s = v.col.float64s.map { -$0 }
            }
            out._setCount(n)
            out.validity = v.col.validity
            return Vec(type: t, col: out)
        case let .not(x):
            let v = try eval(x, src)
            if let c = v.constant { return Vec(constant: c == .null ? .null : .bool(c != .bool(true)), count: n) }
            return Vec.bools(v.col.bools.map { $0 ^ 1 }, v.col.validity)
        case let .and(a, b):
            return try guardedLogical(a, b, src, isAnd: true)
        case let .or(a, b):
            return try guardedLogical(a, b, src, isAnd: false)
        case let .compare(op, a, b):
            return try Kernels.compare(op, try eval(a, src), try eval(b, src), n)
        case let .arithmetic(op, a, b, t):
            return try Kernels.arithmetic(op, try eval(a, src), try eval(b, src), t, n)
        case let .shiftTime(x, i, neg):
            let v = try eval(x, src)
            if let c = v.constant {
                if case let .time(t) = c { return Vec(constant: .time(try TimeArithmetic.add(t, i, negate: neg)), count: n) }
                return Vec(constant: .null, count: n)
            }
            var out = ColumnVector(type: .time)
            let valid = v.col.validity
            if i.months == 0, let d = Int64(exactly: TimeArithmetic.fixedPart(i, negate: neg)) {
                // Checked per row, one flag per vector: a result outside 1677–2262 is an error, never a wrapped time.
                var overflow = false
                out.int64s = v.col.int64s.map { let (r, o) = $0.addingReportingOverflow(d); overflow = overflow || o; return r }
                if overflow {
                    for (k, t) in v.col.int64s.enumerated() where (valid.map { $0[k] } ?? true) { _ = try TimeArithmetic.add(t, i, negate: neg) }
                }
            } else {
                out.int64s = try v.col.int64s.enumerated().map { k, t in
                    (valid.map { $0[k] } ?? true) ? try TimeArithmetic.add(t, i, negate: neg) : 0
                }
            }
            out._setCount(n)
            out.validity = v.col.validity
            return Vec(type: .time, col: out)
        case let .cast(x, t):
            // CAST(NULL AS t): NULLs of type t, so the column has t's storage.
            if case .constant(.null) = x { return Vec(type: t, col: ColumnVector(type: t.columnType, nulls: n)) }
            return try Kernels.cast(try eval(x, src), to: t, n)
        case let .caseWhen(branches, otherwise, t):
            return try caseWhen(branches, otherwise, t, src)
        case let .inList(x, values, negated):
            return try Kernels.inList(try eval(x, src), values, negated: negated, n)
        case let .like(x, pattern, negated):
            let v = try eval(x, src)
            if let c = v.constant {
                guard case var .string(s) = c else { return Vec(constant: .null, count: n) }
                let m = s.withUTF8 { pattern.matches(UnsafeRawBufferPointer($0)) }
                return Vec(constant: .bool(m != negated), count: n)
            }
            var out = [UInt8](repeating: 0, count: n)
            let flip: UInt8 = negated ? 1 : 0
            if v.isSymbol, let d = v.dict {
                let table = d.withTable { t in (0..<t.count).map { c in t.withBytes(UInt32(c)) { pattern.matches($0) ? UInt8(1) : 0 } } }
                for i in 0..<n { out[i] = table[Int(v.col.codes[i])] ^ flip }
            } else {
                for i in 0..<n { out[i] = (v.col.withStringBytes(i) { pattern.matches($0) } ? 1 : 0) ^ flip }
            }
            return Vec.bools(out, v.col.validity)
        case let .isNull(x, negated):
            let v = try eval(x, src)
            if let c = v.constant { return Vec(constant: .bool((c == .null) != negated), count: n) }
            guard let val = v.col.validity else { return Vec(constant: .bool(negated), count: n) }
            var out = [UInt8](repeating: 0, count: n)
            for i in 0..<n { out[i] = (val[i] ? 0 : 1) ^ (negated ? 1 : 0) }
            return Vec.bools(out, nil)
        case let .isBool(x, value, negated):
            let v = try eval(x, src)
            if let c = v.constant { return Vec(constant: .bool((c == .bool(value)) != negated), count: n) }
            var out = [UInt8](repeating: 0, count: n)
            let want: UInt8 = value ? 1 : 0
            for i in 0..<n { out[i] = ((!v.col.isNull(i) && v.col.bools[i] == want) ? 1 : 0) ^ (negated ? 1 : 0) }
            return Vec.bools(out, nil)
        case let .timeBucket(b, x):
            let v = try eval(x, src)
            if let c = v.constant {
                if case let .time(t) = c { return Vec(constant: .time(try b.checkedApply(t)), count: n) }
                return Vec(constant: .null, count: n)
            }
            var out = ColumnVector(type: .time)
            var failed: Int?
            out.int64s = [Int64](unsafeUninitializedCapacity: n) { buf, k in
                failed = v.col.int64s.withUnsafeBufferPointer { b.apply($0, buf) }
                k = n
            }
            if let f = failed, v.col.validity.map({ $0[f] }) ?? true { _ = try b.checkedApply(v.col.int64s[f]) }
            if failed != nil, let valid = v.col.validity {
                for (k, t) in v.col.int64s.enumerated() where valid[k] { _ = try b.checkedApply(t) }
            }
            out._setCount(n)
            out.validity = v.col.validity
            return Vec(type: .time, col: out)
        case let .scalar(f, args, t):
            return try ScalarFunctions.eval(f, try args.map { try eval($0, src) }, t, n)
        case let .subquery(q, keys):
            return try q.evaluate(try keys.map { try eval($0, src) }, n)
        case let .symbolPredicate(x, set):
            let v = try eval(x, src)
            if let c = v.constant, c == .null { return Vec(constant: .null, count: n) }
            if set.none { return Vec.bools([UInt8](repeating: 0, count: n), v.col.validity) }
            var out = [UInt8](unsafeUninitializedCapacity: n) { _, k in k = n }
            v.col.codes.withUnsafeBufferPointer { codes in
                out.withUnsafeMutableBufferPointer { o in
                    if let s = set.single {
                        for i in 0..<n { o[i] = codes[i] == s ? 1 : 0 }
                    } else {
                        set.table.withUnsafeBufferPointer { t in
                            for i in 0..<n { let c = Int(codes[i]); o[i] = c < t.count ? t[c] : 0 }
                        }
                    }
                }
            }
            return Vec.bools(out, v.col.validity)
        }
    }

    /// -(-9223372036854775808) does not fit a BIGINT (DuckDB widens to HUGEINT, which tsdb has not).
    static let negationOverflow = QueryError("integer overflow in negation: -(-9223372036854775808) does not fit a BIGINT")

    static func negateValue(_ v: Value) throws -> Value {
        switch v {
        case let .int(i):
            guard i != .min else { throw negationOverflow }
            return .int(-i)
        case let .double(d): return .double(-d)
        default: return .null
        }
    }

    /// Three-valued AND / OR.
    static func logical(_ a: Vec, _ b: Vec, _ n: Int, isAnd: Bool) throws -> Vec {
        if let ca = a.constant, let cb = b.constant {
            return Vec(constant: logicalValue(ca, cb, isAnd: isAnd), count: n)
        }
        let x = a.constant == nil ? a.col : Vec.broadcast(a.constant!, type: .bool, count: n)
        let y = b.constant == nil ? b.col : Vec.broadcast(b.constant!, type: .bool, count: n)
        var out = [UInt8](repeating: 0, count: n)
        if x.validity == nil && y.validity == nil {
            x.bools.withUnsafeBufferPointer { p in
                y.bools.withUnsafeBufferPointer { q in
                    out.withUnsafeMutableBufferPointer { o in
                        if isAnd { for i in 0..<n { o[i] = p[i] & q[i] } } else { for i in 0..<n { o[i] = p[i] | q[i] } }
                    }
                }
            }
            return Vec.bools(out, nil)
        }
        var validity = Bitmap(count: n, value: true)
        for i in 0..<n {
            let na = x.isNull(i), nb = y.isNull(i)
            let va = x.bools[i] != 0, vb = y.bools[i] != 0
            if isAnd {
                if (!na && !va) || (!nb && !vb) { out[i] = 0 } else if na || nb { validity[i] = false } else { out[i] = 1 }
            } else {
                if (!na && va) || (!nb && vb) { out[i] = 1 } else if na || nb { validity[i] = false } else { out[i] = 0 }
            }
        }
        return Vec.bools(out, validity.allSet ? nil : validity)
    }

    static func logicalValue(_ a: Value, _ b: Value, isAnd: Bool) -> Value {
        let va: Bool? = a == .null ? nil : a == .bool(true)
        let vb: Bool? = b == .null ? nil : b == .bool(true)
        if isAnd {
            if va == false || vb == false { return .bool(false) }
            if va == nil || vb == nil { return .null }
            return .bool(true)
        }
        if va == true || vb == true { return .bool(true) }
        if va == nil || vb == nil { return .null }
        return .bool(false)
    }

    /// A CASE branch's value. It is computed for every row (the fast way); when that fails (an overflow,
    /// say) it is computed again for just the rows that take the branch, so rows that don't can't fail it.
    private static func evalPicked<S: ColumnSource>(_ e: BoundExpr, _ src: S, _ pick: [Int32], _ k: Int32) throws -> Vec {
        do {
            return try eval(e, src)
        } catch {
            var rows: [Int32] = []
            for i in 0..<src.rowCount where pick[i] == k { rows.append(Int32(i)) }
            return try eval(e, src, onlyRows: rows, else: error)
        }
    }

    /// `e` computed for `rows` of the batch only, as a full-length vector whose other rows hold
    /// arbitrary values (callers never read them); `failure` is rethrown when `rows` is every row.
    static func eval<S: ColumnSource>(_ e: BoundExpr, _ src: S, onlyRows rows: [Int32], else failure: Error) throws -> Vec {
        let n = src.rowCount
        if rows.isEmpty { return Vec(constant: .null, count: n) }
        if rows.count == n { throw failure }
        let g = try eval(e, GatheredColumns(base: src, rows: rows))
        if let c = g.constant { return Vec(constant: c, count: n) }
        // Back to full length: row i of the batch reads row position[i] of `g` (rows not computed read row 0).
        var position = [Int32](repeating: 0, count: n)
        for (j, r) in rows.enumerated() { position[Int(r)] = Int32(j) }
        var out = Vec(type: g.type, col: g.col.gather(position), dict: g.dict)
        out.count = n
        return out
    }

    /// AND / OR. Both sides are computed for every row (the fast way); when one fails (an overflow, say)
    /// it is computed again only where the other side leaves the answer open (AND: not false, OR: not
    /// true), as DuckDB evaluates `x < 10 AND x + big > 0` without overflowing on the rows x < 10 drops.
    private static func guardedLogical<S: ColumnSource>(_ a: BoundExpr, _ b: BoundExpr, _ src: S, isAnd: Bool) throws -> Vec {
        let n = src.rowCount
        func open(_ v: Vec) -> [Int32] {
            let deciding: UInt8 = isAnd ? 0 : 1
            if let c = v.constant { return c != .null && (c == .bool(true)) == (deciding == 1) ? [] : (0..<Int32(n)).map { $0 } }
            var rows: [Int32] = []
            for i in 0..<n where v.col.isNull(i) || v.col.bools[i] != deciding { rows.append(Int32(i)) }
            return rows
        }
        let va: Vec
        do {
            va = try eval(a, src)
        } catch {
            let vb = try eval(b, src)
            return try logical(try eval(a, src, onlyRows: open(vb), else: error), vb, n, isAnd: isAnd)
        }
        do {
            return try logical(va, try eval(b, src), n, isAnd: isAnd)
        } catch {
            return try logical(va, try eval(b, src, onlyRows: open(va), else: error), n, isAnd: isAnd)
        }
    }

    private static func caseWhen(_ branches: [(BoundExpr, BoundExpr)], _ otherwise: BoundExpr, _ t: ValueType, _ src: some ColumnSource) throws -> Vec {
        let n = src.rowCount
        // CASE WHEN cond THEN a ELSE b END with constant numbers: a select per row, no branch vectors.
        if branches.count == 1, case let .constant(a) = branches[0].1, case let .constant(b) = otherwise, a != .null, b != .null,
           t == .int || t == .double {
            let c = try eval(branches[0].0, src)
            if c.constant == nil {
                var out = ColumnVector(type: t.columnType)
                let valid = c.col.validity
                c.col.bools.withUnsafeBufferPointer { cb in
                    if t == .int {
                        guard case let .int(x) = a, case let .int(y) = b else { return }
                        out.int64s = [Int64](unsafeUninitializedCapacity: n) { o, k in
                            for i in 0..<n { o[i] = cb[i] != 0 ? x : y }
                            if let valid { for i in 0..<n where !valid[i] { o[i] = y } }
                            k = n
                        }
                    } else {
                        let x = a.asDouble ?? 0, y = b.asDouble ?? 0
                        out.float64s = [Double](unsafeUninitializedCapacity: n) { o, k in
                            for i in 0..<n { o[i] = cb[i] != 0 ? x : y }
                            if let valid { for i in 0..<n where !valid[i] { o[i] = y } }
                            k = n
                        }
                    }
                }
                out._setCount(n)
                return Vec(type: t, col: out)
            }
        }
        // Which branch each row takes (branches.count = ELSE).
        var pick = [Int32](repeating: Int32(branches.count), count: n)
        var open = n
        var decided = 0
        for (k, (cond, _)) in branches.enumerated() {
            let c = try eval(cond, src)
            if let cv = c.constant {
                if cv == .bool(true) { for i in 0..<n where pick[i] == Int32(branches.count) { pick[i] = Int32(k) }; open = 0 }
            } else {
                for i in 0..<n where pick[i] == Int32(branches.count) && c.col.bools[i] != 0 && !c.col.isNull(i) {
                    pick[i] = Int32(k); open -= 1
                }
            }
            decided = k + 1
            if open == 0 { break }
        }
        var values: [Vec] = []
        for k in 0..<branches.count {
            values.append(k < decided ? try evalPicked(branches[k].1, src, pick, Int32(k)) : Vec(constant: .null, count: n))
        }
        values.append(try evalPicked(otherwise, src, pick, Int32(branches.count)))
        // All rows take one constant branch: stay constant.
        if values.allSatisfy({ $0.constant != nil }) {
            let first = pick.first ?? 0
            if pick.allSatisfy({ $0 == first }) { return Vec(constant: values[Int(first)].constant!, count: n) }
        }
        // Constant branches (NULL included) broadcast with the CASE's type, so every column has the same storage.
        let cols = values.map { $0.constant.map { Vec.broadcast($0, type: t, count: n) } ?? $0.materialized() }
        var out = ColumnVector(type: t.columnType, capacity: n)
        switch t {
        case .int, .int32, .time, .interval, .date:
            out.int64s = (0..<n).map { cols[Int(pick[$0])].int64s[$0] }
        case .uint:
            out.uint64s = (0..<n).map { cols[Int(pick[$0])].uint64s[$0] }
        case .double:
            out.float64s = (0..<n).map { cols[Int(pick[$0])].float64s[$0] }
        case .bool:
            out.bools = (0..<n).map { cols[Int(pick[$0])].bools[$0] }
        case .string, .array, .record:
            for i in 0..<n {
                let c = cols[Int(pick[i])]
                if c.isNull(i) { out.appendNulls(1) } else { c.withStringBytes(i) { out.append(string: $0) } }
            }
            return Vec(type: t, col: out)
        case .null:
            out.appendNulls(n)
            return Vec(type: t, col: out)
        }
        out._setCount(n)
        if cols.contains(where: { $0.validity != nil }) {
            var v = Bitmap(count: n, value: true)
            for i in 0..<n where cols[Int(pick[i])].isNull(i) { v[i] = false }
            if !v.allSet { out.validity = v }
        }
        return Vec(type: t, col: out)
    }
}
