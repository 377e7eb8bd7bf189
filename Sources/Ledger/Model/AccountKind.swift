/// What an account is for. Customer-held kinds can never go below zero; the database enforces it.
public enum AccountKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A subscriber's wallet, one per (operator, MSISDN).
    case wallet
    /// An agent's float, from which cash-ins are paid and into which cash-outs go.
    case agent
    /// The operator's e-money issuance account: the negative side of all money in circulation.
    case issuance
    /// Fee revenue.
    case fees
    /// Off-net transfers waiting for the other provider's answer.
    case suspense
    /// What this operator owes, or is owed by, another operator.
    case settlement
    /// Airtime sold from wallets.
    case airtime

    /// Whether the balance must stay at or above zero.
    public var isCustomerHeld: Bool { self == .wallet || self == .agent }
}
