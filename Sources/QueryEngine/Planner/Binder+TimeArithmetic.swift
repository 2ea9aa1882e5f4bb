/// Binding timestamp and interval arithmetic with DuckDB's types: `timestamp - timestamp` is an
/// INTERVAL, a per-row interval shifts a timestamp, intervals compare with intervals, and
/// `date_diff`/`date_sub`/`epoch` take them (`IntervalFunctions` evaluates them).
extension Binder {
    /// `l ± r` when a side is a timestamp or an interval that the constant shift (`shiftTime`) does not
    /// cover; nil for plain numbers.
    func timeArithmetic(_ op: BinaryOperator, _ l: BoundExpr, _ r: BoundExpr, _ p: SourcePosition) throws -> BoundExpr? {
        guard l.type == .time || r.type == .time || l.type == .interval || r.type == .interval else { return nil }
        if l.type == .null || r.type == .null { return .constant(.null) }
        // A quoted constant beside a timestamp is a timestamp (`time - '2026-01-01'`).
        let l = l.type == .string && r.type == .time ? try coerce(l, to: .time, p) : l
        let r = r.type == .string && l.type == .time ? try coerce(r, to: .time, p) : r
        switch (l.type, r.type, op) {
        case (.time, .time, .subtract):
            return .scalar(.timeDifference, [l, r], .interval)
        case (.time, .interval, _):
            return .scalar(op == .add ? .timePlusInterval : .timeMinusInterval, [l, try perRow(r, p)], .time)
        case (.interval, .time, .add):
            return .scalar(.timePlusInterval, [r, try perRow(l, p)], .time)
        default:
            throw QueryError("cannot apply \(op == .add ? "+" : "-") to \(l.type) and \(r.type)", at: p)
        }
    }

    /// An interval operand of per-row arithmetic: a constant must fit a vector word (no months, which a
    /// constant shift handles exactly, reach here).
    private func perRow(_ i: BoundExpr, _ p: SourcePosition) throws -> BoundExpr {
        if case let .constant(.interval(v)) = i {
            guard IntervalValues.nanoseconds(v) != nil else { throw QueryError("INTERVAL '\(v)' is too long to compute with", at: p) }
        }
        return i
    }

    /// Intervals compare as their length, a month counted as 30 days (DuckDB: `INTERVAL '1 month' = INTERVAL '30 days'`).
    func compareIntervals(_ op: CompareOp, _ l: BoundExpr, _ r: BoundExpr, _ p: SourcePosition) throws -> BoundExpr {
        func nanos(_ b: BoundExpr) throws -> BoundExpr {
            switch b {
            case let .constant(.interval(i)):
                guard let v = IntervalValues.nanoseconds(i) else { throw QueryError("INTERVAL '\(i)' is too long to compare", at: p) }
                return .constant(.int(v))
            case let .constant(.string(s)):
                // A quoted constant beside an interval is an interval (`gap > '30 minutes'`).
                do { return try nanos(.constant(.interval(try SQLInterval.parse(s)))) } catch let e as SQLInterval.ParseError {
                    throw QueryError("invalid INTERVAL '\(s)': \(e.message)", at: p)
                }
            default:
                guard b.type == .interval else { throw QueryError("cannot compare INTERVAL with \(b.type)", at: p) }
                return .scalar(.intervalNanos, [b], .int)
            }
        }
        return .compare(op, try nanos(l), try nanos(r))
    }

    /// `date_diff`/`datediff` and `date_sub`/`datesub`, or nil for other names.
    func timeDifferenceFunction(_ name: String, _ args: [BoundExpr], _ call: FunctionCall, _ p: SourcePosition) throws -> BoundExpr? {
        let f: ScalarFunction
        switch name {
        case "date_diff", "datediff": f = .dateDiff
        case "date_sub", "datesub": f = .dateSub
        default: return nil
        }
        guard args.count == 3 else { throw QueryError("\(name)() takes 3 arguments (part, start, end), got \(args.count)", at: p) }
        guard case let .constant(.string(part)) = args[0] else {
            throw QueryError("\(name)() needs a constant part such as 'day'", at: call.arguments[0].position)
        }
        guard let dp = DatePart(name: part.lowercased()), DateDiff.Part(dp) != nil else {
            throw QueryError("\(name)() cannot count '\(part)' (it counts year, quarter, month, week, day, hour, minute, second, millisecond, microsecond, decade, century, millennium)", at: call.arguments[0].position)
        }
        return .scalar(f, [args[0], try coerce(args[1], to: .time, p), try coerce(args[2], to: .time, p)], .int)
    }
}
