/// What the host decides about a submit_sm, data_sm or query_sm.
public enum SubmitDecision: Hashable, Sendable {
    /// Accepted under this SMSC message id (at most 64 characters).
    case accepted(messageID: String)
    /// Refused with this status.
    case rejected(CommandStatus)
}
