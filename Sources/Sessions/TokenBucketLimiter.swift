import Synchronization

/// Token buckets per key (an MSISDN, a client address): `capacity` requests at once, refilled at
/// `refillPerSecond`. Answers how long to wait when a bucket is empty.
public final class TokenBucketLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let capacity: Double
    private let refillPerSecond: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(capacity: Int, refillPerSecond: Double) {
        precondition(capacity > 0 && refillPerSecond > 0)
        self.capacity = Double(capacity)
        self.refillPerSecond = refillPerSecond
    }

    /// Forgets `key`'s bucket: its next request finds a full one (the demo reset).
    public func reset(_ key: String) {
        _ = buckets.withLock { $0.removeValue(forKey: key) }
    }

    /// Takes one token for `key`; nil if granted, else the whole seconds to wait before retrying.
    public func take(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(capacity, bucket.tokens + seconds * refillPerSecond)
            bucket.updated = now
            defer {
                buckets[key] = bucket
                // Keep memory bounded under a flood of distinct keys: full buckets carry no information.
                if buckets.count > 100_000 { buckets = buckets.filter { $0.value.tokens < capacity } }
            }
            guard bucket.tokens >= 1 else {
                return Int(((1 - bucket.tokens) / refillPerSecond).rounded(.up))
            }
            bucket.tokens -= 1
            return nil
        }
    }
}
