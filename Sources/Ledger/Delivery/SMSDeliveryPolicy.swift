/// How long and how often the ledger keeps trying to get a receipt SMS to a phone through an SMSC that reports
/// delivery: a failed message is retried with exponential backoff while attempts remain and its validity lasts.
public struct SMSDeliveryPolicy: Sendable, Hashable {
    /// Submissions of one message, the first included.
    public var maxAttempts: Int
    /// The wait before the second attempt; each later one waits twice as long, up to `maximumBackoff`.
    public var backoff: Duration
    public var maximumBackoff: Duration
    /// How long after it was written a message may still reach the phone: a retry that would go out later is not
    /// made, and the SMSC is told the remaining time as the `submit_sm` validity period.
    public var validity: Duration
    /// How long past its validity a submitted message waits for a receipt before it is counted expired without one.
    public var receiptWait: Duration

    public init(
        maxAttempts: Int = 3, backoff: Duration = .seconds(60), maximumBackoff: Duration = .seconds(1800), validity: Duration = .seconds(86_400),
        receiptWait: Duration = .seconds(3600)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.backoff = backoff
        self.maximumBackoff = max(backoff, maximumBackoff)
        self.validity = validity
        self.receiptWait = receiptWait
    }

    /// The wait after failed attempt number `attempt` (1 for the first submission).
    public func backoff(after attempt: Int) -> Duration {
        var wait = backoff
        for _ in 1..<max(1, attempt) {
            wait = wait * 2
            if wait >= maximumBackoff { return maximumBackoff }
        }
        return min(wait, maximumBackoff)
    }

    /// `duration` in whole milliseconds, the ledger's unit of time.
    public static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
