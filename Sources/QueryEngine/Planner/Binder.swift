import ColumnStore
import Foundation

/// Resolves names and types of expressions: AST `Expr` → `BoundExpr`.
///
/// `resolveColumn` maps a column name to a bound column of the batch being evaluated; `hook` sees every
/// node first (the aggregate binder uses it to turn group keys and aggregate calls into columns of the
/// grouped result).
struct Binder {
    var resolveColumn: (String, SourcePosition) throws -> BoundExpr
    var hook: ((Expr) throws -> BoundExpr?)?
    let now: Int64
    var session = QuerySession()
    /// Resolves `qualifier.name`; when nil the qualifier is ignored (a single table).
    var resolveQualified: ((String, String, SourcePosition) throws -> BoundExpr)? = nil
    /// Plans a subquery expression (scalar, EXISTS, IN); this binder binds its outer references.
    var subquery: ((Expr, Binder) throws -> BoundExpr)? = nil

    func bind(_ e: Expr) throws -> BoundExpr {
        if let h = hook, let b = try h(e) { return b }
        switch e.kind {
        case let .column(table, name):
            if let table, let q = resolveQualified { return try q(table, name, e.position) }
            return try resolveColumn(name, e.position)
        case .subquery, .exists, .inSubquery, .arraySubquery:
            guard let subquery else { throw QueryError("subqueries are not allowed here", at: e.position) }
            return try subquery(e, self)
        case .window:
            throw QueryError("window functions are allowed only in the select list, QUALIFY and ORDER BY", at: e.position)
        case let .literal(l):
            return .constant(Self.value(l))
        case let .unary(op, x):
            let b = try bind(x)
            switch op {
            case .plus:
                guard b.type.isNumeric || b.type == .null else { throw QueryError("cannot apply unary + to \(b.type)", at: e.position) }
                return b
            case .negate:
                if case let .constant(v) = b {
                    switch v {
                    case let .int(i) where i != .min: return .constant(.int(-i))
                    case let .double(d): return .constant(.double(-d))
                    case let .interval(i) where i.nanoseconds != .min && i.months != .min && i.days != .min:
                        // `-INTERVAL 1 MONTH`: a backward step, as DuckDB reads it.
                        return .constant(.interval(SQLInterval(months: -i.months, days: -i.days, nanoseconds: -i.nanoseconds)))
                    case .null: return .constant(.null)
                    default: break
                    }
                }
                // -INTEGER is a BIGINT, as in DuckDB (-(-2147483648) fits); -BIGINT is checked when it runs.
                if b.type == .int32 { return .negate(.cast(b, .int), .int) }
                guard b.type == .int || b.type == .double else { throw QueryError("cannot negate \(b.type)", at: e.position) }
                return .negate(b, b.type)
            case .not:
                return .not(try boolean(b, e.position))
            }
        case let .binary(op, l, r):
            return try binary(op, try bind(l), try bind(r), e.position)
        case let .function(call):
            return try function(call, e)
        case let .caseWhen(c):
            var branches: [(BoundExpr, BoundExpr)] = []
            let operand = try c.operand.map(bind)
            for br in c.branches {
                var cond = try bind(br.when)
                if let o = operand { cond = try compare(.eq, o, cond, br.when.position) } else { cond = try boolean(cond, br.when.position) }
                branches.append((cond, try bind(br.then)))
            }
            var otherwise = try c.otherwise.map(bind) ?? .constant(.null)
            var t = otherwise.type
            for (_, v) in branches { t = try Self.commonType(t, v.type, e.position) }
            if t == .null { t = .int }
            branches = try branches.map { ($0.0, try coerce($0.1, to: t, e.position)) }
            otherwise = try coerce(otherwise, to: t, e.position)
            return .caseWhen(branches, otherwise, t)
        case let .inList(x, list, negated):
            var v = try bind(x)
            var values: [Value] = []
            for item in list {
                let b = try bind(item)
                guard let c = b.constantValue else { throw QueryError("IN lists must hold constants", at: item.position) }
                values.append(c)
            }
            // Bring the list to the value's type (e.g. timestamp strings for `time IN (...)`).
            var t = v.type
            for c in values where c.type != .null { t = try Self.commonType(t, c.type == .string && t == .time ? .time : c.type, e.position) }
            v = try coerce(v, to: t, e.position)
            values = try values.map { try Self.convert($0, to: t, e.position) }
            return .inList(v, values, negated: negated)
        case let .between(x, lo, hi, negated):
            let v = try bind(x)
            let b = BoundExpr.and(try compare(.ge, v, try bind(lo), e.position), try compare(.le, v, try bind(hi), e.position))
            return negated ? .not(b) : b
        case let .like(x, pattern, ci, negated):
            let v = try bind(x)
            guard v.type == .string || v.type == .null else { throw QueryError("LIKE needs a string, got \(v.type)", at: e.position) }
            guard case let .constant(p) = try bind(pattern) else { throw QueryError("LIKE patterns must be constant strings", at: pattern.position) }
            guard case let .string(s) = p else {
                if p == .null { return .constant(.null) }
                throw QueryError("LIKE pattern must be a string", at: pattern.position)
            }
            return .like(v, LikePattern(s, caseInsensitive: ci), negated: negated)
        case let .isNull(x, negated):
            return .isNull(try bind(x), negated: negated)
        case let .isBool(x, value, negated):
            return .isBool(try boolean(try bind(x), e.position), value, negated: negated)
        case .array, .quantified, .subscript, .arrayCast, .field:
            return try bindArray(e)
        case let .cast(x, type):
            let b = try bind(x)
            if case .array = b.type {
                guard type == .varchar else { throw QueryError("cannot cast \(b.type) to \(type)", at: e.position) }
                return .scalar(.arrayText, [b], .string)
            }
            let t: ValueType
            switch type {
            case .boolean: t = .bool
            case .integer: t = .int32
            case .bigint:
                // An explicit BIGINT is no longer an integer literal: CAST(1 AS BIGINT) keeps INTEGER + it BIGINT.
                if case .constant(.int) = b { return .cast(b, .int) }
                t = .int
            case .ubigint: t = .uint
            case .real, .double: t = .double
            case .varchar: t = .string
            case .timestamp: t = .time
            case .date: t = .date
            case .interval: throw QueryError("CAST to INTERVAL is not supported", at: e.position)
            case .oid: t = .int
            case .regclass:
                // A relation's name becomes its OID; a number already is one.
                if b.type == .string { return .scalar(.regclass, [b], .int) }
                t = .int
            case .regnamespace:
                // A schema's OID becomes its name.
                return .scalar(.regnamespace, [try coerce(b, to: .int, e.position)], .string)
            case .regtype:
                // A type's OID becomes its name, as PostgreSQL prints a regtype.
                return .scalar(.formatType, [try coerce(b, to: .int, e.position), .constant(.null)], .string)
            }
            return try cast(b, to: t, e.position)
        }
    }

