import Ledger
import Operators

extension MobileMoney {
    /// Checks a recipient and an amount before the PIN is asked, and prices the transfer.
    public func lookupRecipient(sender text: String, recipient recipientText: String, amount: Int64) async throws -> RecipientQuote {
        let sender = try msisdn(text)
        let recipient = try msisdn(recipientText)
        let home = try operatorOf(sender)
        let (record, _) = try await read { rows in
            (try self.checkRecipient(rows, sender: sender, recipient: recipient, home: home), ())
        }
        snapshots.keep(record)
        try checkBounds(amount, home)
        let fee = home.fees.onNet.fee(for: amount)
        return RecipientQuote(msisdn: recipient, name: Subscriber.shortName(record.name), network: home.name, fee: fee, amount: amount)
    }

    /// An on-net transfer between two wallets, with its fee and both SMS receipts, in one transaction.
    ///
    /// Replaying the same `idempotencyKey` with the same content returns the first result and moves nothing.
    public func transfer(from senderText: String, to recipientText: String, amount: Int64, pin: String, idempotencyKey: String) async throws
        -> TransferResult
    {
        try await observed(.p2p) {
            try await makeTransfer(from: senderText, to: recipientText, amount: amount, pin: pin, idempotencyKey: idempotencyKey)
        }
    }

    /// `transfer`, before its outcome is told to the observers.
    func makeTransfer(from senderText: String, to recipientText: String, amount: Int64, pin: String, idempotencyKey: String) async throws
        -> TransferResult
    {
        let sender = try msisdn(senderText)
        let recipient = try msisdn(recipientText)
        let home = try operatorOf(sender)
        guard amount > 0 else { throw MobileMoneyError(.invalidAmount, "amount must be positive") }
        var preparedJob: (@Sendable (LedgerTransaction) throws -> TransferResult?)?
        var expected: TransferRecheck?
        if !options.preparesTransfers {
            // Every check in the write job.
        } else if let prepared = await prepareTransfer(
            sender: sender, recipient: recipient, home: home, amount: amount, pin: pin, key: idempotencyKey)
        {
            preparedJob = { tx in try self.apply(prepared, tx) }
            // The day as it is now: if the job runs after midnight its recheck differs, and the store reads it alone.
            expected = prepared.recheck(day: CivilDate.epochDay(millis: ledger.context.clock()))
        } else {
            // The full check may count a failure or clear one, and a party the snapshot showed blocked may not be
            // any more: their snapshots are read again next time.
            snapshots.forget(sender.digits, recipient.digits)
        }
        let result = try await withPIN(sender, pin, prepared: preparedJob, expecting: expected) { tx, me in
            let them = try self.checkRecipient(tx.rows, sender: sender, recipient: recipient, home: home)
            let receipt = try tx.transfer(
                TransferRequest(idempotencyKey: idempotencyKey, debit: me.accountID, credit: them.accountID, amount: amount, kind: .p2p),
                accounts: (me.account, them.account))
            if !receipt.replayed {
                let at = receipt.transfer.createdAt
                let sent = self.receipts.sent(
                    .init(
                        amount: amount, fee: receipt.fee, counterparty: them.name, counterpartyMSISDN: recipient.digits,
                        balance: receipt.debitBalanceAfter, reference: receipt.reference, at: at), me.language)
                let received = self.receipts.received(
                    .init(
                        amount: amount, counterparty: me.name, counterpartyMSISDN: sender.digits, balance: receipt.creditBalanceAfter,
                        reference: receipt.reference, at: at), them.language)
                try self.notify(tx, [(sender, sent), (recipient, received)], transfer: receipt.transfer.id)
            }
            return self.result(receipt, counterparty: Subscriber.shortName(them.name), msisdn: recipient)
        }
        logger.info(
            "transfer", metadata: ["ref": "\(result.reference)", "amount": "\(amount)", "replayed": "\(result.replayed)"])
        return result
    }

