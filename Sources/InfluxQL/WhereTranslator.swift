import Foundation

/// A WHERE clause as SQL for the engine, and the time range it bounds (for GROUP BY time's buckets).
struct WhereTranslator {
    let relation: Relation
    let now: Int64

    /// The time range the top-level AND terms bound: (first, last) nanoseconds, both inclusive.
    func bounds(_ e: InfluxExpr?) -> (lower: Int64?, upper: Int64?) {
        var lower: Int64?, upper: Int64?
        func visit(_ e: InfluxExpr) {
            switch e {
            case .paren(let inner): visit(inner)
            case .binary(.and, let a, let b): visit(a); visit(b)
            case .binary(let op, let l, let r):
                guard let (op2, other) = timeComparison(op, l, r), let v = TimeLiteral.evaluate(other, now: now) else { return }
                switch op2 {
                case .gte: lower = max(lower ?? .min, v)
                case .gt: lower = max(lower ?? .min, v == .max ? v : v + 1)
                case .lte: upper = min(upper ?? .max, v)
                case .lt: upper = min(upper ?? .max, v == .min ? v : v - 1)
                case .eq: lower = max(lower ?? .min, v); upper = min(upper ?? .max, v)
                default: break
                }
            default: break
            }
        }
        if let e { visit(e) }
        return (lower, upper)
    }

    /// `time op x` (or `x op time`, flipped): the operator as if time stood left, and x.
    private func timeComparison(_ op: InfluxBinaryOp, _ l: InfluxExpr, _ r: InfluxExpr) -> (InfluxBinaryOp, InfluxExpr)? {
        if isTime(l) { return (op, r) }
        if isTime(r) {
            let flipped: InfluxBinaryOp = switch op {
            case .lt: .gt
            case .lte: .gte
            case .gt: .lt
            case .gte: .lte
            default: op
            }
            return (flipped, l)
        }
        return nil
    }

    private func isTime(_ e: InfluxExpr) -> Bool {
        if case .ref(let n, _) = e, n.lowercased() == "time" { return true }
        return false
    }

    /// The condition as SQL.
    func sql(_ e: InfluxExpr) throws(InfluxQLError) -> String {
        switch e {
        case .paren(let inner): return "(" + (try sql(inner)) + ")"
        case .binary(.and, let a, let b): return "(\(try sql(a)) AND \(try sql(b)))"
        case .binary(.or, let a, let b): return "(\(try sql(a)) OR \(try sql(b)))"
        case .bool(let v): return v ? "TRUE" : "FALSE"
        case .binary(let op, let l, let r) where [.eq, .neq, .lt, .lte, .gt, .gte, .match, .notMatch].contains(op):
            return try comparison(op, l, r)
        case .ref(let name, _) where relation.fields[name] == .bool:
            return SQLText.ident(name)
        default:
            throw InfluxQLError("invalid condition \(InfluxQLPrinter.text(e))")
        }
    }