    static func value(_ l: Literal) -> Value {
        switch l {
        case .null: .null
        case let .bool(b): .bool(b)
        case let .int(i): .int(i)
        case let .double(d): .double(d)
        case let .string(s): .string(s)
        case let .interval(i): .interval(i)
        case let .timestamp(t): .time(t)
        }
    }

    func boolean(_ b: BoundExpr, _ p: SourcePosition) throws -> BoundExpr {
        if b.type == .bool { return b }
        if b.type == .null { return .constant(.null) }
        throw QueryError("expected a boolean expression, got \(b.type)", at: p)
    }

    /// The type two operands are brought to for comparison or arithmetic.
    static func commonType(_ a: ValueType, _ b: ValueType, _ p: SourcePosition) throws -> ValueType {
        if a == b { return a }
        if a == .null { return b }
        if b == .null { return a }
        switch (a, b) {
        case (.int32, .int), (.int, .int32): return .int
        // INTEGER[] and BIGINT[] cells are encoded alike: one becomes the other without a cast.
        case (.array(.int32), .array(.int)), (.array(.int), .array(.int32)): return .array(.int)
        case (.int, .double), (.double, .int), (.uint, .double), (.double, .uint), (.int, .uint), (.uint, .int),
             (.int32, .double), (.double, .int32), (.int32, .uint), (.uint, .int32): return .double
        case (.time, .string), (.string, .time): return .time
        // A DATE beside a TIMESTAMP is its midnight (DuckDB promotes it); a quoted constant beside one is a DATE.
        case (.date, .time), (.time, .date): return .time
        case (.date, .string), (.string, .date): return .date
        default: throw QueryError("cannot combine \(a) and \(b)", at: p)
        }
    }

