/// Requests and lines per second one client may send (0: unlimited).
struct RateLimits: Sendable, Equatable {
    var requestsPerSecond: Double = 0
    var linesPerSecond: Double = 0

    /// A token's own limits, each replacing the server default when set.
    struct Override: Sendable, Equatable {
        var requestsPerSecond: Double?
        var linesPerSecond: Double?
    }

    /// These defaults with `o`'s values where it has them.
    func applying(_ o: Override) -> RateLimits {
        RateLimits(requestsPerSecond: o.requestsPerSecond ?? requestsPerSecond, linesPerSecond: o.linesPerSecond ?? linesPerSecond)
    }

    var isUnlimited: Bool { requestsPerSecond <= 0 && linesPerSecond <= 0 }
}