    private func comparison(_ op: InfluxBinaryOp, _ l: InfluxExpr, _ r: InfluxExpr) throws(InfluxQLError) -> String {
        if let (op2, other) = timeComparison(op, l, r) {
            guard let v = TimeLiteral.evaluate(other, now: now) else {
                throw InfluxQLError("invalid time comparison: \(InfluxQLPrinter.text(.binary(op, l, r)))")
            }
            let sqlOp = op2 == .neq ? "<>" : op2.rawValue
            return relation.compareTime(sqlOp, v)
        }
        // name op literal, or literal op name (flipped).
        var name: String, value: InfluxExpr, o = op
        if case .ref(let n, _) = l { name = n; value = r }
        else if case .ref(let n, _) = r {
            name = n; value = l
            o = switch op { case .lt: .gt; case .lte: .gte; case .gt: .lt; case .gte: .lte; default: op }
        } else {
            throw InfluxQLError("invalid condition \(InfluxQLPrinter.text(.binary(op, l, r)))")
        }
        if case .paren(let inner) = value { value = inner }
        if relation.tags.contains(name) || relation.fields[name] == nil {
            return try tagComparison(name, known: relation.tags.contains(name), o, value)
        }
        let column = SQLText.ident(name)
        let type = relation.fields[name]!
        if case .regex(let pattern) = value {
            // Only string fields match a regex; a point without the field matches neither =~ nor !~
            // (the engine's NULL), as in InfluxDB.
            guard type == .string, o == .match || o == .notMatch else { return "FALSE" }
            _ = try regex(pattern)
            let match = "regexp_matches(\(column), \(SQLText.string(pattern)))"
            return o == .match ? match : "(NOT \(match))"
        }
        let literal: String
        switch value {
        case .integer(let v): literal = type == .string || type == .bool ? "" : "\(v)"
        case .number(let v): literal = type == .string || type == .bool ? "" : SQLText.number(v)
        case .string(let s): literal = type == .string ? SQLText.string(s) : ""
        case .bool(let b): literal = type == .bool ? (b ? "TRUE" : "FALSE") : ""
        default: throw InfluxQLError("invalid condition \(InfluxQLPrinter.text(.binary(op, l, r)))")
        }
        // A literal of another type than the field's never matches, as in InfluxDB.
        guard !literal.isEmpty else { return "FALSE" }
        let sqlOp = o == .neq ? "<>" : o.rawValue
        return "\(column) \(sqlOp) \(literal)"
    }

    /// A tag compared with a string or regex. A series without the tag has the empty value, as in InfluxDB.
    private func tagComparison(_ name: String, known: Bool, _ op: InfluxBinaryOp, _ value: InfluxExpr) throws(InfluxQLError) -> String {
        let column = SQLText.ident(name)
        switch (op, value) {
        case (.eq, .string(let s)), (.neq, .string(let s)):
            let equal: String
            if !known { equal = s.isEmpty ? "TRUE" : "FALSE" }
            else if s.isEmpty { equal = "(\(column) IS NULL OR \(column) = '')" }
            else { equal = "\(column) = \(SQLText.string(s))" }
            if op == .eq { return equal }
            if !known { return s.isEmpty ? "FALSE" : "TRUE" }
            return s.isEmpty ? "(\(column) IS NOT NULL AND \(column) <> '')" : "(\(column) IS NULL OR \(column) <> \(SQLText.string(s)))"
        case (.match, .regex(let pattern)), (.notMatch, .regex(let pattern)):
            let re = try regex(pattern)
            let values = known ? relation.tagValues(name) : []
            let hits = values.filter { Self.matches(re, $0) }
            let emptyMatches = Self.matches(re, "")
            var terms: [String] = []
            if !hits.isEmpty { terms.append("\(column) IN (\(hits.map(SQLText.string).joined(separator: ", ")))") }
            if emptyMatches { terms.append(known ? "\(column) IS NULL" : "TRUE") }
            let match = terms.isEmpty ? "FALSE" : "(" + terms.joined(separator: " OR ") + ")"
            if op == .match { return match }
            if match == "FALSE" { return "TRUE" }
            return known && !emptyMatches ? "((NOT \(match)) OR \(column) IS NULL)" : "(NOT \(match))"
        case (.lt, .string), (.lte, .string), (.gt, .string), (.gte, .string):
            guard known, case .string(let s) = value else { return "FALSE" }
            return "\(column) \(op.rawValue) \(SQLText.string(s))"
        default:
            // A number compared with a tag (or an unknown name): InfluxDB matches nothing.
            return "FALSE"
        }
    }

    /// Compiles a Go (RE2) regex with ICU's engine; the common syntax is the same.
    func regex(_ pattern: String) throws(InfluxQLError) -> NSRegularExpression {
        do { return try NSRegularExpression(pattern: pattern) } catch {
            throw InfluxQLError("invalid regular expression /\(pattern)/")
        }
    }

    /// True when `re` matches anywhere in `s` (Go's MatchString).
    static func matches(_ re: NSRegularExpression, _ s: String) -> Bool {
        re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }
}
