/// Binding arrays: `ARRAY[…]`, `x op ANY|ALL (a)`, `a[i]`, `x::type[]`, array comparison and the array
/// functions. A string where an array is expected (`'{0}'`, a catalog column holding array text) is
/// read as PostgreSQL's array text of the element type the other side needs.
extension Binder {
    func bindArray(_ e: Expr) throws -> BoundExpr {
        let p = e.position
        switch e.kind {
        case let .array(items):
            guard !items.isEmpty else {
                throw QueryError("cannot determine the type of an empty array: write ARRAY[]::type[]", at: p)
            }
            let bound = try items.map(bind)
            var t = ValueType.null
            for b in bound { t = try Self.commonType(t, b.type, p) }
            if t == .null { t = .string }
            guard !t.isArray, t != .interval else { throw QueryError("arrays of \(t) are not supported", at: p) }
            let coerced = try bound.map { try coerce($0, to: t, p) }
            if let values = Optional(coerced.compactMap(\.constantValue)), values.count == coerced.count {
                return .constant(.array(ArrayValue(element: t, items: values)))
            }
            return .scalar(.arrayValue, coerced, .array(t))
        case let .quantified(op, x, a, all):
            let value = try bind(x)
            var array = try bind(a)
            let element: ValueType
            if case let .array(el) = array.type {
                element = el
            } else {
                element = value.type == .null ? .string : value.type
                array = try arrayFromText(array, element, p)
            }
            let t = try Self.commonType(value.type, element, p)
            if element != t { array = try castElements(array, t, p) }
            let symbol: String
            switch op {
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: symbol = op.rawValue
            default: throw QueryError("\(op.rawValue) \(all ? "ALL" : "ANY") needs a comparison operator", at: p)
            }
            return .scalar(.arrayQuantified, [try coerce(value, to: t, p), array, .constant(.string(symbol)), .constant(.bool(all))], .bool)
        case let .subscript(a, i):
            var array = try bind(a)
            if array.type == .null { return .constant(.null) }
            // Array text (a catalog column such as pg_publication_rel.prattrs) is read as text[].
            if array.type == .string { array = try arrayFromText(array, .string, p) }
            guard case let .array(element) = array.type else { throw QueryError("cannot subscript \(array.type): it is not an array", at: p) }
            let index = try bind(i)
            guard index.type.isSignedInteger || index.type == .null else { throw QueryError("an array subscript must be an integer, got \(index.type)", at: i.position) }
            return .scalar(.arraySubscript, [array, try coerce(index, to: .int, p)], element)
        case let .arrayCast(x, type):
            let element = try Self.elementType(type, p)
            if case let .array(items) = x.kind, items.isEmpty { return .constant(.array(ArrayValue(element: element, items: []))) }
            let b = try bind(x)
            switch b.type {
            case .array: return try castElements(b, element, p)
            case .string, .null: return try arrayFromText(b, element, p)
            default: throw QueryError("cannot cast \(b.type) to \(type)[]", at: p)
            }
        case let .field(x, name):
            let record = try bind(x)
            if record.type == .null { return .constant(.null) }
            guard case let .record(t) = record.type else { throw QueryError("cannot take field '\(name)' of \(record.type): it is not a record", at: p) }
            guard let k = t.field(name) else {
                throw QueryError("the record has no field '\(name)' (it has \(t.names.joined(separator: ", ")))", at: p)
            }
            return .scalar(.recordField, [record, .constant(.int(Int64(k)))], t.types[k])
        default:
            throw QueryError("internal error: not an array expression", at: p)
        }
    }

    /// The element type of `type[]`.
    static func elementType(_ type: SQLType, _ p: SourcePosition) throws -> ValueType {
        switch type {
        case .boolean: .bool
        case .integer: .int32
        case .bigint, .oid: .int
        case .ubigint: .uint
        case .real, .double: .double
        case .varchar: .string
        case .timestamp: .time
        case .date, .interval, .regclass, .regtype, .regnamespace: throw QueryError("arrays of \(type) are not supported", at: p)
        }
    }

