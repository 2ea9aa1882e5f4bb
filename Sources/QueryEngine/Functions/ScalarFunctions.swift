import ColumnStore
import Foundation

/// Per-row functions: numeric, string, time parts. Not the hot path of the benchmark queries, so
/// these favour clarity: most go through `Value`s row by row.
enum ScalarFunctions {
    static func eval(_ f: ScalarFunction, _ args: [Vec], _ t: ValueType, _ n: Int) throws -> Vec {
        if let v = try TimeFunctions.eval(f, args, n) { return v }
        if let v = try IntervalFunctions.eval(f, args, n) { return v }
        if let v = try PGCatalogFunctions.eval(f, args, n) { return v }
        // Row-at-a-time over Values; constant inputs give a constant.
        if args.allSatisfy({ $0.constant != nil }) {
            let v = try apply(f, args.map { $0.constant! }, t)
            // A NULL keeps the function's type (a bare NULL constant would materialize as BIGINT).
            if v == .null { return Vec(type: t, col: ColumnVector(type: t.columnType, nulls: n)) }
            return Vec(constant: v, count: n)
        }
        var out = ColumnVector(type: t.columnType, capacity: n)
        for i in 0..<n {
            let v = try apply(f, args.map { $0.value(i) }, t)
            try append(v, to: &out)
        }
        return Vec(type: t, col: out)
    }

    /// ln, log (base 10, or base a[0] of a[1]), log10, log2, exp, sqrt, power over DOUBLE arguments.
    static func math(_ f: ScalarFunction, _ a: [Double]) -> Double {
        switch f {
        case .ln: Foundation.log(a[0])
        case .log: a.count == 2 ? Foundation.log(a[1]) / Foundation.log(a[0]) : Foundation.log10(a[0])
        case .log10: Foundation.log10(a[0])
        case .log2: Foundation.log2(a[0])
        case .exp: Foundation.exp(a[0])
        case .sqrt: a[0].squareRoot()
        default: Foundation.pow(a[0], a[1])
        }
    }

    static func append(_ v: Value, to out: inout ColumnVector) throws {
        switch v {
        case .null: out.appendNulls(1)
        case let .bool(b): out.append(bool: b)
        case let .int(x), let .time(x), let .date(x): out.append(int64: x)
        case let .uint(x): out.append(uint64: x)
        case let .double(x): out.append(float64: x)
        case let .string(s): out.append(string: s)
        case let .interval(i): out.append(int64: try IntervalValues.checkedNanoseconds(i))
        case let .array(a): ArrayCoding.encode(a).withUnsafeBytes { out.append(string: $0) }
        case let .record(r): RecordCoding.encode(r).withUnsafeBytes { out.append(string: $0) }
        }
    }

    static func apply(_ f: ScalarFunction, _ a: [Value], _ t: ValueType) throws -> Value {
        if let v = try ArrayFunctions.apply(f, a, t) { return v }
        switch f {
        case .coalesce: return a.first { $0 != .null } ?? .null
        case .recordField:
            guard case let .record(r) = a[0], case let .int(k) = a[1] else { return .null }
            return r.items[Int(k)]
        case .concatOperator: return a.contains(.null) ? .null : try apply(.concat, a, t)
        case .concat: return .string(a.map { v -> String in
            switch v {
            case .null: ""
            case let .string(s): s
            case let .double(d): CastText.double(d)
            case let .time(x): SQLTimestamp.format(x)
            default: v.description
            }
        }.joined())
        // format_type(oid, NULL) is the type's name, as PostgreSQL answers.
        case .formatType: return a[0] == .null ? .null : PGCatalogFunctions.apply(f, a)
        case .nullif: return Kernels.compareValues(.eq, a[0], a[1]) == .bool(true) ? .null : a[0]
        case .greatest, .least:
            var best: Value = .null
            for v in a where v != .null {
                if best == .null || Kernels.compareValues(f == .greatest ? .gt : .lt, v, best) == .bool(true) { best = v }
            }
            return best
        default: break
        }
        if a.contains(.null) { return .null }
        switch f {
        case .abs:
            switch a[0] {
            case let .int(x):
                guard x != .min, t != .int32 || x != Int64(Int32.min) else {
                    throw QueryError("integer overflow in abs(\(x)): the result does not fit a \(t)")
                }
                return .int(Swift.abs(x))
            case let .double(x): return .double(Swift.abs(x))
            default: return a[0]
            }
        case .ln, .log, .log10, .log2, .exp, .sqrt, .power:
            return .double(math(f, a.map { v -> Double in
                switch v {
                case let .double(x): x
                case let .int(x): Double(x)
                case let .uint(x): Double(x)
                default: .nan
                }
            }))
        case .floor, .ceil:
            if case let .double(x) = a[0] { return .double(f == .floor ? x.rounded(.down) : x.rounded(.up)) }
            return a[0]
        case .round:
            let digits: Int64 = a.count > 1 ? (a[1] == .null ? 0 : { if case let .int(d) = a[1] { d } else { 0 } }()) : 0
            if case let .double(x) = a[0] {
                let m = pow(10.0, Double(digits))
                // Past the double's range the scale is inf or 0: a number that large has no digits to
                // round at that place (DuckDB: round(1e300, 10) is 1e300), and every number rounds to 0.
                if m == 0 { return .double(0) }
                let scaled = x * m
                if !scaled.isFinite { return .double(x) }
                return .double(scaled.rounded(.toNearestOrAwayFromZero) / m)
            }
            return a[0]
        case .replace:
            guard case let .string(s) = a[0], case let .string(from) = a[1], case let .string(to) = a[2] else { return .null }
            return .string(from.isEmpty ? s : s.replacingOccurrences(of: from, with: to))
        case .lower, .upper:
            guard case let .string(s) = a[0] else { return .null }
            return .string(f == .lower ? s.lowercased() : s.uppercased())
        case .length:
            guard case let .string(s) = a[0] else { return .null }
            return .int(Int64(s.unicodeScalars.count))
        case .pgGetUserByID, .pgEncodingToChar, .formatType, .quoteIdent, .regclass, .regnamespace:
            return PGCatalogFunctions.apply(f, a)
        case .epochNs, .epochMs, .epoch:
            guard case let .time(x) = a[0] else { return .null }
            return f == .epochNs ? .int(x) : f == .epochMs ? .int(TimeBucket.floorDiv(x, 1_000_000)) : .double(Double(x) / 1e9)
        default: return .null
        }
    }
}

/// Text forms of values shared by casts and functions.
enum CastText {
    static func double(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        return "\(d)"
    }
}
