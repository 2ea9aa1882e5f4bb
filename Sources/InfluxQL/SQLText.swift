/// Quoting for the SQL text the translator hands to the query engine.
enum SQLText {
    /// A double-quoted identifier.
    static func ident(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// A single-quoted string literal.
    static func string(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    /// A double as SQL text that reads back the same value.
    static func number(_ v: Double) -> String {
        if v.isNaN || v.isInfinite { return "NULL" }
        if v == v.rounded(), abs(v) < 1e15 { return "\(Int64(v)).0" }
        return "\(v)"
    }
}
