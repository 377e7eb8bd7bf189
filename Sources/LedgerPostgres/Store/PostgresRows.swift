import Foundation
import Ledger
import PostgresNIO

/// The ledger's rows on one PostgreSQL connection: a read snapshot, or a write job inside a writer's batch.
///
/// **Locks in a write job.** Several writer connections run batches at once, and a batch holds every row
/// lock its jobs took until it commits. Two rules keep them from ever waiting on each other in a circle:
/// - A transaction may wait for a lock only while it holds none: only the first locking statement of a
///   batch waits (and locks its rows in id order, the one global order). Every later one asks `NOWAIT`.
///   In a batch with prepared transfers that statement is the batch's read (``PostgresBatchPosting``), which
///   locks every party of them at once.
/// - A job that finds a row taken is rolled back to its savepoint (which releases what it locked) and
///   goes back to the queue with the rows it wanted; it runs again first in a later batch, locking those
///   rows in id order before anything else.
///
/// What a job locks: the wallet of every subscriber it reads (which also serializes PIN counters) and the
/// customer accounts it moves money between (``lockAccounts(_:)``). System accounts are never locked: their
/// balances are spread over shards, and each writer adds to a shard no other transaction holds.
final class PostgresRows: LedgerStoreWriter {
    /// Why a job must run again rather than answer: another transaction held what it needed.
    struct Retry {
        /// The error to answer with if the job keeps meeting it (a duplicate that is not a race).
        let error: any Error
        /// Whether another transaction's lock was in the way (then the job's rows are locked up front next time).
        let lockConflict: Bool
        /// Whether the job must run the plain way next time, not answered from its batch's memory.
        var withoutBatch = false
    }

    /// The rows a job wanted, locked up front when it runs again.
    struct Wanted: Sendable {
        var accounts: Set<Account.ID> = []
        var msisdns: Set<String> = []
        var isEmpty: Bool { accounts.isEmpty && msisdns.isEmpty }
    }

    let connection: BlockingPostgresConnection
    private let writer: Bool
    private let shard: Int64
    private let spread: SpreadAccounts?

    /// Whether the next locking statement may wait (the transaction holds no lock yet).
    private(set) var mayWait = true
    /// Set when a statement met another transaction's lock or a racing duplicate.
    private(set) var retry: Retry?
    /// What this job locked or asked for, for its next run.
    private(set) var wanted = Wanted()
    /// Customer accounts this job locked with a subscriber and has not changed since: re-reading them is
    /// not needed, so the hot path (two subscribers, then their transfer) locks each wallet once.
    private var lockedAccounts: [Account.ID: Account] = [:]
    /// The batch's prepared transfers, answered from memory until a job asks for anything else (see
    /// ``PostgresBatchPosting``); nil once written, and in a batch without them.
    var batch: PostgresBatchPosting?
    /// Whether the running job has a savepoint of its own (a batch of several jobs, once not answered from memory).
    private(set) var savepoint = false
    /// Whether a job's failure must be taken back to its savepoint (the batch has other jobs).
    var isolated = false
    /// Set when writing what the batch kept failed: the batch runs again the plain way.
    private(set) var batchFailure: (any Error)?
    /// The channel whose `NOTIFY` wakes the node holding an operator's connection, for this schema's outbox.
    private var outboxChannel: String { PostgresLedgerSQL.outboxChannel(schema: connection.endpoint.schema) }

    /// A read snapshot's rows.
    init(reading connection: BlockingPostgresConnection) {
        self.connection = connection
        writer = false
        shard = 0
        spread = nil
    }

    /// A writer's rows: `shard` is the shard of system accounts this writer adds to when it is free.
    init(writing connection: BlockingPostgresConnection, shard: Int64, spread: SpreadAccounts) {
        self.connection = connection
        writer = true
        self.shard = shard
        self.spread = spread
    }

    /// Starts a job: `first` when nothing is locked in the transaction yet. Opens the job's savepoint when it
    /// shares the batch with others and is not answered from the batch's memory.
    func beginJob(first: Bool) throws {
        mayWait = first
        retry = nil
        wanted = Wanted()
        lockedAccounts.removeAll(keepingCapacity: true)
        savepoint = false
        if let batch {
            batch.beginJob()
        } else if isolated {
            try connection.send("SAVEPOINT job")
            savepoint = true
        }
    }

    /// Ends a job that stands: its savepoint released, or its rows kept by the batch.
    func endJob() throws {
        if savepoint { try connection.send("RELEASE SAVEPOINT job") }
        savepoint = false
        batch?.endJob()
    }

