/// What one delivery attempt of a queued e-mail ended in, to record on its row.
public struct MailAttemptOutcome: Sendable, Hashable {
    public var id: MailOutboxMessage.ID
    /// `sent`, `failed`, `dead`, or `queued` again (a transient failure with attempts left).
    public var state: MailState
    /// The attempts made so far, this one included.
    public var attempts: Int
    /// When to try again (for `queued`); otherwise the time of this attempt.
    public var nextAttemptAt: Int64
    /// Why it failed (nil when sent).
    public var lastError: String?
    public var at: Int64

    public init(id: MailOutboxMessage.ID, state: MailState, attempts: Int, nextAttemptAt: Int64, lastError: String?, at: Int64) {
        self.id = id
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.at = at
    }
}
