/// What went wrong reading or writing a Parquet file.
public enum ParquetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not a valid Parquet file (the message says where and why).
    case corrupt(String)
    /// A valid file using something tsdb does not read (an encoding, codec or nested type).
    case unsupported(String)
    /// An operating-system or compression-library failure.
    case io(String)

    public var description: String {
        switch self {
        case .corrupt(let m): "corrupt Parquet file: \(m)"
        case .unsupported(let m): "unsupported Parquet feature: \(m)"
        case .io(let m): m
        }
    }
}
