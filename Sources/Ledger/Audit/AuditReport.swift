/// The result of `Ledger.verify()`: every discrepancy found, none hidden.
public struct AuditReport: Sendable, Hashable, CustomStringConvertible {
    /// One thing that does not add up.
    public enum Discrepancy: Sendable, Hashable, CustomStringConvertible {
        /// A stored balance differs from the sum of the transfers that touch the account.
        case balanceMismatch(account: String, stored: Int64, recomputed: Int64)
        /// All balances together do not sum to zero.
        case nonZeroTotal(Int64)
        /// A customer-held account is below zero.
        case negativeBalance(account: String, balance: Int64)
        /// A fee leg whose parent is voided while it is not, or the other way round.
        case feeStateMismatch(transfer: Transfer.ID, parent: Transfer.ID)

        public var description: String {
            switch self {
            case .balanceMismatch(let account, let stored, let recomputed):
                "\(account): stored balance \(stored) but transfers give \(recomputed)"
            case .nonZeroTotal(let total): "balances sum to \(total), not 0"
            case .negativeBalance(let account, let balance): "\(account) is negative: \(balance)"
            case .feeStateMismatch(let transfer, let parent): "fee transfer \(transfer) disagrees with its parent \(parent)"
            }
        }
    }

    public let accounts: Int
    public let transfers: Int
    public let total: Int64
    public let discrepancies: [Discrepancy]

    public var isClean: Bool { discrepancies.isEmpty }

    public var description: String {
        var lines = ["\(accounts) accounts, \(transfers) transfers, balances sum to \(total)"]
        lines += discrepancies.map { "  - \($0)" }
        lines.append(isClean ? "ledger is consistent" : "\(discrepancies.count) discrepancies")
        return lines.joined(separator: "\n")
    }
}
