import ColumnStore

/// The array functions and operators, row at a time over `Value`s (arrays are catalog-sized: psql's and
/// JDBC's metadata queries): `ARRAY[…]`, array text read as an array, subscripts, `ANY`/`ALL`, equality,
/// element casts, `array_to_string`, `array_length`, `cardinality`, `array_upper`/`array_lower`.
enum ArrayFunctions {
    /// The value of `f` over one row's arguments, or nil when `f` is not an array function.
    static func apply(_ f: ScalarFunction, _ a: [Value], _ t: ValueType) throws -> Value? {
        switch f {
        case .arrayValue:
            guard case let .array(element) = t else { return .null }
            return .array(ArrayValue(element: element, items: a))
        case .arrayFromText:
            guard case let .string(s) = a[0], case let .array(element) = t else { return .null }
            return .array(try ArrayText.parse(s, element: element))
        case .arraySubscript:
            guard case let .array(x) = a[0], case let .int(i) = a[1] else { return .null }
            return i >= 1 && i <= x.items.count ? x.items[Int(i - 1)] : .null
        case .arrayQuantified:
            return quantified(a)
        case .arrayEquals:
            guard case let .array(x) = a[0], case let .array(y) = a[1] else { return .null }
            return .bool(x.items == y.items)
        case .arrayElements:
            guard case let .array(x) = a[0], case let .array(element) = t else { return .null }
            return .array(ArrayValue(element: element, items: try x.items.map { try convert($0, to: element) }))
        case .arrayText:
            guard case let .array(x) = a[0] else { return .null }
            return .string(ArrayText.duckdb(x))
        case .arrayToString:
            guard case let .array(x) = a[0], case let .string(separator) = a[1] else { return .null }
            let null: String? = if a.count > 2, case let .string(n) = a[2] { n } else { nil }
            return .string(x.items.compactMap { $0 == .null ? null : ArrayText.element($0) }.joined(separator: separator))
        case .arrayLength, .arrayUpper, .arrayLower, .cardinality:
            guard case let .array(x) = a[0] else { return .null }
            if f == .cardinality { return .int(Int64(x.items.count)) }
            // One dimension: any other is NULL, as is every bound of an empty array (PostgreSQL's answers).
            guard case .int(1) = a[1], !x.items.isEmpty else { return .null }
            return .int(f == .arrayLower ? 1 : Int64(x.items.count))
        default:
            return nil
        }
    }

    /// `x op ANY (array)` / `x op ALL (array)` with SQL's NULLs: ANY is true when some comparison is true,
    /// else NULL when one was NULL, else false; ALL the other way round. An empty array: ANY false, ALL true.
    static func quantified(_ a: [Value]) -> Value {
        guard case let .array(list) = a[1], case let .string(symbol) = a[2], case let .bool(all) = a[3],
              let op = CompareOp(symbol: symbol) else { return .null }
        var sawNull = false
        for item in list.items {
            switch Kernels.compareValues(op, a[0], item) {
            case .bool(true): if !all { return .bool(true) }
            case .bool(false): if all { return .bool(false) }
            default: sawNull = true
            }
        }
        return sawNull ? .null : .bool(all)
    }

    /// An element brought to another element type (`ARRAY[1, 2]::text[]`, `'{1}'::int8[]`).
    static func convert(_ v: Value, to t: ValueType) throws -> Value {
        if v == .null || v.type == t { return v }
        switch (v, t) {
        case let (.string(s), _): return try ArrayText.value(s, t)
        case let (.int(i), .double): return .double(Double(i))
        case let (.int(i), .int32):
            guard Int32(exactly: i) != nil else { throw QueryError("\(i) is out of range for INTEGER (32-bit)") }
            return v
        case (.int, .int): return v
        case let (.uint(u), .double): return .double(Double(u))
        case let (.bool(b), .int), let (.bool(b), .int32): return .int(b ? 1 : 0)
        case (_, .string): return .string(ArrayText.element(v))
        default: throw QueryError("cannot cast an array element \(v) to \(t)")
        }
    }
}

extension CompareOp {
    /// The operator a quantified comparison names by its symbol.
    init?(symbol: String) {
        switch symbol {
        case "=": self = .eq
        case "<>": self = .ne
        case "<": self = .lt
        case "<=": self = .le
        case ">": self = .gt
        case ">=": self = .ge
        default: return nil
        }
    }
}
