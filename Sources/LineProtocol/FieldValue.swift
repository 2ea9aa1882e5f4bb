/// A parsed field value; a string is a slice of the input (unescape it only when `hasEscapes`).
public enum FieldValue {
    /// `123i`
    case int(Int64)
    /// `123u`
    case uint(UInt64)
    /// `1.5`, `-2`, `3e-05` (the default for a bare number)
    case float(Double)
    /// `t T true True TRUE f F false False FALSE`
    case bool(Bool)
    /// `"…"`: the bytes between the quotes, with `\"` and `\\` escapes.
    case string(LineSlice)
}
