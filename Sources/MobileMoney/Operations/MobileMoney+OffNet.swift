import Ledger
import Operators

/// The sending side of an off-net transfer, in steps the provider bridge drives: `beginOffNet` debits
/// into suspense, then exactly one of `completeOffNet` or `refundOffNet` ends it. The provider call
/// happens between them, outside any database transaction.
extension MobileMoney {
    /// Checks a recipient on another network and prices the transfer with the home operator's off-net tariff.
    ///
    /// The recipient's wallet is the other operator's business: only its numbering range is checked here,
    /// and the provider refuses an unknown number when asked to credit it.
    public func quoteOffNet(sender senderText: String, recipient recipientText: String, amount: Int64) throws -> RecipientQuote {
        let (_, recipient, home, destination) = try offNetParties(senderText, recipientText)
        try checkBounds(amount, home)
        return RecipientQuote(
            msisdn: recipient, name: recipient.local, network: destination.name, fee: home.fees.offNet.fee(for: amount), amount: amount)
    }

    /// Checks the PIN and debits the sender (amount plus the off-net fee) into the home suspense account,
    /// pending, in one transaction. Replaying the key returns the first debit, in its current state.
    public func beginOffNet(from senderText: String, to recipientText: String, amount: Int64, pin: String, idempotencyKey: String)
        async throws -> OffNetTransfer
    {
        let (sender, recipient, home, destination) = try offNetParties(senderText, recipientText)
        guard amount > 0 else { throw MobileMoneyError(.invalidAmount, "amount must be positive") }
        let transfer = try await withPIN(sender, pin) { tx, me in
            let suspense = try tx.context.systemAccount(.suspense, of: home.id)
            let receipt = try tx.transfer(
                TransferRequest(
                    idempotencyKey: idempotencyKey, debit: me.accountID, credit: suspense, amount: amount, kind: .offNet, pending: true))
            if receipt.replayed {
                guard let existing = try tx.rows.offNetOutgoing(transferID: receipt.transfer.id).map(Self.outgoing),
                    existing.recipient == recipient.digits
                else {
                    throw MobileMoneyError(.idempotencyConflict, "idempotency key \(idempotencyKey) was used for another transfer")
                }
                return existing.with(balance: try tx.account(id: me.accountID).balance, replayed: true)
            }
            try tx.rows.insertOffNetOutgoing(
                NewOffNetOutgoing(
                    transferID: receipt.transfer.id, providerKey: receipt.reference, home: home.id, destination: destination.id,
                    sender: sender.digits, recipient: recipient.digits, amount: amount, createdAt: tx.now))
            return OffNetTransfer(
                transferID: receipt.transfer.id, providerKey: receipt.reference, home: home.id, destination: destination.id,
                sender: sender.digits, recipient: recipient.digits, amount: amount, fee: receipt.fee, state: .pending,
                balance: receipt.debitBalanceAfter, createdAt: receipt.transfer.createdAt, replayed: false)
        }
        logger.info("off-net debit", metadata: ["ref": "\(transfer.providerKey)", "to": "\(destination.id)", "replayed": "\(transfer.replayed)"])
        return transfer
    }

    /// The other provider credited the recipient: posts the debit, moves the money from suspense to the
    /// settlement account with that provider, and sends the sender's receipt, in one transaction.
    ///
    /// Idempotent: a transfer already posted is returned as it is. One already voided cannot be posted:
    /// that contradiction (`offNetConflict`) must reach a person, never be absorbed.
    ///
    /// - Parameter recipientName: the name the other network gave for the credited wallet (`AKOSUA D.`),
    ///   kept for receipts and statements.
    public func completeOffNet(_ transferID: Int64, recipientName: String? = nil) async throws -> OffNetTransfer {
        try await run { tx in
            let (record, main) = try self.outgoingAndTransfer(tx, transferID)
            switch main.state {
            case .posted: return record.with(state: .posted)
            case .voided:
                throw MobileMoneyError(.offNetConflict, "\(record.providerKey) was refunded but \(record.destination) reports it credited")
            case .pending: break
            }
            try tx.post(transferID)
            if let recipientName { try tx.rows.setOffNetRecipientName(transferID: transferID, recipientName) }
            let suspense = try tx.context.systemAccount(.suspense, of: record.home)
            let settlement = try tx.context.settlementAccount(of: record.home, with: record.destination)
            _ = try tx.transfer(
                TransferRequest(
                    idempotencyKey: main.idempotencyKey + "#settle", debit: suspense, credit: settlement, amount: main.amount,
                    kind: .settlement, chargeFee: false, enforceLimits: false, parentID: main.id))
            let balance = try tx.account(id: main.debitAccount).balance
            if let sender = MSISDN(record.sender), let me = try SubscriberRecord.fetch(tx.rows, sender) {
                let party = Receipt.offNetParty(name: recipientName, msisdn: record.recipient, network: self.networkName(record.destination))
                let facts = Receipt.Facts(
                    amount: main.amount, fee: main.fee, counterparty: party, balance: balance, reference: record.providerKey, at: tx.now)
                try self.notify(tx, sender, self.receipts.offNetSent(facts, me.language), transfer: main.id)
            }
            return record.with(state: .posted, balance: balance)
        }
    }

