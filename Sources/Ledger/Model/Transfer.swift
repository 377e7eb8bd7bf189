import Foundation

/// One double-entry movement: `amount` leaves `debitAccount` and reaches `creditAccount`.
public struct Transfer: Sendable, Hashable, Codable {
    public typealias ID = Int64

    public let id: ID
    /// Unique per intent: replaying it returns this transfer instead of moving money again.
    public let idempotencyKey: String
    public let debitAccount: Account.ID
    public let creditAccount: Account.ID
    public let amount: Int64
    /// The fee charged with this transfer (its own `fee` transfer carries the money).
    public let fee: Int64
    public let kind: TransferKind
    public let state: TransferState
    /// The operator on whose books the transfer was initiated; gives the reference its prefix.
    public let operatorID: String
    public let referencePrefix: String
    /// The transfer this one belongs to (a fee, a reversal, a settlement leg).
    public let parentID: ID?
    /// Balances of both accounts right after this transfer was applied.
    public let debitBalanceAfter: Int64
    public let creditBalanceAfter: Int64
    /// Milliseconds since 1970, UTC.
    public let createdAt: Int64

    public init(
        id: ID, idempotencyKey: String, debitAccount: Account.ID, creditAccount: Account.ID, amount: Int64, fee: Int64,
        kind: TransferKind, state: TransferState, operatorID: String, referencePrefix: String, parentID: ID?,
        debitBalanceAfter: Int64, creditBalanceAfter: Int64, createdAt: Int64
    ) {
        self.id = id
        self.idempotencyKey = idempotencyKey
        self.debitAccount = debitAccount
        self.creditAccount = creditAccount
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

    /// The short reference printed on receipts, e.g. `TM261127.000123`: operator, UTC date, transfer id.
    ///
    /// Derived rather than stored: it is unique because the id is, and costs nothing to write.
    public var reference: String { TransferReference(prefix: referencePrefix, createdAt: createdAt, id: id).description }

    public var createdDate: Date { Date(timeIntervalSince1970: Double(createdAt) / 1000) }
}
