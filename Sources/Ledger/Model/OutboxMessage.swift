/// An SMS waiting in the outbox, written in the same database transaction as the money it reports.
public struct OutboxMessage: Sendable, Hashable, Codable {
    public typealias ID = Int64

    public let id: ID
    /// Recipient MSISDN and the operator whose gateway delivers it.
    public let msisdn: String
    public let operatorID: String
    /// Short code the SMS is sent from.
    public let sender: String
    public let body: String
    public let transferID: Transfer.ID?
    public let createdAt: Int64
    public let deliveredAt: Int64?
    /// Where the message is after an SMSC took it (nil when it went to a front without delivery receipts, or not yet anywhere).
    public let deliveryState: SMSDeliveryState?
    /// How many times it was handed to an SMSC.
    public let attempts: Int

    public init(
        id: ID, msisdn: String, operatorID: String, sender: String, body: String, transferID: Transfer.ID?, createdAt: Int64,
        deliveredAt: Int64?, deliveryState: SMSDeliveryState? = nil, attempts: Int = 0
    ) {
        self.id = id
        self.msisdn = msisdn
        self.operatorID = operatorID
        self.sender = sender
        self.body = body
        self.transferID = transferID
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
        self.deliveryState = deliveryState
        self.attempts = attempts
    }
}
