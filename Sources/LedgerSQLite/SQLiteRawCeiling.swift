import Foundation
import GRDB
import Ledger

/// The benchmark baseline of the SQLite store: the very statements the writer runs for a full on-net
/// transfer (the recheck of what the caller's snapshot saw, the day's counter, three balances, the transfer
/// and its fee, both receipts), bound through SQLite's C interface, 1,000 operations per transaction, one
/// caller, no rule and no Swift logic between them. The snapshot reads a transfer makes on the callers' side
/// run on other connections, concurrently with the writer, so they are not part of this ceiling.
///
/// It lives here, beside the SQL it measures, so that nothing outside the store needs GRDB.
public enum SQLiteRawCeiling {
    /// Runs `count` raw transfers between the subscribers `numbers` of the database at `path` (opened
    /// and funded by the benchmark beforehand) and returns operations per second with the durability
    /// the writer reported after the run.
    public static func run(path: String, numbers: [String], count: Int, durability: Durability) async throws -> (
        rate: Double, durability: Durability
    ) {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -\(SQLiteLedgerStore.writerCacheKiB); PRAGMA temp_store = MEMORY")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        defer { try? pool.close() }
        let applied = try SQLiteLedgerStore.applyDurability(durability, to: pool)
        struct Party {
            let msisdn: String
            let account: Int64
            let salt: Data
            let hash: Data
            let language: String
            let tier: Int64
        }
        let parties: [String: Party] = try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.msisdn, s.account_id, s.pin_salt, s.pin_hash, s.language, a.tier
                    FROM subscribers s JOIN accounts a ON a.id = s.account_id
                    """)
            return Dictionary(
                uniqueKeysWithValues: rows.map { row in
                    (row[0], Party(msisdn: row[0], account: row[1], salt: row[2], hash: row[3], language: row[4], tier: row[5]))
                })
        }
        guard let fees = try await pool.read({ db in try Int64.fetchOne(db, sql: "SELECT id FROM accounts WHERE code = 'fees:tmoney'") }) else {
            throw LedgerError(.unknownAccount, "no fees:tmoney account")
        }
        let start = ContinuousClock.now
        var done = 0
        while done < count {
            let first = done
            try await pool.write { db in
                for i in first..<min(first + 1000, count) {
                    guard let a = parties[numbers[i % numbers.count]], let b = parties[numbers[(i + 1) % numbers.count]] else {
                        throw LedgerError(.unknownAccount, "no subscriber for operation \(i)")
                    }
                    let key = "raw:\(i)"
                    try rawTransfer(db, a.msisdn, a.account, a.salt, a.hash, a.language, a.tier, b.msisdn, b.account, b.language, b.tier, fees, key)
                }
            }
            done = min(done + 1000, count)
        }
        let rate = Double(count) / Self.seconds(ContinuousClock.now - start)
        let after = try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        return (rate, after.flatMap(Durability.init(pragmaValue:)) ?? applied)
    }

    /// One transfer's writer statements, in the order the store runs them.
    private static func rawTransfer(
        _ db: Database, _ from: String, _ a: Int64, _ salt: Data, _ hash: Data, _ languageA: String, _ tierA: Int64, _ to: String, _ b: Int64,
        _ languageB: String, _ tierB: Int64, _ fees: Int64, _ key: String
    ) throws {
        let recheck = try RawStatement(db, LedgerSQL.transferRecheck)
        recheck.bind(1, from)
        recheck.bind(2, a)
        recheck.bind(3, salt)
        recheck.bind(4, hash)
        recheck.bind(5, languageA)
        recheck.bind(6, tierA)
        recheck.bind(7, to)
        recheck.bind(8, b)
        recheck.bind(9, languageB)
        recheck.bind(10, tierB)
        recheck.bind(11, 20_000)
        recheck.bind(12, key)
        recheck.bind(13, key + "#fee")
        guard try recheck.step(), !recheck.isNull(0), !recheck.isNull(1) else { throw LedgerError(.storage, "raw recheck failed for \(key)") }
        let outgoing = try RawStatement(db, LedgerSQL.addOutgoing)
        outgoing.bind(1, a)
        outgoing.bind(2, 20_000)
        outgoing.bind(3, 100)
        _ = try outgoing.step()
        for (account, delta) in [(a, -110), (b, 100), (fees, 10)] as [(Int64, Int64)] {
            let balance = try RawStatement(db, LedgerSQL.addToBalance)
            balance.bind(1, delta)
            balance.bind(2, account)
            _ = try balance.step()
        }
        var parent: Int64?
        for (leg, credit, amount, fee, kind) in [(key, b, 100, 10, "p2p"), (key + "#fee", fees, 10, 0, "fee")]
            as [(String, Int64, Int64, Int64, String)]
        {
            let insert = try RawStatement(db, LedgerSQL.insertTransfer)
            insert.bind(1, leg)
            insert.bind(2, a)
            insert.bind(3, credit)
            insert.bind(4, amount)
            insert.bind(5, fee)
            insert.bind(6, kind)
            insert.bind(7, "posted")
            insert.bind(8, "tmoney")
            insert.bind(9, "TM")
            insert.bind(10, parent)
            for column in Int32(11)...14 { insert.bind(column, Int64(0)) }
            try insert.run()
            parent = parent ?? db.lastInsertedRowID
        }
        let outbox = try RawStatement(db, LedgerSQL.insertOutboxPair)
        // Receipts as long as the real ones, so the outbox pages fill as fast.
        let receipts = [
            (from, "Transfert de 100 FCFA à Bench Wallet (\(to)) réussi. Frais: 10 FCFA. Nouveau solde: 3 999 890 FCFA. Ref: TM261206.\(key)."),
            (to, "Vous avez recu 100 FCFA de Bench Wallet (\(from)). Nouveau solde: 4 000 100 FCFA. Ref: TM261206.\(key) le 06/12/2026 22:30."),
        ]
        for (offset, (msisdn, body)) in receipts.enumerated() {
            let first = Int32(1 + 6 * offset)
            outbox.bind(first, msisdn)
            outbox.bind(first + 1, "tmoney")
            outbox.bind(first + 2, "1455")
            outbox.bind(first + 3, body)
            outbox.bind(first + 4, parent)
            outbox.bind(first + 5, Int64(0))
        }
        try outbox.run()
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
