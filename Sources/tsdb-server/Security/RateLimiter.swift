import Foundation

/// Token buckets per client (a token's name, or the client address when anonymous): one for requests,
/// one for lines. A bucket holds one second's worth (at least one) and refills continuously.
///
/// A write may take more lines than the bucket holds: it is let through when the bucket has room for a
/// full second (or for all its lines) and leaves the bucket in debt, so a large batch is neither refused
/// forever nor free; the client waits the debt off.
final class RateLimiter: @unchecked Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    private struct Client {
        var requests: Bucket
        var lines: Bucket
    }

    private let lock = NSLock()
    private var clients: [String: Client] = [:]
    /// Past this many clients, those idle long enough to be full again are forgotten (keeps memory
    /// bounded under many anonymous addresses).
    private let pruneAbove: Int
    private var lastPrune = 0.0

    init(pruneAbove: Int = 10_000) { self.pruneAbove = pruneAbove }

    /// Seconds since an arbitrary start, monotonic.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Takes one request from `key`'s bucket: nil when allowed, else the seconds to wait.
    func admitRequest(_ key: String, _ limits: RateLimits, now: Double = RateLimiter.now()) -> Double? {
        guard limits.requestsPerSecond > 0 else { return nil }
        return take(key, 1, rate: limits.requestsPerSecond, now: now, \.requests)
    }

    /// Takes `count` lines from `key`'s bucket: nil when allowed, else the seconds to wait.
    func admitLines(_ key: String, _ count: Int, _ limits: RateLimits, now: Double = RateLimiter.now()) -> Double? {
        guard limits.linesPerSecond > 0, count > 0 else { return nil }
        return take(key, Double(count), rate: limits.linesPerSecond, now: now, \.lines)
    }

    private func take(_ key: String, _ cost: Double, rate: Double, now: Double, _ which: WritableKeyPath<Client, Bucket>) -> Double? {
        let capacity = max(1, rate)
        return lock.withLock {
            if clients.count > pruneAbove && now - lastPrune > 1 {
                prune(now)
                lastPrune = now
            }
            var client = clients[key] ?? Client(requests: Bucket(tokens: .infinity, updated: now), lines: Bucket(tokens: .infinity, updated: now))
            var b = client[keyPath: which]
            b.tokens = min(capacity, b.tokens + (now - b.updated) * rate)
            b.updated = now
            let needed = min(cost, capacity)
            var wait: Double?
            if b.tokens >= needed {
                b.tokens -= cost
            } else {
                wait = (needed - b.tokens) / rate
            }
            client[keyPath: which] = b
            clients[key] = client
            return wait
        }
    }

    /// Drops clients whose buckets have had time to refill (a minute without requests).
    private func prune(_ now: Double) {
        clients = clients.filter { now - max($0.value.requests.updated, $0.value.lines.updated) < 60 }
    }

    /// The `Retry-After` value for a wait: whole seconds, at least 1.
    static func retryAfter(_ seconds: Double) -> String {
        String(Int(min(max(1, seconds.rounded(.up)), 86_400)))
    }
}
