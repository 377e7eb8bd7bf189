import Foundation
import Ledger
import PostgresNIO

/// The prepared transfers of one writer batch, read in one round trip before their jobs run and written in one
/// after: what lets a batch of transfers cost the server a handful of statements instead of several each.
///
/// A prepared transfer's job (see ``LedgerStore/write(expecting:_:)``) rechecks its parties, posts the transfer
/// and queues its receipts. Before the batch's jobs run, the writer locks every party of every such job in one
/// statement, in account order (the batch's first locking statement, so it may wait: see ``PostgresRows``), and
/// reads behind it what the rechecks and receipts need: which keys are taken, the payers' totals of the day, the
/// parties' e-mail rows, the balances of the system accounts, and ids for the transfer rows. A job whose
/// recheck is one of those is then answered from memory, with the balances and totals as the jobs before it in
/// the batch left them, by the same rules the posting statement applies (the day's cap on the total as it is
/// now, no customer balance below zero); its rows are kept. A job that throws is forgotten: nothing of it had
/// reached the server.
///
/// After the last job, or as soon as a job asks the store for anything else, everything kept is written with
/// one statement per table, in one round trip. The balances and totals those statements return are compared
/// with what the jobs were told; any difference, or any failure, and the writer runs the batch again the plain
/// way (nothing is answered before the commit). The parties are locked for the whole transaction, so nothing
/// else changes their rows in between; the system accounts are read unlocked, as the posting statement reads
/// them, and get their share on a shard no other transaction holds.
final class PostgresBatchPosting {
    /// A payer's counter: an account and a day.
    struct Day: Hashable {
        let account: Account.ID
        let day: Int64
    }

    /// What the jobs so far read and changed; saved when a job starts and put back when it fails (the rows they
    /// left to write are kept apart, and cut back to their count when the job started).
    struct Changes {
        /// The parties' accounts as the jobs so far left them.
        var balances: [Account.ID: Int64]
        /// The system accounts' balances as read, plus what the jobs so far credited.
        var spread: [Account.ID: Int64]
        var totals: [Day: Int64]
        var takenKeys: Set<String>
        var usedIDs = 0
        var balanceDeltas: [Account.ID: Int64] = [:]
        var spreadDeltas: [Account.ID: Int64] = [:]
        var totalDeltas: [Day: Int64] = [:]
        /// How many rows of each kind were kept (the rest, kept by a job that failed, is cut off).
        var transfers = 0
        var messages = 0
        var mail = 0
    }

    /// Why the writes did not come back as the jobs were told: the batch runs again the plain way.
    struct Mismatch: Error, CustomStringConvertible {
        let description: String
    }

    private let expected: Set<TransferRecheck>
    private let parties: [String: SubscriberRow]
    private let emails: [String: SubscriberEmailRow]
    private let ids: [Transfer.ID]
    private var changes: Changes
    private var saved: Changes
    private var transfers: [(id: Transfer.ID, row: NewTransfer)] = []
    private var messages: [NewOutboxMessage] = []
    private var mail: [NewMailMessage] = []
    /// Whether the running job has kept anything.
    private(set) var jobChanged = false
    /// Jobs answered from memory that kept rows, so far (``CommitStats/batchedOperations``).
    private(set) var served = 0

    private init(
        expected: Set<TransferRecheck>, parties: [String: SubscriberRow], emails: [String: SubscriberEmailRow], ids: [Transfer.ID], changes: Changes
    ) {
        self.expected = expected
        self.parties = parties
        self.emails = emails
        self.ids = ids
        self.changes = changes
        saved = changes
    }

