extension Expr: CustomStringConvertible {
    /// The expression as SQL, with only the parentheses its meaning needs; it parses back to an equal `Expr`.
    public var description: String {
        switch kind {
        case .column(let table, let name):
            if let table { return SQLIdentifier.quoted(table) + "." + SQLIdentifier.quoted(name) }
            return SQLIdentifier.quoted(name)
        case .literal(let literal):
            return literal.description
        case .unary(.not, let operand):
            return "NOT " + operand.printed(atLeast: Precedence.not)
        case .unary(let op, let operand):
            let text = operand.printed(atLeast: Precedence.unary)
            // `- -x` must not become the comment `--x`.
            return op.rawValue + (text.hasPrefix("-") || text.hasPrefix("+") ? " " : "") + text
        case .binary(let op, let left, let right):
            let leftMinimum = op.isComparison ? op.precedence + 1 : op.precedence
            return left.printed(atLeast: leftMinimum) + " " + op.rawValue + " "
                + right.printed(atLeast: op.precedence + 1)
        case .function(let call):
            var text = SQLIdentifier.quoted(call.name) + "("
            if call.star {
                text += "*"
            } else {
                if call.distinct { text += "DISTINCT " }
                text += call.arguments.map(\.description).joined(separator: ", ")
            }
            return text + ")" + (call.filter.map { " FILTER (WHERE \($0.description))" } ?? "")
        case .caseWhen(let caseExpr):
            var text = "CASE"
            if let operand = caseExpr.operand { text += " " + operand.description }
            for branch in caseExpr.branches {
                text += " WHEN \(branch.when) THEN \(branch.then)"
            }
            if let otherwise = caseExpr.otherwise { text += " ELSE \(otherwise)" }
            return text + " END"
        case .inList(let value, let list, let negated):
            return value.printed(atLeast: Precedence.inBetweenLike + 1) + (negated ? " NOT IN (" : " IN (")
                + list.map(\.description).joined(separator: ", ") + ")"
        case .between(let value, let low, let high, let negated):
            return value.printed(atLeast: Precedence.inBetweenLike + 1) + (negated ? " NOT BETWEEN " : " BETWEEN ")
                + low.printed(atLeast: Precedence.inBetweenLike + 1) + " AND "
                + high.printed(atLeast: Precedence.inBetweenLike + 1)
        case .like(let value, let pattern, let caseInsensitive, let negated):
            let op = (negated ? " NOT " : " ") + (caseInsensitive ? "ILIKE " : "LIKE ")
            return value.printed(atLeast: Precedence.inBetweenLike + 1) + op
                + pattern.printed(atLeast: Precedence.inBetweenLike + 1)
        case .isNull(let value, let negated):
            return value.printed(atLeast: Precedence.is + 1) + (negated ? " IS NOT NULL" : " IS NULL")
        case .isBool(let value, let truth, let negated):
            return value.printed(atLeast: Precedence.is + 1) + (negated ? " IS NOT " : " IS ")
                + (truth ? "TRUE" : "FALSE")
        case .cast(let value, let type):
            return "CAST(\(value) AS \(type))"
        case .subquery(let query):
            return "(\(query))"
        case .exists(let query, let negated):
            return (negated ? "NOT EXISTS (" : "EXISTS (") + query.description + ")"
        case .window(let call, let spec):
            var text = Expr(.function(call), at: position).description + " OVER ("
            var parts: [String] = []
            if !spec.partitionBy.isEmpty { parts.append("PARTITION BY " + spec.partitionBy.map(\.description).joined(separator: ", ")) }
            if !spec.orderBy.isEmpty { parts.append("ORDER BY " + spec.orderBy.map(\.description).joined(separator: ", ")) }
            if let f = spec.frame {
                func bound(_ b: WindowFrame.Bound) -> String {
                    switch b {
                    case .unboundedPreceding: "UNBOUNDED PRECEDING"
                    case .preceding(let n): "\(n) PRECEDING"
                    case .currentRow: "CURRENT ROW"
                    case .following(let n): "\(n) FOLLOWING"
                    case .precedingInterval(let i): "INTERVAL '\(i)' PRECEDING"
                    case .followingInterval(let i): "INTERVAL '\(i)' FOLLOWING"
                    case .unboundedFollowing: "UNBOUNDED FOLLOWING"
                    }
                }
                parts.append("\(f.unit.rawValue) BETWEEN \(bound(f.start)) AND \(bound(f.end))")
            }
            text += parts.joined(separator: " ") + ")"
            return text
        case .inSubquery(let value, let query, let negated):
            return value.printed(atLeast: Precedence.inBetweenLike + 1) + (negated ? " NOT IN (" : " IN (") + query.description + ")"
        case .array(let items):
            return "ARRAY[" + items.map(\.description).joined(separator: ", ") + "]"
        case .arraySubquery(let query):
            return "ARRAY(\(query))"
        case .quantified(let op, let value, let array, let all):
            return value.printed(atLeast: op.precedence + 1) + " " + op.rawValue + (all ? " ALL (" : " ANY (") + array.description + ")"
        case .subscript(let array, let index):
            return array.printed(atLeast: Precedence.atom) + "[" + index.description + "]"
        case .arrayCast(let value, let type):
            return "CAST(\(value) AS \(type)[])"
        case .field(let value, let name):
            return "(" + value.description + ")." + SQLIdentifier.quoted(name)
        }
    }

    /// How tightly the printed form binds, to decide where parentheses go.
    var printPrecedence: Int {
        switch kind {
        case .column, .function, .caseWhen, .cast, .subquery, .window, .array, .arraySubquery, .subscript, .arrayCast, .field:
            return Precedence.atom
        case .quantified(let op, _, _, _): return op.precedence
        case .exists(_, let negated): return negated ? Precedence.not : Precedence.atom
        case .inSubquery: return Precedence.inBetweenLike
        case .literal(.int(let value)): return value < 0 ? Precedence.unary : Precedence.atom
        case .literal(.double(let value)): return value.sign == .minus ? Precedence.unary : Precedence.atom
        case .literal: return Precedence.atom
        case .unary(.not, _): return Precedence.not
        case .unary: return Precedence.unary
        case .binary(let op, _, _): return op.precedence
        case .inList, .between, .like: return Precedence.inBetweenLike
        case .isNull, .isBool: return Precedence.is
        }
    }

    /// The SQL text, parenthesized if it binds looser than `minimum`.
    func printed(atLeast minimum: Int) -> String {
        printPrecedence < minimum ? "(" + description + ")" : description
    }
}

extension Literal: CustomStringConvertible {
    /// The literal as SQL.
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .bool(let value): return value ? "TRUE" : "FALSE"
        case .int(let value): return String(value)
        case .double(let value):
            // Swift prints the shortest text that reads back to the same Double, always with '.' or 'e'.
            return value.isFinite ? String(value) : "CAST('\(value)' AS DOUBLE)"
        case .string(let value): return SQLIdentifier.stringLiteral(value)
        case .interval(let value): return "INTERVAL '\(value)'"
        case .timestamp(let value): return "TIMESTAMP '\(SQLTimestamp.format(value))'"
        }
    }
}
