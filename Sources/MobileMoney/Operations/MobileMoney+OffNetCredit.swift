import GRDB
import Ledger

/// The receiving side of an off-net transfer: what an operator does when another operator asks it to
/// credit one of its wallets. The provider simulator serves these over HTTP; a real operator's API
/// would do the same on its own books.
extension MobileMoney {
    /// Credits `recipient`'s wallet on `operatorID` from the settlement account with `source`, with the
    /// recipient's receipt, in one transaction, once per key.
    ///
    /// A refusal (unknown or blocked recipient, balance cap) is recorded under the key too, so asking
    /// again gets the same final answer. A key fenced by `reverseOffNet` stays reversed. The same key
    /// with other content is an `idempotencyConflict`.
    public func creditOffNet(operatorID: String, key: String, source: String, sender: String, recipient: String, amount: Int64)
        async throws -> (credit: OffNetCredit, replayed: Bool)
    {
        guard amount > 0 else { throw MobileMoneyError(.invalidAmount, "amount must be positive") }
        guard source != operatorID, catalog.operator(source) != nil, catalog.operator(operatorID) != nil else {
            throw MobileMoneyError(.configuration, "no off-net route from \(source) to \(operatorID)")
        }
        return try await run { tx in
            if let existing = try Self.incoming(tx.db, operatorID: operatorID, key: key) {
                let fenced = existing.state == .reversed && existing.transferID == nil
                guard fenced || (existing.source == source && existing.recipient == recipient && existing.amount == amount) else {
                    throw MobileMoneyError(.idempotencyConflict, "key \(key) was used for another credit")
                }
                return (existing, true)
            }
            var refusal: String?
            var transferID: Int64?
            if let number = MSISDN(recipient), self.catalog.operator(operatorID)?.owns(msisdn: number.digits) == true {
                if let them = try SubscriberRecord.fetch(tx.db, number) {
                    if them.blocked {
                        refusal = MobileMoneyError.Code.recipientBlocked.rawValue
                    } else {
                        do {
                            let receipt = try tx.transfer(
                                TransferRequest(
                                    idempotencyKey: "credit:\(operatorID):\(key)",
                                    debit: try tx.context.settlementAccount(of: operatorID, with: source), credit: them.accountID,
                                    amount: amount, kind: .offNet, chargeFee: false))
                            transferID = receipt.transfer.id
                            let facts = Receipt.Facts(
                                amount: amount, counterparty: MSISDN(sender)?.digits ?? sender, balance: receipt.creditBalanceAfter,
                                reference: key, at: tx.now)
                            try self.notify(
                                tx, number, Receipt.offNetReceived(facts, network: self.networkName(source), them.language), transfer: transferID)
                        } catch let error as LedgerError where error.code == .limitExceeded {
                            // Limits are checked before anything is written, so nothing of this credit remains.
                            refusal = MobileMoneyError.Code.limitExceeded.rawValue
                        }
                    }
                } else {
                    refusal = MobileMoneyError.Code.unknownRecipient.rawValue
                }
            } else {
                refusal = MobileMoneyError.Code.invalidMSISDN.rawValue
            }
            let state: OffNetCredit.State = refusal == nil ? .credited : .refused
            try tx.db.cachedStatement(sql: Self.insertIncomingSQL).execute(arguments: [
                operatorID, key, source, recipient, amount, state.rawValue, refusal, transferID, tx.now, tx.now, MSISDN(sender)?.digits ?? sender,
            ])
            // Read back, so the answer carries what a later status query would (the credited wallet's name).
            let credit =
                try Self.incoming(tx.db, operatorID: operatorID, key: key)
                ?? OffNetCredit(
                    operatorID: operatorID, key: key, source: source, recipient: recipient, amount: amount, state: state, code: refusal,
                    transferID: transferID, createdAt: tx.now)
            return (credit, false)
        }
    }

    /// What `operatorID` did with the credit asked under `key`, if it was ever asked.
    public func offNetCredit(operatorID: String, key: String) async throws -> OffNetCredit? {
        try await read { db in try Self.incoming(db, operatorID: operatorID, key: key) }
    }

