import Foundation
import GRDB

/// Every row a request could change, read behind the store's back: balances, transfer states, daily
/// counts, subscribers' block and PIN-attempt fields, their e-mail rows, and row counts of the other tables. Two equal
/// snapshots mean nothing moved. Tests compare them around requests that must be refused.
public enum WorldSnapshot {
    /// The snapshot of the SQLite ledger in `directory` (a ``TestLedger``'s files).
    public static func take(ledgerIn directory: URL) async throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let pool = try DatabasePool(path: directory.appending(path: "ledger.sqlite").path, configuration: configuration)
        defer { try? pool.close() }
        return try await pool.read { db in
            var lines = try Row.fetchAll(db, sql: "SELECT code, balance FROM accounts ORDER BY id").map(\.description)
            lines += try Row.fetchAll(db, sql: "SELECT id, state FROM transfers ORDER BY id").map(\.description)
            lines += try Row.fetchAll(db, sql: "SELECT * FROM daily_outgoing ORDER BY account_id, day").map(\.description)
            lines += try Row.fetchAll(db, sql: "SELECT msisdn, blocked, failed_pins, locked_until FROM subscribers ORDER BY msisdn")
                .map(\.description)
            lines += try Row.fetchAll(db, sql: "SELECT * FROM subscriber_emails ORDER BY msisdn").map(\.description)
            for table in ["outbox", "cards", "offnet_outgoing", "offnet_incoming", "mail_outbox"] {
                lines.append("\(table): \(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? -1) rows")
            }
            return lines
        }
    }
}
