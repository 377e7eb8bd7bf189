/// How hard to try a provider call: attempts, per-attempt timeout, exponential backoff with jitter,
/// and an overall deadline that bounds how long a USSD session waits.
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public var attemptTimeout: Duration
    /// Delay before the second attempt; doubles each time, up to `maxDelay`.
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// The whole call, retries included, ends by then; a retry that would start after it is not made.
    public var deadline: Duration

    public init(
        maxAttempts: Int = 4, attemptTimeout: Duration = .seconds(2), baseDelay: Duration = .milliseconds(100),
        maxDelay: Duration = .seconds(1), deadline: Duration = .seconds(6)
    ) {
        self.maxAttempts = maxAttempts
        self.attemptTimeout = attemptTimeout
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.deadline = deadline
    }

    /// The pause before attempt `attempt + 1` (attempt counts from 1): "equal jitter", half fixed and
    /// half random, so that callers that failed together do not retry together.
    public func delay(after attempt: Int, random: inout some RandomNumberGenerator) -> Duration {
        let exponent = min(max(attempt - 1, 0), 20)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        let half = ceiling / 2
        let jitterNanos = Self.nanoseconds(half)
        let extra = jitterNanos > 0 ? Int64.random(in: 0...jitterNanos, using: &random) : 0
        return half + .nanoseconds(extra)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
