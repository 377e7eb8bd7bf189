/// One message handed to an SMSC: the ids the SMSC gave its parts, one per `submit_sm`.
public struct SMSSubmission: Sendable, Hashable {
    public let message: OutboxMessage.ID
    public let operatorID: String
    public let smscMessageIDs: [String]

    public init(message: OutboxMessage.ID, operatorID: String, smscMessageIDs: [String]) {
        self.message = message
        self.operatorID = operatorID
        self.smscMessageIDs = smscMessageIDs
    }
}
