import Ledger

/// The sending side of one off-net transfer: the pending debit and where its money is going.
public struct OffNetTransfer: Sendable, Hashable, Codable {
    /// The sender's debit, pending until the other provider's answer is known.
    public let transferID: Int64
    /// The key the other provider sees: the transfer's reference (`TM261127.000123`), unique and printed on both receipts.
    public let providerKey: String
    public let home: String
    public let destination: String
    public let sender: String
    public let recipient: String
    public let amount: Int64
    public let fee: Int64
    public let state: TransferState
    /// The sender's balance once the debit and its fee applied.
    public let balance: Int64
    public let createdAt: Int64
    /// True when this answers a replayed request: nothing moved this time.
    public let replayed: Bool

    public init(
        transferID: Int64, providerKey: String, home: String, destination: String, sender: String, recipient: String, amount: Int64,
        fee: Int64, state: TransferState, balance: Int64, createdAt: Int64, replayed: Bool
    ) {
        self.transferID = transferID
        self.providerKey = providerKey
        self.home = home
        self.destination = destination
        self.sender = sender
        self.recipient = recipient
        self.amount = amount
        self.fee = fee
        self.state = state
        self.balance = balance
        self.createdAt = createdAt
        self.replayed = replayed
    }
}