    /// Locks the parties of `expected` and reads what their jobs need, in one round trip; `spread` are the system
    /// accounts whose balances are spread over shards.
    static func read(_ expected: [TransferRecheck], spread: [Account.ID], on connection: BlockingPostgresConnection) throws
        -> PostgresBatchPosting
    {
        let numbers = Set(expected.flatMap { [$0.debit.msisdn, $0.credit.msisdn] }).sorted()
        let keys = Set(expected.flatMap { [$0.key, $0.feeKey] }).sorted()
        let days = Array(Set(expected.map { Day(account: $0.debit.account, day: $0.day) }))
        let results = try connection.pipeline([
            (PostgresBatchSQL.lockParties, [texts(numbers)]),
            // The key look-up planned for its array each time: a generic plan cached while `transfers` was small
            // scans the table whole once it is not (measured: 15-40 ms a batch, a minute into a fresh schema).
            (PostgresBatchSQL.customPlans, []),
            (PostgresBatchSQL.takenKeys, [texts(keys)]),
            (PostgresBatchSQL.cachedPlans, []),
            (PostgresBatchSQL.totals, [PostgresBind.ints(days.map(\.account)), PostgresBind.ints(days.map(\.day))]),
            (PostgresBatchSQL.emails, [texts(numbers)]),
            (PostgresBatchSQL.transferIDs, [PostgresBind.int(2 * expected.count)]),
            (PostgresBatchSQL.spreadBalances, [PostgresBind.ints(spread)]),
        ])
        let parties = try results[0].map { try PostgresRows.subscriber(PostgresCells($0)) }
        var totals = Dictionary(uniqueKeysWithValues: days.map { ($0, Int64(0)) })
        for row in results[4] {
            let cells = PostgresCells(row)
            totals[Day(account: try cells.int(0), day: try cells.int(1))] = try cells.int(2)
        }
        let emails = try results[5].map { try PostgresRows.email(PostgresCells($0)) }
        let spreadBalances = try results[7].map { row in
            let cells = PostgresCells(row)
            return (try cells.int(0), try cells.int(1))
        }
        let changes = Changes(
            balances: Dictionary(parties.map { ($0.account.id, $0.account.balance) }, uniquingKeysWith: { first, _ in first }),
            spread: Dictionary(uniqueKeysWithValues: spreadBalances), totals: totals,
            takenKeys: Set(try results[2].map { try PostgresCells($0).text(0) }))
        return PostgresBatchPosting(
            expected: Set(expected), parties: Dictionary(parties.map { ($0.msisdn, $0) }, uniquingKeysWith: { first, _ in first }),
            emails: Dictionary(emails.map { ($0.msisdn, $0) }, uniquingKeysWith: { first, _ in first }),
            ids: try results[6].map { try PostgresCells($0).int(0) }, changes: changes)
    }

    // MARK: A job

    func beginJob() {
        saved = changes
        jobChanged = false
    }

    /// Forgets what the running job kept.
    func revertJob() {
        changes = saved
        transfers.removeLast(transfers.count - changes.transfers)
        messages.removeLast(messages.count - changes.messages)
        mail.removeLast(mail.count - changes.mail)
        jobChanged = false
    }

    /// Ends a job that stands; counted as served when it kept rows.
    func endJob() {
        if jobChanged { served += 1 }
        jobChanged = false
    }

    /// The recheck of one of the batch's prepared transfers, as the jobs before it left its rows; nil for any other.
    func recheck(_ t: TransferRecheck) -> TransferRecheckRow? {
        guard expected.contains(t), let debit = changes.balances[t.debit.account], let credit = changes.balances[t.credit.account],
            let total = changes.totals[Day(account: t.debit.account, day: t.day)]
        else { return nil }
        return TransferRecheckRow(
            debitBalance: TransferRecheck.balance(of: t.debit, pin: t.debitPin, in: parties[t.debit.msisdn]).map { _ in debit },
            creditBalance: TransferRecheck.balance(of: t.credit, pin: nil, in: parties[t.credit.msisdn]).map { _ in credit },
            outgoingToday: total, keyTaken: changes.takenKeys.contains(t.key) || changes.takenKeys.contains(t.feeKey))
    }

