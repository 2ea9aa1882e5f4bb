/// An expression after name resolution and type checking: columns are indices into the batch being
/// evaluated, operands have been coerced to a common type, constants folded where possible.
indirect enum BoundExpr: Sendable {
    /// Column `index` of the batch.
    case column(Int, ValueType)
    case constant(Value)
    case negate(BoundExpr, ValueType)
    case not(BoundExpr)
    /// Arithmetic on two operands of the result's numeric type (int, uint or double).
    case arithmetic(ArithmeticOp, BoundExpr, BoundExpr, ValueType)
    /// Comparison of two operands of the same type.
    case compare(CompareOp, BoundExpr, BoundExpr)
    case and(BoundExpr, BoundExpr)
    case or(BoundExpr, BoundExpr)
    /// `timestamp ± interval`.
    case shiftTime(BoundExpr, SQLInterval, negate: Bool)
    /// `timestamp - timestamp` as an interval is not supported; `time - time` gives BIGINT nanoseconds.
    case cast(BoundExpr, ValueType)
    case caseWhen([(BoundExpr, BoundExpr)], BoundExpr, ValueType)
    case inList(BoundExpr, [Value], negated: Bool)
    case like(BoundExpr, LikePattern, negated: Bool)
    case isNull(BoundExpr, negated: Bool)
    /// `x IS [NOT] TRUE|FALSE`.
    case isBool(BoundExpr, Bool, negated: Bool)
    case timeBucket(TimeBucket, BoundExpr)
    case scalar(ScalarFunction, [BoundExpr], ValueType)
    /// A predicate on a tag column evaluated once per dictionary entry: true where `set` holds the row's code.
    case symbolPredicate(BoundExpr, CodeSet)
    /// A subquery (run once, when first evaluated) and the outer values it is compared with.
    case subquery(SubqueryExpr, keys: [BoundExpr])

    var type: ValueType {
        switch self {
        case let .column(_, t): t
        case let .constant(v): v.type
        case let .negate(_, t): t
        case .not, .compare, .and, .or, .inList, .like, .isNull, .isBool, .symbolPredicate: .bool
        case let .arithmetic(_, _, _, t): t
        case .shiftTime: .time
        case let .cast(_, t): t
        case let .caseWhen(_, _, t): t
        case .timeBucket: .time
        case let .scalar(_, _, t): t
        case let .subquery(q, _): q.type
        }
    }

    /// Columns this expression reads.
    func columns(into set: inout Set<Int>) {
        switch self {
        case let .column(i, _): set.insert(i)
        case .constant: break
        case let .negate(e, _), let .not(e), let .shiftTime(e, _, _), let .cast(e, _), let .inList(e, _, _),
             let .like(e, _, _), let .isNull(e, _), let .isBool(e, _, _), let .timeBucket(_, e), let .symbolPredicate(e, _):
            e.columns(into: &set)
        case let .arithmetic(_, a, b, _), let .compare(_, a, b), let .and(a, b), let .or(a, b):
            a.columns(into: &set); b.columns(into: &set)
        case let .caseWhen(branches, e, _):
            for (w, t) in branches { w.columns(into: &set); t.columns(into: &set) }
            e.columns(into: &set)
        case let .scalar(_, args, _), let .subquery(_, args):
            for a in args { a.columns(into: &set) }
        }
    }

    var constantValue: Value? { if case let .constant(v) = self { v } else { nil } }
}

enum ArithmeticOp: Sendable { case add, subtract, multiply, divide, integerDivide, modulo }
enum CompareOp: Sendable {
    case eq, ne, lt, le, gt, ge

    /// The operator with its operands swapped (`a < b` ⇔ `b > a`).
    var flipped: CompareOp {
        switch self {
        case .eq: .eq
        case .ne: .ne
        case .lt: .gt
        case .le: .ge
        case .gt: .lt
        case .ge: .le
        }
    }
}

/// Scalar (per-row) functions beyond operators.
enum ScalarFunction: String, Sendable {
    case abs, round, floor, ceil, lower, upper, length, coalesce, epochNs = "epoch_ns", epochMs = "epoch_ms", epoch
    /// Logarithms, powers and roots (DOUBLE, IEEE semantics as DuckDB: `ln(0)` is -inf, `sqrt(-1)` NaN).
    case ln, log, log10, log2, exp, sqrt, power
    case greatest, least, concat
    /// `replace(s, from, to)`: every occurrence of `from` in `s` replaced (PostgreSQL's and DuckDB's).
    case replace
    /// `a || b`: NULL when either side is NULL (the function `concat()` skips NULLs instead).
    case concatOperator = "||"
    case nullif
    /// Time functions (`TimeFunctions`); constant arguments (field, format, zone) come first or as noted.
    case datePart = "date_part", strftime, strptime, makeTimestamp = "make_timestamp", epochMsToTime = "epoch_ms_to_timestamp"
    case toTimestamp = "to_timestamp", zoneToLocal = "timezone_to_local", zoneFromLocal = "timezone_from_local"
    /// `regexp_matches(s, pattern [, flags])`, PostgreSQL's `~`; and the catalog functions clients
    /// call (`PGCatalogFunctions`).
    case regexpMatches = "regexp_matches", pgGetUserByID = "pg_get_userbyid", pgEncodingToChar = "pg_encoding_to_char"
    case formatType = "format_type", arrayToString = "array_to_string", quoteIdent = "quote_ident"
    /// `'name'::regclass`: the OID of the relation named.
    case regclass
    /// `oid::regnamespace`: the name of the schema with that OID.
    case regnamespace
    /// Arrays (`ArrayFunctions`): `ARRAY[…]`, array text read as an array, `a[i]`, `x op ANY|ALL (a)`
    /// (arguments: x, a, the operator's symbol, whether ALL), `a = b`, casts of the elements and to text,
    /// and PostgreSQL's array functions.
    case arrayValue = "array_value", arrayFromText = "array_in", arraySubscript = "array_extract"
    case arrayQuantified = "quantified", arrayEquals = "array_equals", arrayElements = "array_cast", arrayText = "array_out"
    case arrayLength = "array_length", cardinality, arrayUpper = "array_upper", arrayLower = "array_lower"
    /// Timestamp and interval arithmetic (`IntervalFunctions`): `timestamp - timestamp`, `timestamp ± interval`
    /// for per-row intervals, an interval as BIGINT nanoseconds, `epoch(interval)`, `date_diff`, `date_sub`.
    case timeDifference = "time_difference", timePlusInterval = "time_plus_interval", timeMinusInterval = "time_minus_interval"
    case intervalNanos = "interval_nanos", intervalEpoch = "interval_epoch", dateDiff = "date_diff", dateSub = "date_sub"
    /// `(record).field`: the field at the constant index given second.
    case recordField = "record_field"
}

/// The codes of a tag column that satisfy a predicate: one byte per code (1 = match).
final class CodeSet: @unchecked Sendable {
    let table: [UInt8]
    /// When exactly one code can match (`tag = 'x'`), that code; `nil` with `none` when none can.
    let single: UInt32?
    let none: Bool

    init(table: [UInt8]) {
        self.table = table
        var found: [UInt32] = []
        for (i, b) in table.enumerated() where b != 0 { found.append(UInt32(i)); if found.count > 1 { break } }
        single = found.count == 1 ? found[0] : nil
        none = found.isEmpty
    }

    func contains(_ code: UInt32) -> Bool { Int(code) < table.count && table[Int(code)] != 0 }
}
