/// A constant written in the query, typed by its spelling.
public enum Literal: Sendable, Hashable {
    case null
    case bool(Bool)
    /// An integer literal; it must fit a BIGINT (`-` in front of a literal is folded into it).
    case int(Int64)
    /// A literal with a decimal point or an exponent (DuckDB reads `1.5` as DECIMAL; here it is a DOUBLE).
    case double(Double)
    case string(String)
    case interval(SQLInterval)
    /// `TIMESTAMP '…'`, as nanoseconds since 1970-01-01 00:00:00 UTC.
    case timestamp(Int64)
}
