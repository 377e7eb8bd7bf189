/// What a delivery receipt says of one submitted part of a message, in the ledger's words (the SMPP front
/// maps `stat:DELIVRD`, `UNDELIV`, … to these).
public enum SMSPartState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Submitted; no final receipt yet (or an intermediate one: en route, accepted).
    case pending
    /// The part reached the phone.
    case delivered
    /// The network gave up on this part (undeliverable, rejected, deleted).
    case failed
    /// The part's validity period passed in the network.
    case expired
}
