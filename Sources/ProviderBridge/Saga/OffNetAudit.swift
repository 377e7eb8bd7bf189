import GRDB
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
        problems += try await money.ledger.read { db in
            var found: [String] = []
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT o.provider_key, t.state, o.amount, i.state, i.amount FROM offnet_outgoing o
                    JOIN transfers t ON t.id = o.transfer_id
                    LEFT JOIN offnet_incoming i ON i.provider_key = o.provider_key AND i.operator = o.destination
                    """)
            for row in rows {
                let key: String = row[0]
                let debit: String = row[1]
                let credit: String? = row[3]
                switch (debit, credit) {
                case ("posted", "credited"?):
                    if (row[2] as Int64) != (row[4] as Int64) { found.append("\(key): debit and credit amounts differ") }
                case ("voided", nil), ("voided", "refused"?), ("voided", "reversed"?): break
                case ("pending", _) where allowPending: break
                default: found.append("\(key): debit \(debit), credit \(credit ?? "none")")
                }
            }
            let orphans = try String.fetchAll(
                db,
                sql: """
                    SELECT i.provider_key FROM offnet_incoming i WHERE i.state = 'credited'
                    AND NOT EXISTS (SELECT 1 FROM offnet_outgoing o WHERE o.provider_key = i.provider_key AND o.destination = i.operator)
                    """)
            found += orphans.map { "\($0): credited with no debit" }
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
        try await money.ledger.read { db in
            try Row.fetchAll(
                db, sql: "SELECT t.state, COUNT(*) FROM offnet_outgoing o JOIN transfers t ON t.id = o.transfer_id GROUP BY t.state"
            ).reduce(into: [String: Int]()) { $0[$1[0]] = $1[1] }
        }
    }
}
