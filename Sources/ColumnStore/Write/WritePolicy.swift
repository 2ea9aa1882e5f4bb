/// How a write treats rows the store refuses, and how long it waits for room.
///
/// Passed to `Database.write(_:policy:)`, the one place that decides what storage accepts; the HTTP and
/// TCP fronts and `tsdb-cli ingest` all write through it, so they accept the same rows.
public struct WritePolicy: Sendable, Equatable {
    /// What a rejected row does to the rest of the write.
    public enum Atomicity: Sendable, Equatable {
        /// Rows the store accepts are written; the others are returned as rejections (InfluxDB's
        /// partial-write semantics).
        case partial
        /// Every row is written or none is: one rejected row rejects the write, and the rejections say why.
        case allOrNothing
    }

    public var atomicity: Atomicity
    /// Seconds a write may wait for room while flushing lags behind (`DatabaseOptions.maxUnflushedBytes`);
    /// then it throws `StorageError.overloaded` having written nothing. `.infinity` waits as long as it takes.
    public var roomTimeout: Double

    public init(atomicity: Atomicity = .partial, roomTimeout: Double = .infinity) {
        self.atomicity = atomicity
        self.roomTimeout = roomTimeout
    }

    /// Partial writes, waiting for room as long as it takes.
    public static let partial = WritePolicy()
}