    /// A quoted literal read as a number or boolean, or an error naming the type it did not fit.
    static func literal(_ s: String, as t: ValueType, _ p: SourcePosition) throws -> Value {
        let text = s.trimmingCharacters(in: .whitespaces)
        let v: Value?
        switch t {
        case .int: v = Int64(text).map(Value.int)
        case .int32: v = Int32(text).map { .int(Int64($0)) }
        case .uint: v = UInt64(text).map(Value.uint)
        case .double: v = Double(text).map(Value.double)
        case .bool:
            switch text.lowercased() {
            case "t", "true", "yes", "on", "1": v = .bool(true)
            case "f", "false", "no", "off", "0": v = .bool(false)
            default: v = nil
            }
        default: v = nil
        }
        guard let v else { throw QueryError("invalid input syntax for type \(t): '\(s)'", at: p) }
        return v
    }

    static func convert(_ v: Value, to t: ValueType, _ p: SourcePosition) throws -> Value {
        if v.type == t || v == .null { return v }
        switch (v, t) {
        case let (.int(i), .double): return .double(Double(i))
        case let (.int(i), .int32):
            guard i >= Int64(Int32.min) && i <= Int64(Int32.max) else { throw QueryError("\(i) is out of range for INTEGER (32-bit)", at: p) }
            return v
        case let (.uint(u), .double): return .double(Double(u))
        case let (.string(s), .time):
            do { return .time(try SQLTimestamp.parse(s)) } catch { throw QueryError("invalid timestamp '\(s)': \(error.message)", at: p) }
        case let (.string(s), .date):
            do { return .date(try SQLDate.parse(s)) } catch { throw QueryError("invalid date: \(error.message)", at: p) }
        case let (.date(d), .time):
            do { return .time(try SQLDate.checkedMidnight(d)) } catch let e as QueryError { throw QueryError(e.message, at: p) }
        case let (.date(d), .string): return .string(SQLDate.format(d))
        default: throw QueryError("cannot convert \(v) to \(t)", at: p)
        }
    }

    func coerce(_ b: BoundExpr, to t: ValueType, _ p: SourcePosition) throws -> BoundExpr {
        if b.type == t { return b }
        if case let .constant(v) = b { return .constant(try Self.convert(v, to: t, p)) }
        if b.type == .null { return .constant(.null) }
        switch (b.type, t) {
        case (.int, .double), (.uint, .double), (.int32, .double), (.int32, .int), (.date, .time): return .cast(b, t)
        default: throw QueryError("cannot use \(b.type) as \(t)", at: p)
        }
    }

    func cast(_ b: BoundExpr, to t: ValueType, _ p: SourcePosition) throws -> BoundExpr {
        if b.type == t { return b }
        // A NULL cast to a type is a NULL of that type (`SELECT CAST(NULL AS VARCHAR) UNION SELECT 'a'`).
        if b.type == .null { return .cast(.constant(.null), t) }
        if case let .constant(.string(s)) = b, t == .time || t == .date { return .constant(try Self.convert(.string(s), to: t, p)) }
        if case let .constant(.date(d)) = b, t == .time || t == .string { return .constant(try Self.convert(.date(d), to: t, p)) }
        switch (b.type, t) {
        case (.date, _) where t.isNumeric || t == .bool:
            // DuckDB casts a DATE to no number (days are `d - DATE '1970-01-01'`).
            throw QueryError("cannot cast DATE to \(t)", at: p)
        case (.int, _), (.int32, _), (.uint, _), (.double, _), (.bool, .int), (.bool, .int32), (.bool, .double), (.bool, .string),
             (.time, .string), (.interval, .string), (.time, .int), (.string, .int), (.string, .int32), (.string, .double), (.string, .bool),
             (.date, .string), (.date, .time), (.time, .date), (.string, .date):
            return .cast(b, t)
        default: throw QueryError("cannot cast \(b.type) to \(t)", at: p)
        }
    }

