import Ledger
import SMTP

/// What happens to an e-mail after an attempt: delivered, refused for good, tried again later (exponential
/// backoff), or given up as a dead letter once it has had `maxAttempts` tries or is older than `maxAge`.
///
/// Refused for good means refused *for this message*: a 5xx to its sender, recipient or data, or an address or
/// header the client will not send. A failure of the relay or of the configuration (unreachable, 4xx, wrong
/// password, no STARTTLS where it is required, a certificate not trusted) would fail every message alike and
/// goes away once fixed: it is retried like a 4xx, and becomes a dead letter only when it lasts.
///
/// A pure value, so every rule is tested without a relay or a clock.
public struct MailRetryPolicy: Sendable, Hashable {
    /// The wait after the first failed attempt, in milliseconds; each further failure doubles it.
    public var firstDelay: Int64
    /// The longest wait between two attempts, in milliseconds.
    public var maxDelay: Int64
    /// Attempts before a message that keeps failing transiently becomes a dead letter.
    public var maxAttempts: Int
    /// Age (since the notice was written), in milliseconds, past which a transient failure makes it a dead letter.
    public var maxAge: Int64

    /// 1 minute doubling to at most 2 hours, 12 attempts (about 10 hours of trying), 48 hours at most.
    public init(firstDelay: Int64 = 60_000, maxDelay: Int64 = 7_200_000, maxAttempts: Int = 12, maxAge: Int64 = 48 * 3_600_000) {
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
        self.maxAttempts = maxAttempts
        self.maxAge = maxAge
    }

    /// The wait before attempt `attempts + 1`, after `attempts` failed ones.
    public func delay(afterAttempts attempts: Int) -> Int64 {
        var delay = firstDelay
        for _ in 1..<max(1, attempts) {
            if delay >= maxDelay / 2 { return maxDelay }
            delay *= 2
        }
        return min(delay, maxDelay)
    }

    /// The outcome to record for a message after an attempt that ended in `error` (nil: the relay accepted it).
    ///
    /// - Parameters:
    ///   - attempts: the attempts made before this one.
    ///   - createdAt: when the notice was written; `now`: this attempt's time (ms since 1970).
    public func outcome(of error: SMTPError?, for message: (id: Int64, attempts: Int, createdAt: Int64), now: Int64) -> MailAttemptRecord {
        let attempts = message.attempts + 1
        guard let error else { return MailAttemptRecord(state: .sent, attempts: attempts, nextAttemptAt: now, error: nil) }
        let reason = Self.reason(error)
        if Self.isRefusalOfTheMessage(error) {
            return MailAttemptRecord(state: .failed, attempts: attempts, nextAttemptAt: now, error: reason)
        }
        if attempts >= maxAttempts {
            return MailAttemptRecord(state: .dead, attempts: attempts, nextAttemptAt: now, error: "gave up after \(attempts) attempts: \(reason)")
        }
        if now - message.createdAt >= maxAge {
            return MailAttemptRecord(state: .dead, attempts: attempts, nextAttemptAt: now, error: "gave up, too old: \(reason)")
        }
        return MailAttemptRecord(state: .queued, attempts: attempts, nextAttemptAt: now + delay(afterAttempts: attempts), error: reason)
    }

    /// Whether the error refuses this message for good, rather than saying the relay or the configuration is wrong.
    public static func isRefusalOfTheMessage(_ error: SMTPError) -> Bool {
        switch error.code {
        case .permanentReply:
            switch error.stage {
            case .mailFrom, .rcptTo, .data, .messageData, nil: true
            default: false
            }
        case .invalidAddress, .invalidHeader, .invalidMessageID, .invalidMessage, .messageTooLarge: true
        default: false
        }
    }

    /// An error as the outbox keeps it: the stable code, where, and the relay's reply, at most 500 characters.
    /// Never a body or a credential (the SMTP client puts neither in its errors).
    static func reason(_ error: SMTPError) -> String {
        let text = error.description
        return text.count <= 500 ? text : String(text.prefix(499)) + "…"
    }
}
