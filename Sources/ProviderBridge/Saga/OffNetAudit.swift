import Ledger
import MobileMoney

/// The end-to-end checks of off-net money: the ledger audit, the settlement positions, and the
/// one-to-one match between the senders' debits and the providers' credits.
public enum OffNetAudit {
    /// Every problem found, in words; empty when the books are right.
    ///
    /// - a posted debit has exactly one credit of the same amount at the destination;
    /// - a voided debit has no credit (refused, reversed or never asked);
    /// - no debit is still pending (unless `allowPending`);
    /// - no credit exists without its debit;
    /// - `verify()` is clean and settlement positions equal the posted totals.
    public static func problems(_ money: MobileMoney, allowPending: Bool = false) async throws -> [String] {
        var problems: [String] = []
        let audit = try await money.ledger.verify()
        if !audit.isClean { problems.append("\(audit)") }
        problems += try await money.ledger.read { rows in
            var found: [String] = []
            for match in try rows.offNetMatches() {
                let key = match.providerKey
                let debit = match.debitState.rawValue
                switch (match.debitState, match.creditState) {
                case (.posted, "credited"?):
                    if match.debitAmount != match.creditAmount { found.append("\(key): debit and credit amounts differ") }
                case (.voided, nil), (.voided, "refused"?), (.voided, "reversed"?): break
                case (.pending, _) where allowPending: break
                default: found.append("\(key): debit \(debit), credit \(match.creditState ?? "none")")
                }
            }
            found += try rows.orphanOffNetCredits().map { "\($0): credited with no debit" }
            return found
        }
        if !allowPending {
            let settlement = try await SettlementReport.compute(money)
            if !settlement.isConsistent { problems.append("\(settlement)") }
        }
        return problems
    }

    /// Off-net debits by state (`pending`, `posted`, `voided`).
    public static func states(_ money: MobileMoney) async throws -> [String: Int] {
        try await money.ledger.read { rows in try rows.offNetStates() }
    }
}