    /// Takes back a job that failed or must run again: to its savepoint, or forgotten by the batch. False when
    /// only rolling the whole transaction back undoes it (it was alone in its batch, and reached the server).
    func undoJob() throws -> Bool {
        if savepoint {
            try connection.query("ROLLBACK TO SAVEPOINT job")
            try connection.query("RELEASE SAVEPOINT job")
            savepoint = false
            return true
        }
        if let batch {
            batch.revertJob()
            return true
        }
        return isolated
    }

    /// Writes what the batch kept and goes on the plain way: before a statement of any other kind, and after the
    /// last job. A job that had kept rows of its own is forgotten and runs again, alone, in a later batch.
    func leaveBatch(openingSavepoint: Bool = true) throws {
        guard let batch else { return }
        self.batch = nil
        let partway = batch.jobChanged
        if partway { batch.revertJob() }
        do {
            try batch.write(on: connection, shard: shard, channel: outboxChannel)
        } catch {
            batchFailure = error
            throw LedgerError(.storage, "the batch's transfers were not written: \(PostgresFailure.summary(error))")
        }
        mayWait = false
        if partway {
            retry = Retry(
                error: LedgerError(.storage, "a prepared transfer's job asked for more than its batch read"), lockConflict: false, withoutBatch: true)
            throw retry!.error
        }
        if isolated && openingSavepoint {
            try connection.send("SAVEPOINT job")
            savepoint = true
        }
    }

    /// Locks, in id order, the rows a job wanted when it last ran (waiting for them: this is the batch's first
    /// locking statement, so the transaction holds nothing else).
    func prelock(_ rows: Wanted) throws {
        _ = try change(
            """
            SELECT a.id FROM accounts a
            WHERE a.id = ANY($1) OR a.id IN (SELECT account_id FROM subscribers WHERE msisdn = ANY($2))
            ORDER BY a.id FOR NO KEY UPDATE
            """,
            [PostgresBind.ints(Array(rows.accounts)), PostgresData(array: rows.msisdns.map { PostgresData(string: $0) }, elementType: .text)])
        wanted = rows
    }

    // MARK: Statements

    /// A read: no lock taken.
    func rows(_ sql: String, _ binds: [PostgresData]) throws -> [PostgresRow] {
        try leaveBatch()
        do {
            return try connection.query(sql, binds)
        } catch {
            throw classify(error)
        }
    }

    /// A statement that writes or locks: once it ran, the transaction holds locks and may no longer wait.
    func change(_ sql: String, _ binds: [PostgresData]) throws -> [PostgresRow] {
        defer { mayWait = false }
        return try rows(sql, binds)
    }

    /// A write whose result nobody needs: queued on the connection without a wait (checked before the job ends).
    func changeLater(_ sql: String, _ binds: [PostgresData]) throws {
        try leaveBatch()
        mayWait = false
        do {
            try connection.send(sql, binds)
        } catch {
            throw classify(error)
        }
    }

    /// Turns a server error into what the job sees, noting when the job should run again instead.
    private func classify(_ error: any Error) -> any Error {
        let mapped = LedgerError.wrapPostgres(error)
        guard writer, let state = PostgresFailure.sqlState(error) else { return mapped }
        switch state {
        case PostgresFailure.State.lockNotAvailable, PostgresFailure.State.deadlockDetected, PostgresFailure.State.serializationFailure:
            retry = Retry(error: LedgerError(.storage, "the ledger is busy: \(PostgresFailure.summary(error))"), lockConflict: true)
        case PostgresFailure.State.uniqueViolation:
            // Usually another connection inserted the same idempotency key or code a moment ago: run again,
            // and the job's own look-up finds the row. If it is no race, the second run fails the same way.
            retry = Retry(error: mapped, lockConflict: false)
        default:
            break
        }
        return mapped
    }

    func one(_ sql: String, _ binds: [PostgresData]) throws -> PostgresCells? {
        try rows(sql, binds).first.map(PostgresCells.init)
    }

    // MARK: Accounts

    func account(id: Account.ID) throws -> Account? {
        try one(PostgresLedgerSQL.accountByID, [PostgresBind.int(id)]).map(Self.account)
    }

    func account(code: String) throws -> Account? {
        try one(PostgresLedgerSQL.accountByCode, [PostgresBind.text(code)]).map(Self.account)
    }

    func systemAccounts() throws -> [String: Account.ID] {
        let pairs = try rows(PostgresLedgerSQL.systemAccounts, []).map { row in
            let cells = PostgresCells(row)
            return (try cells.text(0), try cells.int(1))
        }
        return Dictionary(uniqueKeysWithValues: pairs)
    }

