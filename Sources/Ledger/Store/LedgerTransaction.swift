import Operators

/// The ledger's operations inside one write job (one unit of a group commit).
///
/// Everything done through one `LedgerTransaction` commits together or not at all; that is how a
/// transfer, its fee and both SMS receipts become one atomic unit. Other modules reach their own rows
/// (subscribers, cards, off-net records) through ``rows``, in the same job.
public struct LedgerTransaction {
    /// The store's rows, inside this job.
    public let rows: any LedgerStoreWriter
    public let context: LedgerContext
    /// The instant of this transaction, in milliseconds since 1970 (one reading for all its rows).
    public let now: Int64

    init(rows: any LedgerStoreWriter, context: LedgerContext) {
        self.rows = rows
        self.context = context
        self.now = context.clock()
    }

    // MARK: Accounts

    public func account(id: Account.ID) throws -> Account {
        guard let account = try rows.account(id: id) else { throw LedgerError(.unknownAccount, "no account \(id)") }
        return account
    }

    public func account(code: String) throws -> Account? {
        try rows.account(code: code)
    }

    /// Opens a wallet or agent account with a zero balance; refuses a code that exists.
    @discardableResult
    public func openAccount(code: String, kind: AccountKind, operatorID: String, label: String, tier: Int = 0) throws -> Account {
        _ = try context.operatorConfig(operatorID)
        if try account(code: code) != nil { throw LedgerError(.duplicateAccount, "account \(code) already exists") }
        let id = try rows.insertAccount(code: code, kind: kind, operatorID: operatorID, label: label, tier: tier, createdAt: now)
        return Account(id: id, code: code, kind: kind, operatorID: operatorID, label: label, tier: tier, balance: 0)
    }

    /// Changes a wallet's KYC tier (and so its caps).
    public func setTier(_ tier: Int, of account: Account.ID) throws {
        try rows.setTier(tier, of: account)
    }

    // MARK: Transfers

    /// Prices, checks and applies a transfer and its fee, or returns the first result for a replayed key.
    ///
    /// - Parameter accounts: both accounts if the caller already read them *in this transaction*
    ///   (saves two reads on the hot path); ignored unless their ids match the request.
    public func transfer(_ request: TransferRequest, accounts: (debit: Account, credit: Account)? = nil) throws -> TransferReceipt {
        if let existing = try rows.transfer(idempotencyKey: request.idempotencyKey) {
            return try replay(existing, of: request)
        }
        let known = accounts.flatMap { $0.debit.id == request.debit && $0.credit.id == request.credit ? $0 : nil }
        // Both accounts locked (several writers) and as they are now: the limits below are checked against these.
        let locked = try rows.lockAccounts([request.debit, request.credit])
        let debit = try locked?.first { $0.id == request.debit } ?? known?.debit ?? account(id: request.debit)
        let credit = try locked?.first { $0.id == request.credit } ?? known?.credit ?? account(id: request.credit)
        return try apply(request, debit: debit, credit: credit, outgoingToday: nil)
    }

    /// Checks and applies a transfer whose accounts, with their balances, and the payer's outgoing total of
    /// today this job has just read with ``LedgerStoreWriter/recheck(_:)``, which also found its keys free:
    /// the same rules as ``transfer(_:accounts:)``, without reading anything again.
    public func transfer(_ request: TransferRequest, rechecked debit: Account, _ credit: Account, outgoingToday: Int64) throws -> TransferReceipt {
        guard debit.id == request.debit, credit.id == request.credit else {
            throw LedgerError(.storage, "rechecked accounts \(debit.id), \(credit.id) are not the request's")
        }
        return try apply(request, debit: debit, credit: credit, outgoingToday: outgoingToday)
    }

    /// The day (UTC) a transfer of this transaction counts toward.
    public var day: Int64 { CivilDate.epochDay(millis: now) }

    /// The idempotency key of a transfer's fee leg.
    public static func feeKey(_ key: String) -> String { key + "#fee" }

