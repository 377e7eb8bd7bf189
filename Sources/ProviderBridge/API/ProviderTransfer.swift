import MobileMoney

/// The provider's record of one credit, as every endpoint of the API returns it. Its `state` is final.
public struct ProviderTransfer: Sendable, Hashable, Codable {
    public var idempotencyKey: String
    /// The provider that holds the recipient's wallet.
    public var provider: String
    public var source: String
    public var recipient: String
    public var amount: Int64
    public var state: OffNetCredit.State
    /// Why a credit was refused: `unknown_recipient`, `recipient_blocked`, `limit_exceeded`, `invalid_msisdn`;
    /// `fenced` for a key reversed before any credit.
    public var code: String?
    /// Milliseconds since 1970, UTC.
    public var createdAt: Int64
    /// The credited wallet's holder as the provider shows it (`AKOSUA D.`), with `credited` only; absent otherwise.
    public var recipientName: String?

    public init(
        idempotencyKey: String, provider: String, source: String, recipient: String, amount: Int64, state: OffNetCredit.State,
        code: String? = nil, createdAt: Int64, recipientName: String? = nil
    ) {
        self.idempotencyKey = idempotencyKey
        self.provider = provider
        self.source = source
        self.recipient = recipient
        self.amount = amount
        self.state = state
        self.code = code
        self.createdAt = createdAt
        self.recipientName = recipientName
    }

    public init(_ credit: OffNetCredit) {
        self.init(
            idempotencyKey: credit.key, provider: credit.operatorID, source: credit.source, recipient: credit.recipient, amount: credit.amount,
            state: credit.state, code: credit.code, createdAt: credit.createdAt, recipientName: credit.recipientName)
    }
}

/// The body of `GET /v1/transfers?since=`: the credits asked by the caller, oldest first.
public struct ProviderTransferList: Sendable, Hashable, Codable {
    public var transfers: [ProviderTransfer]

    public init(transfers: [ProviderTransfer]) { self.transfers = transfers }
}
