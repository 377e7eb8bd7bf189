/// The sending side's record of an off-net transfer, with the state and fee of its debit and the
/// sender's balance now.
public struct OffNetOutgoingRow: Sendable, Hashable {
    public let transferID: Transfer.ID
    public let providerKey: String
    public let home: String
    public let destination: String
    public let sender: String
    public let recipient: String
    public let amount: Int64
    public let fee: Int64
    public let state: TransferState
    public let senderBalance: Int64
    public let toldPending: Bool
    /// The credited wallet's name as the recipient's network gave it, once credited.
    public let recipientName: String?
    public let createdAt: Int64

    public init(
        transferID: Transfer.ID, providerKey: String, home: String, destination: String, sender: String, recipient: String, amount: Int64,
        fee: Int64, state: TransferState, senderBalance: Int64, toldPending: Bool, recipientName: String? = nil, createdAt: Int64
    ) {
        self.recipientName = recipientName
        self.transferID = transferID
        self.providerKey = providerKey
        self.home = home
        self.destination = destination
        self.sender = sender
        self.recipient = recipient
        self.amount = amount
        self.fee = fee
        self.state = state
        self.senderBalance = senderBalance
        self.toldPending = toldPending
        self.createdAt = createdAt
    }
}

/// A sending-side record to insert with the pending debit.
public struct NewOffNetOutgoing: Sendable, Hashable {
    public var transferID: Transfer.ID
    public var providerKey: String
    public var home: String
    public var destination: String
    public var sender: String
    public var recipient: String
    public var amount: Int64
    public var createdAt: Int64

    public init(
        transferID: Transfer.ID, providerKey: String, home: String, destination: String, sender: String, recipient: String, amount: Int64,
        createdAt: Int64
    ) {
        self.transferID = transferID
        self.providerKey = providerKey
        self.home = home
        self.destination = destination
        self.sender = sender
        self.recipient = recipient
        self.amount = amount
        self.createdAt = createdAt
    }
}

/// The receiving side's record of a credit asked of it under a key: what it did and why.
public struct OffNetIncomingRow: Sendable, Hashable {
    public let operatorID: String
    public let key: String
    public let source: String
    public let recipient: String
    public let amount: Int64
    /// `credited`, `refused` or `reversed`.
    public let state: String
    public let code: String?
    public let transferID: Transfer.ID?
    public let createdAt: Int64
    public let updatedAt: Int64
    /// The sender's number on the other network, when the request named it.
    public let sender: String?
    /// The credited wallet's holder name, read with the row (nil when written or when nobody holds the number).
    public let recipientName: String?

    public init(
        operatorID: String, key: String, source: String, recipient: String, amount: Int64, state: String, code: String?, transferID: Transfer.ID?,
        createdAt: Int64, updatedAt: Int64, sender: String? = nil, recipientName: String? = nil
    ) {
        self.sender = sender
        self.recipientName = recipientName
        self.operatorID = operatorID
        self.key = key
        self.source = source
        self.recipient = recipient
        self.amount = amount
        self.state = state
        self.code = code
        self.transferID = transferID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// An off-net debit beside the credit recorded under its key at its destination, for the audit.
public struct OffNetMatchRow: Sendable, Hashable {
    public let providerKey: String
    public let debitState: TransferState
    public let debitAmount: Int64
    public let creditState: String?
    public let creditAmount: Int64?

    public init(providerKey: String, debitState: TransferState, debitAmount: Int64, creditState: String?, creditAmount: Int64?) {
        self.providerKey = providerKey
        self.debitState = debitState
        self.debitAmount = debitAmount
        self.creditState = creditState
        self.creditAmount = creditAmount
    }
}