    /// The rules and the writes of a new transfer. `outgoingToday`, when known, is the payer's total of
    /// today before this transfer; otherwise it is read here.
    private func apply(_ request: TransferRequest, debit: Account, credit: Account, outgoingToday: Int64?) throws -> TransferReceipt {
        guard request.amount > 0 else { throw LedgerError(.invalidAmount, "amount must be positive") }
        guard request.debit != request.credit else { throw LedgerError(.sameAccount, "debit and credit are the same account") }
        let home = try context.operatorConfig(debit.operatorID)
        let fee = request.chargeFee ? home.schedule(for: request.kind)?.fee(for: request.amount) ?? 0 : 0
        let day = self.day
        let countsOutgoing = request.kind.isCustomerOutgoing && debit.kind == .wallet

        if request.enforceLimits && countsOutgoing {
            try checkBounds(request.amount, home)
        }
        // Every rule is decided before the first write: a refusal then leaves nothing to undo (SQLite's group
        // commit runs jobs without a savepoint and needs one only for a job that fails after writing).
        let cap = home.tier(debit.tier).dailyOutgoing
        if countsOutgoing && request.enforceLimits {
            let sentBefore = try outgoingToday ?? rows.outgoing(account: debit.id, day: day)
            if sentBefore + request.amount > cap {
                throw LedgerError.limit(.daily, "daily outgoing cap of \(cap) reached")
            }
        }
        if request.enforceLimits, credit.kind == .wallet {
            let cap = try context.operatorConfig(credit.operatorID).tier(credit.tier).balanceCap
            if credit.balance + request.amount > cap {
                throw LedgerError.limit(.balanceCap, "the receiving wallet would exceed its balance cap of \(cap)")
            }
        }
        if debit.kind.isCustomerHeld && debit.balance < request.amount + fee {
            throw LedgerError(.insufficientFunds, "balance \(debit.balance) is below \(request.amount + fee)")
        }
        let feeAccount = fee > 0 ? try context.systemAccount(.fees, of: home.id) : nil
        // Checked again by the store on the total the counter holds now: with several writers (PostgreSQL) the
        // payer's accounts are locked, so it is the total read above; a refusal there is rolled back like any other.
        let posting = TransferPosting(
            key: request.idempotencyKey, debit: debit.id, credit: credit.id, amount: request.amount, fee: fee, feeAccount: feeAccount,
            kind: request.kind, state: request.pending ? .pending : .posted, operatorID: home.id, referencePrefix: home.referencePrefix,
            parentID: request.parentID, createdAt: now,
            outgoing: countsOutgoing ? TransferPosting.Outgoing(day: day, cap: request.enforceLimits ? cap : nil) : nil)
        let posted = try rows.postTransfer(posting)
        let main = posting.main(posted).stored(as: posted.mainID)
        let feeTransfer = posted.feeID.flatMap { id in posting.feeLeg(posted, parent: main.id)?.stored(as: id) }
        return TransferReceipt(transfer: main, feeTransfer: feeTransfer, replayed: false)
    }

    /// Posts a pending transfer (and its fee): the money it moved stays where it is, for good.
    @discardableResult
    public func post(_ id: Transfer.ID) throws -> Transfer {
        try finish(id, as: .posted)
    }

    /// Voids a pending transfer (and its fee): the money goes back as if it never moved.
    @discardableResult
    public func void(_ id: Transfer.ID) throws -> Transfer {
        try finish(id, as: .voided)
    }

    public func transfer(id: Transfer.ID) throws -> Transfer? {
        try rows.transfer(id: id)
    }

    public func transfer(idempotencyKey: String) throws -> Transfer? {
        try rows.transfer(idempotencyKey: idempotencyKey)
    }

    /// What a wallet has sent today (UTC), counting toward its daily cap.
    public func outgoingToday(_ account: Account.ID) throws -> Int64 {
        try rows.outgoing(account: account, day: CivilDate.epochDay(millis: now))
    }

