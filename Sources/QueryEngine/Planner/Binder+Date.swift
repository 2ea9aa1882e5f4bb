/// Binding DATE arithmetic and the functions made for DATEs, with DuckDB's types: `date - date` is a
/// BIGINT of days, `date ± integer` a DATE, `date ± interval` a TIMESTAMP (the DATE's midnight shifted).
extension Binder {
    /// `l ± r` when a side is a DATE; nil otherwise.
    func dateArithmetic(_ op: BinaryOperator, _ l: BoundExpr, _ r: BoundExpr, _ p: SourcePosition) throws -> BoundExpr? {
        guard l.type == .date || r.type == .date else { return nil }
        if l.type == .null || r.type == .null { return .constant(.null) }
        // Days as BIGINT words: a DATE vector's storage is already its day numbers.
        func days(_ b: BoundExpr) -> BoundExpr { .cast(b, .int) }
        switch (l.type, r.type, op) {
        case (.date, .date, .subtract):
            return .arithmetic(.subtract, days(l), days(r), .int)
        case (.date, .int, _), (.date, .int32, _):
            return .cast(.arithmetic(op == .add ? .add : .subtract, days(l), try coerce(r, to: .int, p), .int), .date)
        case (.int, .date, .add), (.int32, .date, .add):
            return .cast(.arithmetic(.add, try coerce(l, to: .int, p), days(r), .int), .date)
        case (.date, .interval, _), (.interval, .date, .add), (.date, .time, .subtract), (.time, .date, .subtract):
            // The DATE's midnight takes the interval (or is subtracted) as a TIMESTAMP would.
            return try binary(op, l.type == .date ? try coerce(l, to: .time, p) : l, r.type == .date ? try coerce(r, to: .time, p) : r, p)
        default:
            throw QueryError("cannot apply \(op == .add ? "+" : "-") to \(l.type) and \(r.type)", at: p)
        }
    }

    /// `dayname`, `monthname`, `last_day` and `make_date`: DATE functions built from the TIMESTAMP ones.
    func dateFunction(_ name: String, _ args: [BoundExpr], _ p: SourcePosition) throws -> BoundExpr {
        let count = name == "make_date" ? 3 : 1
        guard args.count == count else { throw QueryError("\(name)() takes \(count) argument(s), got \(args.count)", at: p) }
        switch name {
        case "dayname", "monthname":
            guard [.date, .time, .null].contains(args[0].type) else { throw QueryError("\(name)() needs a DATE or TIMESTAMP, got \(args[0].type)", at: p) }
            return .scalar(.strftime, [try coerce(args[0], to: .time, p), .constant(.string(name == "dayname" ? "%A" : "%B"))], .string)
        case "last_day":
            guard [.date, .time, .null].contains(args[0].type) else { throw QueryError("last_day() needs a DATE or TIMESTAMP, got \(args[0].type)", at: p) }
            // The month's first day, plus a month, less a day.
            let month = BoundExpr.timeBucket(TimeBucket.dateTrunc("month")!, try coerce(args[0], to: .time, p))
            return .cast(.shiftTime(month, SQLInterval(months: 1, days: -1), negate: false), .date)
        default:
            for a in args where !(a.type.isNumeric || a.type == .null) { throw QueryError("make_date() needs numbers (year, month, day), got \(a.type)", at: p) }
            let zero = BoundExpr.constant(.int(0))
            return .cast(.scalar(.makeTimestamp, args + [zero, zero, zero], .time), .date)
        }
    }
}