    /// A string read as PostgreSQL's array text (`{1,2}`) of `element`: folded now when it is a constant.
    func arrayFromText(_ b: BoundExpr, _ element: ValueType, _ p: SourcePosition) throws -> BoundExpr {
        switch b.type {
        case .null: return .cast(.constant(.null), .array(element))
        case .string: break
        default: throw QueryError("expected an array, got \(b.type)", at: p)
        }
        if case let .constant(.string(s)) = b {
            do { return .constant(.array(try ArrayText.parse(s, element: element))) } catch let error as QueryError { throw QueryError(error.message, at: p) }
        }
        return .scalar(.arrayFromText, [b], .array(element))
    }

    /// An array with its elements brought to `element`.
    func castElements(_ b: BoundExpr, _ element: ValueType, _ p: SourcePosition) throws -> BoundExpr {
        if b.type == .array(element) { return b }
        if case let .constant(.array(a)) = b {
            do {
                return .constant(.array(ArrayValue(element: element, items: try a.items.map { try ArrayFunctions.convert($0, to: element) })))
            } catch let error as QueryError { throw QueryError(error.message, at: p) }
        }
        return .scalar(.arrayElements, [b], .array(element))
    }

    /// `a = b` and `a <> b` between arrays (a string on one side is read as the other's array text).
    func compareArrays(_ op: CompareOp, _ l: BoundExpr, _ r: BoundExpr, _ p: SourcePosition) throws -> BoundExpr {
        guard op == .eq || op == .ne else { throw QueryError("arrays can be compared only with = and <>", at: p) }
        var l = l, r = r
        if case let .array(e) = l.type, !r.type.isArray { r = try arrayFromText(r, e, p) }
        if case let .array(e) = r.type, !l.type.isArray { l = try arrayFromText(l, e, p) }
        guard case let .array(a) = l.type, case let .array(b) = r.type else { return .constant(.null) }
        let t = try Self.commonType(a, b, p)
        let eq = BoundExpr.scalar(.arrayEquals, [try castElements(l, t, p), try castElements(r, t, p)], .bool)
        return op == .eq ? eq : .not(eq)
    }

    func arrayFunction(_ name: String, _ args: [BoundExpr], _ p: SourcePosition) throws -> BoundExpr {
        func arity(_ n: ClosedRange<Int>) throws {
            guard n.contains(args.count) else { throw QueryError("\(name)() takes \(n.lowerBound == n.upperBound ? "\(n.lowerBound)" : "\(n.lowerBound)–\(n.upperBound)") argument(s), got \(args.count)", at: p) }
        }
        /// The first argument as an array (array text read as text[]).
        func array() throws -> BoundExpr {
            if args[0].type.isArray { return args[0] }
            return try arrayFromText(args[0], .string, p)
        }
        switch name {
        case "array_to_string":
            try arity(2...3)
            let rest = try args.dropFirst().map { try coerce($0, to: .string, p) }
            return .scalar(.arrayToString, [try array()] + rest, .string)
        case "cardinality":
            try arity(1...1)
            return .scalar(.cardinality, [try array()], .int)
        case "current_schemas":
            // The search path: pg_catalog is on it implicitly, shown when asked for (true).
            try arity(1...1)
            guard case let .constant(.bool(implicit)) = args[0] else { throw QueryError("current_schemas() needs a constant boolean", at: p) }
            let names: [Value] = (implicit ? ["pg_catalog", "public"] : ["public"]).map { .string($0) }
            return .constant(.array(ArrayValue(element: .string, items: names)))
        default:
            try arity(2...2)
            let f: ScalarFunction = name == "array_length" ? .arrayLength : name == "array_upper" ? .arrayUpper : .arrayLower
            return .scalar(f, [try array(), try coerce(args[1], to: .int, p)], .int)
        }
    }
}