    // MARK: Outbox

    /// Queues an SMS in this transaction: it exists if and only if the money it reports does.
    public func enqueueSMS(to msisdn: String, operatorID: String, body: String, transferID: Transfer.ID?) throws {
        try enqueueSMS([(msisdn, operatorID, body, transferID)])
    }

    /// An SMS to queue: recipient, the operator that delivers it, the text, the movement it reports.
    public typealias SMS = (msisdn: String, operatorID: String, body: String, transferID: Transfer.ID?)

    /// Queues several SMS in this transaction; a movement's receipts go in one statement.
    public func enqueueSMS(_ messages: [SMS]) throws {
        guard !messages.isEmpty else { return }
        let rows = try messages.map { m in
            NewOutboxMessage(
                msisdn: m.msisdn, operatorID: m.operatorID, sender: try context.operatorConfig(m.operatorID).smsShortCode, body: m.body,
                transferID: m.transferID, createdAt: now)
        }
        try self.rows.insertMessages(rows)
    }

    // MARK: Internals

    private func replay(_ existing: Transfer, of request: TransferRequest) throws -> TransferReceipt {
        // Content is who pays whom, how much, for what. State is not content: a replay of a pending
        // transfer that has since been posted is still the same intent.
        let same =
            existing.debitAccount == request.debit && existing.creditAccount == request.credit
            && existing.amount == request.amount && existing.kind == request.kind
        guard same else {
            throw LedgerError(.idempotencyConflict, "idempotency key \(request.idempotencyKey) was used for another transfer")
        }
        let fee = try transfer(idempotencyKey: Self.feeKey(request.idempotencyKey))
        return TransferReceipt(transfer: existing, feeTransfer: fee, replayed: true)
    }

    /// The per-transfer bounds of the home operator.
    private func checkBounds(_ amount: Int64, _ home: OperatorConfig) throws {
        if amount < home.limits.minTransfer {
            throw LedgerError.limit(.minimum, "amount below the minimum of \(home.limits.minTransfer)")
        }
        if amount > home.limits.maxTransfer {
            throw LedgerError.limit(.maximum, "amount above the maximum of \(home.limits.maxTransfer)")
        }
    }

    private func finish(_ id: Transfer.ID, as final: TransferState) throws -> Transfer {
        guard let main = try transfer(id: id) else { throw LedgerError(.unknownTransfer, "no transfer \(id)") }
        guard main.state == .pending else {
            throw LedgerError(.alreadyFinal, "transfer \(main.reference) is already \(main.state.rawValue)")
        }
        var legs = [main]
        if main.fee > 0, let fee = try transfer(idempotencyKey: Self.feeKey(main.idempotencyKey)) { legs.append(fee) }
        // Voiding moves money back: lock the customer accounts first, in the one global order.
        _ = try rows.lockAccounts(legs.flatMap { [$0.debitAccount, $0.creditAccount] })
        for leg in legs {
            guard try rows.setTransferState(leg.id, to: final, at: now) else {
                throw LedgerError(.alreadyFinal, "transfer \(leg.reference) is no longer pending")
            }
            if final == .voided {
                // The payer gets its money back first, then the payee gives it up.
                _ = try rows.addToBalance(leg.debitAccount, leg.amount)
                _ = try rows.addToBalance(leg.creditAccount, -leg.amount)
            }
        }
        if final == .voided && main.kind.isCustomerOutgoing {
            let debit = try account(id: main.debitAccount)
            if debit.kind == .wallet {
                // The cap counts what left the wallet; money that came back frees the room it took.
                _ = try rows.addOutgoing(account: main.debitAccount, day: CivilDate.epochDay(millis: main.createdAt), amount: -main.amount)
            }
        }
        guard let finished = try transfer(id: id) else { throw LedgerError(.storage, "transfer \(id) vanished") }
        return finished
    }
}