    func lockAccounts(_ ids: [Account.ID]) throws -> [Account]? {
        guard writer else { return try ids.compactMap { try account(id: $0) } }
        let unique = Array(Set(ids)).sorted()
        let customer = unique.filter { !(spread?.contains($0) ?? false) }
        if customer.allSatisfy({ lockedAccounts[$0] != nil }) { return customer.compactMap { lockedAccounts[$0] } }
        wanted.accounts.formUnion(unique)
        let sql = mayWait ? PostgresLedgerSQL.lockCustomerAccounts : PostgresLedgerSQL.lockCustomerAccountsNoWait
        let accounts = try change(sql, [PostgresBind.ints(unique)]).map { try Self.account(PostgresCells($0)) }
        for account in accounts { lockedAccounts[account.id] = account }
        return accounts
    }

    func insertAccount(code: String, kind: AccountKind, operatorID: String, label: String, tier: Int, createdAt: Int64) throws -> Account.ID {
        let binds = [
            PostgresBind.text(code), PostgresBind.text(kind.rawValue), PostgresBind.text(operatorID), PostgresBind.text(label),
            PostgresBind.int(tier), PostgresBind.int(createdAt),
        ]
        guard let id = try change(PostgresLedgerSQL.insertAccount, binds).first.map({ try PostgresCells($0).int(0) }) else {
            throw LedgerError(.storage, "account \(code) was not inserted")
        }
        if !kind.isCustomerHeld { try addShards(to: id) }
        return id
    }

    func insertSystemAccountIfMissing(code: String, kind: AccountKind, operatorID: String, label: String, createdAt: Int64) throws {
        let binds = [
            PostgresBind.text(code), PostgresBind.text(kind.rawValue), PostgresBind.text(operatorID), PostgresBind.text(label),
            PostgresBind.int(createdAt),
        ]
        if let id = try change(PostgresLedgerSQL.insertSystemAccount, binds).first.map({ try PostgresCells($0).int(0) }) {
            try addShards(to: id)
        }
    }

    private func addShards(to id: Account.ID) throws {
        _ = try change(PostgresLedgerSQL.insertShards, [PostgresBind.int(id), PostgresBind.int(Int64(PostgresLedgerSchema.shards))])
        spread?.insert(id)
    }

    func setTier(_ tier: Int, of account: Account.ID) throws {
        lockedAccounts[account] = nil
        try changeLater(PostgresLedgerSQL.setTier, [PostgresBind.int(tier), PostgresBind.int(account)])
    }

    func addToBalance(_ account: Account.ID, _ delta: Int64) throws -> Int64 {
        lockedAccounts[account] = nil
        if let spread, spread.contains(account) {
            let moved = try change(PostgresLedgerSQL.addToShard, [PostgresBind.int(account), PostgresBind.int(shard), PostgresBind.int(delta)])
            if let balance = try moved.first.map({ try PostgresCells($0).int(0) }) { return balance }
            // Every shard is held by another transaction (more writers than shards): the account's own row then.
        }
        guard let balance = try change(PostgresLedgerSQL.addToBalance, [PostgresBind.int(delta), PostgresBind.int(account)]).first else {
            throw LedgerError(.unknownAccount, "no account \(account)")
        }
        return try PostgresCells(balance).int(0)
    }

    // MARK: Transfers

    func transfer(id: Transfer.ID) throws -> Transfer? {
        try one(PostgresLedgerSQL.transferByID, [PostgresBind.int(id)]).map(Self.transfer)
    }

    func transfer(idempotencyKey: String) throws -> Transfer? {
        try one(PostgresLedgerSQL.transferByKey, [PostgresBind.text(idempotencyKey)]).map(Self.transfer)
    }

    func insertTransfer(_ t: NewTransfer) throws -> Transfer.ID {
        let binds = [
            PostgresBind.text(t.idempotencyKey), PostgresBind.int(t.debit), PostgresBind.int(t.credit), PostgresBind.int(t.amount),
            PostgresBind.int(t.fee), PostgresBind.text(t.kind.rawValue), PostgresBind.text(t.state.rawValue), PostgresBind.text(t.operatorID),
            PostgresBind.text(t.referencePrefix), PostgresBind.int(t.parentID), PostgresBind.int(t.debitBalanceAfter),
            PostgresBind.int(t.creditBalanceAfter), PostgresBind.int(t.createdAt),
        ]
        guard let id = try change(PostgresLedgerSQL.insertTransfer, binds).first.map({ try PostgresCells($0).int(0) }) else {
            throw LedgerError(.storage, "transfer \(t.idempotencyKey) was not inserted")
        }
        return id
    }

