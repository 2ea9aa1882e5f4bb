import ColumnStore

/// Vectorized comparison, arithmetic, cast and IN kernels over typed buffers.
enum Kernels {
    // MARK: comparison

    static func compare(_ op: CompareOp, _ a: Vec, _ b: Vec, _ n: Int) throws -> Vec {
        if a.constant == .null || b.constant == .null { return Vec(constant: .null, count: n) }
        if let ca = a.constant, let cb = b.constant { return Vec(constant: compareValues(op, ca, cb), count: n) }
        if a.constant != nil { return try compare(op.flipped, b, a, n) }
        let validity = andValidity(a.col.validity, b.col.validity)
        switch a.type {
        case .int, .int32, .time, .interval, .date:
            if let c = b.constant {
                let s: Int64 = switch c { case let .int(x), let .time(x), let .date(x): x; case let .interval(i): IntervalValues.nanoseconds(i) ?? 0; default: 0 }
                return Vec.bools(cmpScalar(op, a.col.int64s, s, n), validity)
            }
            return Vec.bools(cmpVector(op, a.col.int64s, b.col.int64s, n), validity)
        case .uint:
            if case let .uint(s)? = b.constant { return Vec.bools(cmpScalar(op, a.col.uint64s, s, n), validity) }
            return Vec.bools(cmpVector(op, a.col.uint64s, b.col.uint64s, n), validity)
        case .double:
            if let c = b.constant { return Vec.bools(cmpScalar(op, a.col.float64s, c.asDouble ?? 0, n), validity) }
            return Vec.bools(cmpVector(op, a.col.float64s, b.col.float64s, n), validity)
        case .bool:
            if case let .bool(s)? = b.constant { return Vec.bools(cmpScalar(op, a.col.bools, s ? 1 : 0, n), validity) }
            return Vec.bools(cmpVector(op, a.col.bools, b.col.bools, n), validity)
        case .string:
            return Vec.bools(compareStrings(op, a, b, n), validity)
        case .null, .array, .record:
            return Vec(constant: .null, count: n)
        }
    }

    @inline(__always) static func test<T: Comparable>(_ op: CompareOp, _ x: T, _ y: T) -> Bool {
        switch op {
        case .eq: x == y
        case .ne: x != y
        case .lt: x < y
        case .le: x <= y
        case .gt: x > y
        case .ge: x >= y
        }
    }

