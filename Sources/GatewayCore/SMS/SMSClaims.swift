/// How a node takes SMS from an outbox that several nodes deliver (PostgreSQL): it claims messages for a lease
/// before handing them to its sinks, so that no two nodes send the same receipt; a node that dies mid-delivery
/// leaves its claims to lapse, and another node delivers them.
public struct SMSClaims: Sendable, Hashable {
    /// This node's name in the outbox's claims: unique among the nodes (host and process id).
    public var claimant: String
    /// How long a claim holds: longer than a delivery takes, short enough that a dead node's messages are not late.
    public var lease: Duration

    public init(claimant: String, lease: Duration = .seconds(30)) {
        self.claimant = claimant
        self.lease = lease
    }
}
