/// The writes of a new transfer once the rules above the store allowed it: the payer's daily counter, the
/// three balances (payer, payee, fee account), the transfer row and its fee leg.
///
/// ``LedgerStoreWriter/postTransfer(_:)`` runs them. The default runs them one statement each, in this
/// order; a store whose statements each cost a round trip (PostgreSQL) runs them as one statement. Either
/// way they are part of the job: a refusal (a customer balance going below zero, the day's cap passed on the
/// counter as it is now) throws, and the job's writes are undone with it.
public struct TransferPosting: Sendable, Hashable {
    /// The payer's outgoing counter this transfer counts toward.
    public struct Outgoing: Sendable, Hashable {
        /// Days since 1970, UTC.
        public var day: Int64
        /// The total the counter may reach with this transfer; nil when no limit applies.
        public var cap: Int64?

        public init(day: Int64, cap: Int64?) {
            self.day = day
            self.cap = cap
        }
    }

    public var key: String
    public var debit: Account.ID
    public var credit: Account.ID
    public var amount: Int64
    /// The fee, taken from the payer on top of `amount`, credited to `feeAccount`.
    public var fee: Int64
    /// The operator's fee account; nil when there is no fee leg (`fee` is then 0).
    public var feeAccount: Account.ID?
    public var kind: TransferKind
    public var state: TransferState
    public var operatorID: String
    public var referencePrefix: String
    public var parentID: Transfer.ID?
    public var createdAt: Int64
    /// Nil when the transfer does not count toward a daily total.
    public var outgoing: Outgoing?

    public init(
        key: String, debit: Account.ID, credit: Account.ID, amount: Int64, fee: Int64, feeAccount: Account.ID?, kind: TransferKind,
        state: TransferState, operatorID: String, referencePrefix: String, parentID: Transfer.ID?, createdAt: Int64, outgoing: Outgoing?
    ) {
        self.key = key
        self.debit = debit
        self.credit = credit
        self.amount = amount
        self.fee = fee
        self.feeAccount = feeAccount
        self.kind = kind
        self.state = state
        self.operatorID = operatorID
        self.referencePrefix = referencePrefix
        self.parentID = parentID
        self.createdAt = createdAt
        self.outgoing = outgoing
    }

    /// Refuses a posting that would not balance or move nothing: an amount not above zero, a negative fee, a fee
    /// without an account to credit it to (the payer would be debited for money that goes nowhere), or a fee
    /// account without a fee.
    public func check() throws {
        guard amount > 0 else { throw LedgerError(.invalidAmount, "a posting of \(amount)") }
        guard fee >= 0, (fee > 0) == (feeAccount != nil) else {
            throw LedgerError(.storage, "a posting with a fee of \(fee) and fee account \(feeAccount.map { "\($0)" } ?? "none")")
        }
    }

    /// The idempotency key of the fee leg.
    public var feeKey: String { LedgerTransaction.feeKey(key) }

    /// The main row as stored, given the balances after the moves: the payer's as it was before its fee leg.
    public func main(_ posted: TransferPostingRow) -> NewTransfer {
        NewTransfer(
            idempotencyKey: key, debit: debit, credit: credit, amount: amount, fee: fee, kind: kind, state: state, operatorID: operatorID,
            referencePrefix: referencePrefix, parentID: parentID, debitBalanceAfter: posted.debitAfter + fee,
            creditBalanceAfter: posted.creditAfter, createdAt: createdAt)
    }

    /// The fee leg as stored under the main row `parent`; nil without a fee leg.
    public func feeLeg(_ posted: TransferPostingRow, parent: Transfer.ID) -> NewTransfer? {
        guard let feeAccount, let feeAfter = posted.feeAfter else { return nil }
        return NewTransfer(
            idempotencyKey: feeKey, debit: debit, credit: feeAccount, amount: fee, fee: 0, kind: .fee, state: state, operatorID: operatorID,
            referencePrefix: referencePrefix, parentID: parent, debitBalanceAfter: posted.debitAfter, creditBalanceAfter: feeAfter,
            createdAt: createdAt)
    }
}
