/// How many e-mails wait or are stuck in the mail outbox, by state. Delivered ones are not counted (they only
/// grow; the dispatcher counts deliveries as it makes them).
public struct MailOutboxCounts: Sendable, Hashable {
    /// Queued and never attempted.
    public var queued: Int
    /// Queued again after a transient failure.
    public var retrying: Int
    /// Refused for good by the relay.
    public var failed: Int
    /// Dead letters: out of attempts or too old.
    public var dead: Int

    public init(queued: Int = 0, retrying: Int = 0, failed: Int = 0, dead: Int = 0) {
        self.queued = queued
        self.retrying = retrying
        self.failed = failed
        self.dead = dead
    }
}