    /// Posts a transfer between two of the batch's parties in memory, by the rules of
    /// ``PostgresPostingSQL/postTransfer(outgoing:fee:)``; nil when it is not one this batch read for.
    func post(_ p: TransferPosting) throws -> TransferPostingRow? {
        guard let debitBefore = changes.balances[p.debit], let creditBefore = changes.balances[p.credit],
            !changes.takenKeys.contains(p.key), !changes.takenKeys.contains(p.feeKey), changes.usedIDs + 2 <= ids.count
        else { return nil }
        let day = p.outgoing.map { Day(account: p.debit, day: $0.day) }
        if let day, changes.totals[day] == nil { return nil }
        if let feeAccount = p.feeAccount, changes.spread[feeAccount] == nil { return nil }
        try p.check()
        // The posting statement's order: the counter, then the payer's debit.
        if let day, let outgoing = p.outgoing {
            let total = changes.totals[day, default: 0] + p.amount
            if let cap = outgoing.cap, total > cap {
                throw LedgerError(.limitExceeded, "daily outgoing cap of \(cap) reached", limit: .daily)
            }
        }
        let debitAfter = debitBefore - (p.amount + p.fee)
        guard debitAfter >= 0 else { throw LedgerError(.insufficientFunds, "the balance would go below zero") }
        // Nothing below throws: a refusal above leaves the batch's state as it was.
        if let day {
            changes.totals[day, default: 0] += p.amount
            changes.totalDeltas[day, default: 0] += p.amount
        }
        changes.balances[p.debit] = debitAfter
        changes.balanceDeltas[p.debit, default: 0] -= p.amount + p.fee
        changes.balances[p.credit] = creditBefore + p.amount
        changes.balanceDeltas[p.credit, default: 0] += p.amount
        var feeAfter: Int64?
        if let feeAccount = p.feeAccount {
            changes.spread[feeAccount, default: 0] += p.fee
            changes.spreadDeltas[feeAccount, default: 0] += p.fee
            feeAfter = changes.spread[feeAccount]
        }
        var posted = TransferPostingRow(
            mainID: ids[changes.usedIDs], feeID: nil, debitAfter: debitAfter, creditAfter: creditBefore + p.amount, feeAfter: feeAfter)
        changes.usedIDs += 1
        transfers.append((posted.mainID, p.main(posted)))
        if let leg = p.feeLeg(posted, parent: posted.mainID) {
            posted.feeID = ids[changes.usedIDs]
            changes.usedIDs += 1
            transfers.append((ids[changes.usedIDs - 1], leg))
        }
        changes.transfers = transfers.count
        changes.takenKeys.formUnion([p.key, p.feeKey])
        jobChanged = true
        return posted
    }

    func keep(_ messages: [NewOutboxMessage]) {
        self.messages += messages
        changes.messages = self.messages.count
        jobChanged = true
    }

    func keep(_ mail: [NewMailMessage]) {
        self.mail += mail
        changes.mail = self.mail.count
        jobChanged = true
    }

    /// The e-mail row of a party of the batch (nil when it has none); nil for a number the batch did not read.
    func email(msisdn: String) -> SubscriberEmailRow?? {
        guard parties[msisdn] != nil else { return nil }
        return .some(emails[msisdn])
    }

    // MARK: Writing

