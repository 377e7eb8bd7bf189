/// One movement of an account with the account on its other side, as a statement needs it.
public struct StatementRow: Sendable, Hashable {
    public let transfer: Transfer
    public let counterpartyLabel: String
    public let counterpartyCode: String
    public let counterpartyKind: AccountKind

    public init(transfer: Transfer, counterpartyLabel: String, counterpartyCode: String, counterpartyKind: AccountKind) {
        self.transfer = transfer
        self.counterpartyLabel = counterpartyLabel
        self.counterpartyCode = counterpartyCode
        self.counterpartyKind = counterpartyKind
    }
}
