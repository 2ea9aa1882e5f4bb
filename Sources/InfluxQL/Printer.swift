/// InfluxQL text of an expression, for error messages.
enum InfluxQLPrinter {
    static func text(_ e: InfluxExpr) -> String {
        switch e {
        case .ref(let n, let hint): return quoteIfNeeded(n) + (hint.map { "::" + $0 } ?? "")
        case .wildcard: return "*"
        case .regex(let r): return "/\(r)/"
        case .call(let f, let args): return f + "(" + args.map(text).joined(separator: ", ") + ")"
        case .integer(let v): return "\(v)"
        case .number(let v): return "\(v)"
        case .string(let s): return "'" + s.replacingOccurrences(of: "'", with: "\\'") + "'"
        case .bool(let b): return b ? "true" : "false"
        case .duration(let v): return "\(v)ns"
        case .now: return "now()"
        case .binary(let op, let l, let r): return "\(text(l)) \(op.rawValue) \(text(r))"
        case .paren(let inner): return "(" + text(inner) + ")"
        }
    }

    static func quoteIfNeeded(_ s: String) -> String {
        let plain = !s.isEmpty && s.utf8.allSatisfy { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A || $0 == 0x5F || ($0 >= 0x30 && $0 <= 0x39) }
            && !(s.utf8.first! >= 0x30 && s.utf8.first! <= 0x39)
        return plain ? s : "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