    /// Writes every row the jobs kept, one statement per table in one round trip, and checks the balances and
    /// totals that come back against what the jobs were told. Throws ``Mismatch`` or the server's error.
    func write(on connection: BlockingPostgresConnection, shard: Int64, channel: String) throws {
        let c = changes
        var statements: [(sql: String, binds: [PostgresData])] = []
        let moved = c.balanceDeltas.keys.sorted()
        if !moved.isEmpty {
            statements.append((PostgresBatchSQL.moveBalances, [PostgresBind.ints(moved), PostgresBind.ints(moved.map { c.balanceDeltas[$0]! })]))
        }
        let spread = c.spreadDeltas.keys.sorted()
        for account in spread {
            statements.append(
                (PostgresBatchSQL.addToSpread, [PostgresBind.int(account), PostgresBind.int(c.spreadDeltas[account]!), PostgresBind.int(shard)]))
        }
        let days = Array(c.totalDeltas.keys)
        if !days.isEmpty {
            statements.append(
                (
                    PostgresBatchSQL.addTotals,
                    [PostgresBind.ints(days.map(\.account)), PostgresBind.ints(days.map(\.day)), PostgresBind.ints(days.map { c.totalDeltas[$0]! })]
                ))
        }
        if !transfers.isEmpty { statements.append((PostgresBatchSQL.insertTransfers, Self.binds(transfers))) }
        if !messages.isEmpty { statements.append((PostgresBatchSQL.insertOutbox, Self.binds(messages) + [PostgresBind.text(channel)])) }
        if !mail.isEmpty { statements.append((PostgresBatchSQL.insertMail, try Self.binds(mail))) }
        guard !statements.isEmpty else { return }
        let results = try connection.pipeline(statements)
        var next = 0
        if !moved.isEmpty {
            for row in results[next] {
                let cells = PostgresCells(row)
                let id = try cells.int(0)
                guard try cells.int(1) == c.balances[id] else {
                    throw Mismatch(description: "account \(id) is not at the balance its jobs were told")
                }
            }
            guard results[next].count == moved.count else { throw Mismatch(description: "an account of the batch is missing") }
            next += 1
        }
        for account in spread {
            guard try results[next].first.map({ try PostgresCells($0).int(0) }) == 1 else {
                throw Mismatch(description: "system account \(account) was not credited")
            }
            next += 1
        }
        if !days.isEmpty {
            for row in results[next] {
                let cells = PostgresCells(row)
                let day = Day(account: try cells.int(0), day: try cells.int(1))
                guard try cells.int(2) == c.totals[day] else {
                    throw Mismatch(description: "a counter of account \(day.account) moved under the batch")
                }
            }
        }
        changes.balanceDeltas = [:]
        changes.spreadDeltas = [:]
        changes.totalDeltas = [:]
        (transfers, messages, mail) = ([], [], [])
        (changes.transfers, changes.messages, changes.mail) = (0, 0, 0)
        saved = changes
    }

    private static func texts(_ values: [String]) -> PostgresData {
        PostgresData(array: values.map { PostgresData(string: $0) }, elementType: .text)
    }

    private static func optionalTexts(_ values: [String?]) -> PostgresData {
        PostgresData(array: values.map { $0.map { PostgresData(string: $0) } }, elementType: .text)
    }

    private static func optionalInts(_ values: [Int64?]) -> PostgresData {
        PostgresData(array: values.map { $0.map { PostgresData(int64: $0) } }, elementType: .int8)
    }

    private static func binds(_ transfers: [(id: Transfer.ID, row: NewTransfer)]) -> [PostgresData] {
        let rows = transfers.map(\.row)
        return [
            PostgresBind.ints(transfers.map(\.id)), texts(rows.map(\.idempotencyKey)), PostgresBind.ints(rows.map(\.debit)),
            PostgresBind.ints(rows.map(\.credit)), PostgresBind.ints(rows.map(\.amount)), PostgresBind.ints(rows.map(\.fee)),
            texts(rows.map(\.kind.rawValue)), texts(rows.map(\.state.rawValue)), texts(rows.map(\.operatorID)),
            texts(rows.map(\.referencePrefix)), optionalInts(rows.map(\.parentID)), PostgresBind.ints(rows.map(\.debitBalanceAfter)),
            PostgresBind.ints(rows.map(\.creditBalanceAfter)), PostgresBind.ints(rows.map(\.createdAt)),
        ]
    }

    private static func binds(_ messages: [NewOutboxMessage]) -> [PostgresData] {
        [
            texts(messages.map(\.msisdn)), texts(messages.map(\.operatorID)), texts(messages.map(\.sender)), texts(messages.map(\.body)),
            optionalInts(messages.map(\.transferID)), PostgresBind.ints(messages.map(\.createdAt)),
        ]
    }

    private static func binds(_ mail: [NewMailMessage]) throws -> [PostgresData] {
        [
            texts(mail.map(\.messageID)), texts(mail.map(\.msisdn)), texts(mail.map(\.address)), optionalTexts(mail.map(\.displayName)),
            texts(mail.map(\.language)), texts(mail.map(\.notice)), texts(try mail.map { try PostgresRows.json($0.values) }),
            optionalInts(mail.map(\.transferID)), PostgresBind.ints(mail.map(\.createdAt)),
        ]
    }
}