    func setTransferState(_ id: Transfer.ID, to state: TransferState, at: Int64) throws -> Bool {
        try !change(PostgresLedgerSQL.setTransferState, [PostgresBind.text(state.rawValue), PostgresBind.int(at), PostgresBind.int(id)]).isEmpty
    }

    func statement(account: Account.ID, limit: Int, before: Transfer.ID) throws -> [StatementRow] {
        try rows(PostgresLedgerSQL.statement, [PostgresBind.int(account), PostgresBind.int(before), PostgresBind.int(limit)]).map { row in
            let cells = PostgresCells(row)
            return StatementRow(
                transfer: try Self.transfer(cells), counterpartyLabel: try cells.text(14), counterpartyCode: try cells.text(15),
                counterpartyKind: AccountKind(rawValue: try cells.text(16)) ?? .wallet)
        }
    }

    func pendingTransfers(createdBefore cutoff: Int64, limit: Int) throws -> [Transfer] {
        try rows(PostgresLedgerSQL.pendingOlderThan, [PostgresBind.int(cutoff), PostgresBind.int(limit)]).map { try Self.transfer(PostgresCells($0)) }
    }

    func outgoing(account: Account.ID, day: Int64) throws -> Int64 {
        try one(PostgresLedgerSQL.outgoingOnDay, [PostgresBind.int(account), PostgresBind.int(day)]).map { try $0.int(0) } ?? 0
    }

    func hasPendingTransfer(account: Account.ID) throws -> Bool {
        try one(PostgresLedgerSQL.hasPending, [PostgresBind.int(account)]).map { try $0.bool(0) } ?? false
    }

    func addOutgoing(account: Account.ID, day: Int64, amount: Int64) throws -> Int64 {
        try change(PostgresLedgerSQL.addOutgoing, [PostgresBind.int(account), PostgresBind.int(day), PostgresBind.int(amount)]).first
            .map { try PostgresCells($0).int(0) } ?? 0
    }

    /// The recheck in one round trip: both parties locked in account order by one statement, and the keys and the
    /// day's total read by a second one sent right behind it (see ``PostgresPostingSQL/keysAndOutgoing``).
    func recheck(_ t: TransferRecheck) throws -> TransferRecheckRow {
        guard writer else { return try recheckByLookups(t) }
        if let row = batch?.recheck(t) { return row }
        try leaveBatch()
        wanted.msisdns.formUnion([t.debit.msisdn, t.credit.msisdn])
        let lock = mayWait ? PostgresPostingSQL.lockParties : PostgresPostingSQL.lockPartiesNoWait
        mayWait = false
        let results: [[PostgresRow]]
        do {
            results = try connection.pipeline([
                (lock, [PostgresData(array: [PostgresData(string: t.debit.msisdn), PostgresData(string: t.credit.msisdn)], elementType: .text)]),
                (
                    PostgresPostingSQL.keysAndOutgoing,
                    [PostgresBind.text(t.key), PostgresBind.text(t.feeKey), PostgresBind.int(t.debit.account), PostgresBind.int(t.day)]
                ),
            ])
        } catch {
            throw classify(error)
        }
        let parties = try results[0].map { try Self.subscriber(PostgresCells($0)) }
        for party in parties { lockedAccounts[party.account.id] = party.account }
        guard let fresh = results[1].first.map(PostgresCells.init) else { throw LedgerError(.storage, "the recheck read no row") }
        return TransferRecheckRow(
            debitBalance: TransferRecheck.balance(of: t.debit, pin: t.debitPin, in: parties.first { $0.msisdn == t.debit.msisdn }),
            creditBalance: TransferRecheck.balance(of: t.credit, pin: nil, in: parties.first { $0.msisdn == t.credit.msisdn }),
            outgoingToday: try fresh.int(1), keyTaken: try fresh.bool(0))
    }

