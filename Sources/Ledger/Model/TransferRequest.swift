/// What a caller asks the ledger to move. The ledger prices it, checks its limits and applies it.
public struct TransferRequest: Sendable, Hashable {
    /// One key per intent. The same key with the same content returns the first result.
    public var idempotencyKey: String
    public var debit: Account.ID
    public var credit: Account.ID
    public var amount: Int64
    public var kind: TransferKind
    /// A pending transfer moves the money at once (so it cannot be spent twice) and is later posted or voided.
    public var pending: Bool
    /// Whether to charge the tariff of `kind` (from the debit account's operator) to the debit account.
    public var chargeFee: Bool
    /// Whether per-transfer bounds, the daily cap and the balance cap apply (admin corrections skip them).
    public var enforceLimits: Bool
    public var parentID: Transfer.ID?

    public init(
        idempotencyKey: String, debit: Account.ID, credit: Account.ID, amount: Int64, kind: TransferKind,
        pending: Bool = false, chargeFee: Bool = true, enforceLimits: Bool = true, parentID: Transfer.ID? = nil
    ) {
        self.idempotencyKey = idempotencyKey
        self.debit = debit
        self.credit = credit
        self.amount = amount
        self.kind = kind
        self.pending = pending
        self.chargeFee = chargeFee
        self.enforceLimits = enforceLimits
        self.parentID = parentID
    }
}

/// The outcome of a transfer: the movement, its fee leg, and whether this was a replay.
public struct TransferReceipt: Sendable, Hashable {
    public let transfer: Transfer
    public let feeTransfer: Transfer?
    /// True when the idempotency key had been used before with the same content: nothing moved this time.
    public let replayed: Bool

    public init(transfer: Transfer, feeTransfer: Transfer?, replayed: Bool) {
        self.transfer = transfer
        self.feeTransfer = feeTransfer
        self.replayed = replayed
    }

    public var fee: Int64 { feeTransfer?.amount ?? 0 }
    public var reference: String { transfer.reference }
    /// The debit account's balance once both legs applied.
    public var debitBalanceAfter: Int64 { feeTransfer?.debitBalanceAfter ?? transfer.debitBalanceAfter }
    public var creditBalanceAfter: Int64 { transfer.creditBalanceAfter }
}
