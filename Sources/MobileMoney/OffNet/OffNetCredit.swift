/// The receiving side of one off-net transfer, as the receiving operator records and reports it.
public struct OffNetCredit: Sendable, Hashable, Codable {
    /// What became of a credit asked of a provider. All three are final.
    public enum State: String, Sendable, Hashable, Codable {
        /// The recipient's wallet holds the money.
        case credited
        /// The provider would not credit (unknown or blocked recipient, balance cap…); nothing moved.
        case refused
        /// Reversed on request: either the credit was taken back, or the key was fenced before any credit,
        /// so that a late duplicate of the request can never credit it.
        case reversed
    }

    public let operatorID: String
    public let key: String
    public let source: String
    public let recipient: String
    public let amount: Int64
    public let state: State
    /// Why a credit was refused (`unknown_recipient`, `recipient_blocked`, `limit_exceeded`, `invalid_msisdn`).
    public let code: String?
    /// The ledger transfer that credited the wallet, if one did.
    public let transferID: Int64?
    public let createdAt: Int64
    /// The credited wallet's short name (`AKOSUA D.`), given back with a credit so the sender's receipts and
    /// statements can say who was paid; `nil` unless credited.
    public let recipientName: String?

    public init(
        operatorID: String, key: String, source: String, recipient: String, amount: Int64, state: State, code: String?, transferID: Int64?,
        createdAt: Int64, recipientName: String? = nil
    ) {
        self.operatorID = operatorID
        self.key = key
        self.source = source
        self.recipient = recipient
        self.amount = amount
        self.state = state
        self.code = code
        self.transferID = transferID
        self.createdAt = createdAt
        self.recipientName = recipientName
    }
}