    /// A transfer between two customer accounts, its fee to a spread system account, in one statement (see
    /// ``PostgresPostingSQL/postTransfer(outgoing:fee:)``); any other shape by the plain writes.
    func postTransfer(_ p: TransferPosting) throws -> TransferPostingRow {
        guard writer, let spread, !spread.contains(p.debit), !spread.contains(p.credit), p.feeAccount.map(spread.contains) ?? true else {
            return try postTransferByStatements(p)
        }
        if let batch, let row = try batch.post(p) { return row }
        try leaveBatch()
        try p.check()
        lockedAccounts[p.debit] = nil
        lockedAccounts[p.credit] = nil
        var binds = [
            PostgresBind.int(p.debit), PostgresBind.int(p.credit), PostgresBind.int(p.amount), PostgresBind.int(p.fee), PostgresBind.text(p.key),
            PostgresBind.text(p.kind.rawValue), PostgresBind.text(p.state.rawValue), PostgresBind.text(p.operatorID),
            PostgresBind.text(p.referencePrefix), PostgresBind.int(p.parentID), PostgresBind.int(p.createdAt),
        ]
        if let outgoing = p.outgoing { binds.append(PostgresBind.int(outgoing.day)) }
        if let feeAccount = p.feeAccount { binds += [PostgresBind.int(feeAccount), PostgresBind.int(shard), PostgresBind.text(p.feeKey)] }
        let sql = PostgresPostingSQL.postTransferVariants[p.outgoing == nil ? 0 : 1][p.feeAccount == nil ? 0 : 1]
        guard let row = try change(sql, binds).first.map(PostgresCells.init) else {
            throw LedgerError(.unknownAccount, "no account \(p.debit) or \(p.credit)")
        }
        let posted = TransferPostingRow(
            mainID: try row.int(0), feeID: try row.optionalInt(1), debitAfter: try row.int(2), creditAfter: try row.int(3),
            feeAfter: try row.optionalInt(4))
        if let cap = p.outgoing?.cap, try row.int(5) > cap {
            throw LedgerError(.limitExceeded, "daily outgoing cap of \(cap) reached", limit: .daily)
        }
        return posted
    }

    func clearOutgoing(account: Account.ID) throws {
        _ = try change(PostgresLedgerSQL.clearOutgoing, [PostgresBind.int(account)])
    }

    // MARK: Audit

    func balanceCheck() throws -> [BalanceCheckRow] {
        try rows(PostgresLedgerSQL.recomputedBalances, []).map { row in
            let cells = PostgresCells(row)
            return BalanceCheckRow(
                code: try cells.text(0), kind: AccountKind(rawValue: try cells.text(1)), stored: try cells.int(2), recomputed: try cells.int(3))
        }
    }

    func feeStateMismatches() throws -> [(fee: Transfer.ID, parent: Transfer.ID)] {
        try rows(PostgresLedgerSQL.feeStateMismatches, []).map { row in
            let cells = PostgresCells(row)
            return (try cells.int(0), try cells.int(1))
        }
    }

    func transferCount() throws -> Int {
        Int(try one(PostgresLedgerSQL.transferCount, []).map { try $0.int(0) } ?? 0)
    }

    // MARK: Outbox

    func undeliveredSMS(operatorID: String, limit: Int) throws -> [OutboxMessage] {
        try rows(PostgresLedgerSQL.undeliveredOutbox, [PostgresBind.text(operatorID), PostgresBind.int(limit)]).map {
            try Self.message(PostgresCells($0))
        }
    }

    func messages(to msisdn: String, after: OutboxMessage.ID) throws -> [OutboxMessage] {
        try rows(PostgresLedgerSQL.messagesTo, [PostgresBind.text(msisdn), PostgresBind.int(after)]).map { try Self.message(PostgresCells($0)) }
    }

    func lastMessageID() throws -> OutboxMessage.ID {
        try one(PostgresLedgerSQL.lastMessageID, []).map { try $0.int(0) } ?? 0
    }

    func insertMessages(_ messages: [NewOutboxMessage]) throws {
        if let batch {
            batch.keep(messages)
            return
        }
        func binds(_ m: NewOutboxMessage) -> [PostgresData] {
            [
                PostgresBind.text(m.msisdn), PostgresBind.text(m.operatorID), PostgresBind.text(m.sender), PostgresBind.text(m.body),
                PostgresBind.int(m.transferID), PostgresBind.int(m.createdAt),
            ]
        }
        // Delivered at commit (not at all if the job rolls back), once per operator and transaction: wakes the node
        // that holds the operator's connection, wherever the transfer was made.
        let channel = outboxChannel
        // A movement's two receipts and their wake-up in one statement: the common case on the hot path.
        if messages.count == 2 {
            try changeLater(
                PostgresLedgerSQL.insertOutboxPairNotifying, binds(messages[0]) + binds(messages[1]) + [PostgresBind.text(channel)])
            return
        }
        for message in messages { try changeLater(PostgresLedgerSQL.insertOutbox, binds(message)) }
        for operatorID in Set(messages.map(\.operatorID)) {
            try changeLater("SELECT pg_notify($1, $2)", [PostgresBind.text(channel), PostgresBind.text(operatorID)])
        }
    }

    func markDelivered(_ ids: [OutboxMessage.ID], at: Int64) throws {
        guard !ids.isEmpty else { return }
        try changeLater(PostgresLedgerSQL.markDelivered, [PostgresBind.int(at), PostgresBind.ints(ids)])
    }

