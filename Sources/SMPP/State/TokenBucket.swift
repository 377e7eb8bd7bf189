import NIOCore

/// A token bucket, as a value: `ratePerSecond` tokens a second, at most `burst` saved up. The server takes one token
/// per submit_sm / data_sm of a bind and answers ESME_RTHROTTLED when none is left.
public struct TokenBucket: Sendable {
    public let ratePerSecond: Double
    public let burst: Double
    private var tokens: Double
    private var last: NIODeadline

    public init(ratePerSecond: Double, burst: Int, now: NIODeadline) {
        precondition(ratePerSecond > 0 && burst > 0)
        self.ratePerSecond = ratePerSecond
        self.burst = Double(burst)
        self.tokens = Double(burst)
        self.last = now
    }

    /// Takes a token if there is one.
    public mutating func take(now: NIODeadline) -> Bool {
        if now > last {
            let elapsed = Double((now - last).nanoseconds) / 1_000_000_000
            tokens = min(burst, tokens + elapsed * ratePerSecond)
            last = now
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
