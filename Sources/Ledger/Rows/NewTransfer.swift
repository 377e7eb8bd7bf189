/// A transfer row to insert, fully priced and checked by the rules above the store.
public struct NewTransfer: Sendable, Hashable {
    public var idempotencyKey: String
    public var debit: Account.ID
    public var credit: Account.ID
    public var amount: Int64
    public var fee: Int64
    public var kind: TransferKind
    public var state: TransferState
    public var operatorID: String
    public var referencePrefix: String
    public var parentID: Transfer.ID?
    public var debitBalanceAfter: Int64
    public var creditBalanceAfter: Int64
    public var createdAt: Int64

    public init(
        idempotencyKey: String, debit: Account.ID, credit: Account.ID, amount: Int64, fee: Int64, kind: TransferKind, state: TransferState,
        operatorID: String, referencePrefix: String, parentID: Transfer.ID?, debitBalanceAfter: Int64, creditBalanceAfter: Int64,
        createdAt: Int64
    ) {
        self.idempotencyKey = idempotencyKey
        self.debit = debit
        self.credit = credit
        self.amount = amount
        self.fee = fee
        self.kind = kind
        self.state = state
        self.operatorID = operatorID
        self.referencePrefix = referencePrefix
        self.parentID = parentID
        self.debitBalanceAfter = debitBalanceAfter
        self.creditBalanceAfter = creditBalanceAfter
        self.createdAt = createdAt
    }

    /// The transfer as stored under `id`.
    public func stored(as id: Transfer.ID) -> Transfer {
        Transfer(
            id: id, idempotencyKey: idempotencyKey, debitAccount: debit, creditAccount: credit, amount: amount, fee: fee, kind: kind,
            state: state, operatorID: operatorID, referencePrefix: referencePrefix, parentID: parentID, debitBalanceAfter: debitBalanceAfter,
            creditBalanceAfter: creditBalanceAfter, createdAt: createdAt)
    }
}