    /// The transfer checked on a snapshot, off the write lock: the payer's PIN (HMAC), the recipient, and both
    /// receipts rendered but for what only the write job knows. The parties come from the last snapshot read
    /// of them (``SubscriberSnapshots``), or from a read now. Nil unless the snapshot shows a plain start (a
    /// well-formed right PIN, no failure to clear, no lock, an acceptable recipient): every other case, a wrong
    /// PIN first, is decided and written by the job's full check, as before. A replayed key is found by the
    /// job's recheck, which then runs the full check too.
    func prepareTransfer(sender: MSISDN, recipient: MSISDN, home: OperatorConfig, amount: Int64, pin: String, key: String) async
        -> PreparedTransfer?
    {
        guard policy.isWellFormed(pin), sender != recipient, home.owns(msisdn: recipient.digits) else { return nil }
        var parties: (SubscriberRecord, SubscriberRecord)?
        if let payer = snapshots.lookup(sender.digits), let payee = snapshots.lookup(recipient.digits) {
            parties = (payer, payee)
        } else if let read = try? await read({ rows in
            try SubscriberRecord.fetch(rows, sender).flatMap { payer in try SubscriberRecord.fetch(rows, recipient).map { (payer, $0) } }
        }) {
            preparedStats.withLock { $0.reads += 1 }
            parties = read
            snapshots.keep(read.0, read.1)
        }
        guard let (payer, payee) = parties, !payer.blocked, payer.failedPins == 0, payer.lockedUntil == 0, !payee.blocked,
            hasher.verify(pin: pin, salt: payer.pinSalt, hash: payer.pinHash)
        else { return nil }
        return PreparedTransfer(
            request: TransferRequest(idempotencyKey: key, debit: payer.accountID, credit: payee.accountID, amount: amount, kind: .p2p),
            payer: payer, payee: payee,
            sent: receipts.preparedSent(amount: amount, counterparty: payee.name, counterpartyMSISDN: recipient.digits, payer.language),
            received: receipts.preparedReceived(amount: amount, counterparty: payer.name, counterpartyMSISDN: sender.digits, payee.language))
    }

    /// Commits a prepared transfer inside its write job after one recheck; nil when the snapshot no longer
    /// holds, and the job then runs the full check. The ledger's limits and the balance run on the values
    /// read now, by the same rules as the full path.
    func apply(_ p: PreparedTransfer, _ tx: LedgerTransaction) throws -> TransferResult? {
        let fresh = try tx.rows.recheck(p.recheck(day: tx.day))
        guard fresh.holds, let debitBalance = fresh.debitBalance, let creditBalance = fresh.creditBalance else {
            preparedStats.withLock { $0.stale += 1 }
            snapshots.forget(p.payer.msisdn.digits, p.payee.msisdn.digits)
            return nil
        }
        let receipt = try tx.transfer(
            p.request, rechecked: p.payer.account.with(balance: debitBalance), p.payee.account.with(balance: creditBalance),
            outgoingToday: fresh.outgoingToday)
        let at = receipt.transfer.createdAt
        let reference = receipt.reference
        try notify(
            tx,
            [
                (p.payer.msisdn, p.sent.text(fee: receipt.fee, balance: receipt.debitBalanceAfter, reference: reference, at: at)),
                (p.payee.msisdn, p.received.text(fee: 0, balance: receipt.creditBalanceAfter, reference: reference, at: at)),
            ], transfer: receipt.transfer.id)
        preparedStats.withLock { $0.applied += 1 }
        return result(receipt, counterparty: Subscriber.shortName(p.payee.name), msisdn: p.payee.msisdn)
    }

    /// The recipient's record if money may go to it from `sender` on the home network.
    func checkRecipient(_ rows: any LedgerStoreReader, sender: MSISDN, recipient: MSISDN, home: OperatorConfig) throws -> SubscriberRecord {
        guard sender != recipient else { throw MobileMoneyError(.selfTransfer, "cannot send money to oneself") }
        guard home.owns(msisdn: recipient.digits) else {
            guard catalog.operatorOwning(msisdn: recipient.digits) != nil else {
                throw MobileMoneyError(.invalidMSISDN, "\(recipient) is not a mobile number")
            }
            throw MobileMoneyError(.otherNetwork, "\(recipient) is on another network")
        }
        guard let record = try SubscriberRecord.fetch(rows, recipient) else {
            throw MobileMoneyError(.unknownRecipient, "\(recipient) has no wallet")
        }
        guard !record.blocked else { throw MobileMoneyError(.recipientBlocked, "\(recipient) cannot receive money") }
        return record
    }

    /// The per-transfer bounds of an operator, checked before asking for a PIN.
    func checkBounds(_ amount: Int64, _ home: OperatorConfig) throws {
        if amount < home.limits.minTransfer {
            throw MobileMoneyError(.limitExceeded, "below the minimum of \(home.limits.minTransfer)", limit: .minimum)
        }
        if amount > home.limits.maxTransfer {
            throw MobileMoneyError(.limitExceeded, "above the maximum of \(home.limits.maxTransfer)", limit: .maximum)
        }
    }
}
