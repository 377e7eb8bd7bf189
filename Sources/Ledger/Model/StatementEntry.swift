/// One line of a mini-statement, from the point of view of the wallet it was asked for.
public struct StatementEntry: Sendable, Hashable {
    public let transfer: Transfer
    /// Positive for money in, negative for money out (fee excluded).
    public let signedAmount: Int64
    /// Fee paid by this wallet with the movement.
    public let fee: Int64
    /// The other account's display name and, for a wallet, its MSISDN.
    public let counterpartyLabel: String
    public let counterpartyMSISDN: String?
    public let counterpartyKind: AccountKind
    /// This wallet's balance right after the movement (and its fee).
    public let balanceAfter: Int64
    /// The other party's network when it is not this wallet's (an off-net transfer: `Flooz`); `nil` otherwise.
    public let counterpartyNetwork: String?

    public init(
        transfer: Transfer, signedAmount: Int64, fee: Int64, counterpartyLabel: String, counterpartyMSISDN: String?,
        counterpartyKind: AccountKind, balanceAfter: Int64, counterpartyNetwork: String? = nil
    ) {
        self.transfer = transfer
        self.signedAmount = signedAmount
        self.fee = fee
        self.counterpartyLabel = counterpartyLabel
        self.counterpartyMSISDN = counterpartyMSISDN
        self.counterpartyKind = counterpartyKind
        self.balanceAfter = balanceAfter
        self.counterpartyNetwork = counterpartyNetwork
    }

    public var reference: String { transfer.reference }
}
