import Foundation
import GRDB
import Ledger

/// The benchmark baseline of the SQLite store: the very statements the writer runs for a full on-net
/// transfer (the recheck of what the caller's snapshot saw, the day's counter, three balances, the transfer
/// and its fee, both receipts), bound through SQLite's C interface, 1,000 operations per transaction (or
/// as many as a group commit's batch holds, to tell the commit's share from the rest), one caller, no rule
/// and no Swift logic between them. It moves the same pairs under the same keys, in the order concurrent
/// callers submit them: the rows a transfer touches decide how many pages a commit writes (see
/// docs/BENCHMARKS.md), so a ceiling measured on friendlier rows would not be the same work. The snapshot
/// reads a transfer makes on the callers' side run on other connections, concurrently with the writer, so
/// they are not part of this ceiling.
///
/// It lives here, beside the SQL it measures, so that nothing outside the store needs GRDB.
public enum SQLiteRawCeiling {
    /// One transfer of the run: payer, payee (subscribers' numbers) and idempotency key.
    public struct Operation: Sendable {
        public let from: String
        public let to: String
        public let key: String

        public init(from: String, to: String, key: String) {
            self.from = from
            self.to = to
            self.key = key
        }
    }

    /// Runs the raw transfers `operations`, in order, between subscribers of the database at `path` (opened
    /// and funded by the benchmark beforehand) and returns operations per second with the durability
    /// the writer reported after the run.
    public static func run(path: String, operations: [Operation], durability: Durability, perTransaction: Int = 1000) async throws -> (
        rate: Double, durability: Durability
    ) {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -\(SQLiteLedgerStore.writerCacheKiB); PRAGMA temp_store = MEMORY")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        defer { try? pool.close() }
        let applied = try SQLiteLedgerStore.applyDurability(durability, to: pool)
        typealias Party = (party: TransferRecheck.Party, pin: TransferRecheck.PinMaterial)
        let parties: [String: Party] = try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.msisdn, s.account_id, s.pin_salt, s.pin_hash, s.language, a.tier
                    FROM subscribers s JOIN accounts a ON a.id = s.account_id
                    """)
            return Dictionary(
                uniqueKeysWithValues: rows.map { row in
                    (
                        row[0],
                        (
                            TransferRecheck.Party(msisdn: row[0], account: row[1], language: row[4], tier: row[5]),
                            TransferRecheck.PinMaterial(salt: row[2], hash: row[3])
                        )
                    )
                })
        }
        guard let fees = try await pool.read({ db in try Int64.fetchOne(db, sql: "SELECT id FROM accounts WHERE code = 'fees:tmoney'") }) else {
            throw LedgerError(.unknownAccount, "no fees:tmoney account")
        }
        let count = operations.count
        let start = ContinuousClock.now
        var done = 0
        while done < count {
            let first = done
            try await pool.write { db in
                for operation in operations[first..<min(first + perTransaction, count)] {
                    guard let a = parties[operation.from], let b = parties[operation.to] else {
                        throw LedgerError(.unknownAccount, "no subscriber for \(operation.key)")
                    }
                    try rawTransfer(SQLiteRows(db: db), from: a, to: b, fees: fees, key: operation.key)
                }
            }
            done = min(done + perTransaction, count)
        }
        let rate = Double(count) / Self.seconds(ContinuousClock.now - start)
        let after = try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        return (rate, after.flatMap(Durability.init(pragmaValue:)) ?? applied)
    }

    /// One transfer's writer statements, in the order the store runs them, through the store's own row
    /// functions (the same statements, bound the same way), with none of the rules between them.
    private static func rawTransfer(
        _ rows: SQLiteRows, from a: (party: TransferRecheck.Party, pin: TransferRecheck.PinMaterial),
        to b: (party: TransferRecheck.Party, pin: TransferRecheck.PinMaterial), fees: Int64, key: String
    ) throws {
        let fresh = try rows.recheck(TransferRecheck(debit: a.party, debitPin: a.pin, credit: b.party, day: 20_000, key: key, feeKey: key + "#fee"))
        guard fresh.debitBalance != nil, fresh.creditBalance != nil else { throw LedgerError(.storage, "raw recheck failed for \(key)") }
        _ = try rows.addOutgoing(account: a.party.account, day: 20_000, amount: 100)
        for (account, delta) in [(a.party.account, -110), (b.party.account, 100), (fees, 10)] as [(Int64, Int64)] {
            _ = try rows.addToBalance(account, delta)
        }
        var parent: Int64?
        for (leg, credit, amount, fee, kind) in [(key, b.party.account, 100, 10, TransferKind.p2p), (key + "#fee", fees, 10, 0, .fee)]
            as [(String, Int64, Int64, Int64, TransferKind)]
        {
            let id = try rows.insertTransfer(
                NewTransfer(
                    idempotencyKey: leg, debit: a.party.account, credit: credit, amount: amount, fee: fee, kind: kind, state: .posted,
                    operatorID: "tmoney", referencePrefix: "TM", parentID: parent, debitBalanceAfter: 0, creditBalanceAfter: 0, createdAt: 0))
            parent = parent ?? id
        }
        // Receipts as long as the real ones, so the outbox pages fill as fast.
        let (from, to) = (a.party.msisdn, b.party.msisdn)
        try rows.insertMessages([
            NewOutboxMessage(
                msisdn: from, operatorID: "tmoney", sender: "1455",
                body: "Transfert de 100 FCFA à Bench Wallet (\(to)) réussi. Frais: 10 FCFA. Nouveau solde: 3 999 890 FCFA. Ref: TM261206.\(key).",
                transferID: parent, createdAt: 0),
            NewOutboxMessage(
                msisdn: to, operatorID: "tmoney", sender: "1455",
                body: "Vous avez recu 100 FCFA de Bench Wallet (\(from)). Nouveau solde: 4 000 100 FCFA. Ref: TM261206.\(key) le 06/12/2026 22:30.",
                transferID: parent, createdAt: 0),
        ])
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
