/// A tracked message as a receipt finds it, read in the job that records the receipt: what the rules need to
/// decide the message's state.
public struct OutboxDeliveryRow: Sendable, Hashable {
    public let id: OutboxMessage.ID
    /// Nil for a message handed to a front without receipts.
    public let state: SMSDeliveryState?
    /// Submissions so far.
    public let attempts: Int
    public let createdAt: Int64
    /// The attempt the receipted part belongs to: a receipt for an earlier attempt changes nothing.
    public let partAttempt: Int
    /// The state of every part of the latest attempt, the receipted one as just recorded.
    public let partStates: [SMSPartState]

    public init(id: OutboxMessage.ID, state: SMSDeliveryState?, attempts: Int, createdAt: Int64, partAttempt: Int, partStates: [SMSPartState]) {
        self.id = id
        self.state = state
        self.attempts = attempts
        self.createdAt = createdAt
        self.partAttempt = partAttempt
        self.partStates = partStates
    }
}