    func claimSMS(operatorID: String, claimant: String, until: Int64, now: Int64, limit: Int) throws -> [OutboxMessage] {
        // SKIP LOCKED never waits, so it keeps the batch's rule (no wait while holding a lock).
        try change(
            PostgresLedgerSQL.claimOutbox,
            [PostgresBind.text(claimant), PostgresBind.int(until), PostgresBind.text(operatorID), PostgresBind.int(now), PostgresBind.int(limit)]
        ).map { try Self.message(PostgresCells($0)) }.sorted { $0.id < $1.id }
    }

    // MARK: Subscribers

    func subscriber(msisdn: String) throws -> SubscriberRow? {
        let cells: PostgresCells?
        if writer {
            // A job that reads a subscriber may change it (PIN counters) or its wallet: both rows are locked.
            wanted.msisdns.insert(msisdn)
            let sql = mayWait ? PostgresLedgerSQL.subscriberLocked : PostgresLedgerSQL.subscriberLockedNoWait
            cells = try change(sql, [PostgresBind.text(msisdn)]).first.map(PostgresCells.init)
        } else {
            cells = try one(PostgresLedgerSQL.subscriber, [PostgresBind.text(msisdn)])
        }
        guard let cells else { return nil }
        let row = try Self.subscriber(cells)
        if writer { lockedAccounts[row.account.id] = row.account }
        return row
    }

    func walletUsage() throws -> [WalletUsageRow] {
        try rows(PostgresLedgerSQL.walletUsage, []).map { row in
            let cells = PostgresCells(row)
            return WalletUsageRow(msisdn: try cells.text(0), account: try cells.int(1), balance: try cells.int(2), used: try cells.bool(3))
        }
    }

    func deleteUnusedWallet(msisdn: String, account: Account.ID) throws {
        _ = try change(PostgresLedgerSQL.deleteCards, [PostgresBind.text(msisdn)])
        _ = try change(PostgresMailSQL.deleteEmail, [PostgresBind.text(msisdn)])
        _ = try change(PostgresLedgerSQL.clearOutgoing, [PostgresBind.int(account)])
        _ = try change(PostgresLedgerSQL.deleteSubscriber, [PostgresBind.text(msisdn)])
        guard try !change(PostgresLedgerSQL.deleteUnusedAccount, [PostgresBind.int(account)]).isEmpty else {
            throw LedgerError(.storage, "the wallet of \(msisdn) took part in transfers: it is kept")
        }
    }

    func insertSubscriber(_ s: NewSubscriber) throws {
        _ = try change(
            PostgresLedgerSQL.insertSubscriber,
            [
                PostgresBind.text(s.msisdn), PostgresBind.text(s.operatorID), PostgresBind.int(s.accountID), PostgresBind.text(s.name),
                PostgresBind.text(s.language), PostgresBind.bytes(s.pinSalt), PostgresBind.bytes(s.pinHash), PostgresBind.int(s.createdAt),
            ])
    }

    func setPinFailures(msisdn: String, failures: Int, lockedUntil: Int64) throws {
        try changeLater(PostgresLedgerSQL.recordPinFailure, [PostgresBind.int(failures), PostgresBind.int(lockedUntil), PostgresBind.text(msisdn)])
    }

    func setPin(msisdn: String, salt: Data, hash: Data) throws {
        try changeLater(PostgresLedgerSQL.setPin, [PostgresBind.bytes(salt), PostgresBind.bytes(hash), PostgresBind.text(msisdn)])
    }

    func setLanguage(msisdn: String, _ language: String) throws -> Bool {
        try !change(PostgresLedgerSQL.setLanguage, [PostgresBind.text(language), PostgresBind.text(msisdn)]).isEmpty
    }

    func setBlocked(msisdn: String, _ blocked: Bool) throws -> Bool {
        try !change(PostgresLedgerSQL.setBlocked, [PostgresBind.bool(blocked), PostgresBind.text(msisdn)]).isEmpty
    }

    // MARK: Cards

    func cards(msisdn: String) throws -> [CardRow] {
        try rows(PostgresLedgerSQL.cardsByOwner, [PostgresBind.text(msisdn)]).map { try Self.card(PostgresCells($0)) }
    }

    func cards(notSealedWith keyID: String) throws -> [CardRow] {
        try rows(PostgresLedgerSQL.cardsNotSealedWith, [PostgresBind.text(keyID)]).map { try Self.card(PostgresCells($0)) }
    }

