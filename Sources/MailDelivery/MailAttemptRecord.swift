import Ledger

/// What to write on a message's row after an attempt (see ``MailRetryPolicy/outcome(of:for:now:)``).
public struct MailAttemptRecord: Sendable, Hashable {
    public let state: MailState
    public let attempts: Int
    public let nextAttemptAt: Int64
    public let error: String?

    public init(state: MailState, attempts: Int, nextAttemptAt: Int64, error: String?) {
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.error = error
    }
}