    /// The other provider definitely did not credit: voids the debit and its fee (the sender is refunded)
    /// and tells the sender why, in one transaction. Idempotent like `completeOffNet`.
    public func refundOffNet(_ transferID: Int64, reason: String?) async throws -> OffNetTransfer {
        try await run { tx in
            let (record, main) = try self.outgoingAndTransfer(tx, transferID)
            switch main.state {
            case .voided: return record.with(state: .voided)
            case .posted:
                throw MobileMoneyError(.offNetConflict, "\(record.providerKey) was posted but \(record.destination) reports no credit")
            case .pending: break
            }
            try tx.void(transferID)
            let balance = try tx.account(id: main.debitAccount).balance
            if let sender = MSISDN(record.sender), let me = try SubscriberRecord.fetch(tx.rows, sender) {
                let network = self.networkName(record.destination)
                let facts = Receipt.Facts(
                    amount: main.amount, fee: main.fee, counterparty: Receipt.offNetParty(name: nil, msisdn: record.recipient, network: network),
                    balance: balance, reference: record.providerKey, at: tx.now)
                let body = self.receipts.offNetRefunded(facts, network: network, reason: reason, me.language)
                try self.notify(tx, sender, body, transfer: main.id)
            }
            return record.with(state: .voided, balance: balance)
        }
    }

    /// Tells the sender, once, that the transfer is "en cours". Returns whether an SMS was queued.
    @discardableResult
    public func notifyOffNetPending(_ transferID: Int64) async throws -> Bool {
        try await run { tx in
            let (record, main) = try self.outgoingAndTransfer(tx, transferID)
            guard main.state == .pending, try tx.rows.markToldPending(transferID: transferID) else { return false }
            if let sender = MSISDN(record.sender), let me = try SubscriberRecord.fetch(tx.rows, sender) {
                let party = Receipt.offNetParty(name: nil, msisdn: record.recipient, network: self.networkName(record.destination))
                let facts = Receipt.Facts(amount: main.amount, counterparty: party, balance: 0, reference: record.providerKey, at: main.createdAt)
                try self.notify(tx, sender, self.receipts.offNetPending(facts, me.language), transfer: main.id)
            }
            return true
        }
    }

    /// Off-net transfers still pending that were debited at or before `cutoff` (ms since 1970), oldest
    /// first, after the debit `afterID` (to page through them).
    public func pendingOffNet(createdBefore cutoff: Int64, after afterID: Int64 = 0, limit: Int = 1000) async throws -> [OffNetTransfer] {
        try await read { rows in try rows.pendingOffNet(createdBefore: cutoff, after: afterID, limit: limit).map(Self.outgoing) }
    }

    /// One off-net transfer by the key its provider knows it by.
    public func offNetTransfer(providerKey: String) async throws -> OffNetTransfer? {
        try await read { rows in try rows.offNetOutgoing(providerKey: providerKey).map(Self.outgoing) }
    }

    /// One off-net transfer by the id of its debit.
    public func offNetTransfer(id: Int64) async throws -> OffNetTransfer? {
        try await read { rows in try rows.offNetOutgoing(transferID: id).map(Self.outgoing) }
    }

    // MARK: Internals

    func offNetParties(_ senderText: String, _ recipientText: String) throws -> (MSISDN, MSISDN, OperatorConfig, OperatorConfig) {
        let sender = try msisdn(senderText)
        let recipient = try msisdn(recipientText)
        let home = try operatorOf(sender)
        let destination = try operatorOf(recipient)
        guard sender != recipient else { throw MobileMoneyError(.selfTransfer, "cannot send money to oneself") }
        guard destination.id != home.id else { throw MobileMoneyError(.sameNetwork, "\(recipient) is on \(home.name) too") }
        return (sender, recipient, home, destination)
    }

    func networkName(_ operatorID: String) -> String {
        catalog.operator(operatorID)?.name ?? operatorID
    }

    private func outgoingAndTransfer(_ tx: LedgerTransaction, _ transferID: Int64) throws -> (OffNetTransfer, Transfer) {
        guard let record = try tx.rows.offNetOutgoing(transferID: transferID).map(Self.outgoing), let main = try tx.transfer(id: transferID)
        else {
            throw MobileMoneyError(.unknownTransfer, "no off-net transfer \(transferID)")
        }
        return (record, main)
    }

    static func outgoing(_ row: OffNetOutgoingRow) -> OffNetTransfer {
        OffNetTransfer(
            transferID: row.transferID, providerKey: row.providerKey, home: row.home, destination: row.destination, sender: row.sender,
            recipient: row.recipient, amount: row.amount, fee: row.fee, state: row.state, balance: row.senderBalance, createdAt: row.createdAt,
            replayed: false)
    }
}

extension OffNetTransfer {
    func with(state: TransferState? = nil, balance: Int64? = nil, replayed: Bool? = nil) -> OffNetTransfer {
        OffNetTransfer(
            transferID: transferID, providerKey: providerKey, home: home, destination: destination, sender: sender, recipient: recipient,
            amount: amount, fee: fee, state: state ?? self.state, balance: balance ?? self.balance, createdAt: createdAt,
            replayed: replayed ?? self.replayed)
    }
}
