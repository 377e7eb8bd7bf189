import GRDB

/// Read-only queries, usable from a read snapshot or from inside a write transaction.
public enum LedgerQueries {
    public static func account(_ db: Database, code: String) throws -> Account? {
        try Row.fetchOne(db.cachedStatement(sql: LedgerSQL.accountByCode), arguments: [code]).map(LedgerTransaction.account)
    }

    public static func account(_ db: Database, id: Account.ID) throws -> Account? {
        try Row.fetchOne(db.cachedStatement(sql: LedgerSQL.accountByID), arguments: [id]).map(LedgerTransaction.account)
    }

    public static func transfer(_ db: Database, id: Transfer.ID) throws -> Transfer? {
        try Row.fetchOne(db.cachedStatement(sql: LedgerSQL.transferByID), arguments: [id]).map(LedgerTransaction.transfer)
    }

    /// The last `limit` movements of an account, newest first, fees folded into their movement.
    ///
    /// - Parameter before: only movements with a smaller transfer id (a pagination cursor).
    public static func statement(_ db: Database, account: Account.ID, limit: Int, before: Transfer.ID = .max) throws -> [StatementEntry] {
        let rows = try Row.fetchAll(db.cachedStatement(sql: LedgerSQL.statement), arguments: [account, account, account, before, limit])
        return try rows.map { row in
            let transfer = try LedgerTransaction.transfer(row)
            let outgoing = transfer.debitAccount == account
            let counterpartyKind = AccountKind(rawValue: row[16]) ?? .wallet
            let code: String = row[15]
            return StatementEntry(
                transfer: transfer,
                signedAmount: outgoing ? -transfer.amount : transfer.amount,
                fee: outgoing ? transfer.fee : 0,
                counterpartyLabel: row[14],
                counterpartyMSISDN: counterpartyKind == .wallet ? code.split(separator: ":").last.map(String.init) : nil,
                counterpartyKind: counterpartyKind,
                // The main row records the balance before its fee leg; the wallet's real balance is after it.
                balanceAfter: outgoing ? transfer.debitBalanceAfter - transfer.fee : transfer.creditBalanceAfter)
        }
    }

    /// SMS not yet delivered for an operator, oldest first.
    public static func undeliveredSMS(_ db: Database, operatorID: String, limit: Int) throws -> [OutboxMessage] {
        try Row.fetchAll(db.cachedStatement(sql: LedgerSQL.undeliveredOutbox), arguments: [operatorID, limit]).map { row in
            OutboxMessage(
                id: row[0], msisdn: row[1], operatorID: row[2], sender: row[3], body: row[4], transferID: row[5], createdAt: row[6],
                deliveredAt: row[7])
        }
    }

    /// Pending top-level transfers created at or before `cutoff` (ms since 1970), oldest first.
    public static func pendingTransfers(_ db: Database, createdBefore cutoff: Int64, limit: Int) throws -> [Transfer] {
        try Row.fetchAll(db.cachedStatement(sql: LedgerSQL.pendingOlderThan), arguments: [cutoff, limit]).map(LedgerTransaction.transfer)
    }

    /// Recomputes every balance from the transfers and checks the ledger's invariants.
    public static func verify(_ db: Database) throws -> AuditReport {
        var discrepancies: [AuditReport.Discrepancy] = []
        var total: Int64 = 0
        var accounts = 0
        for row in try Row.fetchAll(db, sql: LedgerSQL.recomputedBalances) {
            accounts += 1
            let code: String = row[0]
            let kind = AccountKind(rawValue: row[1])
            let stored: Int64 = row[2]
            let recomputed: Int64 = row[3]
            total += stored
            if stored != recomputed { discrepancies.append(.balanceMismatch(account: code, stored: stored, recomputed: recomputed)) }
            if kind?.isCustomerHeld ?? true, stored < 0 { discrepancies.append(.negativeBalance(account: code, balance: stored)) }
        }
        if total != 0 { discrepancies.append(.nonZeroTotal(total)) }
        for row in try Row.fetchAll(db, sql: LedgerSQL.feeStateMismatches) {
            discrepancies.append(.feeStateMismatch(transfer: row[0], parent: row[1]))
        }
        let transfers = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM transfers") ?? 0
        return AuditReport(accounts: accounts, transfers: transfers, total: total, discrepancies: discrepancies)
    }
}
