import Ledger
import MobileMoney
import Operators

/// What each pair of operators owes the other, from the ledger, beside the posted off-net totals it
/// must equal.
///
/// For operators A and B: `settlement:A:B` holds what A collected from its senders for B's recipients
/// minus what B paid A's recipients for A; so its balance is what A owes B, and `settlement:B:A` is
/// its opposite once every credit has its posted debit.
public struct SettlementReport: Sendable, Hashable, CustomStringConvertible {
    public struct Position: Sendable, Hashable {
        public let debtor: String
        public let creditor: String
        /// Posted off-net transfers from the debtor's senders to the creditor's recipients.
        public let postedOut: Int64
        /// Posted off-net transfers the other way.
        public let postedIn: Int64
        /// Balance of `settlement:<debtor>:<creditor>`.
        public let ledgerOwed: Int64
        /// Balance of `settlement:<creditor>:<debtor>`.
        public let ledgerOwedBack: Int64

        /// Net amount the debtor owes the creditor from the posted transfers.
        public var net: Int64 { postedOut - postedIn }
        /// Both settlement accounts agree with the posted totals.
        public var balances: Bool { ledgerOwed == net && ledgerOwedBack == -net }
    }

    public let positions: [Position]
    public let currency: String

    public var isConsistent: Bool { positions.allSatisfy(\.balances) }

    /// Reads every pair's position on one snapshot.
    public static func compute(_ money: MobileMoney) async throws -> SettlementReport {
        let operators = money.catalog.operators.map(\.id)
        let positions = try await money.ledger.read { rows in
            let totals = try rows.postedOffNetTotals()
            var positions: [Position] = []
            for (i, a) in operators.enumerated() {
                for b in operators[(i + 1)...] {
                    let owed = try rows.account(code: Account.Code.settlement(a, with: b))?.balance ?? 0
                    let back = try rows.account(code: Account.Code.settlement(b, with: a))?.balance ?? 0
                    positions.append(
                        Position(
                            debtor: a, creditor: b, postedOut: totals["\(a)>\(b)"] ?? 0, postedIn: totals["\(b)>\(a)"] ?? 0, ledgerOwed: owed,
                            ledgerOwedBack: back))
                }
            }
            return positions
        }
        return SettlementReport(positions: positions, currency: money.catalog.currency)
    }

    public var description: String {
        positions.map { p in
            let who =
                p.net >= 0
                ? "\(p.debtor) owes \(p.creditor) \(MoneyFormat.amount(p.net))" : "\(p.creditor) owes \(p.debtor) \(MoneyFormat.amount(-p.net))"
            return """
                \(p.debtor) <-> \(p.creditor): \(who)
                  posted off-net \(p.debtor)->\(p.creditor) \(MoneyFormat.amount(p.postedOut)), \(p.creditor)->\(p.debtor) \(MoneyFormat.amount(p.postedIn))
                  ledger settlement:\(p.debtor):\(p.creditor) \(MoneyFormat.amount(p.ledgerOwed)), settlement:\(p.creditor):\(p.debtor) \(MoneyFormat.amount(p.ledgerOwedBack))
                  \(p.balances ? "matches the posted totals" : "DOES NOT MATCH the posted totals (pending credits? run sika reconcile)")
                """
        }.joined(separator: "\n")
    }
}
