/// What ``TransferRecheck`` read inside the write job.
public struct TransferRecheckRow: Sendable, Hashable {
    /// The payer's balance now; nil when the payer is no longer as the snapshot saw it.
    public let debitBalance: Int64?
    /// The payee's balance now; nil when the payee is no longer as the snapshot saw it.
    public let creditBalance: Int64?
    /// What the payer has sent on the day asked for.
    public let outgoingToday: Int64
    /// Whether one of the keys is already used (a replay, or a concurrent duplicate).
    public let keyTaken: Bool

    public init(debitBalance: Int64?, creditBalance: Int64?, outgoingToday: Int64, keyTaken: Bool) {
        self.debitBalance = debitBalance
        self.creditBalance = creditBalance
        self.outgoingToday = outgoingToday
        self.keyTaken = keyTaken
    }

    /// Whether the snapshot still holds: both parties unchanged and the keys free.
    public var holds: Bool { debitBalance != nil && creditBalance != nil && !keyTaken }
}