    func insertCard(_ c: NewCard) throws -> Int64 {
        let binds = [
            PostgresBind.text(c.msisdn), PostgresBind.text(c.keyID), PostgresBind.bytes(c.sealedNumber), PostgresBind.text(c.last4),
            PostgresBind.int(c.expiryMonth), PostgresBind.int(c.expiryYear), PostgresBind.int(c.createdAt),
        ]
        guard let id = try change(PostgresLedgerSQL.insertCard, binds).first.map({ try PostgresCells($0).int(0) }) else {
            throw LedgerError(.storage, "the card was not inserted")
        }
        return id
    }

    func reseal(card id: Int64, keyID: String, sealedNumber: Data) throws {
        try changeLater(PostgresLedgerSQL.reseal, [PostgresBind.text(keyID), PostgresBind.bytes(sealedNumber), PostgresBind.int(id)])
    }

    // MARK: Off-net

    func offNetOutgoing(transferID: Transfer.ID) throws -> OffNetOutgoingRow? {
        try one(PostgresLedgerSQL.offNetOutgoingByTransfer, [PostgresBind.int(transferID)]).map(Self.outgoing)
    }

    func offNetOutgoing(providerKey: String) throws -> OffNetOutgoingRow? {
        try one(PostgresLedgerSQL.offNetOutgoingByKey, [PostgresBind.text(providerKey)]).map(Self.outgoing)
    }

    func pendingOffNet(createdBefore cutoff: Int64, after: Transfer.ID, limit: Int) throws -> [OffNetOutgoingRow] {
        try rows(PostgresLedgerSQL.pendingOffNet, [PostgresBind.int(cutoff), PostgresBind.int(after), PostgresBind.int(limit)]).map {
            try Self.outgoing(PostgresCells($0))
        }
    }

    func offNetIncoming(operatorID: String, key: String) throws -> OffNetIncomingRow? {
        try one(PostgresLedgerSQL.offNetIncomingByKey, [PostgresBind.text(operatorID), PostgresBind.text(key)]).map(Self.incoming)
    }

    func offNetIncoming(operatorID: String, source: String) throws -> [OffNetIncomingRow] {
        try rows(PostgresLedgerSQL.offNetIncomingBySource, [PostgresBind.text(operatorID), PostgresBind.text(source)]).map {
            try Self.incoming(PostgresCells($0))
        }
    }

    func offNetIncoming(transferID: Transfer.ID) throws -> OffNetIncomingRow? {
        try one(PostgresLedgerSQL.offNetIncomingByTransfer, [PostgresBind.int(transferID)]).map(Self.incoming)
    }

    func offNetMatches() throws -> [OffNetMatchRow] {
        try rows(PostgresLedgerSQL.offNetMatches, []).map { row in
            let cells = PostgresCells(row)
            return OffNetMatchRow(
                providerKey: try cells.text(0), debitState: TransferState(rawValue: try cells.text(1)) ?? .pending, debitAmount: try cells.int(2),
                creditState: try cells.optionalText(3), creditAmount: try cells.optionalInt(4))
        }
    }

    func orphanOffNetCredits() throws -> [String] {
        try rows(PostgresLedgerSQL.orphanOffNetCredits, []).map { try PostgresCells($0).text(0) }
    }

    func postedOffNetTotals() throws -> [String: Int64] {
        try rows(PostgresLedgerSQL.postedOffNetTotals, []).reduce(into: [:]) { totals, row in
            let cells = PostgresCells(row)
            totals["\(try cells.text(0))>\(try cells.text(1))"] = try cells.int(2)
        }
    }

    func insertOffNetOutgoing(_ o: NewOffNetOutgoing) throws {
        _ = try change(
            PostgresLedgerSQL.insertOffNetOutgoing,
            [
                PostgresBind.int(o.transferID), PostgresBind.text(o.providerKey), PostgresBind.text(o.home), PostgresBind.text(o.destination),
                PostgresBind.text(o.sender), PostgresBind.text(o.recipient), PostgresBind.int(o.amount), PostgresBind.int(o.createdAt),
            ])
    }

    func markToldPending(transferID: Transfer.ID) throws -> Bool {
        try !change(PostgresLedgerSQL.markToldPending, [PostgresBind.int(transferID)]).isEmpty
    }

    func insertOffNetIncoming(_ i: OffNetIncomingRow) throws {
        _ = try change(
            PostgresLedgerSQL.insertOffNetIncoming,
            [
                PostgresBind.text(i.operatorID), PostgresBind.text(i.key), PostgresBind.text(i.source), PostgresBind.text(i.recipient),
                PostgresBind.int(i.amount), PostgresBind.text(i.state), PostgresBind.text(i.code), PostgresBind.int(i.transferID),
                PostgresBind.int(i.createdAt), PostgresBind.int(i.updatedAt), PostgresBind.text(i.sender),
            ])
    }

