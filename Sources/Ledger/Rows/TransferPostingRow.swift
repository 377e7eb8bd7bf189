/// What ``LedgerStoreWriter/postTransfer(_:)`` wrote: the rows' ids and the balances after the moves.
public struct TransferPostingRow: Sendable, Hashable {
    public var mainID: Transfer.ID
    /// Nil without a fee leg.
    public var feeID: Transfer.ID?
    /// The payer's balance after the amount and the fee left it.
    public var debitAfter: Int64
    public var creditAfter: Int64
    /// The fee account's balance after the fee came in; nil without a fee leg.
    public var feeAfter: Int64?

    public init(mainID: Transfer.ID, feeID: Transfer.ID?, debitAfter: Int64, creditAfter: Int64, feeAfter: Int64?) {
        self.mainID = mainID
        self.feeID = feeID
        self.debitAfter = debitAfter
        self.creditAfter = creditAfter
        self.feeAfter = feeAfter
    }
}