    func compare(_ op: CompareOp, _ l: BoundExpr, _ r: BoundExpr, _ p: SourcePosition) throws -> BoundExpr {
        if l.type == .null || r.type == .null { return .constant(.null) }
        if l.type.isArray || r.type.isArray { return try compareArrays(op, l, r, p) }
        if l.type == .interval || r.type == .interval { return try compareIntervals(op, l, r, p) }
        // A quoted constant compared with a number or boolean is read as one, as PostgreSQL reads an
        // untyped literal (psql's catalog queries write `c.oid = '16384'`).
        if case let .constant(.string(s)) = r, l.type.isNumeric || l.type == .bool {
            return .compare(op, l, .constant(try Self.literal(s, as: l.type, p)))
        }
        if case let .constant(.string(s)) = l, r.type.isNumeric || r.type == .bool {
            return .compare(op, .constant(try Self.literal(s, as: r.type, p)), r)
        }
        let t = try Self.commonType(l.type, r.type, p)
        return .compare(op, try coerce(l, to: t, p), try coerce(r, to: t, p))
    }

    func binary(_ op: BinaryOperator, _ l: BoundExpr, _ r: BoundExpr, _ p: SourcePosition) throws -> BoundExpr {
        switch op {
        case .and: return .and(try boolean(l, p), try boolean(r, p))
        case .or: return .or(try boolean(l, p), try boolean(r, p))
        case .equal: return try compare(.eq, l, r, p)
        case .notEqual: return try compare(.ne, l, r, p)
        case .less: return try compare(.lt, l, r, p)
        case .lessEqual: return try compare(.le, l, r, p)
        case .greater: return try compare(.gt, l, r, p)
        case .greaterEqual: return try compare(.ge, l, r, p)
        case .concat: return .scalar(.concatOperator, [l, r], .string)
        case .add, .subtract:
            if let b = try dateArithmetic(op, l, r, p) { return b }
            if l.type == .time, case let .constant(.interval(i)) = r { return .shiftTime(l, i, negate: op == .subtract) }
            if op == .add, r.type == .time, case let .constant(.interval(i)) = l { return .shiftTime(r, i, negate: false) }
            if let b = try timeArithmetic(op, l, r, p) { return b }
            return try arithmetic(op == .add ? .add : .subtract, l, r, p)
        case .multiply: return try arithmetic(.multiply, l, r, p)
        case .divide: return try arithmetic(.divide, l, r, p)
        case .integerDivide: return try arithmetic(.integerDivide, l, r, p)
        case .modulo: return try arithmetic(.modulo, l, r, p)
        }
    }

    func arithmetic(_ op: ArithmeticOp, _ l: BoundExpr, _ r: BoundExpr, _ p: SourcePosition) throws -> BoundExpr {
        if l.type == .null || r.type == .null { return .constant(.null) }
        guard l.type.isNumeric && r.type.isNumeric else { throw QueryError("cannot apply arithmetic to \(l.type) and \(r.type)", at: p) }
        var t = try Self.commonType(l.type, r.type, p)
        // An integer literal that fits 32 bits keeps INTEGER arithmetic INTEGER, as DuckDB types such
        // literals: CAST(2147483647 AS INTEGER) + 1 overflows there too.
        func fits32(_ b: BoundExpr) -> Bool {
            if case let .constant(.int(x)) = b { return x >= Int64(Int32.min) && x <= Int64(Int32.max) }
            return false
        }
        if (l.type == .int32 && fits32(r)) || (r.type == .int32 && fits32(l)) { t = .int32 }
        if op == .divide { t = .double }  // `/` is floating-point division, as in DuckDB
        if op == .integerDivide && t == .double { t = .int }
        if t == .int32 {
            // Operands enter INTEGER arithmetic as BIGINT vectors whose values fit 32 bits.
            return .arithmetic(op, l.type == .int32 ? l : try coerce(l, to: .int, p), r.type == .int32 ? r : try coerce(r, to: .int, p), .int32)
        }
        if op == .integerDivide, l.type == .double || r.type == .double {
            throw QueryError("// needs integer operands", at: p)
        }
        return .arithmetic(op, try coerce(l, to: t, p), try coerce(r, to: t, p), t)
    }

