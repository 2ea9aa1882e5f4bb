/// The unit of line-protocol timestamps in a request; the parser scales them to nanoseconds.
public enum Precision: String, Sendable, CaseIterable {
    case ns, us, ms, s

    /// Nanoseconds in one unit.
    @inlinable public var nanosecondsPerUnit: Int64 {
        switch self {
        case .ns: 1
        case .us: 1_000
        case .ms: 1_000_000
        case .s: 1_000_000_000
        }
    }

    /// Parses an HTTP `precision=` value: `ns us ms s`, and InfluxDB 1.x's `n u` (also `µs`).
    public init?(parameter: String) {
        switch parameter {
        case "ns", "n": self = .ns
        case "us", "u", "µs": self = .us
        case "ms": self = .ms
        case "s": self = .s
        default: return nil
        }
    }
}