    func setOffNetIncomingState(operatorID: String, key: String, _ state: String, at: Int64) throws {
        _ = try change(
            PostgresLedgerSQL.setOffNetIncomingState,
            [PostgresBind.text(state), PostgresBind.int(at), PostgresBind.text(operatorID), PostgresBind.text(key)])
    }

    func setOffNetRecipientName(transferID: Transfer.ID, _ name: String) throws {
        try changeLater(PostgresLedgerSQL.setRecipientName, [PostgresBind.text(name), PostgresBind.int(transferID)])
    }

    // MARK: Decoding

    static func account(_ cells: PostgresCells) throws -> Account {
        let kind = try cells.text(2)
        guard let accountKind = AccountKind(rawValue: kind) else { throw LedgerError(.storage, "unknown account kind \(kind)") }
        return Account(
            id: try cells.int(0), code: try cells.text(1), kind: accountKind, operatorID: try cells.text(3), label: try cells.text(4),
            tier: Int(try cells.int(5)), balance: try cells.int(6))
    }

    static func transfer(_ cells: PostgresCells) throws -> Transfer {
        let id = try cells.int(0)
        guard let kind = TransferKind(rawValue: try cells.text(6)), let state = TransferState(rawValue: try cells.text(7)) else {
            throw LedgerError(.storage, "unreadable transfer \(id)")
        }
        return Transfer(
            id: id, idempotencyKey: try cells.text(1), debitAccount: try cells.int(2), creditAccount: try cells.int(3), amount: try cells.int(4),
            fee: try cells.int(5), kind: kind, state: state, operatorID: try cells.text(8), referencePrefix: try cells.text(9),
            parentID: try cells.optionalInt(10), debitBalanceAfter: try cells.int(11), creditBalanceAfter: try cells.int(12),
            createdAt: try cells.int(13))
    }

    /// A row of ``PostgresLedgerSQL/subscriberColumns``.
    static func subscriber(_ cells: PostgresCells) throws -> SubscriberRow {
        let operatorID = try cells.text(1)
        return SubscriberRow(
            msisdn: try cells.text(0), operatorID: operatorID, name: try cells.text(3), language: try cells.text(4), blocked: try cells.bool(5),
            pinSalt: try cells.bytes(6), pinHash: try cells.bytes(7), failedPins: Int(try cells.int(8)), lockedUntil: try cells.int(9),
            account: Account(
                id: try cells.int(2), code: try cells.text(12), kind: AccountKind(rawValue: try cells.text(13)) ?? .wallet, operatorID: operatorID,
                label: try cells.text(14), tier: Int(try cells.int(10)), balance: try cells.int(11)))
    }

    static func message(_ cells: PostgresCells) throws -> OutboxMessage {
        OutboxMessage(
            id: try cells.int(0), msisdn: try cells.text(1), operatorID: try cells.text(2), sender: try cells.text(3), body: try cells.text(4),
            transferID: try cells.optionalInt(5), createdAt: try cells.int(6), deliveredAt: try cells.optionalInt(7),
            deliveryState: try cells.optionalText(8).flatMap(SMSDeliveryState.init(rawValue:)), attempts: Int(try cells.int(9)))
    }

    static func card(_ cells: PostgresCells) throws -> CardRow {
        CardRow(
            id: try cells.int(0), msisdn: try cells.text(1), keyID: try cells.text(2), sealedNumber: try cells.bytes(3), last4: try cells.text(4),
            expiryMonth: Int(try cells.int(5)), expiryYear: Int(try cells.int(6)))
    }

    static func outgoing(_ cells: PostgresCells) throws -> OffNetOutgoingRow {
        OffNetOutgoingRow(
            transferID: try cells.int(0), providerKey: try cells.text(1), home: try cells.text(2), destination: try cells.text(3),
            sender: try cells.text(4), recipient: try cells.text(5), amount: try cells.int(6), fee: try cells.int(7),
            state: TransferState(rawValue: try cells.text(8)) ?? .pending, senderBalance: try cells.int(9), toldPending: try cells.bool(10),
            recipientName: try cells.optionalText(12), createdAt: try cells.int(11))
    }

    static func incoming(_ cells: PostgresCells) throws -> OffNetIncomingRow {
        OffNetIncomingRow(
            operatorID: try cells.text(0), key: try cells.text(1), source: try cells.text(2), recipient: try cells.text(3), amount: try cells.int(4),
            state: try cells.text(5), code: try cells.optionalText(6), transferID: try cells.optionalInt(7), createdAt: try cells.int(8),
            updatedAt: try cells.int(9), sender: try cells.optionalText(10), recipientName: try cells.optionalText(11))
    }
}
