/// When a write is acknowledged relative to its WAL record reaching the disk.
public enum Durability: Sendable, Equatable {
    /// fsync before acknowledging each write; concurrent writers share one fsync (group commit). The default.
    case batch
    /// fsync in the background every `milliseconds`; a crash may lose that much acknowledged data.
    case interval(milliseconds: Int)
    /// never fsync the WAL (the OS writes it back); a machine crash may lose recent writes, a process crash does not.
    case none

    /// Parses `batch`, `interval`, `interval:250` (ms) or `none`.
    public init?(parsing s: String) {
        switch s {
        case "batch": self = .batch
        case "none": self = .none
        case "interval": self = .interval(milliseconds: 100)
        default:
            if s.hasPrefix("interval:"), let ms = Int(s.dropFirst(9)), ms > 0 { self = .interval(milliseconds: ms) } else { return nil }
        }
    }
}