    private func function(_ call: FunctionCall, _ e: Expr) throws -> BoundExpr {
        let p = e.position
        if AggregateKind(name: call.name) != nil {
            throw QueryError("aggregate function \(call.name)() is not allowed here", at: p)
        }
        if QueryPlanner.setFunctions.contains(call.name) {
            throw QueryError("set-returning function \(call.name)() is not allowed here (only in the select list or FROM)", at: p)
        }
        let args = try call.arguments.map(bind)
        func arity(_ n: ClosedRange<Int>) throws {
            guard n.contains(args.count) else { throw QueryError("\(call.name)() takes \(n.lowerBound == n.upperBound ? "\(n.lowerBound)" : "\(n.lowerBound)–\(n.upperBound)") argument(s), got \(args.count)", at: p) }
        }
        switch call.name {
        case "now", "current_timestamp":
            try arity(0...0)
            return .constant(.time(now))
        case "current_date", "today":
            try arity(0...0)
            return .constant(.date(SQLDate.floorDays(now)))
        case "dayname", "monthname", "last_day", "make_date":
            return try dateFunction(call.name, args, p)
        case "version":
            try arity(0...0)
            return .constant(.string(session.version))
        case "current_database", "current_catalog":
            try arity(0...0)
            return .constant(.string(session.database))
        case "current_schema":
            try arity(0...0)
            return .constant(.string("public"))
        case "pg_backend_pid":
            try arity(0...0)
            return .constant(.int(session.backendPID))
        case "current_setting":
            try arity(1...2)
            guard case let .constant(.string(name)) = args[0] else { throw QueryError("current_setting() needs a constant setting name", at: p) }
            if let v = session.settings[name.lowercased()] { return .constant(.string(v)) }
            if args.count == 2, case .constant(.bool(true)) = args[1] { return .constant(.null) }
            throw QueryError("unrecognized configuration parameter \"\(name)\"", at: p)
        case "time_bucket":
            try arity(2...3)
            guard case let .constant(.interval(i)) = args[0] else { throw QueryError("time_bucket() needs a constant INTERVAL first", at: p) }
            guard let b = TimeBucket.timeBucket(i) else { throw QueryError("time_bucket() needs a positive interval of months, or of days and time", at: p) }
            if args.count == 3 {
                // time_bucket(width, instant, 'zone'): buckets of the zone's wall clock, as instants.
                guard case let .constant(.string(zone)) = args[2] else {
                    throw QueryError("time_bucket()'s third argument must be a constant time zone name", at: call.arguments[2].position)
                }
                do { _ = try TimeZoneDatabase.zone(zone) } catch let error as QueryError { throw QueryError(error.message, at: call.arguments[2].position) }
                let local = BoundExpr.scalar(.zoneToLocal, [args[2], try coerce(args[1], to: .time, p)], .time)
                return .scalar(.zoneFromLocal, [args[2], .timeBucket(b, local)], .time)
            }
            // A DATE's bucket is a DATE, as DuckDB types time_bucket(width, DATE).
            if args[1].type == .date { return .cast(.timeBucket(b, try coerce(args[1], to: .time, p)), .date) }
            return .timeBucket(b, try coerce(args[1], to: .time, p))
        case "date_trunc", "datetrunc":
            try arity(2...2)
            guard case let .constant(.string(unit)) = args[0] else { throw QueryError("date_trunc() needs a constant unit such as 'day'", at: p) }
            guard let b = TimeBucket.dateTrunc(unit) else { throw QueryError("unknown date_trunc unit '\(unit)'", at: p) }
            return .timeBucket(b, try coerce(args[1], to: .time, p))
        case "ln", "log", "log10", "log2", "exp", "sqrt", "power", "pow":
            // log(x) is base 10 and log(b, x) base b, as DuckDB; power/pow take two numbers.
            let two = call.name == "power" || call.name == "pow"
            try arity(two ? 2...2 : call.name == "log" ? 1...2 : 1...1)
            for (i, a) in args.enumerated() where !(a.type.isNumeric || a.type == .null) {
                throw QueryError("\(call.name)() needs numbers", at: call.arguments[i].position)
            }
            let f: ScalarFunction = two ? .power : ScalarFunction(rawValue: call.name)!
            return .scalar(f, try args.map { try coerce($0, to: .double, p) }, .double)
        case "abs", "floor", "ceil", "ceiling":
            try arity(1...1)
            guard args[0].type.isNumeric || args[0].type == .null else { throw QueryError("\(call.name)() needs a number", at: p) }
            let f: ScalarFunction = call.name == "abs" ? .abs : call.name == "floor" ? .floor : .ceil
            return .scalar(f, args, args[0].type == .null ? .double : args[0].type)
        case "round":
            try arity(1...2)
            guard args[0].type.isNumeric else { throw QueryError("round() needs a number", at: p) }
            if args.count == 2 {
                guard case let .constant(.int(d)) = args[1] else { throw QueryError("round() digits must be an integer constant", at: p) }
                guard Int32(exactly: d) != nil else { throw QueryError("round() digits must fit an INTEGER, got \(d)", at: p) }
            }
            return .scalar(.round, args, args[0].type)
        case "lower", "upper", "length":
            try arity(1...1)
            guard args[0].type == .string else { throw QueryError("\(call.name)() needs a string", at: p) }
            return .scalar(call.name == "lower" ? .lower : call.name == "upper" ? .upper : .length, args, call.name == "length" ? .int : .string)
        case "coalesce":
            guard !args.isEmpty else { throw QueryError("coalesce() needs arguments", at: p) }
            var t = ValueType.null
            for a in args { t = try Self.commonType(t, a.type, p) }
            return .scalar(.coalesce, try args.map { try coerce($0, to: t, p) }, t)
        case "greatest", "least":
            guard !args.isEmpty else { throw QueryError("\(call.name)() needs arguments", at: p) }
            var t = ValueType.null
            for a in args { t = try Self.commonType(t, a.type, p) }
            return .scalar(call.name == "greatest" ? .greatest : .least, try args.map { try coerce($0, to: t, p) }, t)
        case "nullif":
            try arity(2...2)
            let t = try Self.commonType(args[0].type, args[1].type, p)
            return .scalar(.nullif, [try coerce(args[0], to: t, p), try coerce(args[1], to: t, p)], t)
        case "concat":
            return .scalar(.concat, args, .string)
        case "replace":
            try arity(3...3)
            for a in args where a.type != .string && a.type != .null { throw QueryError("replace() needs strings, got \(a.type)", at: p) }
            return .scalar(.replace, args, .string)
        case "epoch_ns", "epoch_ms", "epoch":
            try arity(1...1)
            // epoch_ms(BIGINT) is the other way round: milliseconds since 1970 to a TIMESTAMP.
            if call.name == "epoch_ms", args[0].type == .int || args[0].type == .int32 || args[0].type == .uint {
                return .scalar(.epochMsToTime, [try coerce(args[0], to: .int, p)], .time)
            }
            if call.name == "epoch", args[0].type == .interval { return .scalar(.intervalEpoch, args, .double) }
            let a = try coerce(args[0], to: .time, p)
            return .scalar(call.name == "epoch_ns" ? .epochNs : call.name == "epoch_ms" ? .epochMs : .epoch, [a], call.name == "epoch" ? .double : .int)
        case "year", "month", "day", "hour", "minute", "second", "millisecond", "microsecond", "quarter", "dayofweek",
             "dayofmonth", "dayofyear", "week", "weekofyear", "isodow", "isoyear", "yearweek", "decade", "century",
             "millennium", "era":
            try arity(1...1)
            let part = DatePart(name: call.name)!
            return .scalar(.datePart, [.constant(.string(part.rawValue)), try coerce(args[0], to: .time, p)], .int)
        case "date_part", "datepart":
            try arity(2...2)
            guard case let .constant(.string(name)) = args[0] else { throw QueryError("\(call.name)() needs a constant field such as 'year'", at: p) }
            guard let part = DatePart(name: name) else {
                let hint = Suggestions.closest(to: name, in: DatePart.allCases.map(\.rawValue)).map { " (did you mean '\($0)'?)" } ?? ""
                throw QueryError("unknown date part '\(name)'\(hint)", at: call.arguments[0].position)
            }
            if part == .epoch, args[1].type == .interval { return .scalar(.intervalEpoch, [args[1]], .double) }
            return .scalar(.datePart, [.constant(.string(part.rawValue)), try coerce(args[1], to: .time, p)], part == .epoch ? .double : .int)
        case "strftime":
            try arity(2...2)
            // DuckDB takes strftime(timestamp, format) and strftime(format, timestamp).
            let (time, format) = args[0].type == .string && args[1].type != .string ? (args[1], args[0]) : (args[0], args[1])
            guard case let .constant(.string(f)) = format else { throw QueryError("strftime() needs a constant format string", at: p) }
            do { _ = try TimeFormat(f) } catch let error as QueryError { throw QueryError(error.message, at: p) }
            return .scalar(.strftime, [try coerce(time, to: .time, p), format], .string)
        case "strptime":
            try arity(2...2)
            guard args[0].type == .string || args[0].type == .null else { throw QueryError("strptime() needs a string to parse, got \(args[0].type)", at: p) }
            guard case let .constant(.string(f)) = args[1] else { throw QueryError("strptime() needs a constant format string", at: p) }
            do { _ = try TimeFormat(f) } catch let error as QueryError { throw QueryError(error.message, at: p) }
            return .scalar(.strptime, args, .time)
        case "make_timestamp":
            guard args.count == 1 || args.count == 6 else {
                throw QueryError("make_timestamp() takes 6 arguments (year, month, day, hour, minute, seconds) or 1 (microseconds), got \(args.count)", at: p)
            }
            for a in args where !(a.type.isNumeric || a.type == .null) { throw QueryError("make_timestamp() needs numbers, got \(a.type)", at: p) }
            if args.count == 1 { return .scalar(.makeTimestamp, [try coerce(args[0], to: .int, p)], .time) }
            return .scalar(.makeTimestamp, args, .time)
        case "to_timestamp":
            try arity(1...1)
            guard args[0].type.isNumeric || args[0].type == .null else { throw QueryError("to_timestamp() needs seconds as a number, got \(args[0].type)", at: p) }
            return .scalar(.toTimestamp, args, .time)
        case "regexp_matches":
            try arity(2...3)
            for a in args where a.type != .string && a.type != .null { throw QueryError("\(call.name)() needs strings, got \(a.type)", at: p) }
            if args.count == 3 {
                guard case let .constant(.string(flags)) = args[2], flags.allSatisfy({ $0 == "i" || $0 == "c" }) else {
                    throw QueryError("regexp_matches() flags must be a constant of 'i' (ignore case) or 'c'", at: call.arguments[2].position)
                }
            }
            if case let .constant(.string(pattern)) = args[1] {
                do { _ = try PGCatalogFunctions.regex(pattern, flags: "") } catch let error as QueryError { throw QueryError(error.message, at: call.arguments[1].position) }
            }
            return .scalar(.regexpMatches, args, .bool)
        case "pg_get_userbyid", "pg_encoding_to_char":
            try arity(1...1)
            guard args[0].type.isNumeric || args[0].type == .null else { throw QueryError("\(call.name)() needs an OID", at: p) }
            return .scalar(call.name == "pg_get_userbyid" ? .pgGetUserByID : .pgEncodingToChar, [try coerce(args[0], to: .int, p)], .string)
        case "format_type":
            try arity(2...2)
            return .scalar(.formatType, [try coerce(args[0], to: .int, p), try coerce(args[1], to: .int, p)], .string)
        case "pg_relation_is_publishable":
            // A table could be published (PostgreSQL's answer for an ordinary table); tsdb has no publications.
            try arity(1...1)
            return .isNull(args[0], negated: true)
        case "pg_get_statisticsobjdef_columns":
            // tsdb keeps no extended statistics objects: there is none to describe.
            try arity(1...1)
            return .constant(.null)
        case "pg_table_is_visible":
            // Every table is in schema public, on the search path: visible whenever it exists.
            try arity(1...1)
            return .isNull(args[0], negated: true)
        case "obj_description", "col_description", "shobj_description", "pg_get_expr":
            // tsdb keeps no comments and no column defaults: PostgreSQL's answer for none is NULL.
            try arity(2...3)
            return .constant(.null)
        case "quote_ident":
            try arity(1...1)
            guard args[0].type == .string || args[0].type == .null else { throw QueryError("quote_ident() needs a string", at: p) }
            return .scalar(.quoteIdent, args, .string)
        case "array_to_string", "array_length", "array_upper", "array_lower", "cardinality", "current_schemas":
            return try arrayFunction(call.name, args, p)
        case "timezone":
            try arity(2...2)
            guard case let .constant(.string(zone)) = args[0] else { throw QueryError("the time zone must be a constant string such as 'America/New_York'", at: call.arguments[0].position) }
            do { _ = try TimeZoneDatabase.zone(zone) } catch let error as QueryError { throw QueryError(error.message, at: call.arguments[0].position) }
            let value = try coerce(args[1], to: .time, p)
            // A TIMESTAMP (wall time) becomes the instant the zone's clocks show it; a TIMESTAMPTZ (instant)
            // becomes the zone's wall time — DuckDB's two meanings of AT TIME ZONE.
            let f: ScalarFunction = Self.isInstant(call.arguments[1]) ? .zoneToLocal : .zoneFromLocal
            return .scalar(f, [args[0], value], .time)
        default:
            if let b = try timeDifferenceFunction(call.name, args, call, p) { return b }
            let known = Self.functionNames + AggregateKind.names
            let hint = Suggestions.closest(to: call.name, in: known).map { " (did you mean \($0)()?)" } ?? ""
            throw QueryError("unknown function \(call.name)()\(hint)", at: p)
        }
    }

