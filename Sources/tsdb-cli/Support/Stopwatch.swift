import Foundation

/// Monotonic wall-clock timing.
struct Stopwatch {
    private let start = DispatchTime.now().uptimeNanoseconds

    /// Seconds since the stopwatch started.
    var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// Monotonic seconds (for intervals between two readings).
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Runs `body` and returns its result with the seconds it took.
    static func time<R>(_ body: () throws -> R) rethrows -> (R, Double) {
        let w = Stopwatch()
        let r = try body()
        return (r, w.elapsed)
    }
}

/// Best and median of repeated timings.
struct TimingSummary: Codable {
    var best: Double
    var median: Double
    var runs: Int

    init(_ seconds: [Double]) {
        precondition(!seconds.isEmpty, "BUG: no timings")
        let s = seconds.sorted()
        best = s[0]
        median = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        runs = s.count
    }
}
