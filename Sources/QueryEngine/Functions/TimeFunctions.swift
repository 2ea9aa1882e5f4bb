import ColumnStore

/// The time functions, a vector at a time on nanosecond timestamps: `date_part`, `strftime`,
/// `strptime`, `make_timestamp`, `epoch_ms(BIGINT)`, `to_timestamp`, and the `AT TIME ZONE` shifts.
/// Their constant arguments (field, format, zone) are read once per batch.
enum TimeFunctions {
    /// The function's result, or nil when `f` is not a time function.
    static func eval(_ f: ScalarFunction, _ args: [Vec], _ n: Int) throws -> Vec? {
        switch f {
        case .datePart:
            let part = DatePart(name: try constantString(args[0], "date_part() field"))!
            if part == .epoch { return mapDouble(args[1], n) { DatePart.epochSeconds($0) } }
            return try mapInt(args[1], n, .int) { part.value($0) }
        case .strftime:
            let format = try TimeFormat(try constantString(args[1], "strftime() format"))
            return strftime(args[0], format, n)
        case .strptime:
            let format = try TimeFormat(try constantString(args[1], "strptime() format"))
            return try strptime(args[0], format, n)
        case .makeTimestamp:
            return try makeTimestamp(args, n)
        case .epochMsToTime:
            return try mapInt(args[0], n, .time) { ms in
                let (v, o) = ms.multipliedReportingOverflow(by: 1_000_000)
                if o { throw QueryError("epoch_ms(\(ms)) is outside the timestamp range 1677-09-21 … 2262-04-11") }
                return v
            }
        case .toTimestamp:
            let seconds = args[0]
            if let c = seconds.constant { return Vec(constant: try c.asDouble.map { .time(try nanos(fromSeconds: $0)) } ?? .null, count: n) }
            let (xs, valid) = doubleValues(seconds)
            var out = ColumnVector(type: .time)
            out.int64s = try xs.enumerated().map { i, s in (valid.map { $0[i] } ?? true) ? try nanos(fromSeconds: s) : 0 }
            out._setCount(n)
            out.validity = valid
            return Vec(type: .time, col: out)
        case .zoneToLocal, .zoneFromLocal:
            let zone = try TimeZoneDatabase.zone(try constantString(args[0], "time zone"))
            let toLocal = f == .zoneToLocal
            return try mapInt(args[1], n, .time) { toLocal ? ZoneShift.toLocal($0, zone) : ZoneShift.fromLocal($0, zone) }
        default:
            return nil
        }
    }

    static func constantString(_ v: Vec, _ what: String) throws -> String {
        guard case let .string(s)? = v.constant else { throw QueryError("\(what) must be a constant string") }
        return s
    }

    static func nanos(fromSeconds s: Double) throws -> Int64 {
        let ns = (s * 1e9).rounded()
        guard ns.isFinite, let v = Int64(exactly: ns) else {
            throw QueryError("to_timestamp(\(s)) is outside the timestamp range 1677-09-21 … 2262-04-11")
        }
        return v
    }

    /// `body` over an integer/timestamp vector, NULLs kept; a constant stays a constant.
    static func mapInt(_ x: Vec, _ n: Int, _ t: ValueType, _ body: (Int64) throws -> Int64) throws -> Vec {
        if let c = x.constant {
            switch c {
            case let .time(v), let .int(v): return Vec(constant: t == .time ? .time(try body(v)) : .int(try body(v)), count: n)
            default: return Vec(constant: .null, count: n)
            }
        }
        let valid = x.col.validity
        var out = ColumnVector(type: t.columnType)
        out.int64s = try [Int64](unsafeUninitializedCapacity: n) { o, k in
            try x.col.int64s.withUnsafeBufferPointer { src in
                for i in 0..<n { o[i] = valid.map { $0[i] } ?? true ? try body(src[i]) : 0 }
            }
            k = n
        }
        out._setCount(n)
        out.validity = valid
        return Vec(type: t, col: out)
    }