    /// The scalar function names `function` knows, for suggestions.
    static let functionNames = ["now", "current_timestamp", "time_bucket", "date_trunc", "datetrunc", "abs", "floor", "ceil",
                                "ln", "log", "log10", "log2", "exp", "sqrt", "power", "pow",
                                "ceiling", "round", "lower", "upper", "length", "coalesce", "greatest", "least", "nullif",
                                "concat", "replace", "epoch_ns", "epoch_ms", "epoch", "date_part", "datepart", "extract", "strftime",
                                "strptime", "make_timestamp", "to_timestamp", "timezone", "regexp_matches", "pg_get_userbyid",
                                "pg_encoding_to_char", "format_type", "pg_table_is_visible", "obj_description", "col_description",
                                "shobj_description", "pg_get_expr", "array_to_string", "quote_ident", "array_length", "array_upper",
                                "array_lower", "cardinality", "current_schemas", "pg_relation_is_publishable",
                                "pg_get_statisticsobjdef_columns", "version", "current_database",
                                "current_catalog", "current_schema", "pg_backend_pid", "current_setting",
                                "date_diff", "datediff", "date_sub", "datesub", "current_date", "today", "dayname", "monthname",
                                "last_day", "make_date"] + DatePart.allCases.map(\.rawValue)

    /// Whether `e` is a TIMESTAMP WITH TIME ZONE in DuckDB's typing (an instant, not a wall time): what
    /// `AT TIME ZONE`, `to_timestamp` and `now()` give, and truncations and shifts of those. Stored
    /// `time` columns are TIMESTAMPs.
    static func isInstant(_ e: Expr) -> Bool {
        switch e.kind {
        case let .function(call):
            switch call.name {
            case "timezone": return call.arguments.count == 2 && !isInstant(call.arguments[1])
            case "to_timestamp", "now", "current_timestamp": return true
            case "time_bucket" where call.arguments.count == 3: return true
            case "date_trunc", "datetrunc", "time_bucket": return call.arguments.count >= 2 && isInstant(call.arguments[1])
            default: return false
            }
        case let .binary(op, l, r) where op == .add || op == .subtract:
            return isInstant(l) || isInstant(r)
        default:
            return false
        }
    }
}
