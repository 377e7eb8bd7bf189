import Foundation
import GRDB
import Ledger

/// The ledger's rows on one SQLite connection: a read snapshot, or a write job inside the group commit.
///
/// Hot statements go through GRDB's statement cache, so a transfer prepares nothing after warm-up; those a
/// transfer runs inside the write lock are bound and read through SQLite's C interface (``RawStatement``).
struct SQLiteRows: LedgerStoreWriter {
    let db: Database

    // MARK: Accounts

    func account(id: Account.ID) throws -> Account? {
        try Row.fetchOne(db.cachedStatement(sql: LedgerSQL.accountByID), arguments: [id]).map(Self.account)
    }

    func account(code: String) throws -> Account? {
        try Row.fetchOne(db.cachedStatement(sql: LedgerSQL.accountByCode), arguments: [code]).map(Self.account)
    }

    func systemAccounts() throws -> [String: Account.ID] {
        let rows = try Row.fetchAll(db, sql: LedgerSQL.systemAccounts)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as String, $0[1] as Account.ID) })
    }

    func insertAccount(code: String, kind: AccountKind, operatorID: String, label: String, tier: Int, createdAt: Int64) throws -> Account.ID {
        try Self.mapped {
            try db.cachedStatement(sql: LedgerSQL.insertAccount).execute(arguments: [code, kind.rawValue, operatorID, label, tier, createdAt])
        }
        return db.lastInsertedRowID
    }

    func insertSystemAccountIfMissing(code: String, kind: AccountKind, operatorID: String, label: String, createdAt: Int64) throws {
        try db.execute(sql: LedgerSQL.insertSystemAccount, arguments: [code, kind.rawValue, operatorID, label, createdAt])
    }

    func setTier(_ tier: Int, of account: Account.ID) throws {
        try db.cachedStatement(sql: LedgerSQL.setTier).execute(arguments: [tier, account])
    }

    /// One writer: nothing to lock, and what the job read is current.
    func lockAccounts(_ ids: [Account.ID]) throws -> [Account]? { nil }

    func addToBalance(_ account: Account.ID, _ delta: Int64) throws -> Int64 {
        do {
            let update = try RawStatement(db, LedgerSQL.addToBalance)
            update.bind(1, delta)
            update.bind(2, account)
            // The CHECK on customer-held balances answers here, as the typed refusal the protocol promises.
            try Self.mapped { try update.run() }
        }
        let read = try RawStatement(db, LedgerSQL.balanceByID)
        read.bind(1, account)
        guard try read.step() else { throw LedgerError(.unknownAccount, "no account \(account)") }
        return read.int64(0)
    }

    // MARK: Transfers

    func transfer(id: Transfer.ID) throws -> Transfer? {
        try Row.fetchOne(db.cachedStatement(sql: LedgerSQL.transferByID), arguments: [id]).map(Self.transfer)
    }

    func transfer(idempotencyKey: String) throws -> Transfer? {
        let statement = try RawStatement(db, LedgerSQL.transferByKey)
        statement.bind(1, idempotencyKey)
        guard try statement.step() else { return nil }
        guard let kind = TransferKind(rawValue: statement.text(6)), let state = TransferState(rawValue: statement.text(7)) else {
            throw LedgerError(.storage, "unreadable transfer \(statement.int64(0))")
        }
        return Transfer(
            id: statement.int64(0), idempotencyKey: statement.text(1), debitAccount: statement.int64(2), creditAccount: statement.int64(3),
            amount: statement.int64(4), fee: statement.int64(5), kind: kind, state: state, operatorID: statement.text(8),
            referencePrefix: statement.text(9), parentID: statement.optionalInt64(10), debitBalanceAfter: statement.int64(11),
            creditBalanceAfter: statement.int64(12), createdAt: statement.int64(13))
    }

    func insertTransfer(_ t: NewTransfer) throws -> Transfer.ID {
        let statement = try RawStatement(db, LedgerSQL.insertTransfer)
        statement.bind(1, t.idempotencyKey)
        statement.bind(2, t.debit)
        statement.bind(3, t.credit)
        statement.bind(4, t.amount)
        statement.bind(5, t.fee)
        statement.bind(6, t.kind.rawValue)
        statement.bind(7, t.state.rawValue)
        statement.bind(8, t.operatorID)
        statement.bind(9, t.referencePrefix)
        statement.bind(10, t.parentID)
        statement.bind(11, t.debitBalanceAfter)
        statement.bind(12, t.creditBalanceAfter)
        statement.bind(13, t.createdAt)
        statement.bind(14, t.createdAt)
        try statement.run()
        return db.lastInsertedRowID
    }

    func setTransferState(_ id: Transfer.ID, to state: TransferState, at: Int64) throws -> Bool {
        try db.cachedStatement(sql: LedgerSQL.setTransferState).execute(arguments: [state.rawValue, at, id])
        return db.changesCount > 0
    }

    func statement(account: Account.ID, limit: Int, before: Transfer.ID) throws -> [StatementRow] {
        try Row.fetchAll(db.cachedStatement(sql: LedgerSQL.statement), arguments: [account, account, account, before, limit]).map { row in
            StatementRow(
                transfer: try Self.transfer(row), counterpartyLabel: row[14], counterpartyCode: row[15],
                counterpartyKind: AccountKind(rawValue: row[16]) ?? .wallet)
        }
    }

    func pendingTransfers(createdBefore cutoff: Int64, limit: Int) throws -> [Transfer] {
        try Row.fetchAll(db.cachedStatement(sql: LedgerSQL.pendingOlderThan), arguments: [cutoff, limit]).map(Self.transfer)
    }

    func outgoing(account: Account.ID, day: Int64) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: LedgerSQL.outgoingOnDay), arguments: [account, day]) ?? 0
    }

    func hasPendingTransfer(account: Account.ID) throws -> Bool {
        try Bool.fetchOne(db, sql: LedgerSQL.hasPending, arguments: [account, account]) ?? false
    }

    func clearOutgoing(account: Account.ID) throws {
        try db.execute(sql: LedgerSQL.clearOutgoing, arguments: [account])
    }

    func addOutgoing(account: Account.ID, day: Int64, amount: Int64) throws -> Int64 {
        do {
            let upsert = try RawStatement(db, LedgerSQL.addOutgoing)
            upsert.bind(1, account)
            upsert.bind(2, day)
            upsert.bind(3, amount)
            try upsert.run()
        }
        let read = try RawStatement(db, LedgerSQL.outgoingOnDay)
        read.bind(1, account)
        read.bind(2, day)
        return try read.step() ? read.int64(0) : 0
    }

    func recheck(_ t: TransferRecheck) throws -> TransferRecheckRow {
        let row = try RawStatement(db, LedgerSQL.transferRecheck)
        row.bind(1, t.debit.msisdn)
        row.bind(2, t.debit.account)
        row.bind(3, t.debitPin.salt)
        row.bind(4, t.debitPin.hash)
        row.bind(5, t.debit.language)
        row.bind(6, t.debit.tier)
        row.bind(7, t.credit.msisdn)
        row.bind(8, t.credit.account)
        row.bind(9, t.credit.language)
        row.bind(10, t.credit.tier)
        row.bind(11, t.day)
        row.bind(12, t.key)
        row.bind(13, t.feeKey)
        guard try row.step() else { throw LedgerError(.storage, "the recheck read no row") }
        return TransferRecheckRow(
            debitBalance: row.optionalInt64(0), creditBalance: row.optionalInt64(1), outgoingToday: row.int64(2), keyTaken: row.bool(3))
    }

    // MARK: Audit

    func balanceCheck() throws -> [BalanceCheckRow] {
        try Row.fetchAll(db, sql: LedgerSQL.recomputedBalances).map { row in
            BalanceCheckRow(code: row[0], kind: AccountKind(rawValue: row[1]), stored: row[2], recomputed: row[3])
        }
    }

    func feeStateMismatches() throws -> [(fee: Transfer.ID, parent: Transfer.ID)] {
        try Row.fetchAll(db, sql: LedgerSQL.feeStateMismatches).map { ($0[0], $0[1]) }
    }

    func transferCount() throws -> Int {
        try Int.fetchOne(db, sql: LedgerSQL.transferCount) ?? 0
    }

    // MARK: Outbox

    func undeliveredSMS(operatorID: String, limit: Int) throws -> [OutboxMessage] {
        try Row.fetchAll(db.cachedStatement(sql: LedgerSQL.undeliveredOutbox), arguments: [operatorID, limit]).map(Self.message)
    }

    func messages(to msisdn: String, after: OutboxMessage.ID) throws -> [OutboxMessage] {
        try Row.fetchAll(db.cachedStatement(sql: LedgerSQL.messagesTo), arguments: [msisdn, after]).map(Self.message)
    }

    func lastMessageID() throws -> OutboxMessage.ID {
        try Int64.fetchOne(db, sql: LedgerSQL.lastMessageID) ?? 0
    }

    func insertMessages(_ messages: [NewOutboxMessage]) throws {
        func bind(_ m: NewOutboxMessage, to statement: borrowing RawStatement, from first: Int32) {
            statement.bind(first, m.msisdn)
            statement.bind(first + 1, m.operatorID)
            statement.bind(first + 2, m.sender)
            statement.bind(first + 3, m.body)
            statement.bind(first + 4, m.transferID)
            statement.bind(first + 5, m.createdAt)
        }
        // A movement's two receipts in one statement: the common case on the hot path.
        if messages.count == 2 {
            let statement = try RawStatement(db, LedgerSQL.insertOutboxPair)
            bind(messages[0], to: statement, from: 1)
            bind(messages[1], to: statement, from: 7)
            try statement.run()
            return
        }
        for message in messages {
            let statement = try RawStatement(db, LedgerSQL.insertOutbox)
            bind(message, to: statement, from: 1)
            try statement.run()
        }
    }

    func markDelivered(_ ids: [OutboxMessage.ID], at: Int64) throws {
        for id in ids {
            let statement = try RawStatement(db, LedgerSQL.markDelivered)
            statement.bind(1, at)
            statement.bind(2, id)
            try statement.run()
        }
    }

    func claimSMS(operatorID: String, claimant: String, until: Int64, now: Int64, limit: Int) throws -> [OutboxMessage] {
        try Row.fetchAll(db.cachedStatement(sql: OutboxClaimSchema.claim), arguments: [claimant, until, operatorID, now, limit]).map(Self.message)
            .sorted { $0.id < $1.id }
    }

    // MARK: Subscribers

    func subscriber(msisdn: String) throws -> SubscriberRow? {
        let row = try RawStatement(db, SubscriberSQL.select)
        row.bind(1, msisdn)
        guard try row.step() else { return nil }
        let operatorID = row.text(1)
        return SubscriberRow(
            msisdn: row.text(0), operatorID: operatorID, name: row.text(3), language: row.text(4), blocked: row.bool(5), pinSalt: row.data(6),
            pinHash: row.data(7), failedPins: Int(row.int64(8)), lockedUntil: row.int64(9),
            account: Account(
                id: row.int64(2), code: row.text(12), kind: AccountKind(rawValue: row.text(13)) ?? .wallet, operatorID: operatorID,
                label: row.text(14), tier: Int(row.int64(10)), balance: row.int64(11)))
    }

    func walletUsage() throws -> [WalletUsageRow] {
        try Row.fetchAll(db, sql: LedgerSQL.walletUsage).map { WalletUsageRow(msisdn: $0[0], account: $0[1], balance: $0[2], used: $0[3]) }
    }

    func deleteUnusedWallet(msisdn: String, account: Account.ID) throws {
        try db.execute(sql: LedgerSQL.deleteCards, arguments: [msisdn])
        try db.execute(sql: MailSQL.deleteEmail, arguments: [msisdn])
        try db.execute(sql: LedgerSQL.clearOutgoing, arguments: [account])
        try db.execute(sql: LedgerSQL.deleteSubscriber, arguments: [msisdn])
        try db.execute(sql: LedgerSQL.deleteUnusedAccount, arguments: [account])
        guard db.changesCount > 0 else { throw LedgerError(.storage, "the wallet of \(msisdn) took part in transfers: it is kept") }
    }

    func insertSubscriber(_ s: NewSubscriber) throws {
        try db.cachedStatement(sql: SubscriberSQL.insert).execute(arguments: [
            s.msisdn, s.operatorID, s.accountID, s.name, s.language, s.pinSalt, s.pinHash, s.createdAt,
        ])
    }

    func setPinFailures(msisdn: String, failures: Int, lockedUntil: Int64) throws {
        try db.cachedStatement(sql: SubscriberSQL.recordFailure).execute(arguments: [failures, lockedUntil, msisdn])
    }

    func setPin(msisdn: String, salt: Data, hash: Data) throws {
        try db.cachedStatement(sql: SubscriberSQL.setPin).execute(arguments: [salt, hash, msisdn])
    }

    func setLanguage(msisdn: String, _ language: String) throws -> Bool {
        try db.cachedStatement(sql: SubscriberSQL.setLanguage).execute(arguments: [language, msisdn])
        return db.changesCount > 0
    }

    func setBlocked(msisdn: String, _ blocked: Bool) throws -> Bool {
        try db.cachedStatement(sql: SubscriberSQL.setBlocked).execute(arguments: [blocked, msisdn])
        return db.changesCount > 0
    }

    // MARK: Cards

    func cards(msisdn: String) throws -> [CardRow] {
        try Row.fetchAll(db, sql: CardSQL.byOwner, arguments: [msisdn]).map(Self.card)
    }

    func cards(notSealedWith keyID: String) throws -> [CardRow] {
        try Row.fetchAll(db, sql: CardSQL.notSealedWith, arguments: [keyID]).map(Self.card)
    }

    func insertCard(_ c: NewCard) throws -> Int64 {
        try db.execute(sql: CardSQL.insert, arguments: [c.msisdn, c.keyID, c.sealedNumber, c.last4, c.expiryMonth, c.expiryYear, c.createdAt])
        return db.lastInsertedRowID
    }

    func reseal(card id: Int64, keyID: String, sealedNumber: Data) throws {
        try db.execute(sql: CardSQL.reseal, arguments: [keyID, sealedNumber, id])
    }

    // MARK: Off-net

    func offNetOutgoing(transferID: Transfer.ID) throws -> OffNetOutgoingRow? {
        try Row.fetchOne(db.cachedStatement(sql: OffNetSQL.outgoingByTransfer), arguments: [transferID]).map(Self.outgoing)
    }

    func offNetOutgoing(providerKey: String) throws -> OffNetOutgoingRow? {
        try Row.fetchOne(db.cachedStatement(sql: OffNetSQL.outgoingByKey), arguments: [providerKey]).map(Self.outgoing)
    }

    func pendingOffNet(createdBefore cutoff: Int64, after: Transfer.ID, limit: Int) throws -> [OffNetOutgoingRow] {
        try Row.fetchAll(db.cachedStatement(sql: OffNetSQL.pendingOutgoing), arguments: [cutoff, after, limit]).map(Self.outgoing)
    }

    func offNetIncoming(operatorID: String, key: String) throws -> OffNetIncomingRow? {
        try Row.fetchOne(db.cachedStatement(sql: OffNetSQL.incomingByKey), arguments: [operatorID, key]).map(Self.incoming)
    }

    func offNetIncoming(operatorID: String, source: String) throws -> [OffNetIncomingRow] {
        try Row.fetchAll(db, sql: OffNetSQL.incomingBySource, arguments: [operatorID, source]).map(Self.incoming)
    }

    func offNetIncoming(transferID: Transfer.ID) throws -> OffNetIncomingRow? {
        try Row.fetchOne(db.cachedStatement(sql: OffNetSQL.incomingByTransfer), arguments: [transferID]).map(Self.incoming)
    }

    func setOffNetRecipientName(transferID: Transfer.ID, _ name: String) throws {
        try db.execute(sql: OffNetSQL.setRecipientName, arguments: [name, transferID])
    }

    func offNetMatches() throws -> [OffNetMatchRow] {
        try Row.fetchAll(db, sql: OffNetSQL.matches).map { row in
            OffNetMatchRow(
                providerKey: row[0], debitState: TransferState(rawValue: row[1]) ?? .pending, debitAmount: row[2], creditState: row[3],
                creditAmount: row[4])
        }
    }

    func orphanOffNetCredits() throws -> [String] {
        try String.fetchAll(db, sql: OffNetSQL.orphanCredits)
    }

    func postedOffNetTotals() throws -> [String: Int64] {
        try Row.fetchAll(db, sql: OffNetSQL.postedTotals).reduce(into: [:]) { $0["\($1[0] as String)>\($1[1] as String)"] = $1[2] }
    }

    func insertOffNetOutgoing(_ o: NewOffNetOutgoing) throws {
        try db.cachedStatement(sql: OffNetSQL.insertOutgoing).execute(arguments: [
            o.transferID, o.providerKey, o.home, o.destination, o.sender, o.recipient, o.amount, o.createdAt,
        ])
    }

    func markToldPending(transferID: Transfer.ID) throws -> Bool {
        try db.execute(sql: OffNetSQL.markToldPending, arguments: [transferID])
        return db.changesCount > 0
    }

    func insertOffNetIncoming(_ i: OffNetIncomingRow) throws {
        try db.cachedStatement(sql: OffNetSQL.insertIncoming).execute(arguments: [
            i.operatorID, i.key, i.source, i.recipient, i.amount, i.state, i.code, i.transferID, i.createdAt, i.updatedAt, i.sender,
        ])
    }

    func setOffNetIncomingState(operatorID: String, key: String, _ state: String, at: Int64) throws {
        try db.execute(sql: OffNetSQL.setIncomingState, arguments: [state, at, operatorID, key])
    }

    // MARK: Decoding

    /// Runs `body`, turning SQLite constraint failures into the ledger's typed errors.
    static func mapped<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw LedgerError.wrap(error)
        }
    }

    static func account(_ row: Row) throws -> Account {
        guard let kind = AccountKind(rawValue: row[2]) else { throw LedgerError(.storage, "unknown account kind \(row[2] as String)") }
        return Account(id: row[0], code: row[1], kind: kind, operatorID: row[3], label: row[4], tier: row[5], balance: row[6])
    }

    static func transfer(_ row: Row) throws -> Transfer {
        guard let kind = TransferKind(rawValue: row[6]), let state = TransferState(rawValue: row[7]) else {
            throw LedgerError(.storage, "unreadable transfer \(row[0] as Int64)")
        }
        return Transfer(
            id: row[0], idempotencyKey: row[1], debitAccount: row[2], creditAccount: row[3], amount: row[4], fee: row[5], kind: kind,
            state: state, operatorID: row[8], referencePrefix: row[9], parentID: row[10], debitBalanceAfter: row[11],
            creditBalanceAfter: row[12], createdAt: row[13])
    }

    static func message(_ row: Row) -> OutboxMessage {
        OutboxMessage(
            id: row[0], msisdn: row[1], operatorID: row[2], sender: row[3], body: row[4], transferID: row[5], createdAt: row[6],
            deliveredAt: row[7], deliveryState: (row[8] as String?).flatMap(SMSDeliveryState.init(rawValue:)), attempts: row[9])
    }

    static func card(_ row: Row) -> CardRow {
        CardRow(id: row[0], msisdn: row[1], keyID: row[2], sealedNumber: row[3], last4: row[4], expiryMonth: row[5], expiryYear: row[6])
    }

    static func outgoing(_ row: Row) -> OffNetOutgoingRow {
        OffNetOutgoingRow(
            transferID: row[0], providerKey: row[1], home: row[2], destination: row[3], sender: row[4], recipient: row[5], amount: row[6],
            fee: row[7], state: TransferState(rawValue: row[8]) ?? .pending, senderBalance: row[9], toldPending: row[10], recipientName: row[12],
            createdAt: row[11])
    }

    static func incoming(_ row: Row) -> OffNetIncomingRow {
        OffNetIncomingRow(
            operatorID: row[0], key: row[1], source: row[2], recipient: row[3], amount: row[4], state: row[5], code: row[6],
            transferID: row[7], createdAt: row[8], updatedAt: row[9], sender: row[10], recipientName: row[11])
    }
}