    /// Every credit `operatorID` recorded, for reconciliation reports.
    public func offNetCredits(operatorID: String, source: String) async throws -> [OffNetCredit] {
        try await read { db in
            try Row.fetchAll(
                db, sql: Self.selectIncomingSQL + " WHERE operator = ? AND source = ? ORDER BY created_at", arguments: [operatorID, source]
            )
            .map(Self.incoming)
        }
    }

    /// Undoes the credit asked under `key`, on the request of `source`, the operator that asked for it.
    ///
    /// No credit yet: the key is fenced, so a late copy of the request can never credit it. Credited:
    /// the money is taken back from the wallet (refused with `insufficientFunds` if it was spent) with
    /// a receipt. Refused or reversed: nothing to do. The answer is the final state.
    public func reverseOffNet(operatorID: String, key: String, source: String) async throws -> OffNetCredit {
        try await run { tx in
            guard let existing = try Self.incoming(tx.db, operatorID: operatorID, key: key) else {
                try tx.db.cachedStatement(sql: Self.insertIncomingSQL).execute(arguments: [
                    operatorID, key, source, "", 0, OffNetCredit.State.reversed.rawValue, "fenced", nil, tx.now, tx.now, nil,
                ])
                return OffNetCredit(
                    operatorID: operatorID, key: key, source: source, recipient: "", amount: 0, state: .reversed, code: "fenced",
                    transferID: nil, createdAt: tx.now)
            }
            guard existing.source == source else { throw MobileMoneyError(.idempotencyConflict, "key \(key) belongs to another operator") }
            guard existing.state == .credited, let creditID = existing.transferID, let number = MSISDN(existing.recipient),
                let them = try SubscriberRecord.fetch(tx.db, number)
            else { return existing }
            let receipt = try tx.transfer(
                TransferRequest(
                    idempotencyKey: "reverse:\(operatorID):\(key)", debit: them.accountID,
                    credit: try tx.context.settlementAccount(of: operatorID, with: source), amount: existing.amount, kind: .reversal,
                    chargeFee: false, enforceLimits: false, parentID: creditID))
            try tx.db.execute(
                sql: "UPDATE offnet_incoming SET state = ?, updated_at = ? WHERE operator = ? AND provider_key = ?",
                arguments: [OffNetCredit.State.reversed.rawValue, tx.now, operatorID, key])
            let facts = Receipt.Facts(
                amount: existing.amount, counterparty: existing.source, balance: receipt.debitBalanceAfter, reference: key, at: tx.now)
            try self.notify(
                tx, number, Receipt.offNetReversed(facts, network: self.networkName(source), them.language), transfer: receipt.transfer.id)
            return OffNetCredit(
                operatorID: operatorID, key: key, source: source, recipient: existing.recipient, amount: existing.amount, state: .reversed,
                code: nil, transferID: creditID, createdAt: existing.createdAt)
        }
    }

    static let insertIncomingSQL = """
        INSERT INTO offnet_incoming (operator, provider_key, source, recipient, amount, state, code, transfer_id, created_at, updated_at,
            sender)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    /// With the credited wallet's name, which the provider gives back with a credit (never with a refusal).
    static let selectIncomingSQL = """
        SELECT operator, provider_key, source, recipient, amount, state, code, transfer_id, created_at,
            (SELECT s.name FROM subscribers s WHERE s.msisdn = offnet_incoming.recipient)
        FROM offnet_incoming
        """

    static func incoming(_ db: Database, operatorID: String, key: String) throws -> OffNetCredit? {
        try Row.fetchOne(db.cachedStatement(sql: selectIncomingSQL + " WHERE operator = ? AND provider_key = ?"), arguments: [operatorID, key])
            .map(incoming)
    }

    static func incoming(_ row: Row) -> OffNetCredit {
        OffNetCredit(
            operatorID: row[0], key: row[1], source: row[2], recipient: row[3], amount: row[4],
            state: OffNetCredit.State(rawValue: row[5]) ?? .refused, code: row[6], transferID: row[7], createdAt: row[8],
            recipientName: (row[5] as String) == OffNetCredit.State.credited.rawValue ? (row[9] as String?).map(Subscriber.shortName) : nil)
    }
}