    static func mapDouble(_ x: Vec, _ n: Int, _ body: (Int64) -> Double) -> Vec {
        if let c = x.constant {
            if case let .time(v) = c { return Vec(constant: .double(body(v)), count: n) }
            return Vec(constant: .null, count: n)
        }
        var out = ColumnVector(type: .float64)
        out.float64s = x.col.int64s.prefix(n).map(body)
        out._setCount(n)
        out.validity = x.col.validity
        return Vec(type: .double, col: out)
    }

    static func strftime(_ x: Vec, _ format: TimeFormat, _ n: Int) -> Vec {
        var buffer: [UInt8] = []
        if let c = x.constant {
            guard case let .time(v) = c else { return Vec(constant: .null, count: n) }
            format.format(v, into: &buffer)
            return Vec(constant: .string(String(decoding: buffer, as: UTF8.self)), count: n)
        }
        var out = ColumnVector(type: .string, capacity: n)
        for i in 0..<n {
            if x.col.isNull(i) { out.appendNulls(1); continue }
            buffer.removeAll(keepingCapacity: true)
            format.format(x.col.int64s[i], into: &buffer)
            buffer.withUnsafeBytes { out.append(string: $0) }
        }
        return Vec(type: .string, col: out)
    }

    static func strptime(_ x: Vec, _ format: TimeFormat, _ n: Int) throws -> Vec {
        if let c = x.constant {
            guard case var .string(s) = c else { return Vec(constant: .null, count: n) }
            return Vec(constant: .time(try s.withUTF8 { try format.parse(UnsafeRawBufferPointer($0)) }), count: n)
        }
        var out = ColumnVector(type: .time)
        var values = [Int64](repeating: 0, count: n)
        for i in 0..<n where !x.col.isNull(i) {
            let parsed: Result<Int64, Error> = x.withBytes(i) { b in Result { try format.parse(b) } }
            values[i] = try parsed.get()
        }
        out.int64s = values
        out._setCount(n)
        out.validity = x.col.validity
        return Vec(type: .time, col: out)
    }

    /// `make_timestamp(year, month, day, hour, minute, seconds)` or `make_timestamp(microseconds)`.
    static func makeTimestamp(_ args: [Vec], _ n: Int) throws -> Vec {
        if args.count == 1 {
            return try mapInt(args[0], n, .time) { us in
                let (v, o) = us.multipliedReportingOverflow(by: 1000)
                if o { throw QueryError("make_timestamp(\(us)) is outside the timestamp range 1677-09-21 … 2262-04-11") }
                return v
            }
        }
        func one(_ v: [Value]) throws -> Value {
            if v.contains(.null) { return .null }
            let f = v.map { $0.asDouble ?? 0 }
            let (y, m, d, h, mi) = (Int(f[0]), Int(f[1]), Int(f[2]), Int(f[3]), Int(f[4]))
            guard (1...12).contains(m), d >= 1, d <= Day.daysIn(month: m, year: y) else {
                throw QueryError("make_timestamp(): date out of range: \(y)-\(m)-\(d)")
            }
            guard (0..<24).contains(h), (0..<60).contains(mi), f[5] >= 0, f[5] < 60 else {
                throw QueryError("make_timestamp(): time out of range: \(h):\(mi):\(f[5])")
            }
            let day = Int128(Day.from(year: y, month: m, day: d))
            let ns = (day * 86_400 + Int128(h * 3600 + mi * 60)) * 1_000_000_000 + Int128((f[5] * 1e6).rounded()) * 1000
            guard let v = Int64(exactly: ns) else { throw QueryError("make_timestamp(): \(y)-\(m)-\(d) is outside the timestamp range") }
            return .time(v)
        }
        if args.allSatisfy({ $0.constant != nil }) { return Vec(constant: try one(args.map { $0.constant! }), count: n) }
        var out = ColumnVector(type: .time, capacity: n)
        var row = [Value](repeating: .null, count: args.count)  // one buffer for every row
        for i in 0..<n {
            for k in args.indices { row[k] = args[k].value(i) }
            try ScalarFunctions.append(try one(row), to: &out)
        }
        return Vec(type: .time, col: out)
    }
}
