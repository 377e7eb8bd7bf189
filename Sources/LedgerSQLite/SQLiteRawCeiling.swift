import Foundation
import GRDB
import Ledger

/// The benchmark baseline of the SQLite store: the very statements of a full on-net transfer, prepared
/// once, 1,000 operations per transaction, one caller, no rule and no Swift logic between them.
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
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY") }
        let pool = try DatabasePool(path: path, configuration: configuration)
        defer { try? pool.close() }
        let applied = try SQLiteLedgerStore.applyDurability(durability, to: pool)
        let ids: [String: Int64] = try await pool.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT msisdn, account_id FROM subscribers").map { ($0[0], $0[1]) })
        }
        guard let fees = try await pool.read({ db in try Int64.fetchOne(db, sql: "SELECT id FROM accounts WHERE code = 'fees:tmoney'") }) else {
            throw LedgerError(.unknownAccount, "no fees:tmoney account")
        }
        let start = ContinuousClock.now
        var done = 0
        while done < count {
            let first = done
            try await pool.write { db in
                let selectSubscriber = try db.makeStatement(sql: SubscriberSQL.select)
                let byKey = try db.makeStatement(sql: LedgerSQL.transferByKey)
                let addBalance = try db.makeStatement(sql: LedgerSQL.addToBalance)
                let insertTransfer = try db.makeStatement(sql: LedgerSQL.insertTransfer)
                let addOutgoing = try db.makeStatement(sql: LedgerSQL.addOutgoing)
                let insertOutbox = try db.makeStatement(sql: LedgerSQL.insertOutboxPair)
                for i in first..<min(first + 1000, count) {
                    let from = numbers[i % numbers.count]
                    let to = numbers[(i + 1) % numbers.count]
                    guard let a = ids[from], let b = ids[to] else { throw LedgerError(.unknownAccount, "no subscriber \(from) or \(to)") }
                    let key = "raw:\(i)"
                    _ = try Row.fetchOne(selectSubscriber, arguments: [from])
                    _ = try Row.fetchOne(selectSubscriber, arguments: [to])
                    _ = try Row.fetchOne(byKey, arguments: [key])
                    _ = try Int64.fetchOne(addOutgoing, arguments: [a, 20_000, 100])
                    _ = try Int64.fetchOne(addBalance, arguments: [-110, a])
                    _ = try Int64.fetchOne(addBalance, arguments: [100, b])
                    _ = try Int64.fetchOne(addBalance, arguments: [10, fees])
                    try insertTransfer.execute(arguments: [key, a, b, 100, 10, "p2p", "posted", "tmoney", "TM", nil, 0, 0, 0, 0])
                    let parent = db.lastInsertedRowID
                    try insertTransfer.execute(arguments: [key + "#fee", a, fees, 10, 0, "fee", "posted", "tmoney", "TM", parent, 0, 0, 0, 0])
                    try insertOutbox.execute(arguments: [
                        from, "tmoney", "1455", "Transfert de 100 FCFA reussi. Ref TM", parent, 0, to, "tmoney", "1455",
                        "Vous avez recu 100 FCFA. Ref TM", parent, 0,
                    ])
                }
            }
            done = min(done + 1000, count)
        }
        let rate = Double(count) / Self.seconds(ContinuousClock.now - start)
        let after = try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        return (rate, after.flatMap(Durability.init(pragmaValue:)) ?? applied)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