    static func cmpScalar<T: Comparable>(_ op: CompareOp, _ a: [T], _ s: T, _ n: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: n) { o, k in
            a.withUnsafeBufferPointer { p in
                switch op {
                case .eq: for i in 0..<n { o[i] = p[i] == s ? 1 : 0 }
                case .ne: for i in 0..<n { o[i] = p[i] != s ? 1 : 0 }
                case .lt: for i in 0..<n { o[i] = p[i] < s ? 1 : 0 }
                case .le: for i in 0..<n { o[i] = p[i] <= s ? 1 : 0 }
                case .gt: for i in 0..<n { o[i] = p[i] > s ? 1 : 0 }
                case .ge: for i in 0..<n { o[i] = p[i] >= s ? 1 : 0 }
                }
            }
            k = n
        }
    }

    static func cmpVector<T: Comparable>(_ op: CompareOp, _ a: [T], _ b: [T], _ n: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: n) { o, k in
            a.withUnsafeBufferPointer { p in
                b.withUnsafeBufferPointer { q in
                    switch op {
                    case .eq: for i in 0..<n { o[i] = p[i] == q[i] ? 1 : 0 }
                    case .ne: for i in 0..<n { o[i] = p[i] != q[i] ? 1 : 0 }
                    case .lt: for i in 0..<n { o[i] = p[i] < q[i] ? 1 : 0 }
                    case .le: for i in 0..<n { o[i] = p[i] <= q[i] ? 1 : 0 }
                    case .gt: for i in 0..<n { o[i] = p[i] > q[i] ? 1 : 0 }
                    case .ge: for i in 0..<n { o[i] = p[i] >= q[i] ? 1 : 0 }
                    }
                }
            }
            k = n
        }
    }

    /// Byte-wise (UTF-8, so code point order — DuckDB's default collation) string comparison.
    @inline(__always) static func order(_ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer) -> Int {
        let m = min(x.count, y.count)
        if m > 0 {
            let c = memcmp(x.baseAddress!, y.baseAddress!, m)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return x.count < y.count ? -1 : (x.count > y.count ? 1 : 0)
    }

    static func compareStrings(_ op: CompareOp, _ a: Vec, _ b: Vec, _ n: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: n)
        func hit(_ c: Int) -> UInt8 {
            switch op {
            case .eq: c == 0 ? 1 : 0
            case .ne: c != 0 ? 1 : 0
            case .lt: c < 0 ? 1 : 0
            case .le: c <= 0 ? 1 : 0
            case .gt: c > 0 ? 1 : 0
            case .ge: c >= 0 ? 1 : 0
            }
        }
        if a.isSymbol, let d = a.dict, case var .string(s)? = b.constant {
            // One comparison per dictionary entry, then a lookup per row.
            let table: [UInt8] = s.withUTF8 { sp in
                d.withTable { t in (0..<t.count).map { c in t.withBytes(UInt32(c)) { hit(order($0, UnsafeRawBufferPointer(sp))) } } }
            }
            for i in 0..<n { out[i] = table[Int(a.col.codes[i])] }
            return out
        }
        if a.isSymbol && b.isSymbol && a.dict === b.dict && (op == .eq || op == .ne) {
            for i in 0..<n { out[i] = ((a.col.codes[i] == b.col.codes[i]) == (op == .eq)) ? 1 : 0 }
            return out
        }
        for i in 0..<n {
            out[i] = a.withBytes(i) { x in b.withBytes(i) { y in hit(order(x, y)) } }
        }
        return out
    }

    static func compareValues(_ op: CompareOp, _ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.null, _), (_, .null): return .null
        case let (.int(x), .int(y)), let (.time(x), .time(y)), let (.date(x), .date(y)): return .bool(test(op, x, y))
        case let (.uint(x), .uint(y)): return .bool(test(op, x, y))
        case let (.bool(x), .bool(y)): return .bool(test(op, x ? 1 : 0, y ? 1 : 0))
        case let (.string(x), .string(y)):
            var x = x, y = y
            let c = x.withUTF8 { p in y.withUTF8 { q in order(UnsafeRawBufferPointer(p), UnsafeRawBufferPointer(q)) } }
            return .bool(test(op, c, 0))
        default:
            if let x = a.asDouble, let y = b.asDouble { return .bool(test(op, x, y)) }
            return .null
        }
    }

    // MARK: arithmetic

    static func arithmetic(_ op: ArithmeticOp, _ a: Vec, _ b: Vec, _ t: ValueType, _ n: Int) throws -> Vec {
        if a.constant == .null || b.constant == .null { return Vec(constant: .null, count: n) }
        let validity = andValidity(a.validity, b.validity)
        var out = ColumnVector(type: t.columnType)
        switch t {
        case .int, .int32:
            let x = a.materialized().int64s, y = b.materialized().int64s
            var nulls: [Int] = []
            func valid(_ i: Int) -> Bool { validity.map { $0[i] } ?? true }
            func fail(_ i: Int) -> QueryError { overflow(op, x[i], y[i], t) }
            out.int64s = try [Int64](unsafeUninitializedCapacity: n) { o, k in
                k = n
                switch op {
                case .add:
                    for i in 0..<n { let (r, ov) = x[i].addingReportingOverflow(y[i]); if ov && valid(i) { throw fail(i) }; o[i] = r }
                case .subtract:
                    for i in 0..<n { let (r, ov) = x[i].subtractingReportingOverflow(y[i]); if ov && valid(i) { throw fail(i) }; o[i] = r }
                case .multiply:
                    for i in 0..<n { let (r, ov) = x[i].multipliedReportingOverflow(by: y[i]); if ov && valid(i) { throw fail(i) }; o[i] = r }
                case .integerDivide, .modulo:
                    // Division by zero gives NULL, as in DuckDB.
                    for i in 0..<n {
                        if y[i] == 0 { o[i] = 0; nulls.append(i); continue }
                        if x[i] == .min && y[i] == -1 {
                            // The quotient 2^63 does not fit (DuckDB: "Overflow in division"); the remainder is 0.
                            if op == .integerDivide && valid(i) { throw fail(i) }
                            o[i] = 0
                            continue
                        }
                        // Both truncate toward zero, as in DuckDB (-5 // 2 is -2, -7 % 3 is -1).
                        o[i] = op == .modulo ? x[i] % y[i] : x[i] / y[i]
                    }
                case .divide:
                    preconditionFailure("BUG: integer / is planned as floating point")
                }
                // INTEGER (32-bit): operands fit 32 bits, so the 64-bit result is exact; it must fit too.
                if t == .int32 {
                    for i in 0..<n where (o[i] < Int64(Int32.min) || o[i] > Int64(Int32.max)) && valid(i) { throw fail(i) }
                }
            }
            out._setCount(n)
            out.validity = validity
            if !nulls.isEmpty {
                if out.validity == nil { out.validity = Bitmap(count: n, value: true) }
                for i in nulls { out.validity![i] = false }
            }
        case .uint:
            let x = a.materialized().uint64s, y = b.materialized().uint64s
            var nulls: [Int] = []
            out.uint64s = try (0..<n).map { i -> UInt64 in
                let (r, ov): (UInt64, Bool)
                switch op {
                case .add: (r, ov) = x[i].addingReportingOverflow(y[i])
                case .subtract: (r, ov) = x[i].subtractingReportingOverflow(y[i])
                case .multiply: (r, ov) = x[i].multipliedReportingOverflow(by: y[i])
                case .integerDivide, .modulo:
                    if y[i] == 0 { nulls.append(i); return 0 }
                    return op == .modulo ? x[i] % y[i] : x[i] / y[i]
                case .divide: preconditionFailure("BUG: integer / is planned as floating point")
                }
                if ov && (validity.map { $0[i] } ?? true) {
                    throw QueryError("integer overflow in UBIGINT arithmetic (\(x[i]) \(op == .add ? "+" : op == .subtract ? "-" : "*") \(y[i])): the result does not fit a UBIGINT")
                }
                return r
            }
            out._setCount(n)
            out.validity = validity
            if !nulls.isEmpty {
                if out.validity == nil { out.validity = Bitmap(count: n, value: true) }
                for i in nulls { out.validity![i] = false }
            }
        case .double:
            let x = doubles(a, n), y = doubles(b, n)
            var nulls: [Int] = []
            out.float64s = [Double](unsafeUninitializedCapacity: n) { o, k in
                k = n
                x.withUnsafeBufferPointer { p in
                    y.withUnsafeBufferPointer { q in
                        switch op {
                        case .add: for i in 0..<n { o[i] = p[i] + q[i] }
                        case .subtract: for i in 0..<n { o[i] = p[i] - q[i] }
                        case .multiply: for i in 0..<n { o[i] = p[i] * q[i] }
                        case .divide:
                            for i in 0..<n { o[i] = p[i] / q[i]; if q[i] == 0 { nulls.append(i) } }
                        case .modulo:
                            for i in 0..<n { o[i] = q[i] == 0 ? 0 : p[i].truncatingRemainder(dividingBy: q[i]); if q[i] == 0 { nulls.append(i) } }
                        case .integerDivide:
                            for i in 0..<n { o[i] = q[i] == 0 ? 0 : (p[i] / q[i]).rounded(.towardZero); if q[i] == 0 { nulls.append(i) } }
                        }
                    }
                }
            }
            out._setCount(n)
            out.validity = validity
            if !nulls.isEmpty {
                if out.validity == nil { out.validity = Bitmap(count: n, value: true) }
                for i in nulls { out.validity![i] = false }
            }
        default:
            throw QueryError("cannot apply arithmetic to \(t)")
        }
        return Vec(type: t, col: out)
    }

    /// The error for an integer result that does not fit `t` (DuckDB: "Overflow in addition of INT64 (…)").
    static func overflow(_ op: ArithmeticOp, _ x: Int64, _ y: Int64, _ t: ValueType) -> QueryError {
        let (name, sign) = switch op {
        case .add: ("addition", "+")
        case .subtract: ("subtraction", "-")
        case .multiply: ("multiplication", "*")
        case .divide: ("division", "/")
        case .integerDivide: ("division", "//")
        case .modulo: ("modulo", "%")
        }
        return QueryError("integer overflow in \(name) of \(t) (\(x) \(sign) \(y)): the result does not fit a \(t)")
    }

    /// Values as doubles (ints converted), constants broadcast.
    static func doubles(_ v: Vec, _ n: Int) -> [Double] {
        if let c = v.constant { return [Double](repeating: c.asDouble ?? 0, count: n) }
        switch v.type {
        case .double: return v.col.float64s
        case .int, .int32, .time: return v.col.int64s.map { Double($0) }
        case .uint: return v.col.uint64s.map { Double($0) }
        case .bool: return v.col.bools.map { Double($0) }
        default: return [Double](repeating: 0, count: n)
        }
    }

    // MARK: cast

    static func cast(_ v: Vec, to t: ValueType, _ n: Int) throws -> Vec {
        if v.type == t { return v }
        // INTEGER values are BIGINT values that fit 32 bits: widen by relabelling, narrow by a range check.
        if v.type == .int32 { var w = v; w.type = .int; return try cast(w, to: t, n) }
        if t == .int32 {
            var w = try cast(v, to: .int, n)
            func check(_ x: Int64) throws {
                guard x >= Int64(Int32.min) && x <= Int64(Int32.max) else {
                    throw QueryError("cannot cast \(x) to INTEGER: out of range (INTEGER is 32-bit; cast to BIGINT for 64 bits)")
                }
            }
            if let c = w.constant {
                if case let .int(x) = c { try check(x) }
            } else {
                let valid = w.col.validity
                try w.col.int64s.withUnsafeBufferPointer { p in
                    for i in 0..<n where p[i] < Int64(Int32.min) || p[i] > Int64(Int32.max) {
                        if valid.map({ $0[i] }) ?? true { try check(p[i]) }
                    }
                }
            }
            w.type = .int32
            return w
        }
        if let c = v.constant {
            var tmp = Vec(type: v.type, col: Vec.broadcast(c, type: v.type, count: 1))
            tmp.count = 1
            let one = try cast(tmp, to: t, 1)
            return Vec(constant: one.value(0), count: n)
        }
        var out = ColumnVector(type: t.columnType, capacity: n)
        var validity = v.col.validity
        func setNull(_ i: Int) {
            if validity == nil { validity = Bitmap(count: n, value: true) }
            validity![i] = false
        }
        switch (v.type, t) {
        case (.int, .double), (.uint, .double), (.bool, .double): out.float64s = doubles(v, n)
        case (.double, .int):
            out.int64s = try v.col.float64s.enumerated().map { i, d in
                if v.col.isNull(i) { return 0 }
                let r = d.rounded(.toNearestOrEven)
                guard r.isFinite, r >= -9.223372036854775808e18, r < 9.223372036854775808e18 else { throw QueryError("cannot cast \(d) to BIGINT: out of range") }
                return Int64(r)
            }
        case (.uint, .int):
            out.int64s = try v.col.uint64s.enumerated().map { i, u in
                if v.col.isNull(i) { return 0 }
                guard u <= UInt64(Int64.max) else { throw QueryError("cannot cast \(u) to BIGINT: out of range") }
                return Int64(u)
            }
        case (.int, .uint):
            out.uint64s = try v.col.int64s.enumerated().map { i, x in
                if v.col.isNull(i) { return 0 }
                guard x >= 0 else { throw QueryError("cannot cast \(x) to UBIGINT: out of range") }
                return UInt64(x)
            }
        case (.double, .uint):
            out.uint64s = try v.col.float64s.enumerated().map { i, d in
                if v.col.isNull(i) { return 0 }
                let r = d.rounded(.toNearestOrEven)
                guard r >= 0, r < 1.8446744073709552e19 else { throw QueryError("cannot cast \(d) to UBIGINT: out of range") }
                return UInt64(r)
            }
        case (.bool, .int): out.int64s = v.col.bools.map { Int64($0) }
        case (.int, .bool): out.bools = v.col.int64s.map { $0 != 0 ? 1 : 0 }
        case (.double, .bool): out.bools = v.col.float64s.map { $0 != 0 ? 1 : 0 }
        case (.time, .int), (.int, .time), (.date, .int), (.int, .date): out.int64s = v.col.int64s
        case (.time, .date): out.int64s = v.col.int64s.map(SQLDate.floorDays)
        case (.date, .time):
            out.int64s = try v.col.int64s.enumerated().map { i, d in v.col.isNull(i) ? 0 : try SQLDate.checkedMidnight(d) }
        case (.string, .date):
            for i in 0..<n {
                if v.col.isNull(i) { out.appendNulls(1); continue }
                do { out.append(int64: try SQLDate.parse(v.string(i))) } catch { throw QueryError(error.message) }
            }
            return Vec(type: t, col: out)
        case (_, .string):
            for i in 0..<n {
                if v.col.isNull(i) { out.appendNulls(1); continue }
                let s: String = switch v.value(i) {
                case let .bool(b): b ? "true" : "false"
                case let .int(x): String(x)
                case let .uint(x): String(x)
                case let .double(d): CastText.double(d)
                case let .time(t): SQLTimestamp.format(t)
                case let .string(s): s
                case let .interval(i): IntervalValues.text(i)
                case let .date(d): SQLDate.format(d)
                default: ""
                }
                out.append(string: s)
            }
            out.validity = v.col.validity
            return Vec(type: t, col: out)
        case (.string, .int), (.string, .double), (.string, .bool):
            for i in 0..<n {
                if v.col.isNull(i) { out.appendNulls(1); continue }
                let s = v.string(i).trimmingSpaces
                switch t {
                case .int:
                    guard let x = Int64(s) else { throw QueryError("could not convert string '\(s)' to BIGINT") }
                    out.append(int64: x)
                case .double:
                    guard let x = Double(s) else { throw QueryError("could not convert string '\(s)' to DOUBLE") }
                    out.append(float64: x)
                default:
                    switch s.lowercased() {
                    case "true", "t", "1", "yes", "y": out.append(bool: true)
                    case "false", "f", "0", "no", "n": out.append(bool: false)
                    default: throw QueryError("could not convert string '\(s)' to BOOLEAN")
                    }
                }
            }
            return Vec(type: t, col: out)
        default:
            throw QueryError("cannot cast \(v.type) to \(t)")
        }
        _ = setNull
        out._setCount(n)
        out.validity = validity
        return Vec(type: t, col: out)
    }

    // MARK: IN

    static func inList(_ v: Vec, _ values: [Value], negated: Bool, _ n: Int) throws -> Vec {
        let hasNull = values.contains(.null)
        let present = values.filter { $0 != .null }
        if let c = v.constant {
            if c == .null { return Vec(constant: .null, count: n) }
            let hit = present.contains { compareValues(.eq, c, $0) == .bool(true) }
            if hit { return Vec(constant: .bool(!negated), count: n) }
            return Vec(constant: hasNull ? .null : .bool(negated), count: n)
        }
        var out = [UInt8](repeating: 0, count: n)
        switch v.type {
        case .int, .int32, .time, .date:
            let set = Set(present.compactMap { v -> Int64? in
                switch v { case let .int(x), let .time(x), let .date(x): x; default: nil }
            })
            for i in 0..<n { out[i] = set.contains(v.col.int64s[i]) ? 1 : 0 }
        case .uint:
            let set = Set(present.compactMap { v -> UInt64? in if case let .uint(x) = v { x } else { nil } })
            for i in 0..<n { out[i] = set.contains(v.col.uint64s[i]) ? 1 : 0 }
        case .double:
            let set = Set(present.compactMap { $0.asDouble })
            for i in 0..<n { out[i] = set.contains(v.col.float64s[i]) ? 1 : 0 }
        case .bool:
            let set = Set(present.compactMap { v -> UInt8? in if case let .bool(b) = v { b ? 1 : 0 } else { nil } })
            for i in 0..<n { out[i] = set.contains(v.col.bools[i]) ? 1 : 0 }
        case .string:
            let strings = Set(present.compactMap { v -> String? in if case let .string(s) = v { s } else { nil } })
            if v.isSymbol, let d = v.dict {
                var table = [UInt8](repeating: 0, count: d.count)
                for s in strings { if let c = d.code(of: s), Int(c) < table.count { table[Int(c)] = 1 } }
                for i in 0..<n { let c = Int(v.col.codes[i]); out[i] = c < table.count ? table[c] : 0 }
            } else {
                let bytes = Set(strings.map { Array($0.utf8) })
                for i in 0..<n { out[i] = v.col.withStringBytes(i) { bytes.contains(Array($0)) } ? 1 : 0 }
            }
        default: break
        }
        // x IN (..., NULL) is NULL when x matches nothing; NOT IN likewise.
        var validity = v.col.validity
        if hasNull {
            var val = validity ?? Bitmap(count: n, value: true)
            for i in 0..<n where out[i] == 0 { val[i] = false }
            validity = val
        }
        if negated { for i in 0..<n { out[i] ^= 1 } }
        return Vec.bools(out, validity)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

#if canImport(Glibc)
import Glibc
#endif
