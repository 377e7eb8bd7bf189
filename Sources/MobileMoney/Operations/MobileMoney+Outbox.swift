import GRDB
import Ledger

extension MobileMoney {
    /// The id of the newest SMS in the outbox (0 when empty): a mark to ask `sentSMS(to:after:)` from.
    public func lastOutboxID() async throws -> Int64 {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM outbox") ?? 0 }
    }

    /// The bodies of the SMS queued for `msisdn` after the outbox id `mark`, oldest first, delivered or not.
    public func sentSMS(to msisdn: String, after mark: Int64) async throws -> [String] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT body FROM outbox WHERE msisdn = ? AND id > ? ORDER BY id", arguments: [msisdn, mark])
        }
    }
}
