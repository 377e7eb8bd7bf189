/// The body of `POST /v1/transfers`: credit one of the provider's wallets on behalf of another operator.
public struct ProviderTransferRequest: Sendable, Hashable, Codable {
    /// Unique per transfer and the same on every retry: the provider credits a key at most once.
    public var idempotencyKey: String
    /// The operator asking (it must match the API key's owner).
    public var source: String
    /// Who sends, for the recipient's receipt (E.164 digits).
    public var sender: String
    /// The provider's subscriber to credit (E.164 digits).
    public var recipient: String
    /// In the currency's minor unit (XOF has none).
    public var amount: Int64
    public var currency: String

    public init(idempotencyKey: String, source: String, sender: String, recipient: String, amount: Int64, currency: String = "XOF") {
        self.idempotencyKey = idempotencyKey
        self.source = source
        self.sender = sender
        self.recipient = recipient
        self.amount = amount
        self.currency = currency
    }
}
