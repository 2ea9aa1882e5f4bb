import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What Tab completes in the shell: SQL keywords, functions, dot commands, and the database's table and
/// column names. libedit asks through `generate` (its readline `rl_completion_entry_function`).
enum ShellCompletion {
    static let keywords = [
        "SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "LIMIT", "OFFSET", "AS", "AND", "OR", "NOT",
        "IN", "IS", "NULL", "BETWEEN", "LIKE", "CASE", "WHEN", "THEN", "ELSE", "END", "DISTINCT", "ASC", "DESC",
        "INTERVAL", "WITH", "UNION", "ALL", "SHOW", "TABLES", "DESCRIBE", "EXPLAIN", "TRUE", "FALSE", "CREATE",
        "TABLE", "DROP", "DELETE", "INSERT", "INTO", "VALUES", "CAST",
    ]
    static let functions = [
        "count", "sum", "avg", "min", "max", "approx_count_distinct", "approx_quantile", "first", "last",
        "median", "quantile_cont", "quantile_disc", "arg_max", "arg_min", "max_by", "min_by", "stddev", "stddev_samp",
        "stddev_pop", "variance", "var_samp", "var_pop", "corr", "covar_samp", "covar_pop", "string_agg", "bool_and",
        "bool_or", "time_bucket", "date_trunc", "date_part", "extract", "strftime", "strptime", "make_timestamp",
        "epoch_ms", "epoch", "to_timestamp", "timezone", "now", "abs", "floor", "ceil", "round", "lower", "upper",
        "length", "concat", "coalesce", "greatest", "least", "nullif",
    ]
    static let dotCommands = [
        ".tables", ".schema", ".mode", ".timer", ".maxrows", ".output", ".once", ".read", ".history", ".help",
        ".quit", ".exit",
    ]

    /// Table and column names of the database (set by the shell, refreshed after statements).
    nonisolated(unsafe) static var names: [String] = []
    nonisolated(unsafe) private static var matches: [String] = []
    nonisolated(unsafe) private static var next = 0

    /// The candidates for `word`: case-insensitive prefix matches; keywords in the case the word was typed in.
    static func candidates(for word: String) -> [String] {
        let lower = word.lowercased()
        if word.hasPrefix(".") { return dotCommands.filter { $0.hasPrefix(lower) } }
        guard !word.isEmpty else { return [] }
        let typedLower = word == lower
        var out: [String] = []
        var seen = Set<String>()
        func add(_ s: String) { if seen.insert(s).inserted { out.append(s) } }
        for n in names where n.lowercased().hasPrefix(lower) { add(n) }
        for f in functions where f.hasPrefix(lower) { add(f) }
        for k in keywords where k.lowercased().hasPrefix(lower) { add(typedLower ? k.lowercased() : k) }
        return out
    }

    /// readline's generator protocol: state 0 starts a completion, each call returns the next match
    /// (malloc'ed; libedit frees it) or nil.
    static let generate: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { text, state in
        if state == 0 {
            ShellCompletion.matches = ShellCompletion.candidates(for: text.map { String(cString: $0) } ?? "")
            ShellCompletion.next = 0
        }
        guard ShellCompletion.next < ShellCompletion.matches.count else { return nil }
        defer { ShellCompletion.next += 1 }
        return strdup(ShellCompletion.matches[ShellCompletion.next])
    }
}
