/// An SMS to queue in the outbox, in the same job as the money it reports.
public struct NewOutboxMessage: Sendable, Hashable {
    public var msisdn: String
    /// The operator whose gateway delivers it.
    public var operatorID: String
    /// The short code it is sent from.
    public var sender: String
    public var body: String
    public var transferID: Transfer.ID?
    public var createdAt: Int64

    public init(msisdn: String, operatorID: String, sender: String, body: String, transferID: Transfer.ID?, createdAt: Int64) {
        self.msisdn = msisdn
        self.operatorID = operatorID
        self.sender = sender
        self.body = body
        self.transferID = transferID
        self.createdAt = createdAt
    }
}
