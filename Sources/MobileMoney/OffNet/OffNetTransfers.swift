/// What the menus and APIs call to send money to another network. `ProviderBridge` implements it;
/// `MobileMoney` stays free of HTTP.
public protocol OffNetTransfers: Sendable {
    /// Checks a recipient on another network and prices the transfer, before the PIN is asked.
    func quote(sender: String, recipient: String, amount: Int64) async throws -> RecipientQuote

    /// Debits the sender (PIN checked), asks the recipient's provider to credit, and settles what it can.
    ///
    /// Refusals before any money moved throw `MobileMoneyError`; afterwards the answer says whether the
    /// transfer completed, was refunded, or is still "en cours".
    func send(from sender: String, to recipient: String, amount: Int64, pin: String, idempotencyKey: String) async throws -> OffNetOutcome
}

/// How an off-net transfer ended for the sender, as far as is known when the session must answer.
public struct OffNetOutcome: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// The recipient was credited and the debit posted.
        case completed
        /// The provider refused; the debit was voided and the sender refunded.
        case refunded
        /// The provider's answer is unknown; the reconciler will settle it. The sender was told by SMS.
        case pending
    }

    public let status: Status
    public let transfer: OffNetTransfer
    /// Why a refunded transfer was refused (the provider's code).
    public let reason: String?

    public init(status: Status, transfer: OffNetTransfer, reason: String? = nil) {
        self.status = status
        self.transfer = transfer
        self.reason = reason
    }
}
