/// A subscriber's wallet as the demo world's restore sees it: its balance and whether it was ever used.
public struct WalletUsageRow: Sendable, Hashable {
    public let msisdn: String
    public let account: Account.ID
    public let balance: Int64
    /// Whether any transfer ever debited or credited the wallet.
    public let used: Bool

    public init(msisdn: String, account: Account.ID, balance: Int64, used: Bool) {
        self.msisdn = msisdn
        self.account = account
        self.balance = balance
        self.used = used
    }
}
