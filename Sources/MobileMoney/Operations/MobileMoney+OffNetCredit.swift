import Ledger
import Operators

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
            if let existing = try tx.rows.offNetIncoming(operatorID: operatorID, key: key).map(Self.incoming) {
                let fenced = existing.state == .reversed && existing.transferID == nil
                guard fenced || (existing.source == source && existing.recipient == recipient && existing.amount == amount) else {
                    throw MobileMoneyError(.idempotencyConflict, "key \(key) was used for another credit")
                }
                return (existing, true)
            }
            var refusal: String?
            var transferID: Int64?
            if let number = MSISDN(recipient), self.catalog.operator(operatorID)?.owns(msisdn: number.digits) == true {
                if let them = try SubscriberRecord.fetch(tx.rows, number) {
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
                                tx, number, self.receipts.offNetReceived(facts, network: self.networkName(source), them.language),
                                transfer: transferID)
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
            try tx.rows.insertOffNetIncoming(
                OffNetIncomingRow(
                    operatorID: operatorID, key: key, source: source, recipient: recipient, amount: amount, state: state.rawValue, code: refusal,
                    transferID: transferID, createdAt: tx.now, updatedAt: tx.now, sender: MSISDN(sender)?.digits ?? sender))
            // Read back, so the answer carries what a later status query would (the credited wallet's name).
            let credit =
                try tx.rows.offNetIncoming(operatorID: operatorID, key: key).map(Self.incoming)
                ?? OffNetCredit(
                    operatorID: operatorID, key: key, source: source, recipient: recipient, amount: amount, state: state, code: refusal,
                    transferID: transferID, createdAt: tx.now)
            return (credit, false)
        }
    }

    /// What `operatorID` did with the credit asked under `key`, if it was ever asked.
    public func offNetCredit(operatorID: String, key: String) async throws -> OffNetCredit? {
        try await read { rows in try rows.offNetIncoming(operatorID: operatorID, key: key).map(Self.incoming) }
    }

    /// Every credit `operatorID` recorded, for reconciliation reports.
    public func offNetCredits(operatorID: String, source: String) async throws -> [OffNetCredit] {
        try await read { rows in try rows.offNetIncoming(operatorID: operatorID, source: source).map(Self.incoming) }
    }

    /// Undoes the credit asked under `key`, on the request of `source`, the operator that asked for it.
    ///
    /// No credit yet: the key is fenced, so a late copy of the request can never credit it. Credited:
    /// the money is taken back from the wallet (refused with `insufficientFunds` if it was spent) with
    /// a receipt. Refused or reversed: nothing to do. The answer is the final state.
    public func reverseOffNet(operatorID: String, key: String, source: String) async throws -> OffNetCredit {
        try await run { tx in
            guard let existing = try tx.rows.offNetIncoming(operatorID: operatorID, key: key).map(Self.incoming) else {
                try tx.rows.insertOffNetIncoming(
                    OffNetIncomingRow(
                        operatorID: operatorID, key: key, source: source, recipient: "", amount: 0, state: OffNetCredit.State.reversed.rawValue,
                        code: "fenced", transferID: nil, createdAt: tx.now, updatedAt: tx.now))
                return OffNetCredit(
                    operatorID: operatorID, key: key, source: source, recipient: "", amount: 0, state: .reversed, code: "fenced",
                    transferID: nil, createdAt: tx.now)
            }
            guard existing.source == source else { throw MobileMoneyError(.idempotencyConflict, "key \(key) belongs to another operator") }
            guard existing.state == .credited, let creditID = existing.transferID, let number = MSISDN(existing.recipient),
                let them = try SubscriberRecord.fetch(tx.rows, number)
            else { return existing }
            let receipt = try tx.transfer(
                TransferRequest(
                    idempotencyKey: "reverse:\(operatorID):\(key)", debit: them.accountID,
                    credit: try tx.context.settlementAccount(of: operatorID, with: source), amount: existing.amount, kind: .reversal,
                    chargeFee: false, enforceLimits: false, parentID: creditID))
            try tx.rows.setOffNetIncomingState(operatorID: operatorID, key: key, OffNetCredit.State.reversed.rawValue, at: tx.now)
            let facts = Receipt.Facts(
                amount: existing.amount, counterparty: existing.source, balance: receipt.debitBalanceAfter, reference: key, at: tx.now)
            try self.notify(
                tx, number, self.receipts.offNetReversed(facts, network: self.networkName(source), them.language), transfer: receipt.transfer.id)
            return OffNetCredit(
                operatorID: operatorID, key: key, source: source, recipient: existing.recipient, amount: existing.amount, state: .reversed,
                code: nil, transferID: creditID, createdAt: existing.createdAt)
        }
    }

    static func incoming(_ row: OffNetIncomingRow) -> OffNetCredit {
        OffNetCredit(
            operatorID: row.operatorID, key: row.key, source: row.source, recipient: row.recipient, amount: row.amount,
            state: OffNetCredit.State(rawValue: row.state) ?? .refused, code: row.code, transferID: row.transferID, createdAt: row.createdAt,
            recipientName: row.state == OffNetCredit.State.credited.rawValue ? row.recipientName.map(Subscriber.shortName) : nil)
    }
}
