import Operators

/// The result of a money movement, ready for a screen, an SMS or a JSON answer.
public struct TransferResult: Sendable, Hashable, Codable {
    public let transferID: Int64
    public let reference: String
    public let amount: Int64
    public let fee: Int64
    /// The paying wallet's balance after the movement and its fee.
    public let balance: Int64
    /// Who got the money: a short name (`AMA M.`) or an agent's or operator's name.
    public let counterparty: String
    public let counterpartyMSISDN: String?
    public let state: String
    public let createdAt: Int64
    /// True when this answer replays an earlier request with the same idempotency key.
    public let replayed: Bool
}

/// What a sender sees before confirming a transfer.
public struct RecipientQuote: Sendable, Hashable {
    public let msisdn: MSISDN
    /// `AMA M.`: enough to recognise the person, not enough to harvest names.
    public let name: String
    public let network: String
    public let fee: Int64
    public var total: Int64 { amount + fee }
    public let amount: Int64
}

/// What a subscriber sees before confirming a cash-out.
public struct AgentQuote: Sendable, Hashable {
    public let code: String
    public let name: String
    public let amount: Int64
    public let fee: Int64
    public var total: Int64 { amount + fee }
}
