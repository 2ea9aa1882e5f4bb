import ColumnStore
import LineProtocol

/// The `precision=` of a write: a fixed unit, or InfluxDB 3's `auto` (guessed from each timestamp's magnitude).
enum TimestampPrecision: Sendable, Equatable {
    case fixed(Precision)
    case auto

    /// Parses a precision name of any InfluxDB version: `ns n us u µs ms s`, and 3.x's
    /// `nanosecond microsecond millisecond second auto`.
    init?(parameter: String) {
        switch parameter {
        case "auto": self = .auto
        case "nanosecond": self = .fixed(.ns)
        case "microsecond": self = .fixed(.us)
        case "millisecond": self = .fixed(.ms)
        case "second": self = .fixed(.s)
        default:
            guard let p = Precision(parameter: parameter) else { return nil }
            self = .fixed(p)
        }
    }

    /// The unit the parser reads timestamps in (`auto` reads nanoseconds, then `rescale` fixes them).
    var parserPrecision: Precision {
        if case let .fixed(p) = self { return p }
        return .ns
    }

    /// For `auto`: scales timestamps read as nanoseconds by their magnitude, as InfluxDB 3 does:
    /// below 5e9 seconds, below 5e12 milliseconds, below 5e15 microseconds, else nanoseconds.
    /// (Lines without a timestamp got the receive time in ns, which is left alone.)
    static func rescaleAuto(_ batches: inout [WriteBatch]) {
        for b in batches.indices {
            batches[b].time.withUnsafeMutableBufferPointer { t in
                for i in t.indices {
                    let v = t[i]
                    let m = v.magnitude
                    if m < 5_000_000_000 {
                        t[i] = v &* 1_000_000_000
                    } else if m < 5_000_000_000_000 {
                        t[i] = v &* 1_000_000
                    } else if m < 5_000_000_000_000_000 {
                        t[i] = v &* 1_000
                    }
                }
            }
        }
    }
}
