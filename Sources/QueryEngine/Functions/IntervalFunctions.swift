import ColumnStore

/// Timestamp and interval arithmetic a vector at a time: `timestamp - timestamp` (an INTERVAL),
/// `timestamp ± interval` for per-row intervals, an interval as nanoseconds (for comparisons),
/// `epoch(interval)`, `date_diff` and `date_sub`. Intervals are `IntervalValues` words.
enum IntervalFunctions {
    /// The function's result, or nil when `f` is not one of these.
    static func eval(_ f: ScalarFunction, _ args: [Vec], _ n: Int) throws -> Vec? {
        switch f {
        case .timeDifference:
            return try combine(args[0], args[1], n, .interval) { a, b in
                let (d, o) = a.subtractingReportingOverflow(b)
                if o { throw QueryError("subtracting timestamps overflows the INTERVAL range") }
                return d
            }
        case .timePlusInterval, .timeMinusInterval:
            let minus = f == .timeMinusInterval
            return try combine(args[0], args[1], n, .time) { t, i in
                let (r, o) = minus ? t.subtractingReportingOverflow(i) : t.addingReportingOverflow(i)
                if o { throw QueryError("timestamp ± interval is outside the timestamp range 1677-09-21 … 2262-04-11") }
                return r
            }
        case .intervalNanos:
            return try map(args[0], n, .int) { $0 }
        case .intervalEpoch:
            let (xs, valid) = try ints(args[0], n)
            var out = ColumnVector(type: .float64)
            out.float64s = xs.map(IntervalValues.epochSeconds)
            out._setCount(n)
            out.validity = valid
            return Vec(type: .double, col: out)
        case .dateDiff, .dateSub:
            guard case let .string(name)? = args[0].constant, let dp = DatePart(name: name.lowercased()), let part = DateDiff.Part(dp) else {
                throw QueryError("\(f.rawValue)() needs a constant part such as 'day'")
            }
            if f == .dateDiff { return try combine(args[1], args[2], n, .int) { DateDiff.diff(part, $0, $1) } }
            return try combine(args[1], args[2], n, .int) { try DateDiff.sub(part, $0, $1) }
        default:
            return nil
        }
    }

    /// The Int64 words of a timestamp, integer or interval vector (constants repeated), and its validity.
    static func ints(_ v: Vec, _ n: Int) throws -> ([Int64], Bitmap?) {
        guard let c = v.constant else { return (Array(v.col.int64s.prefix(n)), v.col.validity) }
        switch c {
        case let .int(x), let .time(x): return ([Int64](repeating: x, count: n), nil)
        case let .interval(i): return ([Int64](repeating: try IntervalValues.checkedNanoseconds(i), count: n), nil)
        default: return ([Int64](repeating: 0, count: n), Bitmap(count: n, value: false))
        }
    }

    /// `body` over two vectors' words, NULL where either is NULL.
    static func combine(_ a: Vec, _ b: Vec, _ n: Int, _ t: ValueType, _ body: (Int64, Int64) throws -> Int64) throws -> Vec {
        let (xs, va) = try ints(a, n), (ys, vb) = try ints(b, n)
        let valid = andValidity(va, vb)
        var out = ColumnVector(type: t.columnType)
        out.int64s = try [Int64](unsafeUninitializedCapacity: n) { o, k in
            for i in 0..<n { o[i] = valid.map { $0[i] } ?? true ? try body(xs[i], ys[i]) : 0 }
            k = n
        }
        out._setCount(n)
        out.validity = valid
        return Vec(type: t, col: out)
    }

    static func map(_ a: Vec, _ n: Int, _ t: ValueType, _ body: (Int64) throws -> Int64) throws -> Vec {
        let (xs, valid) = try ints(a, n)
        var out = ColumnVector(type: t.columnType)
        out.int64s = try xs.map(body)
        out._setCount(n)
        out.validity = valid
        return Vec(type: t, col: out)
    }
}
